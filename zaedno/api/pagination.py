"""Paging of API lists (``?limit=&offset=``): values out of range are a 400, never a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_LIMIT = 500
# Far beyond any list, and well inside a 64-bit SQL integer (a larger one overflows SQLite).
MAX_OFFSET = 10_000_000


def _whole_number(request, name: str, *, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValidationError(
            {name: [_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return value


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset paging with its bounds checked: a huge, negative or non-numeric value
    is refused with a field-keyed 400 instead of being silently replaced (or overflowing)."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        return _whole_number(
            request, self.limit_query_param, default=self.default_limit, low=1, high=self.max_limit
        )

    def get_offset(self, request):
        return _whole_number(request, self.offset_query_param, default=0, low=0, high=MAX_OFFSET)
