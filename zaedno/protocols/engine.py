"""The protocol engine: puts a protocol's steps on a case, runs their clocks and completes them.

Everything a case does that a protocol cares about comes in through three doors:

* :func:`protocol_event` — something happened (a signal received, the case opened, a service
  started, follow-up began, the case closed). Protocols that apply and start on that event are
  attached to the case on their *current* version, and waiting steps that start on it get their
  clock: ``due_at`` from the definition's deadline (hours, days or Bulgarian working days), with
  ``remind_at`` before it and ``escalate_at`` after it.
* :func:`artefact_record` — a record exists (a meeting held, an assessment, a plan agreed, a
  notification sent). Every open or waiting step completed by that record is done; steps waiting
  for those steps start; a repeating step gets its next occurrence. A step completes only by the
  record its definition names and only once the step it waits for (``step_done:<code>``) is done
  or does not apply: a record made earlier leaves it waiting, with a note on the timeline, unless
  the lead or a manager marks it done with the reason for the exception (:func:`step_complete`).
* :func:`step_not_applicable` — a step does not apply to this case, always with a reason.

Each change is on the case timeline and in the audit trail, in the same transaction. Owners are
roles in the definition, resolved to a team member of the case (:func:`resolve_owner`) and
re-resolved when the team changes (:func:`steps_reassign`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.models import Case, Sensitivity, TeamMember, TimelineKind
from zaedno.protocols.calendar import deadline_for
from zaedno.protocols.models import (
    CaseArtefact,
    CaseEvent,
    CaseProtocol,
    CaseStep,
    ProtocolVersion,
    StepStatus,
)
from zaedno.protocols.validation import ARTEFACT_RE
from zaedno.protocols.vocabulary import (
    ARTEFACT_EVENTS,
    ARTEFACTS,
    EVENTS,
    OWNER_ORGANISATION_KINDS,
    STEP_DONE,
)

MSG_ATTACHED = gettext_noop("Protocol started: %(protocol)s (version %(version)s)")
MSG_EVENT = gettext_noop("Protocol event: %(event)s")
MSG_STEP_DONE = gettext_noop("Step done: %(step)s")
MSG_STEP_DONE_LATE = gettext_noop("Step done late: %(step)s")
MSG_STEP_NA = gettext_noop("Step marked not applicable: %(step)s. Reason: %(reason)s")
MSG_STEP_WAITS = gettext_noop(
    "“%(step)s” is not done yet: it waits for “%(waits_for)s”. Mark it done once that step is done, "
    "or now with the reason for the exception."
)
MSG_STEP_DONE_EARLY = gettext_noop(
    "Step done before “%(waits_for)s”, as an exception: %(step)s. Reason: %(reason)s"
)

# Events a professional may record by hand (the others come from the case itself).
MANUAL_EVENTS = ("crisis_identified", "service_started")

EVENT_LABELS = {
    "signal_received": gettext_noop("signal received"),
    "case_opened": gettext_noop("case opened"),
    "team_formed": gettext_noop("team formed"),
    "plan_agreed": gettext_noop("plan agreed"),
    "service_started": gettext_noop("a social service started"),
    "crisis_identified": gettext_noop("need for crisis intervention identified"),
    "follow_up_started": gettext_noop("long-term follow-up started"),
    "case_closed": gettext_noop("case closed"),
}
assert set(EVENT_LABELS) == set(EVENTS)


# --- definitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepDef:
    """One step of a protocol version, flattened with its stage and position."""

    code: str
    stage: str
    position: int
    body: dict

    @property
    def starts_on(self) -> str:
        return self.body["starts_on"]

    @property
    def completed_by(self) -> str:
        return self.body["completed_by"]

    @property
    def title(self) -> dict:
        return self.body["title"]


# Keyed by (pk, sha256): a loaded version never changes, and the digest keeps a reused pk (test
# databases roll back) from returning another version's steps.
_STEPS: dict[tuple[int, str], dict[str, StepDef]] = {}


def steps_of(version: ProtocolVersion) -> dict[str, StepDef]:
    """The steps of a version by code, in order (cached: a loaded version never changes)."""
    key = (version.pk, version.sha256)
    if key not in _STEPS:
        out: dict[str, StepDef] = {}
        position = 0
        for stage in version.body["stages"]:
            for step in stage["steps"]:
                out[step["code"]] = StepDef(step["code"], stage["code"], position, step)
                position += 1
        _STEPS[key] = out
    return _STEPS[key]


def step_def(step: CaseStep) -> StepDef:
    return steps_of(step.case_protocol.version)[step.step_code]


def text(value: dict | None, language: str | None = None) -> str:
    """A definition's {bg, en} text in the active language (Bulgarian otherwise)."""
    if not value:
        return ""
    from django.utils.translation import get_language

    lang = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return value.get(lang) or value.get("bg") or ""


