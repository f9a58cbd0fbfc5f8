"""Small filters of the signal pages: how long is left on a term, in plain words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def neg(value) -> int:
    return -int(value or 0)


@register.filter
def duration(minutes) -> str:
    """``95`` → "1 h 35 min", ``3000`` → "2 days 2 h": precise when it is short, rough when long."""
    minutes = max(0, int(minutes or 0))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        return _("%(days)s %(h)d h") % {"days": text, "h": hours} if hours and days < 3 else text
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins} if mins else _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": mins}


@register.filter
def in_language(value) -> str:
    """A definition's ``{bg, en}`` text in the reader's language (the protocol's title)."""
    from zaedno.protocols.engine import text

    return text(value) if isinstance(value, dict) else str(value or "")
