"""The life of a meeting and its decisions through the services: scheduled with a calendar
invitation, held, minuted, confirmed by everyone present, locked; decisions recorded, followed up,
done, not done, superseded; the protocol step completed by holding the conference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation
from icalendar import Calendar

from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TimelineEntry
from zaedno.core.errors import ConflictError
from zaedno.core.testing import ctx_for
from zaedno.meetings import services
from zaedno.meetings.models import (
    Attendance,
    Decision,
    DecisionKind,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ResponsibleKind,
)
from zaedno.meetings.tests.conftest import local
from zaedno.notifications.models import Notification
from zaedno.protocols.models import CaseArtefact, CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service messages are matched in English here (the catalogue's Bulgarian is checked elsewhere)."""
    with translation.override("en"):
        yield


def acc(world, name="ivanova"):
    return access_for(getattr(world, name), world.case)


def ctx(world, name="ivanova"):
    return ctx_for(getattr(world, name))


def ics_of(message) -> Calendar:
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def hold(world, meeting, *, minutes="Обсъдихме оценката на Георги.", sensitivity=Sensitivity.STANDARD):
    """Everyone present (the mother excused), minutes written, meeting marked held."""
    entries = {}
    for p in meeting.participants.all():
        entries[p.pk] = (Attendance.PRESENT if p.user_id else Attendance.EXCUSED, "")
    services.meeting_attendance_record(ctx=ctx(world), access=acc(world), meeting=meeting, entries=entries)
    meeting.refresh_from_db()
    services.meeting_minutes_save(
        ctx=ctx(world), access=acc(world), meeting=meeting, expected_version=meeting.version, minutes=minutes,
        child_views="Георги говори с психолога преди срещата.", parents_views="Майката присъства по телефона.",
        sensitivity=sensitivity,
    )  # fmt: skip
    return services.meeting_hold(ctx=ctx(world), access=acc(world), meeting=meeting)


def record(world, meeting, **kw):
    data = {
        "text": "Психологът провежда три консултации с Георги",
        "responsible_kind": ResponsibleKind.PROFESSIONAL,
        "responsible_user": world.petrov,
        "due_on": dt.date(2026, 6, 5),
    } | kw
    return services.decision_record(ctx=ctx(world), access=acc(world), meeting=meeting, **data)


# --- scheduling -----------------------------------------------------------------------------------


def test_scheduling_invites_by_email_with_a_calendar_file(
    world, schedule, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule()
    assert meeting.status == MeetingStatus.SCHEDULED
    people = list(meeting.participants.order_by("id"))
    assert [p.display_name for p in people] == ["Мария Иванова", "Петър Петров", "Анна Стефанова"]
    assert {m.to[0] for m in mailoutbox} == {"ivanova@example.org", "petrov@example.org", "anna@example.org"}
    message = next(m for m in mailoutbox if m.to == ["petrov@example.org"])
    assert world.case.number in message.subject and "Георги" not in message.subject + message.body
    cal = ics_of(message)
    assert cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"zaedno-meeting-{meeting.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == local(2026, 5, 22, 10, 0)
    assert event["DTSTART"].to_ical() == b"20260522T070000Z"  # UTC
    summary = str(event["SUMMARY"])
    assert world.case.number in summary and "Георги" not in summary and "Стефанов" not in summary
    assert str(event["LOCATION"]) == "ОЗД, стая 12"
    assert str(event["ORGANIZER"]) == "mailto:ivanova@example.org"
    # Professionals only among the attendees: the mother's name and address stay out of the file.
    attendees = event.get("ATTENDEE")
    attendees = [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])]
    assert sorted(attendees) == ["mailto:ivanova@example.org", "mailto:petrov@example.org"]
    assert "Стефанова" not in cal.to_ical().decode()
    # In-app notification for the invited user (not the one who scheduled it).
    assert Notification.objects.filter(user=world.petrov, kind="meeting.invited").count() == 1
    assert not Notification.objects.filter(user=world.ivanova, kind="meeting.invited").exists()
    assert TimelineEntry.objects.filter(case=world.case, summary__startswith="Насрочена среща").exists() or (
        TimelineEntry.objects.filter(case=world.case, message=services.MSG_SCHEDULED).exists()
    )