def step_title(step: CaseStep, language: str | None = None) -> str:
    return text(step_def(step).title, language)


# --- conditions and owners -----------------------------------------------------------------------


def case_facts(case: Case) -> dict[str, set]:
    """What the ``applies_when`` conditions are tested against: the case's signals and place."""
    from zaedno.signals.models import Signal  # signals build on cases and protocols

    facts: dict[str, set] = {"signal_category": set(), "urgency": set(), "immediate_danger": set()}
    for category, urgency, danger in Signal.objects.filter(case=case).values_list(
        "category", "urgency", "immediate_danger"
    ):
        facts["signal_category"].add(category)
        facts["urgency"].add(urgency)
        facts["immediate_danger"].add(danger)
    facts["municipality"] = {case.municipality_id}
    return facts


def applies(conditions: dict | None, facts: dict[str, set[str]]) -> bool:
    """All listed conditions hold: each field has at least one of the listed values."""
    return all(set(values) & facts.get(name, set()) for name, values in (conditions or {}).items())


@dataclass(frozen=True)
class Owner:
    user_id: int | None
    organisation_id: int | None


def resolve_owner(case: Case, role: str, team: list[TeamMember] | None = None) -> Owner:
    """The person (and organisation) who owns a step of ``role`` on this case, or no one yet.

    ``case_lead`` and ``team`` are the case lead (the whole team's steps are coordinated by the
    lead); ``signal_recipient`` is the department that received the first signal — the worker
    who checked it while they are in the team, else the case lead; organisation roles are the
    first active team member from an organisation of that kind — the lead first when the lead's
    organisation is of that kind.
    """
    if role in ("case_lead", "team"):
        return Owner(case.lead_id, case.lead_organisation_id)
    if role == "signal_recipient":
        from zaedno.signals.models import Signal

        signal = Signal.objects.filter(case=case).order_by("received_at", "id").first()
        if signal is None or signal.recipient_id is None:
            return Owner(case.lead_id, case.lead_organisation_id)
        worker = signal.assigned_to_id
        if worker is None or not any(m.user_id == worker for m in _team(case, team)):
            worker = case.lead_id if signal.recipient_id == case.lead_organisation_id else None
        return Owner(worker, signal.recipient_id)
    kinds = OWNER_ORGANISATION_KINDS.get(role, ())
    members = [m for m in _team(case, team) if m.organisation.kind in kinds]
    members.sort(key=lambda m: (m.user_id != case.lead_id, m.joined_at, m.pk))
    if members:
        return Owner(members[0].user_id, members[0].organisation_id)
    return Owner(None, None)


def _team(case: Case, team: list[TeamMember] | None) -> list[TeamMember]:
    if team is not None:
        return team
    return list(TeamMember.objects.filter(case=case, left_at__isnull=True).select_related("organisation"))


# --- clocks --------------------------------------------------------------------------------------


def reminder_lead(span: dt.timedelta) -> dt.timedelta:
    """How long before the deadline the reminder goes: ZAEDNO_REMINDER_HOURS, at most half the time."""
    return min(dt.timedelta(hours=settings.ZAEDNO_REMINDER_HOURS), span / 2)


def escalation_delay(span: dt.timedelta) -> dt.timedelta:
    """How long after the deadline an unfinished step escalates: ZAEDNO_ESCALATION_HOURS, at most
    the step's own time (a 1-hour step escalates 1 hour late)."""
    return min(dt.timedelta(hours=settings.ZAEDNO_ESCALATION_HOURS), span)


