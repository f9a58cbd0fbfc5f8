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

from zaedno.accounts.models import Membership, Role
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
    MOVE_MEETING_KINDS,
    Attendance,
    Decision,
    DecisionDueChange,
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
MSG_DECISION_DUE = gettext_noop(
    "Due date moved from %(old)s to %(new)s, by %(who)s, because: %(reason)s — decision: %(text)s"
)
NOTE_DUE_MOVED = gettext_noop("The due date of your decision moved from %(old)s to %(new)s — case %(number)s")

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
        meeting, expected_version=expected_version, record="meeting",
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
            p.confirmed_at, p.confirmed_level, p.confirmed_by, p.confirmation_note = None, None, None, ""
        p.full_clean(exclude=["meeting", "user", "organisation", "confirmed_by"])
        p.save(
            update_fields=[
                "attendance",
                "attendance_note",
                "confirmed_at",
                "confirmed_level",
                "confirmed_by",
                "confirmation_note",
            ]
        )
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
    save_versioned(meeting, expected_version=expected_version, changes=changes, record="minutes")
    if text_changed:
        meeting.participants.filter(confirmed_at__isnull=False).update(
            confirmed_at=None, confirmed_level=None, confirmed_by=None, confirmation_note=""
        )
    audit_record(
        ctx=ctx, action="meeting.minutes", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"sensitivity": int(sensitivity), "changed": text_changed},
    )  # fmt: skip
    return meeting


# What a present professional confirms (see docs/casework.md, "Confirming the minutes").
SCOPE_FULL = "full"  # the whole minutes: their sharing level covers them
SCOPE_PART = "part"  # the part they may read: details, attendance, decisions within their level
SCOPE_ORAL = "oral"  # they cannot open the case any more: the chair records their oral confirmation

# Who may record an oral confirmation: the chair of the meeting or the case lead.
MSG_ORAL_WHO = gettext_noop("Only the chair of the meeting or the case lead records an oral confirmation.")


def _scope_now(p: Participant, meeting: Meeting) -> tuple[str, int | None]:
    """What ``p`` can confirm today, and at which level: the reader's access decides."""
    access = access_for(p.user, meeting.case)
    if access is None or access.via == "break_glass":
        return SCOPE_ORAL, None
    if access.sees(meeting.sensitivity):
        return SCOPE_FULL, meeting.sensitivity
    return SCOPE_PART, access.level


def confirmation_scope(p: Participant, meeting: Meeting) -> str:
    """What a confirmation given covers: recorded by someone else (the chair) → oral; at a level
    below the minutes' sensitivity → the part they could read; else the whole minutes."""
    if p.confirmed_by_id and p.confirmed_by_id != p.user_id:
        return SCOPE_ORAL
    if p.confirmed_level is not None and p.confirmed_level < meeting.sensitivity:
        return SCOPE_PART
    return SCOPE_FULL


def minutes_confirmers(meeting: Meeting) -> list[Participant]:
    """Who must confirm the minutes: every present participant who is a user — nobody is left out.

    Each comes with ``scope`` and ``level``: a professional whose sharing level covers the minutes
    confirms them whole (``full``); one below their sensitivity confirms the part they may read
    (``part``: the meeting's details, the attendance and the decisions within their level, not
    the minutes' text); one who can no longer open the case (left the team) cannot confirm in
    Zaedno, so the chair records their oral confirmation (``oral``). A confirmation already given
    keeps the scope it was given with.
    """
    out = []
    for p in meeting.participants.filter(attendance=Attendance.PRESENT, user__isnull=False).select_related(
        "user", "confirmed_by"
    ):
        if p.confirmed_at is not None:
            p.scope, p.level = confirmation_scope(p, meeting), p.confirmed_level
        else:
            p.scope, p.level = _scope_now(p, meeting)
        out.append(p)
    return out