def test_rescheduling_bumps_the_sequence_and_cancelling_sends_a_cancel(
    world, schedule, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = schedule()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(
            ctx=ctx(world), access=acc(world), meeting=meeting, expected_version=meeting.version,
            starts_at=local(2026, 5, 25, 14, 0), ends_at=local(2026, 5, 25, 15, 0), place="Училището",
        )  # fmt: skip
    assert len(mailoutbox) == 3
    [event] = ics_of(mailoutbox[0]).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and str(event["LOCATION"]) == "Училището"
    uid = str(event["UID"])
    with pytest.raises(ConflictError):
        services.meeting_reschedule(
            ctx=ctx(world), access=acc(world), meeting=Meeting.objects.get(pk=meeting.pk), expected_version=1,
            starts_at=local(2026, 5, 26, 14, 0), ends_at=local(2026, 5, 26, 15, 0), place="",
        )  # fmt: skip
    mailoutbox.clear()
    with pytest.raises(ValidationError):
        services.meeting_cancel(ctx=ctx(world), access=acc(world), meeting=meeting, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(ctx=ctx(world), access=acc(world), meeting=meeting, reason="Майката е болна")
    cal = ics_of(mailoutbox[0])
    [event] = cal.walk("VEVENT")
    assert cal["METHOD"] == "CANCEL" and str(event["UID"]) == uid and event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED


def test_scheduling_is_for_the_team_and_the_chair_is_in_it(world, schedule):
    with pytest.raises(ValidationError) as exc:
        services.meeting_schedule(
            ctx=ctx(world), access=acc(world), kind=MeetingKind.CRISIS, starts_at=local(2026, 5, 22, 10, 0),
            ends_at=local(2026, 5, 22, 9, 0), chair=world.georgieva, members=[world.angelova],
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"ends_at", "chair", "members"}
    # A team member may schedule; a manager too.
    assert schedule(actor=world.petrov).created_by == world.petrov
    assert schedule(actor=world.nikolova).created_by == world.nikolova


# --- holding, minutes, confirmation, lock -----------------------------------------------------------


def test_the_whole_meeting_lifecycle(world, schedule, clock):
    meeting = schedule()
    with pytest.raises(ValidationError, match="not started"):
        services.meeting_hold(ctx=ctx(world), access=acc(world), meeting=meeting)
    clock.set(2026, 5, 22, 11, 30)
    with pytest.raises(ValidationError):  # attendance not recorded yet
        services.meeting_hold(ctx=ctx(world), access=acc(world), meeting=meeting)
    meeting = hold(world, meeting)
    assert meeting.status == MeetingStatus.HELD and meeting.held_at is not None
    assert Notification.objects.filter(user=world.petrov, kind="meeting.confirm").exists()
    # Stale edit of the minutes → conflict.
    with pytest.raises(ConflictError):
        services.meeting_minutes_save(
            ctx=ctx(world, "petrov"),
            access=acc(world, "petrov"),
            meeting=meeting,
            expected_version=1,
            minutes="x",
        )
    # The mother (not a user) and the excused are not asked; ivanova and petrov are.
    assert {p.user_id for p in services.minutes_confirmers(meeting)} == {world.ivanova.pk, world.petrov.pk}
    services.minutes_confirm(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting)
    with pytest.raises(ValidationError):
        services.minutes_confirm(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting)
    # Outside the meeting: the manager was not present.
    with pytest.raises(PermissionDenied):
        services.minutes_confirm(ctx=ctx(world, "nikolova"), access=acc(world, "nikolova"), meeting=meeting)
    # A change of the minutes takes petrov's confirmation back.
    meeting.refresh_from_db()
    services.meeting_minutes_save(
        ctx=ctx(world), access=acc(world), meeting=meeting, expected_version=meeting.version,
        minutes="Обсъдихме оценката на Георги. Допълнено.",
    )  # fmt: skip
    assert not Participant.objects.filter(meeting=meeting, confirmed_at__isnull=False).exists()
    meeting = services.minutes_confirm(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting)
    assert meeting.status == MeetingStatus.HELD
    meeting = services.minutes_confirm(ctx=ctx(world), access=acc(world), meeting=meeting)
    assert meeting.status == MeetingStatus.LOCKED and meeting.locked_at is not None

    # Locked: the services refuse edits ...
    with pytest.raises(ValidationError, match="addendum"):
        services.meeting_minutes_save(
            ctx=ctx(world),
            access=acc(world),
            meeting=meeting,
            expected_version=meeting.version,
            minutes="нов",
        )
    p = meeting.participants.first()
    with pytest.raises(ValidationError):
        services.meeting_attendance_record(
            ctx=ctx(world), access=acc(world), meeting=meeting, entries={p.pk: (Attendance.ABSENT, "")}
        )
    # ... and so does the database.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes="подменен текст")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Participant.objects.filter(pk=p.pk).update(attendance=Attendance.ABSENT)
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Обсъдихме оценката на Георги. Допълнено."
    # Corrections are addenda.
    addendum = services.addendum_add(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting,
                                     text="Поправка: консултациите са в училище.")  # fmt: skip
    assert list(meeting.addenda.all()) == [addendum]
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        type(addendum).objects.filter(pk=addendum.pk).update(text="друго")


def test_holding_an_initial_conference_completes_the_first_case_conference_step(world, schedule, clock):
    steps_done_before(world.case, "assessment_conference", user=world.ivanova)  # a step waits for its own
    step = CaseStep.objects.get(
        case=world.case,
        case_protocol__version__definition__code="multisector",
        step_code="assessment_conference",
    )
    assert step.status != StepStatus.DONE
    meeting = schedule(kind=MeetingKind.CONFERENCE_INITIAL)
    clock.set(2026, 5, 22, 11, 30)
    hold(world, meeting)
    step.refresh_from_db()
    assert step.status == StepStatus.DONE
    artefact = CaseArtefact.objects.get(pk=step.artefact_id)
    assert (artefact.artefact, artefact.kind, artefact.object_type, artefact.object_id) == (
        "meeting_held", "case_conference", "meeting", str(meeting.pk),
    )  # fmt: skip


def test_supervision_records_no_protocol_artefact(world, schedule, clock):
    meeting = schedule(kind=MeetingKind.SUPERVISION)
    clock.set(2026, 5, 22, 11, 30)
    hold(world, meeting)
    assert not CaseArtefact.objects.filter(case=world.case, object_type="meeting").exists()


# --- decisions ------------------------------------------------------------------------------------


def test_decision_recorded_followed_and_done(world, schedule, clock):
    meeting = schedule()
    decision = record(world, meeting)
    assert decision.number == 1 and decision.status == DecisionStatus.OPEN
    assert Notification.objects.filter(user=world.petrov, kind="decision.assigned").exists()
    second = record(world, meeting, text="Майката посещава родителска група", responsible_kind=ResponsibleKind.PARENT,
                    responsible_user=None, responsible_name="Анна Стефанова, майка")  # fmt: skip
    assert second.number == 2 and second.responsible_user is None
    # The responsible professional notes progress, then marks it done.
    services.decision_progress(
        ctx=ctx(world, "petrov"), access=acc(world, "petrov"), decision=decision,
        text="Първата консултация се проведе.", status=DecisionStatus.IN_PROGRESS,
    )  # fmt: skip
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.IN_PROGRESS
    services.decision_progress(
        ctx=ctx(world, "petrov"), access=acc(world, "petrov"), decision=decision, text="Трите консултации са проведени.",
        status=DecisionStatus.DONE, expected_version=decision.version,
    )  # fmt: skip
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.completed_at is not None
    assert [n.status_to for n in decision.notes.all()] == ["in_progress", "done"]
    with pytest.raises(ValidationError):  # done is final
        services.decision_progress(
            ctx=ctx(world), access=acc(world), decision=decision, status=DecisionStatus.OPEN
        )


def test_not_done_needs_a_reason(world, schedule):
    decision = record(world, schedule())
    with pytest.raises(ValidationError) as exc:
        services.decision_progress(
            ctx=ctx(world), access=acc(world), decision=decision, status=DecisionStatus.NOT_DONE
        )
    assert "reason" in exc.value.message_dict
    services.decision_progress(
        ctx=ctx(world), access=acc(world), decision=decision, status=DecisionStatus.NOT_DONE,
        reason="Семейството се премести в друг град.",
    )  # fmt: skip
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.NOT_DONE and decision.status_reason.startswith("Семейството")


def test_superseded_by_a_decision_of_a_later_meeting_reviewed_there(world, schedule, clock):
    first = schedule()
    old = record(world, first)
    with pytest.raises(ValidationError):  # not by a decision of the same meeting
        record(world, first, supersedes=[old])
    second = schedule(kind=MeetingKind.CONFERENCE_REVIEW, starts_at=local(2026, 6, 10, 10, 0))
    services.decision_progress(
        ctx=ctx(world), access=acc(world), decision=old, text="Само една консултация досега.", meeting=second
    )
    new = record(world, second, text="Консултациите продължават в ЦОП", due_on=dt.date(2026, 7, 1),
                 responsible_kind=ResponsibleKind.ORGANISATION, responsible_user=None,
                 responsible_organisation=world.cop, supersedes=[old])  # fmt: skip
    old.refresh_from_db()
    assert old.status == DecisionStatus.SUPERSEDED and old.superseded_by == new
    assert [n.meeting_id for n in old.notes.all()] == [second.pk, second.pk]
    from zaedno.meetings.queries import review_decisions

    assert review_decisions(acc(world), second) == [old]  # reviewed here, though no longer open


def test_decision_kinds_the_protocol_cares_about_record_an_artefact(world, schedule):
    decision = record(world, schedule(), kind=DecisionKind.PROTECTION_MEASURE)
    assert CaseArtefact.objects.filter(
        artefact="decision_recorded", kind="protection_measure", object_id=str(decision.pk)
    ).exists()
    record(world, schedule(), kind=DecisionKind.GENERAL)
    assert CaseArtefact.objects.filter(artefact="decision_recorded").count() == 1


def test_decision_words_are_fixed_once_the_minutes_are_locked(world, schedule, clock):
    meeting = schedule()
    decision = record(world, meeting)
    decision = services.decision_edit(
        ctx=ctx(world), access=acc(world), decision=decision, expected_version=decision.version,
        text="Психологът провежда четири консултации", responsible_kind=ResponsibleKind.PROFESSIONAL,
        responsible_user=world.petrov, due_on=dt.date(2026, 6, 5),  # unchanged: see test_decision_due.py
    )  # fmt: skip
    clock.set(2026, 5, 22, 11, 30)
    meeting = hold(world, meeting)
    for name in ("ivanova", "petrov"):
        meeting = services.minutes_confirm(ctx=ctx(world, name), access=acc(world, name), meeting=meeting)
    assert meeting.status == MeetingStatus.LOCKED
    decision = Decision.objects.get(pk=decision.pk)
    with pytest.raises(ValidationError, match="locked"):
        services.decision_edit(
            ctx=ctx(world), access=acc(world), decision=decision, expected_version=decision.version,
            text="друго", responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=world.petrov,
            due_on=dt.date(2026, 6, 6),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        record(world, meeting)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(text="подменено")
    # Following up is still possible.
    services.decision_progress(
        ctx=ctx(world, "petrov"), access=acc(world, "petrov"), decision=decision, text="Започнахме."
    )


def test_who_may_update_a_decision(world, schedule):
    from zaedno.cases.models import BreakGlassAccess
    from zaedno.cases.services import break_glass_open

    decision = record(world, schedule())
    break_glass_open(
        ctx=ctx(world, "georgieva"), case=world.case, reason="Спешна проверка през нощта на адреса."
    )
    glass = access_for(world.georgieva, world.case)
    assert glass.via == "break_glass" and BreakGlassAccess.objects.exists()
    with pytest.raises(PermissionDenied):
        services.decision_progress(ctx=ctx(world, "georgieva"), access=glass, decision=decision, text="x")
    for name in ("ivanova", "petrov", "nikolova"):
        services.decision_progress(
            ctx=ctx(world, name), access=acc(world, name), decision=decision, text=name
        )
    assert decision.notes.count() == 3
