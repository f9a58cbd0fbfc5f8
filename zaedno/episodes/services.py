"""Writes of the service and school history: start an episode, end it, record a move.

The move rule (правило за смяна): a move is one episode ending and another of the same family
(services, schools, placements — ``models.FAMILY_OF``) starting for the same child within
``MOVE_GAP_DAYS`` days of each other, or recorded in one step as "move to…". For a child whose
case is marked as a difficult case, a move needs the team's decision about the move or a written
emergency reason, and the service refuses it otherwise. A decision about the move is one recorded
as such (``DecisionKind.MOVE``, naming from where to where) at a held meeting of the team where the
child's and the parents' views were heard; an unrelated decision of the case never stands for
it. A move against an agreed goal of the plan (e.g. "stays in his school") needs the reason.

A move proposed before it happens (a school's "we propose to move him on 05.12") is a planned
move: it goes to the team as a proposal that needs the decision about the move, and the history
records the move only when it is confirmed, on or after its date. Every move goes on the timeline
of the child's open cases, notifies their teams and recomputes their difficult-case profiles
(the criterion "moves between services" counts moves).

Each function checks the caller's rights through the case access, validates, writes, adds the
timeline entries and the audit event in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import TeamMember, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.errors import require as _require
from zaedno.episodes import queries
from zaedno.episodes.models import (
    FAMILY_OF,
    DecidedBy,
    EndReason,
    Episode,
    EpisodeKind,
    Family,
    Move,
    PlacementType,
    PlannedMove,
    PlannedMoveStatus,
)
from zaedno.meetings.models import DecisionKind, DecisionStatus
from zaedno.notifications.services import notification_send

# An episode ending and another of the same family starting at most this many days apart (either
# way round: a new school often starts before the old one is formally left) is a move.
MOVE_GAP_DAYS = 30
# A written emergency reason stands in for a team decision only if it says something.
EMERGENCY_REASON_MIN = 20
TEXT_LIMIT = 2000

MSG_STARTED = gettext_noop("Started: %(episode_kind)s — %(place)s, from %(date)s")
MSG_ENDED = gettext_noop("Ended: %(episode_kind)s — %(place)s, on %(date)s (%(end_reason)s)")
MSG_MOVE = gettext_noop("Move of the child: %(from_place)s → %(to_place)s on %(date)s")
MSG_MOVE_DECISION = gettext_noop(
    "Move of the child: %(from_place)s → %(to_place)s on %(date)s, by team decision"
)
MSG_MOVE_EMERGENCY = gettext_noop(
    "Move of the child: %(from_place)s → %(to_place)s on %(date)s, in an emergency"
)
MSG_PLANNED = gettext_noop(
    "Move proposed: %(from_place)s → %(to_place)s on %(date)s, by %(proposed_by)s; it needs the team's decision"
)
MSG_PLANNED_DECIDED = gettext_noop("The team decided about the proposed move %(from_place)s → %(to_place)s")
MSG_PLANNED_WITHDRAWN = gettext_noop("Proposed move withdrawn: %(from_place)s → %(to_place)s on %(date)s")
NOTE_PLANNED = gettext_noop(
    "A move of the child of case %(number)s is proposed: %(from_place)s → %(to_place)s on %(date)s"
)
NOTE_PLANNED_BODY = gettext_noop(
    "Proposed by %(proposed_by)s. The team decides about it at a case conference where the child's and "
    "the parents' views are heard."
)
FUTURE_MOVE = gettext_noop(
    "The move has not happened yet: record the proposal as a planned move, and confirm it when it happens."
)
NOTE_MOVE = gettext_noop("The child of case %(number)s moved: %(from_place)s → %(to_place)s on %(date)s")
NOTE_MOVE_BODY = gettext_noop("%(count)s moves in the last 12 months. See the service and school history.")


@dataclass(frozen=True)
class EpisodeData:
    """Where the child is from when: a service on the map, an organisation, or a name."""

    kind: str
    started_on: dt.date | None
    service: object | None = None
    organisation: object | None = None
    name: str = ""
    placement_type: str = ""


@dataclass(frozen=True)
class EndData:
    """When and why an episode ended, and who decided it."""

    ended_on: dt.date | None
    reason: str
    note: str = ""
    decided_by: str = ""
    decided_by_user: object | None = None
    decided_by_organisation: object | None = None
    decided_by_name: str = ""


def _date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _episode_errors(data: EpisodeData, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in EpisodeKind.values:
        errors["kind"] = [_("Choose the kind: a social service, a school, a kindergarten, a placement…")]
    if data.placement_type and data.placement_type not in PlacementType.values:
        errors["placement_type"] = [_("Unknown type of placement.")]
    if data.service is None and data.organisation is None and not (data.name or "").strip():
        errors["name"] = [_("Say where: choose the service or the organisation, or write its name.")]
    if len(data.name or "") > 200:
        errors["name"] = [_("The name is too long (at most 200 characters).")]
    if data.started_on is None:
        errors["started_on"] = [_("Give the date it started.")]
    elif data.started_on > today:
        errors["started_on"] = [_("The date cannot be in the future: record it when it has happened.")]
    return errors


def _end_errors(episode: Episode, data: EndData, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.ended_on is None:
        errors["ended_on"] = [_("Give the date it ended.")]
    elif data.ended_on < episode.started_on:
        errors["ended_on"] = [
            _("It cannot end before it started (%(date)s).") % {"date": _date(episode.started_on)}
        ]
    elif data.ended_on > today:
        errors["ended_on"] = [_("The date cannot be in the future: record it when it has happened.")]
    if data.reason not in EndReason.values:
        errors["reason"] = [_("Choose why it ended.")]
    elif data.reason == EndReason.OTHER and not (data.note or "").strip():
        errors["note"] = [_("Say why it ended.")]
    if len(data.note or "") > TEXT_LIMIT:
        errors["note"] = [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]
    if data.decided_by and data.decided_by not in DecidedBy.values:
        errors["decided_by"] = [_("Unknown choice.")]
    elif data.decided_by == DecidedBy.PROFESSIONAL and data.decided_by_user is None:
        errors["decided_by_user"] = [_("Choose the professional who decided.")]
    elif data.decided_by == DecidedBy.ORGANISATION and data.decided_by_organisation is None:
        errors["decided_by_organisation"] = [_("Choose the organisation that decided.")]
    if episode.ended_on is not None:
        errors["episode"] = [_("This episode has already ended.")]
    return errors


def _create_episode(*, ctx: AuditContext, access: CaseAccess, data: EpisodeData, now) -> Episode:
    placement_type = data.placement_type if FAMILY_OF[data.kind] == Family.PLACEMENTS else ""
    episode = Episode(
        child_id=access.case.child_id, case=access.case, kind=data.kind, family=FAMILY_OF[data.kind],
        placement_type=placement_type, service=data.service, organisation=data.organisation,
        name=(data.name or "").strip(), started_on=data.started_on, created_by=ctx.actor, created_at=now,
    )  # fmt: skip
    episode.full_clean()
    episode.save()
    for case in queries.child_open_cases(episode.child_id):
        timeline_add(
            case=case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=MSG_STARTED,
            params={"episode_kind": episode.kind, "place": episode.place, "date": _date(episode.started_on)},
        )  # fmt: skip
    audit_record(
        ctx=ctx, action="episode.start", case_id=access.case.pk, object_type="episode", object_id=episode.pk,
        details={"child": episode.child_id, "kind": episode.kind, "started_on": episode.started_on.isoformat(),
                 "service": data.service.pk if data.service else None,
                 "organisation": data.organisation.pk if data.organisation else None},
    )  # fmt: skip
    return episode


def _close_episode(*, ctx: AuditContext, access: CaseAccess, episode: Episode, data: EndData, now) -> Episode:
    who = data.decided_by
    rows = Episode.objects.filter(pk=episode.pk, ended_on__isnull=True).update(
        ended_on=data.ended_on, end_reason=data.reason, end_note=(data.note or "").strip(), decided_by=who,
        decided_by_user=data.decided_by_user if who == DecidedBy.PROFESSIONAL else None,
        decided_by_organisation=data.decided_by_organisation if who == DecidedBy.ORGANISATION else None,
        decided_by_name=(data.decided_by_name or "").strip()[:150], ended_by=ctx.actor, ended_at=now,
    )  # fmt: skip
    if rows == 0:
        raise ValidationError({"episode": [_("This episode has already ended.")]})
    episode.refresh_from_db()
    for case in queries.child_open_cases(episode.child_id):
        timeline_add(
            case=case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=MSG_ENDED,
            params={"episode_kind": episode.kind, "place": episode.place, "date": _date(episode.ended_on),
                    "end_reason": episode.end_reason},
        )  # fmt: skip
    audit_record(
        ctx=ctx, action="episode.end", case_id=access.case.pk, object_type="episode", object_id=episode.pk,
        details={"child": episode.child_id, "ended_on": episode.ended_on.isoformat(), "reason": episode.end_reason,
                 "decided_by": who},
    )  # fmt: skip
    return episode


def _child_is_difficult(child_id: int) -> bool:
    from zaedno.profiles.queries import case_is_difficult

    return any(case_is_difficult(case) for case in queries.child_open_cases(child_id))


def move_decision_errors(access: CaseAccess, decision) -> list[str]:
    """Why ``decision`` cannot stand as the team's decision about a move (empty when it can): it
    must be this case's, recorded as a decision about a move, still standing, and taken at a held
    meeting whose minutes say how the child's and the parents' views were heard."""
    if decision.case_id != access.case.pk or not access.sees(decision.sensitivity):
        return [_("Choose a decision of this case.")]
    if decision.kind != DecisionKind.MOVE:
        return [
            _(
                "This decision is not about the move. Choose a decision recorded as “move of the child to another "
                "school or service”, naming from where to where."
            )
        ]
    if decision.status in (DecisionStatus.SUPERSEDED, DecisionStatus.NOT_DONE):
        return [_("This decision about the move no longer stands (superseded or not done).")]
    meeting = decision.meeting
    if not meeting.was_held:
        return [_("The meeting that took this decision has not been held yet.")]
    if not (meeting.child_views or "").strip() or not (meeting.parents_views or "").strip():
        return [
            _(
                "The minutes of the meeting do not say how the child's and the parents' views were heard: "
                "record them in the minutes first."
            )
        ]
    return []


def _justification_errors(access: CaseAccess, decision, emergency_reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if decision is not None:
        problems = move_decision_errors(access, decision)
        if problems:
            errors["decision"] = problems
    reason = (emergency_reason or "").strip()
    if reason and len(reason) < EMERGENCY_REASON_MIN:
        errors["emergency_reason"] = [
            _(
                "Describe the emergency in at least %(n)s characters: what happened and why the child could not stay."
            )
            % {"n": EMERGENCY_REASON_MIN}
        ]
    elif len(reason) > TEXT_LIMIT:
        errors["emergency_reason"] = [
            _("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}
        ]
    return errors


def move_rule_errors(access: CaseAccess, decision, emergency_reason: str) -> dict[str, list[str]]:
    """Why a move of the case's child would be refused now (empty when it is allowed)."""
    errors = _justification_errors(access, decision, emergency_reason)
    if errors:
        return errors
    if (
        decision is None
        and not (emergency_reason or "").strip()
        and _child_is_difficult(access.case.child_id)
    ):
        return {
            "decision": [
                _(
                    "The child's case is marked as a difficult case: a move needs the team's decision about the "
                    "move or a written emergency reason. Choose the decision of the case conference that agreed "
                    "the move, or describe the emergency."
                )
            ]
        }
    return {}


