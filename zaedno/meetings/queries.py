"""Reads of meetings and decisions. Everything of one case starts from its ``CaseAccess`` (the
access layer has already answered 404 to outsiders); a meeting or decision of another case is a
404 as well. Lists fetch their relations up front: a fixed number of queries per page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from zaedno.cases.access import CaseAccess
from zaedno.cases.models import CaseStatus, TeamMember
from zaedno.meetings.models import (
    DECISION_OPEN_STATES,
    HELD_STATES,
    Decision,
    DecisionDueChange,
    DecisionNote,
    DecisionStatus,
    Meeting,
    MeetingStatus,
    MinutesAddendum,
    Participant,
)

# Decisions due within this many days count as "due soon" in my work.
DUE_SOON_DAYS = 3


def today(now: dt.datetime | None = None) -> dt.date:
    """Today in the local time zone (Europe/Sofia): due dates are local dates."""
    return timezone.localdate(now or timezone.now())


def is_overdue(decision: Decision, on: dt.date) -> bool:
    return decision.status in DECISION_OPEN_STATES and decision.due_on < on


def overdue_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": DECISION_OPEN_STATES, f"{prefix}due_on__lt": on})


def _decorate(decisions, access: CaseAccess | None, on: dt.date) -> list[Decision]:
    decisions = list(decisions)
    for d in decisions:
        d.overdue = is_overdue(d, on)
        d.visible = access is None or access.sees(d.sensitivity)
    return decisions


# --- meetings -------------------------------------------------------------------------------------


def case_meetings(access: CaseAccess) -> list[Meeting]:
    """The case's meetings, newest first, with the chair and the number of participants."""
    return list(
        Meeting.objects.filter(case=access.case)
        .select_related("chair")
        .annotate(participant_count=Count("participants", distinct=True))
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-starts_at", "-id")
    )


def held_meetings(case) -> QuerySet[Meeting]:
    """The meetings of the case that took place, newest first (where plans and formulations are
    agreed; whose minutes print)."""
    return Meeting.objects.filter(case=case, status__in=HELD_STATES).order_by("-starts_at")


def linkable_meetings(case) -> QuerySet[Meeting]:
    """The meetings of the case a record may refer to: all but the cancelled, newest first."""
    return Meeting.objects.filter(case=case).exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


def case_meeting(access: CaseAccess, meeting_id) -> Meeting:
    """One meeting of the case with its participants; 404 when it is not this case's."""
    try:
        meeting = (
            Meeting.objects.select_related("case", "chair", "created_by")
            .prefetch_related(
                Prefetch(
                    "participants",
                    queryset=Participant.objects.select_related(
                        "user", "organisation", "confirmed_by"
                    ).order_by("id"),
                )
            )
            .get(pk=int(meeting_id), case=access.case)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    meeting.case = access.case
    meeting.minutes_visible = access.sees(meeting.sensitivity)
    return meeting


def meeting_decisions(access: CaseAccess, meeting: Meeting, now=None) -> list[Decision]:
    """Decisions recorded at this meeting, in their order."""
    qs = (
        Decision.objects.filter(meeting=meeting)
        .select_related("responsible_user", "responsible_organisation", "superseded_by")
        .order_by("number")
    )
    return _decorate(qs, access, today(now))


def meeting_addenda(meeting: Meeting) -> list[MinutesAddendum]:
    return list(meeting.addenda.select_related("author"))


def review_decisions(access: CaseAccess, meeting: Meeting, now=None) -> list[Decision]:
    """The review that opens a meeting: decisions of earlier meetings still open, and those already
    reviewed at this one (with the notes recorded here)."""
    qs = (
        Decision.objects.filter(case=access.case, meeting__starts_at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
        .filter(Q(status__in=DECISION_OPEN_STATES) | Q(notes__meeting=meeting))
        .distinct()
        .select_related("meeting", "responsible_user", "responsible_organisation")
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=DecisionNote.objects.filter(meeting=meeting).select_related("author"),
                to_attr="notes_here",
            )
        )
        .order_by("due_on", "id")
    )
    return _decorate(qs, access, today(now))


