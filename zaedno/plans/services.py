"""Writes of plans: drafts and versions, agreement at a meeting, team confirmation, action
status, reviews with outcome measures, and long-term follow-up check-ins.

Every function checks the caller's rights through the access layer, writes the timeline and the
audit event in the same transaction, and records the protocol artefact its record completes
(``plan_agreed[<kind>]``, ``review_held[plan]``, ``review_held[follow_up]``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Sensitivity, TeamMember, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.concurrency import save_versioned
from zaedno.core.errors import ConflictError, FieldChange
from zaedno.core.errors import require as _require
from zaedno.meetings.models import Meeting
from zaedno.notifications.services import notification_send
from zaedno.organisations.models import Organisation
from zaedno.plans.models import (
    DEVELOPMENT_DOMAINS,
    MEASURE_SCALES,
    Action,
    ActionStatus,
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
    Progress,
    Waymark,
    Who,
)
from zaedno.protocols import engine as protocol_engine

MSG_DRAFT = gettext_noop("Plan %(version)s started as a draft")
MSG_AGREED = gettext_noop("Plan %(version)s agreed at the meeting of %(date)s")
MSG_CONFIRMED = gettext_noop("%(name)s confirmed plan %(version)s")
MSG_ACTION = gettext_noop("Plan action “%(text)s”: %(status)s")
MSG_REVIEW = gettext_noop("Plan %(version)s reviewed on %(date)s")
MSG_FOLLOWUP_SCHEDULED = gettext_noop("Follow-up check-ins scheduled: %(count)s, the first on %(date)s")
MSG_FOLLOWUP_DONE = gettext_noop("Follow-up check-in of %(date)s done")

# Plans are case work: the standard sharing level (see zaedno.cases.models.Sensitivity).
PLAN_SENSITIVITY = Sensitivity.STANDARD


def _require_reader(access: CaseAccess) -> None:
    _require(access.sees(PLAN_SENSITIVITY), _("Your sharing level does not cover the plan."))


def _require_writer(access: CaseAccess) -> None:
    _require(access.can_write, _("Emergency access is read-only."))
    _require_reader(access)


def _require_lead(access: CaseAccess) -> None:
    _require(
        access.can_manage_team,
        _("Only the case lead or a manager of the lead organisation can do this with the plan."),
    )


def _own(access: CaseAccess, obj) -> None:
    if obj.case_id != access.case.pk:
        raise ValidationError(_("This record belongs to another case."))


def _locked_plan(plan: Plan) -> Plan:
    """The plan row, locked for the rest of the transaction (status changes are serialised)."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _check_version(plan: Plan, expected_version: int | None, wanted_status: str) -> None:
    if expected_version is not None and plan.version != expected_version:
        raise ConflictError(
            record="plan",
            current_version=plan.version,
            changes=[FieldChange("status", _("status"), wanted_status, plan.status)],
        )


def _timeline(access: CaseAccess, ctx: AuditContext, message: str, params: dict, at=None) -> None:
    timeline_add(
        case=access.case, kind=TimelineKind.PLAN, actor=ctx.actor, at=at or timezone.now(),
        message=message, params=params, sensitivity=PLAN_SENSITIVITY,
    )  # fmt: skip


def active_members(case) -> list[TeamMember]:
    return list(
        TeamMember.objects.filter(case=case, left_at__isnull=True).select_related("user", "organisation")
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of a shorter month)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the content of a draft ----------------------------------------------------------------------


@dataclass
class WaymarkData:
    text: str
    target_on: dt.date | None = None
    achieved_on: dt.date | None = None


@dataclass
class GoalData:
    """A goal as submitted; ``key`` lets actions point at a goal that has no id yet."""

    domain: str
    text: str
    waymarks: list[WaymarkData] = field(default_factory=list)
    key: str = ""


@dataclass
class ActionData:
    text: str
    who_kind: str
    who_user: object | None = None
    who_organisation: Organisation | None = None
    who_name: str = ""
    due_on: dt.date | None = None
    goal_key: str = ""
    status: str = ActionStatus.PLANNED
    status_reason: str = ""