def _start_clock(step: CaseStep, at: dt.datetime, deadline: dict) -> None:
    due = deadline_for(at, deadline)
    span = due - at
    step.status = StepStatus.OPEN
    step.started_at = at
    step.due_at = due
    step.remind_at = due - reminder_lead(span)
    step.escalate_at = due + escalation_delay(span)


# --- the engine ----------------------------------------------------------------------------------


@dataclass
class _Run:
    """What one engine call changed, for the timeline and the audit."""

    ctx: AuditContext
    case: Case
    at: dt.datetime
    started: list[CaseStep]
    completed: list[CaseStep]

    @classmethod
    def new(cls, ctx, case, at):
        return cls(ctx, case, at, [], [])


def _timeline(run: _Run, message: str, params: dict, at=None) -> None:
    from zaedno.cases.services import timeline_add

    timeline_add(
        case=run.case, kind=TimelineKind.PROTOCOL, actor=run.ctx.actor, at=at or run.at,
        message=message, params=params, sensitivity=Sensitivity.BASIC,
    )  # fmt: skip


def _current_versions() -> list[ProtocolVersion]:
    latest: dict[int, ProtocolVersion] = {}
    for version in ProtocolVersion.objects.select_related("definition").order_by("definition_id", "version"):
        latest[version.definition_id] = version
    return list(latest.values())


def _attach(run: _Run, version: ProtocolVersion, event: str, facts, team) -> CaseProtocol:
    cp = CaseProtocol.objects.create(
        case=run.case, version=version, started_at=run.at, started_by_event=event
    )
    steps = []
    for sd in steps_of(version).values():
        if not applies(sd.body.get("applies_when"), facts):
            continue
        owner = resolve_owner(run.case, sd.body["owner"], team)
        steps.append(
            CaseStep(
                case_protocol=cp,
                case=run.case,
                stage_code=sd.stage,
                step_code=sd.code,
                position=sd.position,
                owner_role=sd.body["owner"],
                owner_user_id=owner.user_id,
                owner_organisation_id=owner.organisation_id,
                starts_on=sd.starts_on,
                completed_by=sd.completed_by,
            )  # fmt: skip
        )
    CaseStep.objects.bulk_create(steps)
    _timeline(run, MSG_ATTACHED, {"protocol": version.definition.title_bg, "version": version.version})
    audit_record(
        ctx=run.ctx, action="protocol.attach", case_id=run.case.pk, object_type="case_protocol", object_id=cp.pk,
        details={"code": version.definition.code, "version": version.version, "event": event, "steps": len(steps)},
    )  # fmt: skip
    # Events that happened before this protocol was attached start their steps now, at their time:
    # the latest occurrence of each (a protocol attached by a second signal runs from that signal,
    # not from the first one months ago).
    latest: dict[str, dt.datetime] = {}
    for code, at in CaseEvent.objects.filter(case=run.case).values_list("code", "at"):
        if code not in latest or at > latest[code]:
            latest[code] = at
    for code, at in sorted(latest.items(), key=lambda kv: kv[1]):
        _start_waiting(run, code, at, protocols=[cp])
    return cp


def _start_waiting(run: _Run, starts_on: str, at: dt.datetime, protocols=None) -> list[CaseStep]:
    qs = CaseStep.objects.filter(case=run.case, status=StepStatus.WAITING, starts_on=starts_on)
    if protocols is not None:
        qs = qs.filter(case_protocol__in=protocols)
    started = []
    for step in qs.select_related("case_protocol__version"):
        _start_clock(step, at, step_def(step).body["deadline"])
        step.save(update_fields=["status", "started_at", "due_at", "remind_at", "escalate_at"])
        started.append(step)
    run.started += started
    return started


def _end_repeats(run: _Run, event: str) -> None:
    """Repeating steps that end on this event: the open occurrence ends (not counted against anyone)."""
    for step in CaseStep.objects.filter(
        case=run.case, status__in=[StepStatus.OPEN, StepStatus.WAITING]
    ).select_related("case_protocol__version"):
        if step_def(step).body.get("ends_on") == event:
            step.status, step.ended_at = StepStatus.ENDED, run.at
            # Ending a review cycle on purpose is not a missed deadline.
            step.due_at = step.due_at if step.due_at and step.due_at < run.at else None
            step.save(update_fields=["status", "ended_at", "due_at"])


