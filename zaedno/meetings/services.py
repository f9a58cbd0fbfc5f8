"""Writes of meetings and decisions: schedule, reschedule, cancel, hold, minute, confirm, lock;
record decisions and follow them to the end.

Each function checks the caller's rights through the case access, validates, writes, adds the
timeline entry and the audit event in one transaction; e-mails (with the calendar file) and
notifications go out after commit. Locked minutes are also guarded in the database (triggers in
migration 0002), so no code path can change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess, access_for
from zaedno.cases.models import Sensitivity, TeamMember, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.concurrency import save_versioned
from zaedno.core.errors import ConflictError
from zaedno.core.errors import require as _require
from zaedno.meetings.models import (
    DECISION_OPEN_STATES,
    MEETING_ARTEFACT_KIND,
    Attendance,
    Decision,
    DecisionKind,
    DecisionNote,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinutesAddendum,
    Participant,
    ParticipantRole,
    ResponsibleKind,
)
from zaedno.notifications.services import notification_send
from zaedno.protocols import engine as protocol_engine

MSG_SCHEDULED = gettext_noop("Meeting scheduled: %(meeting_kind)s on %(date)s")
MSG_RESCHEDULED = gettext_noop("Meeting moved: %(meeting_kind)s, now on %(date)s")
MSG_CANCELLED = gettext_noop("Meeting cancelled: %(meeting_kind)s on %(date)s")
MSG_HELD = gettext_noop("Meeting held: %(meeting_kind)s on %(date)s")
MSG_LOCKED = gettext_noop("Minutes confirmed by all present and locked: %(meeting_kind)s of %(date)s")
MSG_ADDENDUM = gettext_noop("Addendum to the minutes of %(date)s")
MSG_DECISION = gettext_noop("Decision recorded: %(text)s (due %(due)s)")
MSG_DECISION_STATUS = gettext_noop("Decision %(decision_status)s: %(text)s")

NOTE_INVITED = gettext_noop("Invitation: %(kind)s on %(date)s — case %(number)s")
NOTE_MOVED = gettext_noop("Meeting moved: %(kind)s, now on %(date)s — case %(number)s")
NOTE_CANCELLED = gettext_noop("Meeting cancelled: %(kind)s on %(date)s — case %(number)s")
NOTE_CONFIRM = gettext_noop("Please confirm the minutes of %(kind)s on %(date)s — case %(number)s")
NOTE_RESPONSIBLE = gettext_noop("A decision for you, due %(due)s — case %(number)s")

# Kinds of decision whose record completes a protocol step (``decision_recorded[<kind>]``).
PROTOCOL_DECISION_KINDS = frozenset(
    {
        DecisionKind.CLOSURE,
        DecisionKind.PROTECTION_MEASURE,
        DecisionKind.CRISIS_INTERVENTION,
        DecisionKind.FOLLOW_UP,
    }
)
# Where a decision may go from each open state. ``superseded`` is reached only by recording the
# new decision in a later meeting (``decision_record(supersedes=...)``).
DECISION_TRANSITIONS = {
    DecisionStatus.OPEN: {DecisionStatus.IN_PROGRESS, DecisionStatus.DONE, DecisionStatus.NOT_DONE},
    DecisionStatus.IN_PROGRESS: {DecisionStatus.DONE, DecisionStatus.NOT_DONE},
}


@dataclass(frozen=True)
class Guest:
    """Someone invited who is not a user: a parent, the child, a relative, another person."""

    name: str
    role: str
    email: str = ""
    role_note: str = ""


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _kind_label(kind: str) -> str:
    """The kind in the default language (timeline entries and notifications are stored in it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(MeetingKind(kind).label)


def _params(meeting: Meeting) -> dict:
    return {
        "kind": _kind_label(meeting.kind),
        "date": _local(meeting.starts_at),
        "number": meeting.case.number,
    }


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.case_id, meeting.pk])


def _team(case) -> dict[int, TeamMember]:
    """The active team by user id."""
    return {
        m.user_id: m
        for m in TeamMember.objects.filter(case=case, left_at__isnull=True).select_related(
            "user", "organisation"
        )
    }


def _send_invitations(meeting: Meeting, method: str, participant_ids: list[int] | None = None) -> None:
    from zaedno.meetings.tasks import meeting_invitations

    transaction.on_commit(partial(meeting_invitations.enqueue, meeting.pk, method, participant_ids))


