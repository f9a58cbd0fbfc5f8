"""The "Incoming referrals" link of the main navigation, for professionals whose organisation has
services on the map.

Every page shows the navigation, so the answer is worked out at login and kept in the session
rather than asked of the database on each page (the pages' query budgets stay as they are). It
is checked again after ``RECHECK_SECONDS``, so a new service shows its organisation's link soon.
"""

from __future__ import annotations

import time

from django import template

from zaedno.referrals.queries import receives_referrals

register = template.Library()

SESSION_KEY = "referrals.receives"
RECHECK_SECONDS = 15 * 60


def _remember(session, user) -> bool:
    value = receives_referrals(user)
    if session is not None:
        session[SESSION_KEY] = [user.pk, time.time(), value]
    return value


def remember_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``ReferralsConfig.ready``)."""
    _remember(getattr(request, "session", None), user)


@register.simple_tag(takes_context=True)
def shows_incoming_referrals(context) -> bool:
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    request = context.get("request")
    session = getattr(request, "session", None)
    cached = session.get(SESSION_KEY) if session is not None else None
    fresh = isinstance(cached, list) and len(cached) == 3 and time.time() - cached[1] < RECHECK_SECONDS
    if fresh and cached[0] == user.pk:
        return bool(cached[2])
    return _remember(session, user)