@transaction.atomic
def protocol_event(
    *, ctx: AuditContext, case: Case, event: str, at: dt.datetime | None = None, note: str = ""
) -> list[CaseStep]:
    """Record that ``event`` happened on ``case`` at ``at``; return the steps whose clock started."""
    if event not in EVENTS:
        raise ValueError(f"unknown protocol event {event!r}")
    run = _Run.new(ctx, case, at or timezone.now())
    CaseEvent.objects.create(case=case, code=event, at=run.at, recorded_by=_actor(ctx), note=note)
    audit_record(
        ctx=ctx, action="protocol.event", case_id=case.pk, object_type="case", object_id=case.pk,
        details={"event": event, "at": run.at.isoformat()}, reason=note,
    )  # fmt: skip
    _apply_event(run, event)
    if event == "case_closed":
        _end_open_steps(run)
    return run.started


def _apply_event(run: _Run, event: str) -> None:
    attached = set(
        CaseProtocol.objects.filter(case=run.case).values_list("version__definition_id", flat=True)
    )
    facts = case_facts(run.case)
    team = None
    applicable = [v for v in _current_versions() if applies(v.body.get("applies_when"), facts)]
    # A municipality's adapted protocol (``replaces: multisector``) stands in for the shipped one.
    replaced = {v.body["replaces"] for v in applicable if v.body.get("replaces")}
    for version in applicable:
        if version.definition_id in attached or version.definition.code in replaced:
            continue
        if any(sd.starts_on == event for sd in steps_of(version).values()):
            team = team if team is not None else _team(run.case, None)
            _attach(run, version, event, facts, team)  # starts this event's steps too
    _start_waiting(run, event, run.at)
    _end_repeats(run, event)


def _end_open_steps(run: _Run) -> None:
    CaseStep.objects.filter(case=run.case, status__in=[StepStatus.OPEN, StepStatus.WAITING]).update(
        status=StepStatus.ENDED, ended_at=run.at
    )


def case_reopened(*, ctx: AuditContext, case: Case) -> int:
    """A reopened case picks up the steps that ended when it closed; returns how many."""
    n = 0
    closed = (
        CaseEvent.objects.filter(case=case, code="case_closed").order_by("-at").values_list("at", flat=True)
    )
    last = closed.first()
    if last is None:
        return 0
    for step in CaseStep.objects.filter(case=case, status=StepStatus.ENDED, ended_at=last):
        step.status = StepStatus.OPEN if step.started_at else StepStatus.WAITING
        step.ended_at = None
        step.save(update_fields=["status", "ended_at"])
        n += 1
    return n


def _actor(ctx: AuditContext):
    return ctx.actor if getattr(ctx.actor, "pk", None) else None


def parse_artefact(value: str) -> tuple[str, str]:
    match = ARTEFACT_RE.match(value)
    if not match:
        raise ValueError(f"not an artefact: {value!r}")
    return match.group(1), match.group(2) or ""


def waits_for(step: CaseStep) -> CaseStep | None:
    """The step this one depends on (``starts_on: step_done:<code>``) while it is not finished.

    Finished is done or not applicable; a dependency that is not on the case at all (its
    ``applies_when`` does not hold) holds nothing back.
    """
    if not step.starts_on.startswith(STEP_DONE):
        return None
    dep = (
        CaseStep.objects.filter(
            case_protocol_id=step.case_protocol_id, step_code=step.starts_on[len(STEP_DONE) :]
        )
        .order_by("-occurrence")
        .first()
    )
    if dep is None or dep.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE):
        return None
    return dep


def _matches(completed_by: str, artefact: str, kind: str) -> bool:
    want, want_kind = parse_artefact(completed_by)
    return want == artefact and (not want_kind or want_kind == kind)