@dataclass
class DraftContent:
    purpose: str = ""
    child_words: str = ""
    parents_words: str = ""
    next_review_on: dt.date | None = None
    goals: list[GoalData] = field(default_factory=list)
    actions: list[ActionData] = field(default_factory=list)


def _validate_content(access: CaseAccess, content: DraftContent) -> None:
    errors: dict[str, list[str]] = {}
    member_ids = {m.user_id for m in active_members(access.case)}
    keys = set()
    for i, goal in enumerate(content.goals, start=1):
        if goal.domain not in DEVELOPMENT_DOMAINS:
            errors.setdefault("goals", []).append(
                _("Goal %(n)s: choose a domain of the child's development.") % {"n": i}
            )
        if not goal.text.strip():
            errors.setdefault("goals", []).append(_("Goal %(n)s: write the goal.") % {"n": i})
        for w in goal.waymarks:
            if not w.text.strip():
                errors.setdefault("goals", []).append(_("Goal %(n)s: a waymark has no text.") % {"n": i})
        if goal.key:
            keys.add(goal.key)
    for i, action in enumerate(content.actions, start=1):
        problems = []
        if not action.text.strip():
            problems.append(_("say what is done"))
        if action.who_kind not in Who.values:
            problems.append(_("say who does it"))
        elif action.who_kind == Who.PROFESSIONAL:
            if action.who_user is None:
                problems.append(_("choose the professional"))
            elif action.who_user.pk not in member_ids:
                problems.append(_("the professional must be in the team around the child"))
        elif action.who_kind == Who.ORGANISATION and action.who_organisation is None:
            problems.append(_("choose the organisation"))
        elif action.who_kind == Who.COMMUNITY and not action.who_name.strip():
            problems.append(_("name the community resource"))
        if action.status not in ActionStatus.values:
            problems.append(_("unknown status"))
        elif action.status == ActionStatus.NOT_DONE and not action.status_reason.strip():
            problems.append(_("say why it was not done"))
        if action.goal_key and action.goal_key not in keys:
            problems.append(_("the goal it serves is not in the plan"))
        if problems:
            errors.setdefault("actions", []).append(
                _("Action %(n)s: %(problems)s.") % {"n": i, "problems": "; ".join(problems)}
            )
    if errors:
        raise ValidationError(errors)


def _write_content(plan: Plan, content: DraftContent) -> None:
    """Replace the goals, waymarks and actions of a draft with ``content``."""
    Action.objects.filter(plan=plan).delete()
    Goal.objects.filter(plan=plan).delete()
    by_key: dict[str, Goal] = {}
    for position, g in enumerate(content.goals):
        goal = Goal.objects.create(plan=plan, position=position, domain=g.domain, text=g.text.strip())
        if g.key:
            by_key[g.key] = goal
        Waymark.objects.bulk_create(
            Waymark(
                goal=goal, position=i, text=w.text.strip(), target_on=w.target_on, achieved_on=w.achieved_on
            )
            for i, w in enumerate(g.waymarks)
        )
    Action.objects.bulk_create(
        Action(
            plan=plan, goal=by_key.get(a.goal_key) if a.goal_key else None, position=position,
            text=a.text.strip(), who_kind=a.who_kind,
            who_user=a.who_user if a.who_kind == Who.PROFESSIONAL else None,
            who_organisation=a.who_organisation if a.who_kind == Who.ORGANISATION else None,
            who_name="" if a.who_kind in (Who.PROFESSIONAL, Who.ORGANISATION, Who.CHILD) else a.who_name.strip(),
            due_on=a.due_on, status=a.status,
            status_reason=a.status_reason.strip() if a.status == ActionStatus.NOT_DONE else "",
        )
        for position, a in enumerate(content.actions)
    )  # fmt: skip