def _notify_users(meeting: Meeting, participants, title: str, *, actor, kind: str) -> None:
    for p in participants:
        if p.user_id and p.user_id != actor.pk:
            notification_send(
                user=p.user, kind=kind, case_id=meeting.case_id, url=meeting_url(meeting), title=title,
                params=_params(meeting), email=False,
            )  # fmt: skip


def _check_times(starts_at, ends_at) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the date and time the meeting starts.")]
    if ends_at is None:
        errors["ends_at"] = [_("Give the date and time the meeting ends.")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    return errors


def _guest_errors(guests: list[Guest]) -> dict[str, list[str]]:
    errors: list[str] = []
    for g in guests:
        if not g.name.strip():
            errors.append(_("Write the name of each person invited who is not a user."))
        if g.role not in ParticipantRole.values:
            errors.append(_("Choose the role of %(name)s.") % {"name": g.name})
    return {"guests": errors} if errors else {}


def _writable(meeting: Meeting, message: str | None = None) -> None:
    if meeting.status == MeetingStatus.LOCKED:
        raise ValidationError(
            message or _("The minutes are confirmed and locked. Add an addendum to correct or complete them.")
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))


# --- scheduling -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *, ctx: AuditContext, access: CaseAccess, kind: str, starts_at: dt.datetime, ends_at: dt.datetime,
    chair, title: str = "", place: str = "", agenda: str = "", members=(), guests: list[Guest] = (),
) -> Meeting:  # fmt: skip
    """Schedule a meeting, invite the chair, team members and others; send the calendar invitation."""
    _require(access.can_write, _("Emergency access is read-only."))
    case = access.case
    team = _team(case)
    errors = _check_times(starts_at, ends_at)
    if kind not in MeetingKind.values:
        errors["kind"] = [_("Choose the kind of meeting.")]
    if chair is None or chair.pk not in team:
        errors["chair"] = [_("The chair must be a member of the team around the child.")]
    outside = [u for u in members if u.pk not in team]
    if outside:
        errors["members"] = [
            _("%(names)s not in the team around the child.") % {"names": ", ".join(str(u) for u in outside)}
        ]
    guests = list(guests)
    errors |= _guest_errors(guests)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    meeting = Meeting(
        case=case, kind=kind, title=title.strip(), starts_at=starts_at, ends_at=ends_at, place=place.strip(),
        agenda=agenda.strip(), chair=chair, created_by=ctx.actor, created_at=now,
    )  # fmt: skip
    meeting.full_clean()
    meeting.save()
    users = {chair.pk: chair} | {u.pk: u for u in members}
    participants = [
        Participant(meeting=meeting, user=u, organisation=team[pk].organisation, invited_at=now)
        for pk, u in users.items()
    ]
    participants += [
        Participant(
            meeting=meeting,
            name=g.name.strip(),
            role=g.role,
            email=g.email.strip(),
            role_note=g.role_note.strip(),
            invited_at=now,
        )  # fmt: skip
        for g in guests
    ]
    for p in participants:
        p.full_clean(exclude=["meeting"])
    Participant.objects.bulk_create(participants)
    timeline_add(
        case=case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_SCHEDULED,
        params={"meeting_kind": kind, "date": _local(starts_at)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.schedule", case_id=case.pk, object_type="meeting", object_id=meeting.pk,
        details={"kind": kind, "starts_at": starts_at.isoformat(), "users": sorted(users), "guests": len(guests)},
    )  # fmt: skip
    participants = list(meeting.participants.select_related("user"))
    _notify_users(meeting, participants, NOTE_INVITED, actor=ctx.actor, kind="meeting.invited")
    _send_invitations(meeting, "REQUEST")
    return meeting


@transaction.atomic
def participant_invite(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, members=(), guests: list[Guest] = ()
) -> list[Participant]:
    """Invite more people to a scheduled meeting; only they get the invitation."""
    _require(access.can_write, _("Emergency access is read-only."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can take more invitations."))
    team = _team(access.case)
    already = set(meeting.participants.filter(user__isnull=False).values_list("user_id", flat=True))
    guests = list(guests)
    errors = _guest_errors(guests)
    outside = [u for u in members if u.pk not in team]
    if outside:
        errors["members"] = [
            _("%(names)s not in the team around the child.") % {"names": ", ".join(str(u) for u in outside)}
        ]
    if not members and not guests:
        errors["members"] = [_("Choose whom to invite.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    new = [
        Participant(meeting=meeting, user=u, organisation=team[u.pk].organisation, invited_at=now)
        for u in members
        if u.pk not in already
    ]
    new += [
        Participant(meeting=meeting, name=g.name.strip(), role=g.role, email=g.email.strip(),
                    role_note=g.role_note.strip(), invited_at=now)
        for g in guests
    ]  # fmt: skip
    for p in new:
        p.full_clean(exclude=["meeting"])
        p.save()
    audit_record(
        ctx=ctx, action="meeting.invite", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"participants": [p.pk for p in new]},
    )  # fmt: skip
    _notify_users(meeting, new, NOTE_INVITED, actor=ctx.actor, kind="meeting.invited")
    if new:
        _send_invitations(meeting, "REQUEST", [p.pk for p in new])
    return new


@transaction.atomic
def meeting_reschedule(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, expected_version: int,
    starts_at: dt.datetime, ends_at: dt.datetime, place: str,
) -> Meeting:  # fmt: skip
    """Move a scheduled meeting; everyone invited gets the updated invitation (next SEQUENCE)."""
    _require(access.can_write, _("Emergency access is read-only."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be moved."))
    errors = _check_times(starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    if starts_at == meeting.starts_at and ends_at == meeting.ends_at and place.strip() == meeting.place:
        raise ValidationError(_("Nothing changed: give a new time or place."))
    save_versioned(
        meeting, expected_version=expected_version, label=_("The meeting"),
        changes={"starts_at": starts_at, "ends_at": ends_at, "place": place.strip(),
                 "ics_sequence": meeting.ics_sequence + 1},
    )  # fmt: skip
    timeline_add(
        case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, message=MSG_RESCHEDULED,
        params={"meeting_kind": meeting.kind, "date": _local(starts_at)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.reschedule", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"starts_at": starts_at.isoformat(), "sequence": meeting.ics_sequence},
    )  # fmt: skip
    participants = list(meeting.participants.select_related("user"))
    _notify_users(meeting, participants, NOTE_MOVED, actor=ctx.actor, kind="meeting.moved")
    _send_invitations(meeting, "REQUEST")
    return meeting


@transaction.atomic
def meeting_cancel(*, ctx: AuditContext, access: CaseAccess, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting with a reason; the calendars get a cancellation."""
    _require(access.can_write, _("Emergency access is read-only."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    now = timezone.now()
    rows = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.SCHEDULED).update(
        status=MeetingStatus.CANCELLED, cancelled_at=now, cancel_reason=reason,
        ics_sequence=meeting.ics_sequence + 1, version=meeting.version + 1,
    )  # fmt: skip
    if rows == 0:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    meeting.refresh_from_db()
    timeline_add(
        case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_CANCELLED,
        params={"meeting_kind": meeting.kind, "date": _local(meeting.starts_at)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.cancel", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        reason=reason,
    )  # fmt: skip
    participants = list(meeting.participants.select_related("user"))
    _notify_users(meeting, participants, NOTE_CANCELLED, actor=ctx.actor, kind="meeting.cancelled")
    _send_invitations(meeting, "CANCEL")
    return meeting


# --- holding and minuting ----------------------------------------------------------------------------


@transaction.atomic
def meeting_attendance_record(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, entries: dict[int, tuple[str, str]]
) -> list[Participant]:
    """Record who was present, excused or absent: ``entries`` maps participant id to (attendance, note)."""
    _require(access.can_write, _("Emergency access is read-only."))
    _writable(meeting)
    participants = {p.pk: p for p in meeting.participants.select_related("user")}
    unknown = [pk for pk in entries if pk not in participants]
    if unknown:
        raise ValidationError({"attendance": [_("Someone in the list was not invited to this meeting.")]})
    changed = []
    for pk, (attendance, note) in entries.items():
        if attendance not in Attendance.values:
            raise ValidationError({"attendance": [_("Choose present, excused or absent.")]})
        p = participants[pk]
        note = (note or "").strip()
        if p.attendance == attendance and p.attendance_note == note:
            continue
        p.attendance, p.attendance_note = attendance, note
        if attendance != Attendance.PRESENT:
            p.confirmed_at = None
        p.full_clean(exclude=["meeting", "user", "organisation"])
        p.save(update_fields=["attendance", "attendance_note", "confirmed_at"])
        changed.append(p)
    if changed:
        Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
        meeting.version += 1
        audit_record(
            ctx=ctx, action="meeting.attendance", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
            details={str(p.pk): p.attendance for p in changed},
        )  # fmt: skip
    return list(participants.values())


@transaction.atomic
def meeting_minutes_save(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, expected_version: int, minutes: str,
    child_views: str = "", parents_views: str = "", sensitivity: int = Sensitivity.STANDARD,
) -> Meeting:  # fmt: skip
    """Write the minutes and how the child's and the parents' views were heard, before they are locked.

    A change after someone confirmed takes their confirmation back: they confirmed other words.
    """
    _require(access.can_write, _("Emergency access is read-only."))
    _writable(meeting)
    _require(access.sees(meeting.sensitivity), _("Your sharing level does not cover these minutes."))
    if int(sensitivity) not in Sensitivity.values or not access.sees(int(sensitivity)):
        raise ValidationError({"sensitivity": [_("Choose a level up to your own sharing level.")]})
    changes = {
        "minutes": minutes.strip(), "child_views": child_views.strip(), "parents_views": parents_views.strip(),
        "sensitivity": int(sensitivity),
    }  # fmt: skip
    text_changed = any(getattr(meeting, k) != v for k, v in changes.items())
    save_versioned(meeting, expected_version=expected_version, changes=changes, label=_("The minutes"))
    if text_changed:
        meeting.participants.filter(confirmed_at__isnull=False).update(confirmed_at=None)
    audit_record(
        ctx=ctx, action="meeting.minutes", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"sensitivity": int(sensitivity), "changed": text_changed},
    )  # fmt: skip
    return meeting


def minutes_confirmers(meeting: Meeting) -> list[Participant]:
    """Who must confirm the minutes: present participants who are users and may read them now.

    A professional present whose sharing level is below the minutes' sensitivity (or who has
    left the team) cannot read the minutes, so is not asked to confirm them.
    """
    out = []
    for p in meeting.participants.filter(attendance=Attendance.PRESENT, user__isnull=False).select_related(
        "user"
    ):
        access = access_for(p.user, meeting.case)
        if access is not None and access.sees(meeting.sensitivity) and access.via != "break_glass":
            out.append(p)
    return out


@transaction.atomic
def meeting_hold(*, ctx: AuditContext, access: CaseAccess, meeting: Meeting) -> Meeting:
    """Mark the meeting held: attendance is recorded for everyone; the protocol gets its record."""
    _require(access.can_write, _("Emergency access is read-only."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be marked held."))
    now = timezone.now()
    if meeting.starts_at > now:
        raise ValidationError(_("The meeting has not started yet."))
    participants = list(meeting.participants.all())
    if any(p.attendance == Attendance.INVITED for p in participants):
        raise ValidationError({"attendance": [_("Record the attendance of everyone invited first.")]})
    if not any(p.attendance == Attendance.PRESENT and p.user_id for p in participants):
        raise ValidationError(
            {"attendance": [_("At least one professional must have been present to confirm the minutes.")]}
        )
    rows = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.SCHEDULED).update(
        status=MeetingStatus.HELD, held_at=now, version=meeting.version + 1
    )
    if rows == 0:
        raise ValidationError(_("Only a scheduled meeting can be marked held."))
    meeting.refresh_from_db()
    timeline_add(
        case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_HELD,
        params={"meeting_kind": meeting.kind, "date": _local(meeting.starts_at)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.hold", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"present": sum(p.attendance == Attendance.PRESENT for p in participants)},
    )  # fmt: skip
    artefact_kind = MEETING_ARTEFACT_KIND.get(meeting.kind, "")
    if artefact_kind:
        protocol_engine.artefact_record(
            ctx=ctx, case=access.case, artefact="meeting_held", kind=artefact_kind, at=meeting.starts_at,
            evidence=str(meeting), object_type="meeting", object_id=meeting.pk,
        )  # fmt: skip
    for p in minutes_confirmers(meeting):
        if p.user_id != ctx.actor.pk:
            notification_send(
                user=p.user, kind="meeting.confirm", case_id=meeting.case_id, url=meeting_url(meeting),
                title=NOTE_CONFIRM, params=_params(meeting),
            )  # fmt: skip
    return meeting


@transaction.atomic
def minutes_confirm(*, ctx: AuditContext, access: CaseAccess, meeting: Meeting) -> Meeting:
    """A present participant confirms the minutes; when everyone asked has, they are locked."""
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Only the minutes of a held meeting, not yet locked, can be confirmed."))
    if not meeting.minutes.strip():
        raise ValidationError(_("The minutes are still empty."))
    confirmers = minutes_confirmers(meeting)
    mine = next((p for p in confirmers if p.user_id == ctx.actor.pk), None)
    _require(mine is not None, _("Only the professionals present at the meeting confirm its minutes."))
    if mine.confirmed_at is not None:
        raise ValidationError(_("You have already confirmed these minutes."))
    now = timezone.now()
    Participant.objects.filter(pk=mine.pk).update(confirmed_at=now)
    audit_record(
        ctx=ctx, action="meeting.confirm", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"participant": mine.pk, "minutes_version": meeting.version},
    )  # fmt: skip
    waiting = [p for p in confirmers if p.pk != mine.pk and p.confirmed_at is None]
    if not waiting:
        Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.HELD).update(
            status=MeetingStatus.LOCKED, locked_at=now, version=meeting.version + 1
        )
        timeline_add(
            case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_LOCKED,
            params={"meeting_kind": meeting.kind, "date": _local(meeting.starts_at)},
        )  # fmt: skip
        audit_record(
            ctx=ctx,
            action="meeting.lock",
            case_id=access.case.pk,
            object_type="meeting",
            object_id=meeting.pk,
        )
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def addendum_add(*, ctx: AuditContext, access: CaseAccess, meeting: Meeting, text: str) -> MinutesAddendum:
    """Correct or complete locked minutes: an addendum, never an edit."""
    _require(access.can_write, _("Emergency access is read-only."))
    _require(access.sees(meeting.sensitivity), _("Your sharing level does not cover these minutes."))
    if meeting.status != MeetingStatus.LOCKED:
        raise ValidationError(_("Until the minutes are locked, correct them directly."))
    if not (text or "").strip():
        raise ValidationError({"text": [_("The addendum is empty.")]})
    now = timezone.now()
    addendum = MinutesAddendum.objects.create(
        meeting=meeting, text=text.strip(), author=ctx.actor, created_at=now
    )
    timeline_add(
        case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_ADDENDUM,
        params={"date": _local(meeting.starts_at)}, sensitivity=meeting.sensitivity,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.addendum", case_id=access.case.pk, object_type="minutes_addendum",
        object_id=addendum.pk, details={"meeting": meeting.pk},
    )  # fmt: skip
    return addendum


# --- decisions -------------------------------------------------------------------------------------


def _responsible_errors(case, responsible_kind, user, organisation, name) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if responsible_kind not in ResponsibleKind.values:
        errors["responsible_kind"] = [_("Say who is responsible.")]
    elif responsible_kind == ResponsibleKind.PROFESSIONAL:
        if user is None or not TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).exists():
            errors["responsible_user"] = [
                _("Choose the responsible professional from the team around the child.")
            ]
    elif responsible_kind == ResponsibleKind.ORGANISATION:
        if organisation is None or not organisation.is_active:
            errors["responsible_organisation"] = [_("Choose the responsible organisation.")]
    elif responsible_kind in (ResponsibleKind.PARENT, ResponsibleKind.OTHER) and not (name or "").strip():
        errors["responsible_name"] = [_("Write the name and role of the responsible person.")]
    return errors


def _responsible_fields(responsible_kind, user, organisation, name) -> dict:
    return {
        "responsible_kind": responsible_kind,
        "responsible_user": user if responsible_kind == ResponsibleKind.PROFESSIONAL else None,
        "responsible_organisation": organisation
        if responsible_kind == ResponsibleKind.ORGANISATION
        else None,
        "responsible_name": (name or "").strip(),
    }


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


@transaction.atomic
def decision_record(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, text: str, responsible_kind: str,
    due_on: dt.date, kind: str = DecisionKind.GENERAL, responsible_user=None, responsible_organisation=None,
    responsible_name: str = "", sensitivity: int = Sensitivity.STANDARD, supersedes=(),
) -> Decision:  # fmt: skip
    """Record a decision taken at a meeting: what, who is responsible, by when.

    ``supersedes``: open decisions of earlier meetings that this one replaces; they become
    superseded and point to it.
    """
    _require(access.can_write, _("Emergency access is read-only."))
    _writable(meeting, _("The minutes are locked: decisions are recorded at the next meeting."))
    case = access.case
    errors = _responsible_errors(
        case, responsible_kind, responsible_user, responsible_organisation, responsible_name
    )
    if not (text or "").strip():
        errors["text"] = [_("Write the decision.")]
    if kind not in DecisionKind.values:
        errors["kind"] = [_("Unknown kind of decision.")]
    if due_on is None:
        errors["due_on"] = [_("Give the date by which it must be done.")]
    elif due_on < timezone.localdate(meeting.starts_at):
        errors["due_on"] = [_("The due date cannot be before the meeting.")]
    if int(sensitivity) not in Sensitivity.values or not access.sees(int(sensitivity)):
        errors["sensitivity"] = [_("Choose a level up to your own sharing level.")]
    old = list(supersedes)
    for d in old:
        if d.case_id != case.pk or d.meeting_id == meeting.pk or d.meeting.starts_at >= meeting.starts_at:
            errors["supersedes"] = [
                _("Only a decision of an earlier meeting of this case can be superseded.")
            ]
        elif d.status not in DECISION_OPEN_STATES:
            errors["supersedes"] = [_("Only an open decision can be superseded.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    number = (Decision.objects.filter(meeting=meeting).aggregate(m=Max("number"))["m"] or 0) + 1
    decision = Decision(
        case=case, meeting=meeting, number=number, text=text.strip(), kind=kind, due_on=due_on,
        sensitivity=int(sensitivity), created_by=ctx.actor, created_at=now,
        **_responsible_fields(responsible_kind, responsible_user, responsible_organisation, responsible_name),
    )  # fmt: skip
    decision.full_clean()
    decision.save()
    for d in old:
        rows = Decision.objects.filter(pk=d.pk, status__in=DECISION_OPEN_STATES).update(
            status=DecisionStatus.SUPERSEDED, superseded_by=decision, completed_at=now, version=d.version + 1
        )
        if rows == 0:
            raise ValidationError({"supersedes": [_("Only an open decision can be superseded.")]})
        DecisionNote.objects.create(
            decision=d, text=_("Superseded by decision %(number)s of %(date)s.")
            % {"number": f"{meeting.pk}.{number}", "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")},
            status_from=d.status, status_to=DecisionStatus.SUPERSEDED, author=ctx.actor, created_at=now,
            meeting=meeting,
        )  # fmt: skip
    timeline_add(
        case=case, kind=TimelineKind.DECISION, actor=ctx.actor, at=now, message=MSG_DECISION,
        params={"text": _short(decision.text), "due": due_on.strftime("%d.%m.%Y")}, sensitivity=decision.sensitivity,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="decision.record", case_id=case.pk, object_type="decision", object_id=decision.pk,
        details={"meeting": meeting.pk, "kind": kind, "responsible": responsible_kind,
                 "due_on": due_on.isoformat(), "supersedes": [d.pk for d in old]},
    )  # fmt: skip
    if kind in PROTOCOL_DECISION_KINDS:
        protocol_engine.artefact_record(
            ctx=ctx, case=case, artefact="decision_recorded", kind=kind, at=now,
            evidence=_short(decision.text), object_type="decision", object_id=decision.pk,
        )  # fmt: skip
    if decision.responsible_user_id and decision.responsible_user_id != ctx.actor.pk:
        notification_send(
            user=decision.responsible_user, kind="decision.assigned", case_id=case.pk,
            url=reverse("meetings:decision", args=[case.pk, decision.pk]), title=NOTE_RESPONSIBLE,
            params={"due": due_on.strftime("%d.%m.%Y"), "number": case.number},
        )  # fmt: skip
    return decision


@transaction.atomic
def decision_edit(
    *, ctx: AuditContext, access: CaseAccess, decision: Decision, expected_version: int, text: str,
    responsible_kind: str, due_on: dt.date, responsible_user=None, responsible_organisation=None,
    responsible_name: str = "",
) -> Decision:  # fmt: skip
    """Correct a decision's words, who or when — only until the minutes are locked."""
    _require(access.can_write, _("Emergency access is read-only."))
    _require(access.sees(decision.sensitivity), _("Your sharing level does not cover this decision."))
    _writable(
        decision.meeting, _("The minutes are locked: a decision can no longer be changed, only followed up.")
    )
    errors = _responsible_errors(
        access.case, responsible_kind, responsible_user, responsible_organisation, responsible_name
    )
    if not (text or "").strip():
        errors["text"] = [_("Write the decision.")]
    if due_on is None:
        errors["due_on"] = [_("Give the date by which it must be done.")]
    if errors:
        raise ValidationError(errors)
    changes = {
        "text": text.strip(), "due_on": due_on,
        **_responsible_fields(responsible_kind, responsible_user, responsible_organisation, responsible_name),
    }  # fmt: skip
    if due_on != decision.due_on:  # a new date deserves its own reminders
        changes |= {"reminder_sent_at": None, "overdue_sent_at": None}
    save_versioned(decision, expected_version=expected_version, changes=changes, label=_("The decision"))
    audit_record(
        ctx=ctx, action="decision.edit", case_id=access.case.pk, object_type="decision", object_id=decision.pk,
        details={"fields": sorted(k for k in changes if not k.endswith("_sent_at"))},
    )  # fmt: skip
    return decision


def can_update_decision(access: CaseAccess, decision: Decision) -> bool:
    """The responsible professional, the case lead, managers and team members (not emergency access)."""
    return access.can_write or (
        access.via != "break_glass" and decision.responsible_user_id == access.user.pk
    )


@transaction.atomic
def decision_progress(
    *, ctx: AuditContext, access: CaseAccess, decision: Decision, text: str = "", status: str = "",
    reason: str = "", meeting: Meeting | None = None, expected_version: int | None = None,
) -> DecisionNote:  # fmt: skip
    """A progress note and/or a change of status (not done needs the reason); ``meeting`` when the
    decision is reviewed at a later meeting."""
    _require(can_update_decision(access, decision), _("You may not update this decision."))
    _require(access.sees(decision.sensitivity), _("Your sharing level does not cover this decision."))
    if decision.case_id != access.case.pk:
        raise ValidationError({"decision": [_("This decision belongs to another case.")]})
    text, reason = (text or "").strip(), (reason or "").strip()
    status = status or ""
    errors: dict[str, list[str]] = {}
    if meeting is not None:
        if meeting.case_id != access.case.pk or meeting.pk == decision.meeting_id:
            errors["meeting"] = [_("A decision is reviewed at a later meeting of the same case.")]
        elif meeting.status in (MeetingStatus.LOCKED, MeetingStatus.CANCELLED):
            errors["meeting"] = [_("The minutes of that meeting are closed for changes.")]
    if status and status == decision.status:
        status = ""
    if status:
        if status == DecisionStatus.SUPERSEDED:
            errors["status"] = [_("A decision is superseded by recording the new decision in a meeting.")]
        elif status not in DECISION_TRANSITIONS.get(DecisionStatus(decision.status), set()):
            errors["status"] = [
                _("A decision that is “%(status)s” cannot change to this status.")
                % {"status": decision.get_status_display()}
            ]
        elif status == DecisionStatus.NOT_DONE and not reason:
            errors["reason"] = [_("Say why the decision was not done.")]
    if not text and not status:
        errors["text"] = [_("Write a progress note or choose a new status.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    status_from = decision.status if status else ""
    if status:
        changes = {
            "status": status,
            "status_reason": reason if status == DecisionStatus.NOT_DONE else decision.status_reason,
            "completed_at": now if status in (DecisionStatus.DONE, DecisionStatus.NOT_DONE) else None,
        }
        save_versioned(
            decision, expected_version=decision.version if expected_version is None else expected_version,
            changes=changes, label=_("The decision"),
        )  # fmt: skip
    elif expected_version is not None and expected_version != decision.version:
        raise ConflictError(model_label=_("The decision"), current_version=decision.version)
    note = DecisionNote.objects.create(
        decision=decision, text=text or reason, status_from=status_from, status_to=status, author=ctx.actor,
        created_at=now, meeting=meeting,
    )  # fmt: skip
    if status:
        timeline_add(
            case=access.case, kind=TimelineKind.DECISION, actor=ctx.actor, at=now, message=MSG_DECISION_STATUS,
            params={"decision_status": status, "text": _short(decision.text)}, sensitivity=decision.sensitivity,
        )  # fmt: skip
    audit_record(
        ctx=ctx, action="decision.progress", case_id=access.case.pk, object_type="decision", object_id=decision.pk,
        reason=reason, details={"note": note.pk, "status": status, "meeting": meeting.pk if meeting else None},
    )  # fmt: skip
    return note