def plan_errors(access: CaseAccess, from_episode: Episode, plan_reason: str) -> dict[str, list[str]]:
    """A move against an agreed goal of the plan goes ahead only with the reason written."""
    goals = queries.goals_against_move(access.case, [from_episode])
    plan_reason = (plan_reason or "").strip()
    if goals and not plan_reason:
        return {
            "plan_reason": [
                _(
                    "The move goes against an agreed goal of the plan: “%(goal)s”. Say why the child moves all the same."
                )
                % {"goal": "”, “".join(" ".join(g.text.split()) for g in goals)}
            ]
        }
    if len(plan_reason) > TEXT_LIMIT:
        return {"plan_reason": [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]}
    return {}


def _record_move(
    *, ctx: AuditContext, access: CaseAccess, from_episode: Episode, to_episode: Episode, decision,
    emergency_reason: str, explicit: bool, now, plan_reason: str = "",
) -> Move:  # fmt: skip
    errors = move_rule_errors(access, decision, emergency_reason)
    errors.update(plan_errors(access, from_episode, plan_reason))
    if errors:
        raise ValidationError(errors)
    reason = (emergency_reason or "").strip()
    child_id = from_episode.child_id
    cases = queries.child_open_cases(child_id)
    move = Move(
        child_id=child_id, case=access.case, from_episode=from_episode, to_episode=to_episode,
        family=to_episode.family, moved_on=to_episode.started_on, decision=decision, emergency_reason=reason,
        plan_reason=(plan_reason or "").strip(), explicit=explicit, was_difficult=_child_is_difficult(child_id), recorded_by=ctx.actor, recorded_at=now,
    )  # fmt: skip
    move.full_clean()
    move.save()
    params = {"from_place": from_episode.place, "to_place": to_episode.place, "date": _date(move.moved_on)}
    message = MSG_MOVE_DECISION if decision is not None else MSG_MOVE_EMERGENCY if reason else MSG_MOVE
    for case in cases:
        timeline_add(
            case=case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=message, params=params
        )
    audit_record(
        ctx=ctx, action="episode.move", case_id=access.case.pk, object_type="move", object_id=move.pk,
        reason=reason,
        details={"child": child_id, "from": from_episode.pk, "to": to_episode.pk, "explicit": explicit,
                 "decision": decision.pk if decision is not None else None, "difficult": move.was_difficult,
                 "against_plan": bool(move.plan_reason)},
    )  # fmt: skip
    _refresh_profiles(ctx=ctx, cases=cases)
    count = queries.moves_in_last_12_months(child_id, timezone.localdate(now))
    _notify_teams(ctx=ctx, cases=cases, params=params, count=count)
    return move