def case_summary(access: CaseAccess, now=None) -> dict:
    """For the case page, in one query: decisions open, overdue and in all, and the next meeting
    (``None`` or a dict with pk, kind, kind_label, starts_at, place)."""
    from django.db.models import OuterRef, Subquery

    from zaedno.cases.models import Case
    from zaedno.meetings.models import MeetingKind

    now = now or timezone.now()
    on = today(now)
    upcoming = Meeting.objects.filter(
        case=OuterRef("pk"), status=MeetingStatus.SCHEDULED, ends_at__gte=now
    ).order_by("starts_at", "id")
    fields = ("pk", "kind", "starts_at", "place")
    row = (
        Case.objects.filter(pk=access.case.pk)
        .annotate(
            d_open=Count("decisions", filter=Q(decisions__status__in=DECISION_OPEN_STATES)),
            d_overdue=Count(
                "decisions", filter=Q(decisions__status__in=DECISION_OPEN_STATES, decisions__due_on__lt=on)
            ),
            d_total=Count("decisions"),
            **{f"m_{f}": Subquery(upcoming.values(f)[:1]) for f in fields},
        )
        .values("d_open", "d_overdue", "d_total", *[f"m_{f}" for f in fields])
        .get()
    )
    meeting = None
    if row["m_pk"]:
        meeting = {f: row[f"m_{f}"] for f in fields}
        meeting["kind_label"] = MeetingKind(meeting["kind"]).label
    return {
        "open": row["d_open"],
        "overdue": row["d_overdue"],
        "total": row["d_total"],
        "next_meeting": meeting,
    }


def next_meeting(access: CaseAccess, now=None) -> Meeting | None:
    now = now or timezone.now()
    return (
        Meeting.objects.filter(case=access.case, status=MeetingStatus.SCHEDULED, ends_at__gte=now)
        .select_related("chair")
        .order_by("starts_at")
        .first()
    )


# --- decisions ------------------------------------------------------------------------------------

OVERDUE = "overdue"
DECISION_FILTERS = [*DecisionStatus.values, OVERDUE]


def case_decisions(access: CaseAccess, *, status: str = "", now=None) -> list[Decision]:
    """All decisions of the case (filtered by status, or ``overdue``), by due date."""
    on = today(now)
    qs = Decision.objects.filter(case=access.case)
    if status == OVERDUE:
        qs = qs.filter(overdue_q(on))
    elif status:
        qs = qs.filter(status=status)
    qs = qs.select_related(
        "meeting", "responsible_user", "responsible_organisation", "superseded_by", "superseded_by__meeting"
    ).order_by("due_on", "id")
    return _decorate(qs, access, on)


def case_decision(access: CaseAccess, decision_id, now=None) -> Decision:
    """One decision of the case with its progress notes; 404 when it is not this case's."""
    try:
        decision = (
            Decision.objects.select_related(
                "meeting",
                "responsible_user",
                "responsible_organisation",
                "superseded_by",
                "superseded_by__meeting",
                "created_by",
            )  # fmt: skip
            .prefetch_related(
                Prefetch("notes", queryset=DecisionNote.objects.select_related("author", "meeting")),
                Prefetch("supersedes", queryset=Decision.objects.select_related("meeting")),
                Prefetch("due_changes", queryset=DecisionDueChange.objects.select_related("changed_by")),
            )
            .get(pk=int(decision_id), case=access.case)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    decision.case = access.case
    return _decorate([decision], access, today(now))[0]


def decision_counts(access: CaseAccess, now=None) -> dict:
    """Open and overdue decisions of the case, in one query."""
    on = today(now)
    return Decision.objects.filter(case=access.case).aggregate(
        open=Count("id", filter=Q(status__in=DECISION_OPEN_STATES)),
        overdue=Count("id", filter=overdue_q(on)),
        total=Count("id"),
    )


# --- my work --------------------------------------------------------------------------------------


@dataclass
class MyDecisions:
    overdue: list[Decision] = field(default_factory=list)
    due_soon: list[Decision] = field(default_factory=list)
    upcoming: list[Decision] = field(default_factory=list)
    others_overdue: list[Decision] = field(default_factory=list)
    truncated: bool = False

    @property
    def own(self) -> list[Decision]:
        return [*self.overdue, *self.due_soon, *self.upcoming]

    def __bool__(self) -> bool:
        return bool(self.own or self.others_overdue)


def _work_qs(on: dt.date) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(status__in=DECISION_OPEN_STATES)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "case__child", "meeting", "responsible_user", "responsible_organisation")
        .order_by("due_on", "case_id", "id")
    )


