"""``{% lead_authority_names case as who %}``: the people who may do what only the case lead may,
for the sentence shown instead of a missing button (see ``zaedno.cases.authority``)."""

from __future__ import annotations

from django import template

from zaedno.cases.authority import lead_authority_names as _names

register = template.Library()


@register.simple_tag
def lead_authority_names(case) -> str:
    return _names(case)