def _refresh_profiles(*, ctx: AuditContext, cases) -> None:
    """The difficult-case criterion "moves between services" follows the moves."""
    from zaedno.profiles.services import profile_refresh

    for case in cases:
        profile_refresh(ctx=ctx, case=case, trigger="episode_move")


def _notify_teams(
    *, ctx: AuditContext, cases, params: dict, count: int, kind: str = "episode.move", title: str = NOTE_MOVE,
    body: str = NOTE_MOVE_BODY,
) -> None:  # fmt: skip
    """Every active member of the child's open cases hears of the move, once, except who recorded it."""
    members = (
        TeamMember.objects.filter(case__in=cases, left_at__isnull=True)
        .exclude(user=ctx.actor)
        .select_related("user", "case")
        .order_by("case_id", "id")
    )
    told: set[int] = set()
    for m in members:
        if m.user_id in told:
            continue
        told.add(m.user_id)
        notification_send(
            user=m.user, kind=kind, case_id=m.case_id, url=reverse("episodes:case", args=[m.case_id]),
            title=title, body=body, params={**params, "number": m.case.number, "count": count},
        )  # fmt: skip


def _previous_for(episode: Episode) -> Episode | None:
    """The ended episode of the same family the child left for ``episode`` (within the gap)."""
    gap = dt.timedelta(days=MOVE_GAP_DAYS)
    return (
        Episode.objects.filter(
            child_id=episode.child_id,
            family=episode.family,
            ended_on__isnull=False,
            started_on__lt=episode.started_on,
            ended_on__gte=episode.started_on - gap,
            ended_on__lte=episode.started_on + gap,
            move_out__isnull=True,
        )  # fmt: skip
        .exclude(pk=episode.pk)
        .order_by("-ended_on", "-id")
        .first()
    )


