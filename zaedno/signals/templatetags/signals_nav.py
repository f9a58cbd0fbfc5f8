"""The signal links of the main navigation: "Incoming signals" for the staff of a Child
Protection Department, "Open a case" for professionals whose organisation may lead a case —
decided at login and kept in the session (see ``zaedno.core.navigation``)."""

from __future__ import annotations

from django import template

from zaedno.core.navigation import remember, remembered

register = template.Library()

SESSION_KEY = "signals.nav"
NOTHING = {"incoming": False, "opens_cases": False}


def _links(user) -> dict:
    from zaedno.signals.access import intake_department_ids
    from zaedno.signals.services import may_lead_some_case

    return {"incoming": bool(intake_department_ids(user)), "opens_cases": may_lead_some_case(user)}


def remember_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``SignalsConfig.ready``)."""
    remember(getattr(request, "session", None), SESSION_KEY, user, _links)


@register.simple_tag(takes_context=True)
def signal_links(context) -> dict:
    """``{"incoming": bool, "opens_cases": bool}`` for the signed-in user."""
    value = remembered(context, SESSION_KEY, _links, default=NOTHING)
    return value if isinstance(value, dict) else NOTHING