@transaction.atomic
def artefact_record(
    *, ctx: AuditContext, case: Case, artefact: str, kind: str = "", at: dt.datetime | None = None,
    evidence: str = "", object_type: str = "", object_id: str = "", only_step: CaseStep | None = None,
    exception_reason: str = "",
) -> tuple[CaseArtefact, list[CaseStep]]:  # fmt: skip
    """Record that ``artefact[kind]`` exists on ``case``; complete the steps it completes.

    Returns the record and the steps it completed. ``only_step`` limits completion to one step
    (a professional marking a particular step done). A step still waiting for the step it depends
    on is not completed — the timeline says what it waits for — unless ``exception_reason`` is
    given with ``only_step`` (checked by :func:`step_complete`).
    """
    if artefact not in ARTEFACTS or (kind and kind not in ARTEFACTS[artefact]):
        raise ValueError(f"unknown artefact {artefact}[{kind}]")
    now = timezone.now()
    at = at or now
    record = CaseArtefact.objects.create(
        case=case, artefact=artefact, kind=kind, at=at, recorded_by=_actor(ctx), evidence=evidence.strip(),
        object_type=object_type, object_id=str(object_id or ""),
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="protocol.artefact", case_id=case.pk, object_type="case_artefact", object_id=record.pk,
        details={"artefact": artefact, "kind": kind, "at": at.isoformat(), "object": f"{object_type}:{object_id}"},
    )  # fmt: skip
    run = _Run.new(ctx, case, at)
    candidates = CaseStep.objects.filter(case=case, status__in=[StepStatus.OPEN, StepStatus.WAITING])
    if only_step is not None:
        candidates = candidates.filter(pk=only_step.pk)
    seen: set[tuple[int, str]] = set()
    for step in candidates.select_related("case_protocol__version__definition").order_by("occurrence"):
        if not _matches(step.completed_by, artefact, kind) or (step.case_protocol_id, step.step_code) in seen:
            continue
        seen.add((step.case_protocol_id, step.step_code))  # one occurrence of a repeating step at a time
        dep = waits_for(step)
        if dep is not None and not (exception_reason and only_step is not None):
            _waits(run, step, dep, record)
            continue
        _complete(run, step, record, waits=dep, exception_reason=exception_reason if dep else "")
    for key in (f"{artefact}[{kind}]", artefact):
        if key in ARTEFACT_EVENTS:
            event = ARTEFACT_EVENTS[key]
            CaseEvent.objects.create(case=case, code=event, at=at, recorded_by=_actor(ctx))
            _apply_event(run, event)
            break
    return record, run.completed


def _waits(run: _Run, step: CaseStep, dep: CaseStep, record: CaseArtefact) -> None:
    """A record came before the step it waits for was done: the step stays as it is, and says so."""
    title, dep_title = step_title(step, settings.LANGUAGE_CODE), step_title(dep, settings.LANGUAGE_CODE)
    _timeline(run, MSG_STEP_WAITS, {"step": title, "waits_for": dep_title})
    audit_record(
        ctx=run.ctx, action="protocol.step.waits", case_id=run.case.pk, object_type="case_step", object_id=step.pk,
        details={"step": step.step_code, "waits_for": dep.step_code, "artefact": record.pk},
    )  # fmt: skip


def artefact_exists(*, case: Case, artefact: str, object_type: str, object_id) -> bool:
    """Whether ``artefact`` was already recorded for this record (e.g. a plan signed once)."""
    return CaseArtefact.objects.filter(
        case=case, artefact=artefact, object_type=object_type, object_id=str(object_id)
    ).exists()


def _complete(
    run: _Run,
    step: CaseStep,
    record: CaseArtefact,
    *,
    waits: CaseStep | None = None,
    exception_reason: str = "",
) -> None:
    step.status = StepStatus.DONE
    step.completed_at = run.at
    step.completed_by_user = _actor(run.ctx)
    step.artefact = record
    step.exception_reason = exception_reason
    step.version += 1
    step.save(
        update_fields=[
            "status",
            "completed_at",
            "completed_by_user",
            "artefact",
            "exception_reason",
            "version",
        ]
    )
    run.completed.append(step)
    late = step.due_at is not None and run.at > step.due_at
    title = step_title(step, settings.LANGUAGE_CODE)
    if waits is not None:
        _timeline(
            run, MSG_STEP_DONE_EARLY,
            {"step": title, "waits_for": step_title(waits, settings.LANGUAGE_CODE), "reason": exception_reason[:200]},
        )  # fmt: skip
    else:
        _timeline(run, MSG_STEP_DONE_LATE if late else MSG_STEP_DONE, {"step": title})
    details = {"step": step.step_code, "occurrence": step.occurrence, "late": late, "artefact": record.pk}
    if waits is not None:
        details["before"] = waits.step_code
    audit_record(
        ctx=run.ctx, action="protocol.step.done", case_id=run.case.pk, object_type="case_step", object_id=step.pk,
        details=details, reason=exception_reason,
    )  # fmt: skip
    _after_step_finished(run, step)