def content_of(plan: Plan) -> DraftContent:
    """A plan's content in the shape :func:`plan_draft_save` takes (to copy it or edit it)."""
    goals = list(plan.goals.prefetch_related("waymarks"))
    return DraftContent(
        purpose=plan.purpose,
        child_words=plan.child_words,
        parents_words=plan.parents_words,
        next_review_on=plan.next_review_on,
        goals=[
            GoalData(
                domain=g.domain,
                text=g.text,
                key=str(g.pk),
                waymarks=[WaymarkData(w.text, w.target_on, w.achieved_on) for w in g.waymarks.all()],
            )
            for g in goals
        ],  # fmt: skip
        actions=[
            ActionData(
                text=a.text,
                who_kind=a.who_kind,
                who_user=a.who_user,
                who_organisation=a.who_organisation,
                who_name=a.who_name,
                due_on=a.due_on,
                goal_key=str(a.goal_id or ""),
                status=a.status,
                status_reason=a.status_reason,
            )
            for a in plan.actions.select_related("who_user", "who_organisation")
        ],  # fmt: skip
    )


# --- drafts and versions --------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, ctx: AuditContext, access: CaseAccess, kind: str = PlanKind.CASE_PLAN) -> Plan:
    """Start a plan of ``kind``: the first version, or a new version copied from the current one.

    A new version starts as a draft copy of the latest version (agreed or superseded), so the
    team changes what has to change and keeps the rest. There is at most one draft at a time.
    """
    _require_writer(access)
    _require_lead(access)
    if kind not in PlanKind.values:
        raise ValidationError({"kind": [_("Choose the kind of plan.")]})
    case = access.case
    existing = Plan.objects.select_for_update().filter(case=case, kind=kind)
    if existing.filter(status=PlanStatus.DRAFT).exists():
        raise ValidationError({"kind": [_("There is already a draft of this plan: continue it.")]})
    latest = existing.order_by("-number").first()
    number = (existing.aggregate(m=Max("number"))["m"] or 0) + 1
    now = timezone.now()
    plan = Plan.objects.create(
        case=case, kind=kind, number=number, status=PlanStatus.DRAFT, previous=latest,
        created_by=ctx.actor, created_at=now,
    )  # fmt: skip
    if latest is not None:
        content = content_of(latest)
        content.next_review_on = None
        Plan.objects.filter(pk=plan.pk).update(
            purpose=content.purpose, child_words=content.child_words, parents_words=content.parents_words
        )
        plan.refresh_from_db()
        _write_content(plan, content)
    _timeline(access, ctx, MSG_DRAFT, {"version": plan.label}, at=now)
    audit_record(
        ctx=ctx, action="plan.draft", case_id=case.pk, object_type="plan", object_id=plan.pk,
        details={"kind": kind, "number": number, "copied_from": latest.pk if latest else None},
    )  # fmt: skip
    return plan