def _lock_when_all_confirmed(
    ctx: AuditContext, access: CaseAccess, meeting: Meeting, confirmers, now
) -> None:
    if any(p.confirmed_at is None for p in confirmers):
        return
    Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.HELD).update(
        status=MeetingStatus.LOCKED, locked_at=now, version=meeting.version + 1
    )
    timeline_add(
        case=access.case, kind=TimelineKind.MEETING, actor=ctx.actor, at=now, message=MSG_LOCKED,
        params={"meeting_kind": meeting.kind, "date": _local(meeting.starts_at)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="meeting.lock", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"scopes": {str(p.pk): p.scope for p in confirmers}},
    )  # fmt: skip


def _confirmable(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Only the minutes of a held meeting, not yet locked, can be confirmed."))
    if not meeting.minutes.strip():
        raise ValidationError(_("The minutes are still empty."))


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
        if p.user_id != ctx.actor.pk and p.scope != SCOPE_ORAL:  # no notice into a case they cannot open
            notification_send(
                user=p.user, kind="meeting.confirm", case_id=meeting.case_id, url=meeting_url(meeting),
                title=NOTE_CONFIRM, params=_params(meeting),
            )  # fmt: skip
    return meeting


@transaction.atomic
def minutes_confirm(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, expected_scope: str | None = None
) -> Meeting:
    """A present professional confirms the minutes — whole, or the part their sharing level lets
    them read; when everyone present has confirmed, they are locked.

    ``expected_scope``: what the page offered to confirm; if the reader's level changed since,
    the confirmation is refused rather than given for something they did not see.
    """
    _confirmable(meeting)
    confirmers = minutes_confirmers(meeting)
    mine = next((p for p in confirmers if p.user_id == ctx.actor.pk), None)
    _require(mine is not None, _("Only the professionals present at the meeting confirm its minutes."))
    if mine.confirmed_at is not None:
        raise ValidationError(_("You have already confirmed these minutes."))
    _require(
        mine.scope != SCOPE_ORAL and access.via != "break_glass",
        _("You can no longer open this case: the chair records your oral confirmation."),
    )
    if expected_scope and expected_scope != mine.scope:
        raise ValidationError(_("What you may read of these minutes has changed: look at the page again."))
    now = timezone.now()
    Participant.objects.filter(pk=mine.pk).update(
        confirmed_at=now, confirmed_level=mine.level, confirmed_by=ctx.actor, confirmation_note=""
    )
    mine.confirmed_at = now
    audit_record(
        ctx=ctx, action="meeting.confirm", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        details={"participant": mine.pk, "minutes_version": meeting.version, "scope": mine.scope,
                 "level": mine.level},
    )  # fmt: skip
    _lock_when_all_confirmed(ctx, access, meeting, confirmers, now)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def minutes_confirm_oral(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, participant: Participant, note: str
) -> Meeting:
    """The chair records that a present professional who can no longer open the case (left the
    team) confirmed the minutes orally — how and when in ``note``; the lock may then follow."""
    _require(access.can_write, _("Emergency access is read-only."))
    _require(ctx.actor.pk in (meeting.chair_id, access.case.lead_id), _(MSG_ORAL_WHO))
    _confirmable(meeting)
    confirmers = minutes_confirmers(meeting)
    theirs = next((p for p in confirmers if p.pk == participant.pk), None)
    if theirs is None:
        raise ValidationError(
            {"participant": [_("Only a professional present at the meeting confirms its minutes.")]}
        )
    name = {"name": theirs.display_name}
    if theirs.confirmed_at is not None:
        raise ValidationError({"participant": [_("%(name)s has already confirmed these minutes.") % name]})
    if theirs.scope != SCOPE_ORAL:
        raise ValidationError(
            {"participant": [_("%(name)s can open the case and confirms the minutes in Zaedno.") % name]}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say how and when they confirmed the minutes.")]})
    now = timezone.now()
    Participant.objects.filter(pk=theirs.pk).update(
        confirmed_at=now, confirmed_level=meeting.sensitivity, confirmed_by=ctx.actor, confirmation_note=note[:300],
    )  # fmt: skip
    theirs.confirmed_at = now
    audit_record(
        ctx=ctx, action="meeting.confirm.oral", case_id=access.case.pk, object_type="meeting", object_id=meeting.pk,
        reason=note, details={"participant": theirs.pk, "user": theirs.user_id, "minutes_version": meeting.version},
    )  # fmt: skip
    _lock_when_all_confirmed(ctx, access, meeting, confirmers, now)
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


def _move_errors(meeting: Meeting, move_from: str, move_to: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if meeting.kind not in MOVE_MEETING_KINDS:
        errors["kind"] = [
            _("A move of the child is decided by the team at a case conference or a team meeting, not here.")
        ]
    if not move_from:
        errors["move_from"] = [_("Say where the child moves from (the school, service or placement).")]
    elif len(move_from) > 200:
        errors["move_from"] = [_("The name is too long (at most 200 characters).")]
    if not move_to:
        errors["move_to"] = [_("Say where the child moves to (the school, service or placement).")]
    elif len(move_to) > 200:
        errors["move_to"] = [_("The name is too long (at most 200 characters).")]
    return errors


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


@transaction.atomic
def decision_record(
    *, ctx: AuditContext, access: CaseAccess, meeting: Meeting, text: str, responsible_kind: str,
    due_on: dt.date, kind: str = DecisionKind.GENERAL, responsible_user=None, responsible_organisation=None,
    responsible_name: str = "", sensitivity: int = Sensitivity.STANDARD, supersedes=(), move_from: str = "",
    move_to: str = "",
) -> Decision:  # fmt: skip
    """Record a decision taken at a meeting: what, who is responsible, by when.

    ``supersedes``: open decisions of earlier meetings that this one replaces; they become
    superseded and point to it. A decision about a move of the child (``kind = move``) names from
    where to where (``move_from``, ``move_to``) and is taken at a meeting of the team, not at a
    supervision.
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
    move_from, move_to = (move_from or "").strip(), (move_to or "").strip()
    if kind == DecisionKind.MOVE:
        errors.update(_move_errors(meeting, move_from, move_to))
    else:
        move_from = move_to = ""
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
        move_from=move_from, move_to=move_to, sensitivity=int(sensitivity), created_by=ctx.actor, created_at=now,
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
    responsible_kind: str, due_on: dt.date | None = None, responsible_user=None, responsible_organisation=None,
    responsible_name: str = "", move_from: str | None = None, move_to: str | None = None,
) -> Decision:  # fmt: skip
    """Correct a decision's words or who — only until the minutes are locked.

    The due date is not corrected here: moving it is its own event, with a reason, by the
    responsible person, the case lead or a manager (``decision_due_change``). ``due_on`` is
    accepted only unchanged (a form that sends the date back as it was)."""
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
    if due_on is not None and due_on != decision.due_on:
        errors["due_on"] = [
            _("The due date is moved with “Move the due date”, which records the reason and who moved it.")
        ]
    changes = {
        "text": text.strip(),
        **_responsible_fields(responsible_kind, responsible_user, responsible_organisation, responsible_name),
    }  # fmt: skip
    if decision.kind == DecisionKind.MOVE:
        move_from = decision.move_from if move_from is None else move_from.strip()
        move_to = decision.move_to if move_to is None else move_to.strip()
        errors.update(
            {k: v for k, v in _move_errors(decision.meeting, move_from, move_to).items() if k != "kind"}
        )
        changes |= {"move_from": move_from, "move_to": move_to}
    if errors:
        raise ValidationError(errors)
    save_versioned(decision, expected_version=expected_version, changes=changes, record="decision")
    audit_record(
        ctx=ctx, action="decision.edit", case_id=access.case.pk, object_type="decision", object_id=decision.pk,
        details={"fields": sorted(k for k in changes if not k.endswith("_sent_at"))},
    )  # fmt: skip
    return decision


def can_move_due_date(access: CaseAccess, decision: Decision) -> bool:
    """The decision's responsible professional, the case lead or a manager of the lead
    organisation — not any member of the team, and never through emergency access."""
    if access.via == "break_glass":
        return False
    user = access.user
    if decision.responsible_user_id == user.pk or access.is_lead or access.via == "manager":
        return True
    return Membership.objects.filter(
        user=user, role=Role.MANAGER, is_active=True, organisation_id=access.case.lead_organisation_id
    ).exists()


def who_may_move_due_date(access: CaseAccess, decision: Decision) -> list[str]:
    """The names of the people who may move the due date, for the one who may not."""
    names = []
    if decision.responsible_user_id:
        names.append(decision.responsible_user.get_full_name() or decision.responsible_user.username)
    lead = access.case.lead
    if lead is not None:
        name = lead.get_full_name() or lead.username
        if name not in names:
            names.append(name)
    return names


@transaction.atomic
def decision_due_change(
    *, ctx: AuditContext, access: CaseAccess, decision: Decision, due_on: dt.date, reason: str,
    expected_version: int | None = None,
) -> DecisionDueChange:  # fmt: skip
    """Move the due date of an open decision (нов срок): never before the meeting that took it,
    only by its responsible professional, the case lead or a manager of the lead organisation,
    always with the reason. The change is kept on the decision, put on the timeline, audited and
    told to the responsible professional; the new date gets its own reminders. Allowed after the
    minutes are locked: the database lets the date change only with this record written first."""
    _require(
        can_move_due_date(access, decision),
        _(
            "Only the responsible professional, the case lead or a manager of the lead organisation can move the due date."
        ),
    )
    _require(access.sees(decision.sensitivity), _("Your sharing level does not cover this decision."))
    if decision.case_id != access.case.pk:
        raise ValidationError({"decision": [_("This decision belongs to another case.")]})
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    meeting_day = timezone.localdate(decision.meeting.starts_at)
    if not decision.is_open:
        errors["due_on"] = [_("Only the due date of an open decision can be moved.")]
    elif due_on is None:
        errors["due_on"] = [_("Give the new due date.")]
    elif due_on < meeting_day:
        errors["due_on"] = [
            _("The due date cannot be before the meeting that took the decision (%(date)s).")
            % {"date": meeting_day.strftime("%d.%m.%Y")}
        ]
    elif due_on == decision.due_on:
        errors["due_on"] = [_("This is the due date already.")]
    if not reason:
        errors["reason"] = [_("Say why the due date moves.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("The text is too long (at most %(n)s characters).") % {"n": 2000}]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    old = decision.due_on
    change = DecisionDueChange(
        decision=decision,
        old_due_on=old,
        new_due_on=due_on,
        reason=reason,
        changed_by=ctx.actor,
        changed_at=now,
    )
    change.full_clean()
    change.save()
    save_versioned(
        decision, expected_version=decision.version if expected_version is None else expected_version,
        changes={"due_on": due_on, "reminder_sent_at": None, "overdue_sent_at": None}, record="decision",
    )  # fmt: skip
    who = ctx.actor.get_full_name() or ctx.actor.username
    params = {"old": old.strftime("%d.%m.%Y"), "new": due_on.strftime("%d.%m.%Y"), "who": who,
              "reason": _short(reason), "text": _short(decision.text)}  # fmt: skip
    timeline_add(
        case=access.case, kind=TimelineKind.DECISION, actor=ctx.actor, at=now, message=MSG_DECISION_DUE,
        params=params, sensitivity=decision.sensitivity,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="decision.due_change", case_id=access.case.pk, object_type="decision",
        object_id=decision.pk, reason=reason,
        details={"from": old.isoformat(), "to": due_on.isoformat(), "change": change.pk},
    )  # fmt: skip
    if decision.responsible_user_id and decision.responsible_user_id != ctx.actor.pk:
        notification_send(
            user=decision.responsible_user, kind="decision.due_change", case_id=access.case.pk,
            url=reverse("meetings:decision", args=[access.case.pk, decision.pk]), title=NOTE_DUE_MOVED,
            params={"old": params["old"], "new": params["new"], "number": access.case.number},
        )  # fmt: skip
    return change


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
            changes=changes, record="decision",
        )  # fmt: skip
    elif expected_version is not None and expected_version != decision.version:
        raise ConflictError(record="decision", current_version=decision.version)
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
