"""What the family information sheet says, read from the case through the access layer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Sensitivity
from zaedno.cases.queries import case_team

NEXT_MEETINGS = 3


def family_sheet(access: CaseAccess, now: dt.datetime | None = None) -> dict:
    """The plain-language sheet for the family (информация за семейството).

    It holds only what the family may have on paper: who is in the team and how to reach them,
    the next meetings, what the family itself agreed to do, whom to call, and their rights. Never
    the signal, notes, assessment or anything from a sensitive section.
    """
    from zaedno.meetings.models import DECISION_OPEN_STATES, Decision, Meeting, MeetingStatus, ResponsibleKind

    now = now or timezone.now()
    case = access.case
    team = [m for m in case_team(access, include_former=False) if m.user_id != case.lead_id]
    meetings = list(
        Meeting.objects.filter(case=case, status=MeetingStatus.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at")
        .prefetch_related("participants")[:NEXT_MEETINGS]
    )
    for meeting in meetings:
        meeting.family_invited = any(
            p.role in ("parent", "child", "relative") for p in meeting.participants.all()
        )
    family_tasks = list(
        Decision.objects.filter(
            case=case,
            status__in=DECISION_OPEN_STATES,
            responsible_kind__in=[ResponsibleKind.PARENT, ResponsibleKind.CHILD],
            # Never a sensitive decision, and only what the professional printing the sheet may see.
            sensitivity__lte=min(access.level, Sensitivity.STANDARD),
        ).order_by("due_on", "id")
    )
    return {
        "case": case,
        "child_first_name": case.child.first_name,
        "lead": case.lead,
        "lead_organisation": case.lead_organisation,
        "team": team,
        "meetings": meetings,
        "family_tasks": family_tasks,
        "plan_actions": _plan_actions(access),
        "now": now,
    }


def _plan_actions(access: CaseAccess) -> list:
    """The family's own actions in the agreed plan, when the plans app offers them."""
    try:
        from zaedno.plans.queries import family_actions
    except ImportError:
        return []
    return list(family_actions(access))