@transaction.atomic
def plan_draft_save(
    *, ctx: AuditContext, access: CaseAccess, plan: Plan, expected_version: int, content: DraftContent
) -> Plan:
    """Save the whole content of a draft; a stale save (someone saved after you opened it) is refused."""
    _require_writer(access)
    _own(access, plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed. Start a new version to change an agreed plan."))
    _validate_content(access, content)
    save_versioned(
        plan, expected_version=expected_version, record="plan",
        changes={
            "purpose": content.purpose.strip(), "child_words": content.child_words.strip(),
            "parents_words": content.parents_words.strip(), "next_review_on": content.next_review_on,
        },
    )  # fmt: skip
    _write_content(plan, content)
    audit_record(
        ctx=ctx, action="plan.update", case_id=access.case.pk, object_type="plan", object_id=plan.pk,
        details={"goals": len(content.goals), "actions": len(content.actions)},
    )  # fmt: skip
    return plan


# --- agreement and confirmation -------------------------------------------------------------------


@transaction.atomic
def plan_agree(
    *, ctx: AuditContext, access: CaseAccess, plan: Plan, meeting: Meeting | None,
    expected_version: int | None = None,
) -> Plan:  # fmt: skip
    """Agree a draft at a meeting of the team (held or with locked minutes).

    The previous agreed version is superseded; the one who agrees it has confirmed it; the other
    active members are asked to confirm. Records ``plan_agreed[<kind>]``, which completes the
    protocol's plan step and starts the clock of the plan reviews.
    """
    _require_writer(access)
    _require_lead(access)
    _own(access, plan)
    plan = _locked_plan(plan)
    _check_version(plan, expected_version, PlanStatus.AGREED)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("This version is not a draft: it has already been agreed."))
    if meeting is None:
        raise ValidationError(
            {
                "meeting": [
                    _("A plan is agreed at a meeting of the team. Choose the meeting where it was agreed.")
                ]
            }
        )
    if meeting.case_id != access.case.pk:
        raise ValidationError({"meeting": [_("This meeting is about another case.")]})
    if not meeting.was_held:
        raise ValidationError(
            {
                "meeting": [
                    _("The meeting has not been held yet. Agree the plan once the meeting has taken place.")
                ]
            }
        )
    if not plan.goals.exists():
        raise ValidationError(_("The plan has no goals yet. Write at least one goal before agreeing it."))
    now = timezone.now()
    case = access.case
    superseded = list(
        Plan.objects.select_for_update().filter(case=case, kind=plan.kind, status=PlanStatus.AGREED)
    )
    for old in superseded:
        Plan.objects.filter(pk=old.pk).update(
            status=PlanStatus.SUPERSEDED, superseded_at=now, version=old.version + 1
        )
    Plan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.AGREED, agreed_at=now, agreed_by=ctx.actor, agreed_meeting=meeting,
        next_review_on=plan.next_review_on or add_months(timezone.localdate(now), 3), version=plan.version + 1,
    )  # fmt: skip
    plan.refresh_from_db()
    members = active_members(case)
    me = next((m for m in members if m.user_id == ctx.actor.pk), None)
    if me is not None:
        PlanConfirmation.objects.create(
            plan=plan, user=ctx.actor, organisation=me.organisation, confirmed_at=now
        )
    meeting_date = timezone.localtime(meeting.held_at or meeting.starts_at).strftime("%d.%m.%Y")
    _timeline(access, ctx, MSG_AGREED, {"version": plan.label, "date": meeting_date}, at=now)
    audit_record(
        ctx=ctx, action="plan.agree", case_id=case.pk, object_type="plan", object_id=plan.pk,
        details={"meeting": meeting.pk, "superseded": [p.pk for p in superseded], "kind": plan.kind},
    )  # fmt: skip
    protocol_engine.artefact_record(
        ctx=ctx, case=case, artefact="plan_agreed", kind=plan.kind, at=now,
        evidence=f"{plan.get_kind_display()} {plan.label}, {meeting_date}",
        object_type="plan", object_id=plan.pk,
    )  # fmt: skip
    _signed_by_team(ctx, plan, members, now)
    url = reverse("plans:detail", args=[case.pk, plan.pk])
    for m in members:
        if m.user_id != ctx.actor.pk and m.sharing_level >= PLAN_SENSITIVITY:
            notification_send(
                user=m.user, kind="plan.confirm", case_id=case.pk, url=url,
                title=gettext_noop("Please confirm the agreed plan of case %(number)s"),
                params={"number": case.number},
            )  # fmt: skip
    return plan


@transaction.atomic
def plan_confirm(*, ctx: AuditContext, access: CaseAccess, plan: Plan) -> PlanConfirmation:
    """An active team member confirms the agreed plan (it is also their commitment to their actions)."""
    _require_writer(access)
    _own(access, plan)
    if plan.status != PlanStatus.AGREED:
        raise ValidationError(_("Only the agreed version of the plan can be confirmed."))
    member = TeamMember.objects.filter(case=access.case, user=ctx.actor, left_at__isnull=True).first()
    _require(member is not None, _("Only the members of the team around the child confirm the plan."))
    if PlanConfirmation.objects.filter(plan=plan, user=ctx.actor).exists():
        raise ValidationError(_("You have already confirmed this plan."))
    now = timezone.now()
    confirmation = PlanConfirmation.objects.create(
        plan=plan, user=ctx.actor, organisation=member.organisation, confirmed_at=now
    )
    _timeline(access, ctx, MSG_CONFIRMED, {"name": ctx.actor, "version": plan.label}, at=now)
    audit_record(
        ctx=ctx, action="plan.confirm", case_id=access.case.pk, object_type="plan", object_id=plan.pk
    )
    _signed_by_team(ctx, plan, active_members(access.case), now)
    return confirmation


