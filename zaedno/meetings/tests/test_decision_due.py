"""Moving a decision's due date (issue 12, item 4): never before the meeting that took it; only the
responsible professional, the case lead or a manager of the lead organisation; always with the
reason; a visible, audited event on the decision and on the timeline — also after the minutes
are locked, and then only with its record (the database refuses a bare change)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TimelineEntry
from zaedno.cases.services import team_member_add
from zaedno.core.testing import ctx_for
from zaedno.meetings import services
from zaedno.meetings.models import Decision, DecisionDueChange, MeetingStatus, ResponsibleKind
from zaedno.meetings.tests.test_services import acc, ctx, hold, record
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db


def add_stoyanov(world):
    team_member_add(
        ctx=ctx_for(world.ivanova), access=world.lead_access, user=world.stoyanov, organisation=world.cop,
        sharing_level=Sensitivity.STANDARD,
    )  # fmt: skip


def move_due(
    world, decision, name="petrov", on=dt.date(2026, 6, 12), reason="Психологът е в отпуск до 10.06."
):
    return services.decision_due_change(
        ctx=ctx(world, name), access=acc(world, name), decision=decision, due_on=on, reason=reason
    )


def test_the_due_date_cannot_move_before_the_meeting(world, schedule):
    decision = record(world, schedule())  # the meeting is on 22.05.2026, due 05.06.2026
    with pytest.raises(ValidationError) as exc:
        move_due(world, decision, on=dt.date(2026, 5, 21))
    assert "22.05.2026" in " ".join(exc.value.message_dict["due_on"])
    # The old way round — correcting the decision with another date — is closed.
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.decision_edit(
            ctx=ctx(world), access=acc(world), decision=decision, expected_version=decision.version,
            text=decision.text, responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=world.petrov,
            due_on=dt.date(2026, 5, 21),
        )  # fmt: skip
    assert "due_on" in exc.value.message_dict
    decision.refresh_from_db()
    assert decision.due_on == dt.date(2026, 6, 5) and not DecisionDueChange.objects.exists()


def test_only_the_responsible_the_lead_or_a_manager_move_it_and_with_a_reason(world, schedule):
    add_stoyanov(world)
    decision = record(world, schedule())  # petrov is responsible
    with pytest.raises(PermissionDenied):
        move_due(world, decision, name="stoyanov")
    with pytest.raises(ValidationError) as exc:
        move_due(world, decision, reason="   ")
    assert "reason" in exc.value.message_dict
    move_due(world, decision)  # the responsible professional
    decision.refresh_from_db()
    move_due(
        world, decision, name="ivanova", on=dt.date(2026, 6, 15), reason="Срещата с училището се отложи."
    )
    decision.refresh_from_db()
    move_due(
        world, decision, name="nikolova", on=dt.date(2026, 6, 19), reason="Решено с ръководството на ОЗД."
    )
    decision.refresh_from_db()
    assert decision.due_on == dt.date(2026, 6, 19) and decision.due_changes.count() == 3


def test_the_change_is_kept_audited_on_the_timeline_and_on_the_page(world, schedule, client):
    decision = record(world, schedule())
    move_due(world, decision, name="ivanova")
    change = DecisionDueChange.objects.get()
    assert (change.old_due_on, change.new_due_on, change.changed_by) == (
        dt.date(2026, 6, 5), dt.date(2026, 6, 12), world.ivanova,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="decision.due_change")
    assert event.reason == "Психологът е в отпуск до 10.06." and event.object_id == str(decision.pk)
    entry = TimelineEntry.objects.get(case=world.case, message=services.MSG_DECISION_DUE)
    assert "05.06.2026" in entry.summary and "12.06.2026" in entry.summary
    assert "Мария Иванова" in entry.summary and "отпуск" in entry.summary
    # The responsible professional is told; the reminders start again for the new date.
    assert Notification.objects.filter(user=world.petrov, kind="decision.due_change").exists()
    client.force_login(world.petrov)
    page = client.get(reverse("meetings:decision", args=[world.case.pk, decision.pk])).content.decode()
    assert "05.06.2026" in page and "12.06.2026" in page and "отпуск до 10.06." in page


def test_the_web_form_refuses_a_member_and_names_who_can(world, schedule, client):
    add_stoyanov(world)
    decision = record(world, schedule())
    url = reverse("meetings:decision_due", args=[world.case.pk, decision.pk])
    client.force_login(world.stoyanov)
    page = client.get(reverse("meetings:decision", args=[world.case.pk, decision.pk])).content.decode()
    assert 'id="due-form"' not in page and "Петър Петров" in page
    assert client.post(url, {"due-due_on": "12.06.2026", "due-reason": "по-късно"}).status_code == 403
    client.force_login(world.ivanova)
    r = client.post(url, {"due-due_on": "20.05.2026", "due-reason": "по-рано"})
    assert r.status_code == 400 and "22.05.2026" in r.content.decode()
    r = client.post(url, {"due-due_on": "12.06.2026", "due-reason": "Училището поиска повече време."})
    assert r.status_code == 302
    assert Decision.objects.get(pk=decision.pk).due_on == dt.date(2026, 6, 12)


def test_after_the_minutes_are_locked_the_date_moves_only_with_its_record(world, schedule, clock):
    meeting = schedule()
    decision = record(world, meeting)
    clock.set(2026, 5, 22, 11, 30)
    meeting = hold(world, meeting)
    for name in ("ivanova", "petrov"):
        meeting = services.minutes_confirm(ctx=ctx(world, name), access=acc(world, name), meeting=meeting)
    assert meeting.status == MeetingStatus.LOCKED
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(due_on=dt.date(2026, 7, 1))
    decision = Decision.objects.get(pk=decision.pk)
    move_due(world, decision)
    assert Decision.objects.get(pk=decision.pk).due_on == dt.date(2026, 6, 12)
    # The words stay locked.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(text="подменено")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        DecisionDueChange.objects.update(reason="друго")
    assert access_for(world.ivanova, world.case).is_lead