def _after_step_finished(run: _Run, step: CaseStep) -> None:
    """Start the steps waiting for this one; schedule the next occurrence of a repeating step."""
    _start_waiting(run, f"{STEP_DONE}{step.step_code}", run.at, protocols=[step.case_protocol_id])
    sd = step_def(step)
    if step.status == StepStatus.DONE and "repeat" in sd.body:
        nxt = CaseStep(
            case_protocol_id=step.case_protocol_id, case=run.case, stage_code=step.stage_code,
            step_code=step.step_code, position=step.position, occurrence=step.occurrence + 1,
            owner_role=step.owner_role, owner_user_id=step.owner_user_id,
            owner_organisation_id=step.owner_organisation_id, starts_on=step.starts_on,
            completed_by=step.completed_by,
        )  # fmt: skip
        _start_clock(nxt, run.at, sd.body["repeat"])
        nxt.save()
        run.started.append(nxt)


# --- what professionals do -----------------------------------------------------------------------


def STALE_STEP() -> str:  # noqa: N802 - reads as the message it returns
    return _("Someone else changed this step meanwhile; reload the page and check it.")


def can_complete(access, step: CaseStep) -> bool:
    """The owner, anyone from the owning organisation, and the lead or a manager may mark a step
    done; for a step of the whole team, every member with write access."""
    if not access.can_write or step.case_id != access.case.pk:
        return False
    if access.can_manage_team or step.owner_role == "team" or step.owner_user_id == access.user.pk:
        return True
    membership = access.membership
    return bool(
        membership and step.owner_organisation_id and membership.organisation_id == step.owner_organisation_id
    )


@transaction.atomic
def step_complete(
    *, ctx: AuditContext, access, step: CaseStep, evidence: str, at: dt.datetime | None = None,
    expected_version: int | None = None, exception_reason: str = "",
) -> CaseStep:  # fmt: skip
    """A professional records that a step is done, saying what shows it (the evidence).

    A step still waiting for the step it depends on is done only as an exception: by the case
    lead or a manager, with the reason (kept on the step, the timeline and the audit trail).
    """
    step = CaseStep.objects.select_for_update().select_related("case_protocol__version").get(pk=step.pk)
    if not can_complete(access, step):
        raise PermissionDenied(
            _("Only the step's owner, the case lead or a manager can mark this step done.")
        )
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    at = at or now
    if not evidence.strip():
        errors["evidence"] = [
            _("Say what shows the step is done, e.g. “minutes of the meeting of 12.03, signed”.")
        ]
    if at > now + dt.timedelta(minutes=5):
        errors["at"] = [_("The step cannot be done in the future.")]
    if step.started_at and at < step.started_at - dt.timedelta(days=366):
        errors["at"] = [_("This date is more than a year before the step started; check it.")]
    if expected_version is not None and expected_version != step.version:
        raise ValidationError({"version": [STALE_STEP()]})
    if step.status not in (StepStatus.OPEN, StepStatus.WAITING):
        errors["step"] = [_("This step is already %(status)s.") % {"status": step.get_status_display()}]
    dep = waits_for(step) if step.status == StepStatus.WAITING else None
    exception_reason = (exception_reason or "").strip() if dep is not None else ""
    if dep is not None:
        if not (access.can_manage_team and access.can_write):
            raise PermissionDenied(
                _(
                    "This step waits for “%(step)s”. Only the case lead or a manager can mark it done "
                    "before that, with the reason for the exception."
                )
                % {"step": step_title(dep)}
            )
        if len(exception_reason) < 10:
            errors["exception_reason"] = [
                _(
                    "This step waits for “%(step)s”, which is not done yet. Say why it is done before "
                    "that (a full sentence), or mark that step done first."
                )
                % {"step": step_title(dep)}
            ]
    if errors:
        raise ValidationError(errors)
    artefact, kind = parse_artefact(step.completed_by)
    artefact_record(
        ctx=ctx, case=access.case, artefact=artefact, kind=kind, at=at, evidence=evidence, only_step=step,
        exception_reason=exception_reason,
    )  # fmt: skip
    step.refresh_from_db()
    return step


