"""Panels this app shows on shared pages (see zaedno/core/panels.py): the requests to join
the teams of my cases that wait for my answer, in "my work"."""

from __future__ import annotations

from zaedno.join_requests import queries
from zaedno.join_requests.models import JoinRequestStatus

WORK_LIMIT = 10


def work_panel(user, now):
    """Pending requests on cases I lead or whose lead organisation I manage (two queries)."""
    pending = queries.received_requests(user).filter(status=JoinRequestStatus.PENDING)
    items = list(pending.order_by("created_at")[:WORK_LIMIT])
    if not items:
        return None
    count = len(items) if len(items) < WORK_LIMIT else pending.count()
    return {"template": "join_requests/_work_panel.html", "items": items, "count": count}
