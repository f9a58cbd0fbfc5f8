"""Small display helpers shared by the case, child and notification pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(birth_date: dt.date | None) -> int | str:
    """Age in full years today (Europe/Sofia), or an empty string."""
    if not birth_date:
        return ""
    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@register.filter
def mask_id(value: str | None) -> str:
    """ЕГН/ЛНЧ with all but the last four digits hidden (``******1234``).

    The first six digits of an ЕГН are the birth date; the last four alone do not identify a
    child, but let a professional check they have the right one.
    """
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