def my_decisions(user, now=None, *, limit: int = 200) -> MyDecisions:
    """Open decisions I am responsible for (overdue, due soon, upcoming) and, on the cases I lead,
    overdue decisions others owe — two queries whatever the numbers.

    Only on cases where the user is still in the team.
    """
    on = today(now)
    # Still in the team (or leading the case): a professional who left no longer owes it here.
    in_team = TeamMember.objects.filter(user=user, left_at__isnull=True).values("case_id")
    own = list(
        _work_qs(on).filter(Q(case__lead=user) | Q(case__in=in_team), responsible_user=user)[: limit + 1]
    )
    others = list(
        _work_qs(on).filter(case__lead=user, due_on__lt=on).exclude(responsible_user=user)[: limit + 1]
    )
    out = MyDecisions(truncated=len(own) > limit or len(others) > limit)
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    for d in _decorate(own[:limit], None, on):
        if d.overdue:
            out.overdue.append(d)
        elif d.due_on <= soon:
            out.due_soon.append(d)
        else:
            out.upcoming.append(d)
    out.others_overdue = _decorate(others[:limit], None, on)
    return out


# --- compliance -----------------------------------------------------------------------------------

COMPLIANCE_STATES = ["on_track", "overdue", "done_on_time", "done_late", "not_done", "superseded"]


def decision_owner_organisation():
    """The organisation that owes a decision, as an expression: the organisation named as
    responsible, or else the one the responsible professional is in the case's team for (their
    latest membership of that team; a professional is always chosen from the team).

    So a ЦОП's compliance counts its psychologist's decisions too, and the psychologist's manager
    sees them (issue 12, item 7). A decision owed by a parent, the child or someone else has none.
    """
    team_org = (
        TeamMember.objects.filter(case_id=OuterRef("case_id"), user_id=OuterRef("responsible_user_id"))
        .order_by("-joined_at", "-id")
        .values("organisation_id")[:1]
    )
    return Coalesce(F("responsible_organisation_id"), Subquery(team_org), output_field=IntegerField())


def decision_compliance(qs: QuerySet[Decision], group_by: str, now=None) -> dict:
    """Counts of decisions by state, grouped by ``group_by`` (an organisation id path): no child data."""
    on = today(now)
    done = Q(status=DecisionStatus.DONE)
    rows = (
        qs.order_by()
        .values(group_by)
        .annotate(
            on_track=Count("id", filter=Q(status__in=DECISION_OPEN_STATES, due_on__gte=on)),
            overdue=Count("id", filter=overdue_q(on)),
            done_on_time=Count("id", filter=done & Q(completed_at__date__lte=F("due_on"))),
            done_late=Count("id", filter=done & Q(completed_at__date__gt=F("due_on"))),
            not_done=Count("id", filter=Q(status=DecisionStatus.NOT_DONE)),
            superseded=Count("id", filter=Q(status=DecisionStatus.SUPERSEDED)),
        )
    )
    return {row[group_by]: [row[s] for s in COMPLIANCE_STATES] for row in rows if row[group_by] is not None}