@transaction.atomic
def step_not_applicable(
    *, ctx: AuditContext, access, step: CaseStep, reason: str, expected_version: int | None = None
) -> CaseStep:
    """Mark a step not applicable to this case; only the case lead or a manager, always with a reason."""
    step = CaseStep.objects.select_for_update().select_related("case_protocol__version").get(pk=step.pk)
    if not (access.can_manage_team and access.can_write) or step.case_id != access.case.pk:
        raise PermissionDenied(_("Only the case lead or a manager can mark a step not applicable."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": [_("Say why this step does not apply to this case (a full sentence).")]}
        )
    if expected_version is not None and expected_version != step.version:
        raise ValidationError({"version": [STALE_STEP()]})
    if step.status not in (StepStatus.OPEN, StepStatus.WAITING):
        raise ValidationError(
            {"step": [_("This step is already %(status)s.") % {"status": step.get_status_display()}]}
        )
    now = timezone.now()
    rows = CaseStep.objects.filter(pk=step.pk, version=step.version).update(
        status=StepStatus.NOT_APPLICABLE, not_applicable_reason=reason, ended_at=now, version=step.version + 1
    )
    if rows == 0:
        raise ValidationError({"version": [STALE_STEP()]})
    step.refresh_from_db()
    run = _Run.new(ctx, access.case, now)
    _timeline(run, MSG_STEP_NA, {"step": step_title(step, settings.LANGUAGE_CODE), "reason": reason[:200]})
    audit_record(
        ctx=ctx, action="protocol.step.not_applicable", case_id=access.case.pk, object_type="case_step",
        object_id=step.pk, reason=reason, details={"step": step.step_code, "occurrence": step.occurrence},
    )  # fmt: skip
    _after_step_finished(run, step)
    return step


def event_record(
    *, ctx: AuditContext, access, event: str, at: dt.datetime | None = None, note: str = ""
) -> list[CaseStep]:
    """A team member records an event the case cannot know by itself (crisis identified, a service started)."""
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    if event not in MANUAL_EVENTS:
        raise ValidationError({"event": [_("This event is recorded by Zaedno itself.")]})
    now = timezone.now()
    if at and at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("The event cannot be in the future.")]})
    return protocol_event(ctx=ctx, case=access.case, event=event, at=at or now, note=note)


def steps_reassign(*, ctx: AuditContext, case: Case) -> int:
    """Re-resolve the owners of unfinished steps after the team or the lead changed; return changes."""
    team = _team(case, None)
    changed = 0
    for step in CaseStep.objects.filter(case=case, status__in=[StepStatus.OPEN, StepStatus.WAITING]):
        owner = resolve_owner(case, step.owner_role, team)
        if (owner.user_id, owner.organisation_id) != (step.owner_user_id, step.owner_organisation_id):
            step.owner_user_id, step.owner_organisation_id = owner.user_id, owner.organisation_id
            step.save(update_fields=["owner_user", "owner_organisation"])
            changed += 1
    if changed:
        audit_record(
            ctx=ctx, action="protocol.owners", case_id=case.pk, object_type="case", object_id=case.pk,
            details={"changed": changed},
        )  # fmt: skip
    return changed


def case_started(*, ctx: AuditContext, case: Case, signal_at: dt.datetime, opened_at: dt.datetime) -> None:
    """Called by ``case_open``: the signal and the opening start the protocols that apply."""
    protocol_event(ctx=ctx, case=case, event="signal_received", at=signal_at)
    protocol_event(ctx=ctx, case=case, event="case_opened", at=opened_at)