def _next_for(episode: Episode) -> Episode | None:
    """The episode of the same family the child went to when ``episode`` ended (within the gap)."""
    gap = dt.timedelta(days=MOVE_GAP_DAYS)
    return (
        Episode.objects.filter(
            child_id=episode.child_id,
            family=episode.family,
            started_on__gt=episode.started_on,
            started_on__gte=episode.ended_on - gap,
            started_on__lte=episode.ended_on + gap,
            move_in__isnull=True,
        )  # fmt: skip
        .exclude(pk=episode.pk)
        .order_by("started_on", "id")
        .first()
    )


@transaction.atomic
def episode_start(
    *, ctx: AuditContext, access: CaseAccess, data: EpisodeData, decision=None, emergency_reason: str = "",
    plan_reason: str = "",
) -> Episode:  # fmt: skip
    """Record that the child started in a service, a school or a placement.

    If the child left an episode of the same family within ``MOVE_GAP_DAYS`` days, this is a move:
    ``decision`` or ``emergency_reason`` justify it (required for a difficult case).
    """
    _require(access.can_write, _("Emergency access is read-only."))
    now = timezone.now()
    errors = _episode_errors(data, timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    episode = _create_episode(ctx=ctx, access=access, data=data, now=now)
    previous = _previous_for(episode)
    if previous is not None:
        _record_move(
            ctx=ctx, access=access, from_episode=previous, to_episode=episode, decision=decision,
            emergency_reason=emergency_reason, explicit=False, now=now, plan_reason=plan_reason,
        )  # fmt: skip
    return episode


@transaction.atomic
def episode_end(
    *, ctx: AuditContext, access: CaseAccess, episode: Episode, data: EndData, decision=None,
    emergency_reason: str = "", plan_reason: str = "",
) -> Episode:  # fmt: skip
    """Record that an episode ended: when, why and who decided.

    If the child started an episode of the same family within ``MOVE_GAP_DAYS`` days of the end,
    this is a move (see ``episode_start``).
    """
    _require(access.can_write, _("Emergency access is read-only."))
    if episode.child_id != access.case.child_id:
        raise ValidationError({"episode": [_("This episode is about another child.")]})
    now = timezone.now()
    errors = _end_errors(episode, data, timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    episode = _close_episode(ctx=ctx, access=access, episode=episode, data=data, now=now)
    following = _next_for(episode)
    if following is not None:
        _record_move(
            ctx=ctx, access=access, from_episode=episode, to_episode=following, decision=decision,
            emergency_reason=emergency_reason, explicit=False, now=now, plan_reason=plan_reason,
        )  # fmt: skip
    return episode


@transaction.atomic
def move_record(
    *, ctx: AuditContext, access: CaseAccess, episode: Episode, end: EndData, to: EpisodeData, decision=None,
    emergency_reason: str = "", plan_reason: str = "",
) -> Move:  # fmt: skip
    """Record a move in one step ("move to…"): end the current episode and start the next.

    For a child whose case is marked as a difficult case, ``decision`` (the team's decision about
    the move, see ``move_decision_errors``) or ``emergency_reason`` (written, at least
    ``EMERGENCY_REASON_MIN`` characters) is required; ``plan_reason`` when the move goes against
    an agreed goal of the plan. A move that has not happened yet is a planned move (``move_plan``).
    """
    _require(access.can_write, _("Emergency access is read-only."))
    if episode.child_id != access.case.child_id:
        raise ValidationError({"episode": [_("This episode is about another child.")]})
    now = timezone.now()
    today = timezone.localdate(now)
    errors = _end_errors(episode, end, today)
    errors.update(_episode_errors(to, today))
    if to.started_on is not None and to.started_on > today:
        errors["started_on"] = [_(FUTURE_MOVE)]
    if end.ended_on is not None and end.ended_on > today:
        errors["ended_on"] = [_(FUTURE_MOVE)]
    if "kind" not in errors and FAMILY_OF[to.kind] != episode.family:
        errors["kind"] = [
            _("A move is from one %(family)s to another: choose a kind of the same family.")
            % {"family": Family(episode.family).label}
        ]
    if not errors and to.started_on < episode.started_on:
        errors["started_on"] = [_("The new episode cannot start before the one the child leaves.")]
    errors.update(move_rule_errors(access, decision, emergency_reason))
    errors.update(plan_errors(access, episode, plan_reason))
    if errors:
        raise ValidationError(errors)
    episode = _close_episode(ctx=ctx, access=access, episode=episode, data=end, now=now)
    new = _create_episode(ctx=ctx, access=access, data=to, now=now)
    return _record_move(
        ctx=ctx, access=access, from_episode=episode, to_episode=new, decision=decision,
        emergency_reason=emergency_reason, explicit=True, now=now, plan_reason=plan_reason,
    )  # fmt: skip


# --- planned moves ---------------------------------------------------------------------------------


def _planned_params(planned: PlannedMove) -> dict:
    return {
        "from_place": planned.from_episode.place, "to_place": planned.place,
        "date": _date(planned.planned_on), "proposed_by": planned.proposed_by,
    }  # fmt: skip


def _planned_timeline(*, ctx: AuditContext, planned: PlannedMove, message: str, now) -> None:
    for case in queries.child_open_cases(planned.child_id):
        timeline_add(
            case=case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=message,
            params=_planned_params(planned),
        )  # fmt: skip


def _open_planned(access: CaseAccess, planned: PlannedMove) -> None:
    _require(access.can_write, _("Emergency access is read-only."))
    if planned.child_id != access.case.child_id:
        raise ValidationError({"planned": [_("This planned move is about another child.")]})
    if planned.status != PlannedMoveStatus.PROPOSED:
        raise ValidationError({"planned": [_("This planned move is no longer open.")]})


@transaction.atomic
def move_plan(
    *, ctx: AuditContext, access: CaseAccess, episode: Episode, to: EpisodeData, proposed_by: str,
    note: str = "", decision=None,
) -> PlannedMove:  # fmt: skip
    """Record a move proposed before it happens (e.g. the school proposes to move the child on
    05.12): ``to.started_on`` is the planned date, today or later. Nothing changes in the history
    yet; the proposal goes on the timeline and to the team, as a proposal that needs the team's
    decision about the move (``decision`` if it was already taken)."""
    _require(access.can_write, _("Emergency access is read-only."))
    if episode.child_id != access.case.child_id:
        raise ValidationError({"episode": [_("This episode is about another child.")]})
    now = timezone.now()
    today = timezone.localdate(now)
    errors = _episode_errors(to, dt.date.max)  # the date may be in the future: that is the point
    proposed_by, note = (proposed_by or "").strip(), (note or "").strip()
    if episode.ended_on is not None:
        errors["episode"] = [_("This episode has already ended.")]
    elif PlannedMove.objects.filter(from_episode=episode, status=PlannedMoveStatus.PROPOSED).exists():
        errors["episode"] = [
            _("A move from this place is already proposed: withdraw it or confirm it first.")
        ]
    if "kind" not in errors and FAMILY_OF[to.kind] != episode.family:
        errors["kind"] = [
            _("A move is from one %(family)s to another: choose a kind of the same family.")
            % {"family": Family(episode.family).label}
        ]
    if to.started_on is not None and to.started_on < today:
        errors["started_on"] = [
            _(
                "A planned move is for today or later; a move that already happened is recorded with “Record a move”."
            )
        ]
    if not proposed_by:
        errors["proposed_by"] = [_("Say who proposes the move (e.g. the school and who there).")]
    elif len(proposed_by) > 200:
        errors["proposed_by"] = [_("The name is too long (at most 200 characters).")]
    if len(note) > TEXT_LIMIT:
        errors["note"] = [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]
    if decision is not None:
        problems = move_decision_errors(access, decision)
        if problems:
            errors["decision"] = problems
    if errors:
        raise ValidationError(errors)
    placement_type = to.placement_type if FAMILY_OF[to.kind] == Family.PLACEMENTS else ""
    planned = PlannedMove(
        child_id=episode.child_id, case=access.case, from_episode=episode, kind=to.kind, family=FAMILY_OF[to.kind],
        placement_type=placement_type, service=to.service, organisation=to.organisation,
        name=(to.name or "").strip(), planned_on=to.started_on, proposed_by=proposed_by, note=note,
        decision=decision, created_by=ctx.actor, created_at=now,
    )  # fmt: skip
    planned.full_clean()
    planned.save()
    _planned_timeline(ctx=ctx, planned=planned, message=MSG_PLANNED, now=now)
    audit_record(
        ctx=ctx, action="episode.move_plan", case_id=access.case.pk, object_type="planned_move",
        object_id=planned.pk,
        details={"child": planned.child_id, "from": episode.pk, "planned_on": planned.planned_on.isoformat(),
                 "decision": decision.pk if decision is not None else None},
    )  # fmt: skip
    _notify_teams(
        ctx=ctx, cases=queries.child_open_cases(planned.child_id), params=_planned_params(planned),
        count=0, kind="episode.move_plan", title=NOTE_PLANNED, body=NOTE_PLANNED_BODY,
    )  # fmt: skip
    return planned


@transaction.atomic
def planned_move_decide(
    *, ctx: AuditContext, access: CaseAccess, planned: PlannedMove, decision
) -> PlannedMove:
    """Link the team's decision about a proposed move (taken at a case conference)."""
    _open_planned(access, planned)
    problems = move_decision_errors(access, decision) if decision is not None else [_("Choose the decision.")]
    if problems:
        raise ValidationError({"decision": problems})
    now = timezone.now()
    rows = PlannedMove.objects.filter(pk=planned.pk, status=PlannedMoveStatus.PROPOSED).update(
        decision=decision
    )
    if rows == 0:
        raise ValidationError({"planned": [_("This planned move is no longer open.")]})
    planned.decision = decision
    _planned_timeline(ctx=ctx, planned=planned, message=MSG_PLANNED_DECIDED, now=now)
    audit_record(
        ctx=ctx, action="episode.move_plan_decision", case_id=access.case.pk, object_type="planned_move",
        object_id=planned.pk, details={"decision": decision.pk},
    )  # fmt: skip
    return planned


@transaction.atomic
def planned_move_carry_out(
    *, ctx: AuditContext, access: CaseAccess, planned: PlannedMove, moved_on: dt.date | None = None,
    decision=None, emergency_reason: str = "", plan_reason: str = "", note: str = "",
) -> Move:  # fmt: skip
    """Confirm that a planned move happened (on or after its date): the episode the child leaves
    ends, the new one starts, and the move is recorded under the move rule, with the decision
    linked to the proposal unless another is given."""
    _open_planned(access, planned)
    today = timezone.localdate()
    moved_on = moved_on or planned.planned_on
    if moved_on > today:
        raise ValidationError(
            {
                "moved_on": [
                    _("The move can be confirmed when it happens, from %(date)s.") % {"date": _date(moved_on)}
                ]
            }
        )
    decision = decision or planned.decision
    end = EndData(ended_on=moved_on, reason=EndReason.MOVED_SERVICE, note=note)
    to = EpisodeData(
        kind=planned.kind, started_on=moved_on, service=planned.service, organisation=planned.organisation,
        name=planned.name, placement_type=planned.placement_type,
    )  # fmt: skip
    move = move_record(
        ctx=ctx, access=access, episode=planned.from_episode, end=end, to=to, decision=decision,
        emergency_reason=emergency_reason, plan_reason=plan_reason,
    )  # fmt: skip
    rows = PlannedMove.objects.filter(pk=planned.pk, status=PlannedMoveStatus.PROPOSED).update(
        status=PlannedMoveStatus.CARRIED_OUT, move=move, decision=decision, closed_by=ctx.actor,
        closed_at=timezone.now(),
    )  # fmt: skip
    if rows == 0:
        raise ValidationError({"planned": [_("This planned move is no longer open.")]})
    audit_record(
        ctx=ctx, action="episode.move_plan_done", case_id=access.case.pk, object_type="planned_move",
        object_id=planned.pk, details={"move": move.pk, "moved_on": moved_on.isoformat()},
    )  # fmt: skip
    return move


@transaction.atomic
def planned_move_withdraw(
    *, ctx: AuditContext, access: CaseAccess, planned: PlannedMove, reason: str
) -> PlannedMove:
    """The proposal is dropped (the team decided against it, or the school withdrew it): why."""
    _open_planned(access, planned)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the proposed move is withdrawn.")]})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError(
            {"reason": [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]}
        )
    now = timezone.now()
    rows = PlannedMove.objects.filter(pk=planned.pk, status=PlannedMoveStatus.PROPOSED).update(
        status=PlannedMoveStatus.WITHDRAWN, withdraw_reason=reason, closed_by=ctx.actor, closed_at=now
    )
    if rows == 0:
        raise ValidationError({"planned": [_("This planned move is no longer open.")]})
    planned.refresh_from_db()
    _planned_timeline(ctx=ctx, planned=planned, message=MSG_PLANNED_WITHDRAWN, now=now)
    audit_record(
        ctx=ctx, action="episode.move_plan_withdraw", case_id=access.case.pk, object_type="planned_move",
        object_id=planned.pk, reason=reason, details={},
    )  # fmt: skip
    return planned
