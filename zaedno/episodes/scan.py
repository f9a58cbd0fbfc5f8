"""The daily part of the deadline scan for the history: moves leave the 12-month window with time.

When a move falls out of the last 12 months, the difficult-case criterion "moves between
services" may no longer be met, but nothing happens on the case to recompute its profile. The
scan recomputes the profiles of the child's open cases once on the day a move leaves the window
(and catches up for a week, should the worker have been down).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from zaedno.audit.services import AuditContext
from zaedno.cases.models import Case, CaseStatus
from zaedno.episodes.models import Move
from zaedno.episodes.queries import window_start

CATCH_UP_DAYS = 7


def moves_window_scan(now: dt.datetime) -> str:
    """Recompute the profiles of open cases whose child had a move leave the window lately and
    whose profile was not computed since the start of today."""
    from zaedno.profiles.services import profile_refresh

    today = timezone.localdate(now)
    edge = window_start(today)
    children = Move.objects.filter(
        moved_on__gt=edge - dt.timedelta(days=CATCH_UP_DAYS), moved_on__lte=edge
    ).values("child_id")
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    cases = (
        Case.objects.filter(child_id__in=children)
        .exclude(status=CaseStatus.CLOSED)
        .filter(Q(difficult_profile__isnull=True) | Q(difficult_profile__refreshed_at__lt=midnight))
        .order_by("pk")
    )
    ctx = AuditContext.system()
    n = 0
    for case in cases:
        profile_refresh(ctx=ctx, case=case, trigger="move_window")
        n += 1
    return f"{n} profiles recomputed after moves left the 12-month window"
