"""Answers the main navigation needs on every page (which links to show), kept in the session.

Every page draws the navigation, so what decides a link (does the user's organisation receive
referrals? signals?) is worked out at login and kept in the session rather than asked of the
database on each page — the pages' query budgets stay as they are. It is worked out again after
``RECHECK_SECONDS``, so a change (a new service, a new membership) shows soon.
"""

from __future__ import annotations

import time
from collections.abc import Callable

RECHECK_SECONDS = 15 * 60


def remember(session, key: str, user, compute: Callable):
    """Compute the answer for ``user`` and keep it in the session under ``key``."""
    value = compute(user)
    if session is not None:
        session[key] = [user.pk, time.time(), value]
    return value


def remembered(context, key: str, compute: Callable, *, default):
    """The answer kept in the session for the signed-in user (computed again when stale)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return default
    request = context.get("request")
    session = getattr(request, "session", None)
    cached = session.get(key) if session is not None else None
    fresh = isinstance(cached, list) and len(cached) == 3 and time.time() - cached[1] < RECHECK_SECONDS
    if fresh and cached[0] == user.pk:
        return cached[2]
    return remember(session, key, user, compute)
