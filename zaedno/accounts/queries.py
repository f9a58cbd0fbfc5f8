"""Reads of professionals: who is away, who is on duty. Not case data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zaedno.accounts.models import Absence


def away_user_ids(user_ids, day: dt.date | None = None) -> set[int]:
    """Which of ``user_ids`` are away on ``day`` (today), in one query."""
    day = day or timezone.localdate()
    ids = {int(u) for u in user_ids if u}
    if not ids:
        return set()
    return set(
        Absence.objects.filter(user_id__in=ids, starts_on__lte=day, ends_on__gte=day).values_list(
            "user_id", flat=True
        )
    )


def current_absence(user, day: dt.date | None = None) -> Absence | None:
    day = day or timezone.localdate()
    return Absence.objects.filter(user=user, ends_on__gte=day).order_by("starts_on").first()
