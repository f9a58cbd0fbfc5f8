"""Small display helpers shared by the case, child and notification pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from zaedno.children.identifiers import mask_identifier

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
    """ЕГН/ЛНЧ with all but the last four digits hidden (see ``mask_identifier``)."""
    return mask_identifier(value)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
