"""Writes of cases: each validates, keeps history, writes the timeline and the audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.access import access_for
from zaedno.cases.models import Case, CaseStatus, NoteSection, Sensitivity, TeamMember, TeamRole, TimelineKind
from zaedno.cases.services import (
    break_glass_open,
    break_glass_review,
    case_change_status,
    case_note_add,
    team_member_add,
    team_member_remove,
)
from zaedno.core.testing import ctx_for, open_case
from zaedno.signals.services import SignalInput, case_open_direct

pytestmark = pytest.mark.django_db


def test_open_case_from_signal(world):
    case = world.case
    assert case.number.startswith(f"VTR04-{timezone.now().year}-")
    assert case.status == CaseStatus.OPEN
    lead = TeamMember.objects.get(case=case, role=TeamRole.LEAD)
    assert (lead.user, lead.sharing_level) == (world.ivanova, Sensitivity.SENSITIVE)
    kinds = list(case.timeline.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[:3] == [TimelineKind.SIGNAL, TimelineKind.OPENED, TimelineKind.MEMBER_JOINED]
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.open", kind=AuditKind.WRITE).count() == 1


def test_case_numbers_are_sequential(world):
    second = open_case(world, world.child)
    assert int(second.number.rsplit("-", 1)[1]) == int(world.case.number.rsplit("-", 1)[1]) + 1


def test_signal_in_the_future_or_lead_outside_org_refused(world):
    with pytest.raises(ValidationError) as exc:
        case_open_direct(
            ctx=ctx_for(world.ivanova), child=world.child, lead=world.ivanova, lead_organisation=world.ozd,
            municipality=world.vt,
            signal=SignalInput(
                category="neglect", source_sector="health", reporter_name="Лекар", reporter_is_me=False,
                received_at=timezone.now() + dt.timedelta(days=1), description="x",
            ),
        )  # fmt: skip
    assert {"received_at"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        case_open_direct(
            ctx=ctx_for(world.ivanova), child=world.child, lead=world.petrov, lead_organisation=world.ozd,
            municipality=world.vt,
            signal=SignalInput(category="neglect", description="x", reporter_is_me=False, reporter_name="Лекар"),
        )  # fmt: skip
    assert {"lead"} <= set(exc.value.message_dict)


def test_team_changes_keep_history(world):
    access = access_for(world.ivanova, world.case)
    member = team_member_add(
        ctx=ctx_for(world.ivanova), access=access, user=world.dimitrova, organisation=world.hospital
    )
    with pytest.raises(ValidationError):  # already in the team
        team_member_add(
            ctx=ctx_for(world.ivanova), access=access, user=world.dimitrova, organisation=world.hospital
        )
    with pytest.raises(ValidationError):  # works elsewhere
        team_member_add(
            ctx=ctx_for(world.ivanova), access=access, user=world.koleva, organisation=world.hospital
        )
    with pytest.raises(ValidationError):  # a reason is required
        team_member_remove(ctx=ctx_for(world.ivanova), access=access, member=member, reason=" ")
    team_member_remove(ctx=ctx_for(world.ivanova), access=access, member=member, reason="Лечението приключи")
    again = team_member_add(
        ctx=ctx_for(world.ivanova), access=access, user=world.dimitrova, organisation=world.hospital
    )
    rows = TeamMember.objects.filter(case=world.case, user=world.dimitrova).order_by("id")
    assert [r.left_at is None for r in rows] == [False, True]
    assert rows[1] == again
    assert world.dimitrova.notifications.filter(kind="team.added").count() == 2
    actions = list(
        AuditEvent.objects.filter(case_id=world.case.pk, action__startswith="team.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["team.add", "team.add", "team.remove", "team.add"]


def test_lead_cannot_be_removed(world):
    access = access_for(world.ivanova, world.case)
    lead_member = TeamMember.objects.get(case=world.case, role=TeamRole.LEAD)
    with pytest.raises(ValidationError):
        team_member_remove(ctx=ctx_for(world.ivanova), access=access, member=lead_member, reason="Напуска")


def test_only_lead_and_managers_change_the_team_or_status(world):
    member = access_for(world.petrov, world.case)
    with pytest.raises(PermissionDenied):
        team_member_add(ctx=ctx_for(world.petrov), access=member, user=world.koleva, organisation=world.ngo)
    with pytest.raises(PermissionDenied):
        case_change_status(
            ctx=ctx_for(world.petrov), access=member, status="closed", reason="Край", expected_version=1
        )
    manager = access_for(world.nikolova, world.case)
    team_member_add(ctx=ctx_for(world.nikolova), access=manager, user=world.koleva, organisation=world.ngo)


def test_member_cannot_write_above_their_level(world):
    member = access_for(world.petrov, world.case)
    case_note_add(
        ctx=ctx_for(world.petrov), access=member, section=NoteSection.EDUCATION, text="Отсъства често"
    )
    with pytest.raises(PermissionDenied):
        case_note_add(ctx=ctx_for(world.petrov), access=member, section=NoteSection.HEALTH, text="Диагноза")


def test_close_follow_up_reopen_with_reason(world):
    access = access_for(world.ivanova, world.case)
    with pytest.raises(ValidationError):
        case_change_status(
            ctx=ctx_for(world.ivanova), access=access, status="closed", reason="", expected_version=1
        )
    case_change_status(
        ctx=ctx_for(world.ivanova),
        access=access,
        status="follow_up",
        reason="Проследяване 12 месеца",
        expected_version=1,
    )
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == "follow_up" and case.closed_at is not None
    case_change_status(
        ctx=ctx_for(world.ivanova),
        access=access,
        status="open",
        reason="Нов сигнал от училището",
        expected_version=2,
    )
    case = Case.objects.get(pk=world.case.pk)
    assert (
        case.status == "open" and case.closed_at is None and case.status_reason == "Нов сигнал от училището"
    )
    statuses = case.timeline.filter(kind=TimelineKind.STATUS).count()
    assert statuses == 2
    assert AuditEvent.objects.filter(case_id=case.pk, action__startswith="case.status.").count() == 2


def test_break_glass_review(world):
    grant = break_glass_open(
        ctx=ctx_for(world.georgieva), case=world.case, reason="Нощна проверка на сигнал, детето е в участъка."
    )
    glass = access_for(world.georgieva, world.case)
    with pytest.raises(PermissionDenied):  # emergency access is read-only
        case_note_add(ctx=ctx_for(world.georgieva), access=glass, section=NoteSection.GENERAL, text="x")
    with pytest.raises(PermissionDenied):  # members cannot review
        break_glass_review(
            ctx=ctx_for(world.petrov),
            access=access_for(world.petrov, world.case),
            grant=grant,
            outcome="justified",
        )
    reviewed = break_glass_review(
        ctx=ctx_for(world.ivanova),
        access=access_for(world.ivanova, world.case),
        grant=grant,
        outcome="justified",
    )
    assert reviewed.reviewed_by == world.ivanova
    assert AuditEvent.objects.filter(
        action="case.break_glass", kind=AuditKind.ACCESS, reason__startswith="Нощна"
    ).exists()


def test_timeline_reads_in_the_readers_language(world):
    from django.utils import translation

    entry = world.case.timeline.get(kind=TimelineKind.SIGNAL)
    number = world.case.signals.get().number
    assert entry.summary == f"Сигнал {number} е получен: насилие"
    with translation.override("en"):
        assert entry.text == f"Signal {number} received: violence"
    with translation.override("bg"):
        assert entry.text == entry.summary
