"""Reads of plans, reviews, outcome measures and follow-up check-ins, with access checks.

Everything starts from a ``CaseAccess`` (``zaedno.cases.access.case_for_user``): objects are
fetched by filtering on ``access.case``, so another case's plan is a 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404

from zaedno.cases.access import CaseAccess
from zaedno.cases.models import TeamMember
from zaedno.meetings.models import Meeting
from zaedno.meetings.queries import held_meetings, linkable_meetings
from zaedno.plans.models import (
    ACTION_OPEN_STATES,
    Action,
    CheckInStatus,
    FollowUpCheckIn,
    Goal,
    GoalProgress,
    Measure,
    OutcomeMeasurement,
    Plan,
    PlanConfirmation,
    PlanKind,
    PlanReview,
    PlanStatus,
    Who,
)
from zaedno.plans.services import PLAN_SENSITIVITY, active_members, confirmation_state


def can_read(access: CaseAccess) -> bool:
    return access.sees(PLAN_SENSITIVITY)


def _require_read(access: CaseAccess) -> None:
    if not can_read(access):
        # The plan exists for the team but not at this sharing level: the page says so; the
        # objects themselves are not shown.
        raise Http404


def case_plans(access: CaseAccess) -> list[Plan]:
    """Every version of every plan of the case, each kind newest first."""
    if not can_read(access):
        return []
    return list(
        Plan.objects.filter(case=access.case)
        .select_related("agreed_by", "agreed_meeting", "created_by")
        .order_by("kind", "-number")
    )


def plan_for(access: CaseAccess, plan_id) -> Plan:
    """One version of a plan of the case, or 404."""
    _require_read(access)
    try:
        return Plan.objects.select_related("agreed_by", "agreed_meeting", "created_by").get(
            pk=int(plan_id), case=access.case
        )
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def current_of(plans: list[Plan], kind: str | None = None) -> Plan | None:
    """The version to show first: the agreed one, else the draft, else the latest superseded."""
    kinds = [kind] if kind else [k for k in PlanKind.values if any(p.kind == k for p in plans)]
    for k in kinds:
        versions = [p for p in plans if p.kind == k]
        for status in (PlanStatus.AGREED, PlanStatus.DRAFT, PlanStatus.SUPERSEDED):
            found = next((p for p in versions if p.status == status), None)
            if found is not None:
                return found
    return None


def action_for(access: CaseAccess, plan: Plan, action_id) -> Action:
    try:
        return Action.objects.select_related("plan", "who_user", "who_organisation").get(
            pk=int(action_id), plan=plan, plan__case=access.case
        )
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def checkin_for(access: CaseAccess, checkin_id) -> FollowUpCheckIn:
    _require_read(access)
    try:
        return FollowUpCheckIn.objects.select_related("responsible").get(pk=int(checkin_id), case=access.case)
    except (FollowUpCheckIn.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agreeing_meetings(access: CaseAccess) -> list[Meeting]:
    """Meetings of the case at which a plan can be agreed: held, or with locked minutes."""
    return list(held_meetings(access.case))


def case_meetings(access: CaseAccess) -> list[Meeting]:
    return list(linkable_meetings(access.case))


@dataclass
class PlanDetail:
    """Everything the plan page shows about one version, loaded in a fixed number of queries."""

    plan: Plan
    goals: list[Goal]
    actions: list[Action]
    unlinked_actions: list[Action]
    confirmations: dict
    reviews: list[PlanReview]


def plan_detail(access: CaseAccess, plan: Plan) -> PlanDetail:
    _require_read(access)
    goals = list(Goal.objects.filter(plan=plan).prefetch_related("waymarks"))
    actions = list(Action.objects.filter(plan=plan).select_related("who_user", "who_organisation"))
    by_goal: dict[int, list[Action]] = {}
    for a in actions:
        by_goal.setdefault(a.goal_id, []).append(a)
    for g in goals:
        g.action_list = by_goal.get(g.pk, [])
    confirmations = list(PlanConfirmation.objects.filter(plan=plan).select_related("user", "organisation"))
    members = active_members(access.case) if plan.status != PlanStatus.DRAFT else []
    reviews = list(
        PlanReview.objects.filter(plan=plan)
        .select_related("meeting", "created_by")
        .prefetch_related(
            Prefetch("progress", queryset=GoalProgress.objects.select_related("goal")),
            "measurements",
        )
        .order_by("-held_on", "-id")
    )
    return PlanDetail(
        plan=plan,
        goals=goals,
        actions=actions,
        unlinked_actions=by_goal.get(None, []),
        confirmations=confirmation_state(plan, members, confirmations),
        reviews=reviews,
    )


def outcome_measurements(access: CaseAccess) -> list[OutcomeMeasurement]:
    _require_read(access)
    return list(
        OutcomeMeasurement.objects.filter(case=access.case)
        .select_related("recorded_by")
        .order_by("measured_on", "id")
    )


def outcome_series(access: CaseAccess) -> dict[str, list[dict]]:
    """Each measure's points over time ``{measure: [{date, value, source, from_map}]}``.

    The safety scale also holds the Signs-of-Safety maps' mean ratings (from the tools app),
    marked ``from_map`` so the chart and the table tell them apart.
    """
    from zaedno.tools.queries import safety_scale_series

    out: dict[str, list[dict]] = {m: [] for m in Measure.values}
    for m in outcome_measurements(access):
        out[m.measure].append(
            {
                "date": m.measured_on,
                "value": float(m.value),
                "source": m.source,
                "from_map": False,
                "ratings": {},
            }
        )
    for day, mean, ratings in safety_scale_series(access) or []:
        out[Measure.SAFETY_SCALE].append(
            {
                "date": day,
                "value": float(mean),
                "source": "",
                "from_map": True,
                "ratings": dict(ratings or {}),
            }
        )
    for points in out.values():
        points.sort(key=lambda p: (p["date"], p["from_map"]))
    return out


def case_followups(access: CaseAccess) -> list[FollowUpCheckIn]:
    if not can_read(access):
        return []
    return list(
        FollowUpCheckIn.objects.filter(case=access.case)
        .exclude(status=CheckInStatus.CANCELLED)
        .select_related("responsible", "completed_by")
        .order_by("due_on", "id")
    )


# --- my work --------------------------------------------------------------------------------------


def _in_team(user, case_path: str) -> Exists:
    """The user is still an active member of the case's team (checked in the same query).

    An action or a check-in is given only to a team member; one who has left the team no longer
    sees the case, nor its work.
    """
    return Exists(TeamMember.objects.filter(case=OuterRef(case_path), user=user, left_at__isnull=True))


def my_plan_actions(user, today: dt.date, *, horizon_days: int = 14, limit: int = 200) -> list[Action]:
    """Open actions of agreed plans that the user does, due within ``horizon_days`` or overdue."""
    return list(
        Action.objects.filter(
            who_user=user,
            status__in=ACTION_OPEN_STATES,
            due_on__lte=today + dt.timedelta(days=horizon_days),
            plan__status=PlanStatus.AGREED,
        )
        .filter(_in_team(user, "plan__case"))
        .select_related("plan__case__child")
        .order_by("due_on", "id")[:limit]
    )


def my_checkins(user, today: dt.date, *, horizon_days: int = 14, limit: int = 200) -> list[FollowUpCheckIn]:
    """The user's scheduled follow-up check-ins, due within ``horizon_days`` or overdue."""
    return list(
        FollowUpCheckIn.objects.filter(
            responsible=user,
            status=CheckInStatus.SCHEDULED,
            due_on__lte=today + dt.timedelta(days=horizon_days),
        )
        .filter(_in_team(user, "case"))
        .select_related("case__child")
        .order_by("due_on", "id")[:limit]
    )


def family_actions(access: CaseAccess) -> list[Action]:
    """The family's own open actions (a parent's, the child's) in the agreed plans of the case,
    for the information sheet given to the family. Nothing when the reader may not read plans."""
    if not can_read(access):
        return []
    return list(
        Action.objects.filter(
            plan__case=access.case,
            plan__status=PlanStatus.AGREED,
            who_kind__in=[Who.PARENT, Who.CHILD],
            status__in=ACTION_OPEN_STATES,
        ).order_by(F("due_on").asc(nulls_last=True), "position", "id")
    )
