"""What the family information sheet says, read from the case through the access layer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zaedno.cases.access import CaseAccess

NEXT_MEETINGS = 3


def family_sheet(access: CaseAccess, now: dt.datetime | None = None, *, choice=None) -> dict:
    """The plain-language sheet for the family (информация за семейството).

    It holds only what the family may have on paper: the contact person, the next meetings, whom
    to call and their rights — and, of the team, the decisions and the plan, only what the case
    lead chose for the sheet (``zaedno.plans.family_sheet``): nothing is copied by itself. Never
    the signal, notes, assessment or anything from a sensitive section. ``choice`` is a selection
    to preview before it is saved.
    """
    from zaedno.meetings.models import Meeting, MeetingStatus
    from zaedno.plans.family_sheet import family_sheet_choice

    now = now or timezone.now()
    case = access.case
    choice = choice if choice is not None else family_sheet_choice(access)
    meetings = list(
        Meeting.objects.filter(case=case, status=MeetingStatus.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at")
        .prefetch_related("participants")[:NEXT_MEETINGS]
    )
    for meeting in meetings:
        meeting.family_invited = any(
            p.role in ("parent", "child", "relative") for p in meeting.participants.all()
        )
    return {
        "case": case,
        "child_first_name": case.child.first_name,
        "lead": case.lead,
        "lead_organisation": case.lead_organisation,
        "team": choice.picked("members"),
        "meetings": meetings,
        "family_tasks": choice.picked("decisions"),
        "plan_actions": choice.picked("actions"),
        "choice": choice,
        "now": now,
    }