def _signed_by_team(ctx: AuditContext, plan: Plan, members: list[TeamMember], now) -> None:
    """Once every member asked to confirm has confirmed, the team has signed the plan: records
    ``plan_signed[<kind>]`` (once per version), which completes a "signed by the team" step."""
    state = confirmation_state(plan, members, list(plan.confirmations.all()))
    if not state["by_team"] or protocol_engine.artefact_exists(
        case=plan.case, artefact="plan_signed", object_type="plan", object_id=plan.pk
    ):
        return
    protocol_engine.artefact_record(
        ctx=ctx, case=plan.case, artefact="plan_signed", kind=plan.kind, at=now,
        evidence=_("%(plan)s %(version)s: confirmed by every team member asked (%(count)s)")
        % {"plan": plan.get_kind_display(), "version": plan.label, "count": state["member_count"]},
        object_type="plan", object_id=plan.pk,
    )  # fmt: skip


def confirmation_state(plan: Plan, members: list[TeamMember], confirmations: list[PlanConfirmation]) -> dict:
    """Who of the active team has confirmed the plan, who not yet; "confirmed by the team" when all
    who may read it (a member at the basic sharing level cannot read the plan, so is not asked)."""
    members = [m for m in members if m.sharing_level >= PLAN_SENSITIVITY]
    confirmed = {c.user_id: c for c in confirmations}
    rows = [{"member": m, "confirmation": confirmed.get(m.user_id)} for m in members]
    pending = [r["member"] for r in rows if r["confirmation"] is None]
    return {
        "rows": rows,
        "pending": pending,
        "confirmed_count": len(rows) - len(pending),
        "member_count": len(rows),
        "by_team": plan.status != PlanStatus.DRAFT and bool(rows) and not pending,
    }


# --- actions --------------------------------------------------------------------------------------


