"""Panels this app shows on shared pages (see zaedno/core/panels.py): the child's moves and
current places on the case page, and the lead's cases with repeated moves in "my work"."""

from __future__ import annotations

from django.utils import timezone

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.cases.queries import audit_case_list
from zaedno.episodes import queries
from zaedno.episodes.models import Episode


def case_panel(access, now):
    """Moves in the last 12 months (flagged when repeated) and where the child is now — two
    queries; None when the child has no history at all."""
    today = timezone.localdate(now)
    moves = queries.recent_moves(access.case, today)
    current = list(
        Episode.objects.filter(child_id=access.case.child_id, ended_on__isnull=True)
        .select_related("service", "organisation")
        .order_by("-started_on", "-id")
    )
    if not moves and not current:
        return None
    return {
        "template": "episodes/_case_panel.html",
        "case": access.case,
        "moves": moves,
        "repeated": len(moves) >= queries.REPEATED_MOVES,
        "current": current,
    }


def work_panel(user, now):
    """The cases I lead whose child moved repeatedly in the last 12 months (one query, plus the
    audit of the cases shown); None when there is none."""
    cases = queries.led_cases_with_repeated_moves(user, timezone.localdate(now))
    if not cases:
        return None
    audit_case_list(AuditContext(actor=user, channel=Channel.WEB), cases, action="work.moves")
    return {"template": "episodes/_work_panel.html", "cases": cases, "threshold": queries.REPEATED_MOVES}
