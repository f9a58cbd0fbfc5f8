"""The signal links of the main navigation: "Incoming signals" for the staff of a department that
receives signals, "Open a case" for professionals whose organisation may lead a case.

Like the "Incoming referrals" link, the answer is worked out at login and kept in the session
(checked again after ``RECHECK_SECONDS``), so the pages' query budgets stay as they are.
"""

from __future__ import annotations

import time

from django import template

register = template.Library()

SESSION_KEY = "signals.nav"
RECHECK_SECONDS = 15 * 60


def _compute(user) -> dict:
    from zaedno.organisations.models import Organisation, OrganisationKind
    from zaedno.signals.access import department_ids
    from zaedno.signals.services import may_lead_some_case

    ids = department_ids(user)
    receives = Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.OZD).exists() if ids else False
    return {"incoming": receives, "opens_cases": may_lead_some_case(user)}


def _remember(session, user) -> dict:
    value = _compute(user)
    if session is not None:
        session[SESSION_KEY] = [user.pk, time.time(), value]
    return value


def remember_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``SignalsConfig.ready``)."""
    _remember(getattr(request, "session", None), user)


@register.simple_tag(takes_context=True)
def signal_links(context) -> dict:
    """``{"incoming": bool, "opens_cases": bool}`` for the signed-in user."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return {"incoming": False, "opens_cases": False}
    request = context.get("request")
    session = getattr(request, "session", None)
    cached = session.get(SESSION_KEY) if session is not None else None
    fresh = isinstance(cached, list) and len(cached) == 3 and time.time() - cached[1] < RECHECK_SECONDS
    if fresh and cached[0] == user.pk and isinstance(cached[2], dict):
        return cached[2]
    return _remember(session, user)