@transaction.atomic
def action_status_set(
    *, ctx: AuditContext, access: CaseAccess, action: Action, status: str, reason: str = "",
    expected_version: int | None = None,
) -> Action:  # fmt: skip
    """Mark how an action of the agreed plan stands; "not done" needs the reason."""
    _require_writer(access)
    plan = action.plan
    _own(access, plan)
    if plan.status != PlanStatus.AGREED:
        raise ValidationError(_("Actions are followed on the agreed plan. Change a draft on its edit page."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status == ActionStatus.NOT_DONE and not reason.strip():
        raise ValidationError({"reason": [_("Say why the action was not done.")]})
    now = timezone.now()
    save_versioned(
        action, expected_version=action.version if expected_version is None else expected_version,
        record="action",
        changes={
            "status": status, "status_reason": reason.strip() if status == ActionStatus.NOT_DONE else "",
            "status_changed_at": now, "status_changed_by": ctx.actor,
        },
    )  # fmt: skip
    _timeline(
        access, ctx, MSG_ACTION, {"text": action.text[:80], "status": ActionStatus(status).label}, at=now
    )
    audit_record(
        ctx=ctx, action="plan.action.status", case_id=access.case.pk, object_type="plan_action", object_id=action.pk,
        reason=reason.strip(), details={"status": status, "plan": plan.pk},
    )  # fmt: skip
    return action


# --- reviews and outcome measures -----------------------------------------------------------------


@dataclass
class MeasureData:
    measure: str
    value: Decimal | float | int | str
    measured_on: dt.date | None = None
    source: str = ""


@transaction.atomic
def plan_review_record(
    *, ctx: AuditContext, access: CaseAccess, plan: Plan, held_on: dt.date, summary: str,
    meeting: Meeting | None = None, progress: dict[int, tuple[str, str]] | None = None,
    measures: list[MeasureData] | None = None, next_review_on: dt.date | None = None,
) -> PlanReview:  # fmt: skip
    """Record a review of the agreed plan: a summary, progress per goal, outcome measures.

    Records ``review_held[plan]``, which completes the protocol's regular review step.
    ``progress`` maps a goal id to (progress, note).
    """
    _require_writer(access)
    _own(access, plan)
    errors: dict[str, list[str]] = {}
    if plan.status != PlanStatus.AGREED:
        errors.setdefault("plan", []).append(_("Only the agreed version of the plan is reviewed."))
    if not summary.strip():
        errors["summary"] = [_("Write what the review found.")]
    if held_on > timezone.localdate() + dt.timedelta(days=1):
        errors["held_on"] = [_("A review cannot be recorded for a date in the future.")]
    if meeting is not None and meeting.case_id != access.case.pk:
        errors["meeting"] = [_("This meeting is about another case.")]
    goal_ids = set(plan.goals.values_list("pk", flat=True))
    for goal_id, (value, _note) in (progress or {}).items():
        if goal_id not in goal_ids:
            errors.setdefault("progress", []).append(_("A goal is not in this plan."))
        elif value not in Progress.values:
            errors.setdefault("progress", []).append(_("Choose how each goal progresses."))
    values: list[tuple[MeasureData, Decimal]] = []
    for m in measures or []:
        if m.measure not in Measure.values:
            errors.setdefault("measures", []).append(_("Unknown measure."))
            continue
        try:
            value = Decimal(str(m.value)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors.setdefault("measures", []).append(_("A measure's value must be a number."))
            continue
        low, high = MEASURE_SCALES[m.measure]
        if not low <= value <= high:
            errors.setdefault("measures", []).append(
                _("%(measure)s: the value must be from %(low)s to %(high)s.")
                % {"measure": Measure(m.measure).label, "low": low, "high": high}
            )
            continue
        values.append((m, value))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    review = PlanReview.objects.create(
        plan=plan, case=access.case, held_on=held_on, meeting=meeting, summary=summary.strip(),
        created_by=ctx.actor, created_at=now,
    )  # fmt: skip
    GoalProgress.objects.bulk_create(
        GoalProgress(review=review, goal_id=goal_id, progress=value, note=(note or "").strip())
        for goal_id, (value, note) in (progress or {}).items()
    )
    OutcomeMeasurement.objects.bulk_create(
        OutcomeMeasurement(
            case=access.case, review=review, measure=m.measure, value=value, measured_on=m.measured_on or held_on,
            source=m.source.strip()[:200], recorded_by=ctx.actor, created_at=now,
        )
        for m, value in values
    )  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on or add_months(held_on, 3))
    _timeline(access, ctx, MSG_REVIEW, {"version": plan.label, "date": held_on.strftime("%d.%m.%Y")}, at=now)
    audit_record(
        ctx=ctx, action="plan.review", case_id=access.case.pk, object_type="plan_review", object_id=review.pk,
        details={"plan": plan.pk, "measures": len(values), "meeting": meeting.pk if meeting else None},
    )  # fmt: skip
    protocol_engine.artefact_record(
        ctx=ctx, case=access.case, artefact="review_held", kind="plan", at=now,
        evidence=f"{plan.label}, {held_on:%d.%m.%Y}", object_type="plan_review", object_id=review.pk,
    )  # fmt: skip
    return review


# --- long-term follow-up --------------------------------------------------------------------------


@transaction.atomic
def followup_schedule(
    *, ctx: AuditContext, access: CaseAccess, first_on: dt.date, responsible, every_months: int = 3,
    count: int = 4,
) -> list[FollowUpCheckIn]:  # fmt: skip
    """Schedule long-term follow-up check-ins (проследяване): e.g. every 3 months for a year.

    Used when the case moves to follow-up or the team decides so; the responsible professional
    sees each check-in in "my work" and it turns overdue after its date.
    """
    _require_writer(access)
    _require_lead(access)
    errors: dict[str, list[str]] = {}
    if not 1 <= every_months <= 12:
        errors["every_months"] = [_("Check in every 1 to 12 months.")]
    if not 1 <= count <= 12:
        errors["count"] = [_("Schedule from 1 to 12 check-ins.")]
    if first_on < timezone.localdate():
        errors["first_on"] = [_("The first check-in cannot be in the past.")]
    if (
        responsible is None
        or not TeamMember.objects.filter(case=access.case, user=responsible, left_at__isnull=True).exists()
    ):
        errors["responsible"] = [_("The responsible professional must be in the team around the child.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    FollowUpCheckIn.objects.bulk_create(
        FollowUpCheckIn(
            case=access.case, due_on=add_months(first_on, i * every_months), responsible=responsible,
            created_by=ctx.actor, created_at=now,
        )
        for i in range(count)
    )  # fmt: skip
    _timeline(
        access, ctx, MSG_FOLLOWUP_SCHEDULED, {"count": count, "date": first_on.strftime("%d.%m.%Y")}, at=now
    )
    audit_record(
        ctx=ctx, action="plan.followup.schedule", case_id=access.case.pk, object_type="follow_up",
        details={"count": count, "every_months": every_months, "first_on": first_on.isoformat(),
                 "responsible": responsible.pk},
    )  # fmt: skip
    if responsible.pk != ctx.actor.pk:
        notification_send(
            user=responsible, kind="plan.followup", case_id=access.case.pk,
            url=reverse("plans:case", args=[access.case.pk]),
            title=gettext_noop("You follow up case %(number)s: the first check-in is on %(date)s"),
            params={"number": access.case.number, "date": first_on.strftime("%d.%m.%Y")},
        )  # fmt: skip
    return list(FollowUpCheckIn.objects.filter(case=access.case, created_at=now).order_by("due_on"))


@transaction.atomic
def followup_complete(
    *, ctx: AuditContext, access: CaseAccess, checkin: FollowUpCheckIn, done_on: dt.date, child_status: str,
    concern: str = "", next_due_on: dt.date | None = None, expected_version: int | None = None,
) -> FollowUpCheckIn:  # fmt: skip
    """Record a follow-up check-in: how the child is, any concern, and when to check in next.

    Records ``review_held[follow_up]``, which completes the protocol's follow-up review step.
    """
    _require_writer(access)
    _own(access, checkin)
    _require(
        checkin.responsible_id == ctx.actor.pk or access.can_manage_team,
        _("Only the responsible professional, the case lead or a manager records this check-in."),
    )
    errors: dict[str, list[str]] = {}
    if checkin.status != CheckInStatus.SCHEDULED:
        errors["status"] = [_("This check-in has already been recorded.")]
    if not child_status.strip():
        errors["child_status"] = [_("Say how the child is.")]
    if done_on > timezone.localdate():
        errors["done_on"] = [_("A check-in cannot be recorded for a date in the future.")]
    if next_due_on is not None and next_due_on <= done_on:
        errors["next_due_on"] = [_("The next check-in must be after this one.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    save_versioned(
        checkin, expected_version=checkin.version if expected_version is None else expected_version,
        record="check-in",
        changes={
            "status": CheckInStatus.DONE, "done_on": done_on, "child_status": child_status.strip(),
            "concern": concern.strip(), "completed_by": ctx.actor, "completed_at": now,
        },
    )  # fmt: skip
    if (
        next_due_on is not None
        and not FollowUpCheckIn.objects.filter(
            case=access.case, status=CheckInStatus.SCHEDULED, due_on=next_due_on
        ).exists()
    ):
        FollowUpCheckIn.objects.create(
            case=access.case, due_on=next_due_on, responsible=checkin.responsible, created_by=ctx.actor,
            created_at=now,
        )  # fmt: skip
    _timeline(access, ctx, MSG_FOLLOWUP_DONE, {"date": done_on.strftime("%d.%m.%Y")}, at=now)
    audit_record(
        ctx=ctx, action="plan.followup.done", case_id=access.case.pk, object_type="follow_up", object_id=checkin.pk,
        details={"concern": bool(concern.strip()), "next_due_on": next_due_on.isoformat() if next_due_on else None},
    )  # fmt: skip
    protocol_engine.artefact_record(
        ctx=ctx, case=access.case, artefact="review_held", kind="follow_up", at=now,
        evidence=f"{done_on:%d.%m.%Y}", object_type="follow_up", object_id=checkin.pk,
    )  # fmt: skip
    if concern.strip() and access.case.lead_id != ctx.actor.pk:
        notification_send(
            user=access.case.lead, kind="plan.followup.concern", case_id=access.case.pk,
            url=reverse("plans:case", args=[access.case.pk]),
            title=gettext_noop("A concern at the follow-up of case %(number)s"),
            params={"number": access.case.number},
        )  # fmt: skip
    return checkin
