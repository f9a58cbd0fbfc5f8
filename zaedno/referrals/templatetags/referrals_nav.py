"""The "Incoming referrals" link of the main navigation, for professionals whose organisation has
services on the map — decided at login and kept in the session (see ``zaedno.core.navigation``)."""

from __future__ import annotations

from django import template

from zaedno.core.navigation import remember, remembered
from zaedno.referrals.queries import receives_referrals

register = template.Library()

SESSION_KEY = "referrals.receives"


def remember_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``ReferralsConfig.ready``)."""
    remember(getattr(request, "session", None), SESSION_KEY, user, receives_referrals)


@register.simple_tag(takes_context=True)
def shows_incoming_referrals(context) -> bool:
    return bool(remembered(context, SESSION_KEY, receives_referrals, default=False))
