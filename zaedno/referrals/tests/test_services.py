"""The referral lifecycle in services: send, accept, decline, withdraw, complete, escalate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import NoteSection, Sensitivity, TeamMember, TimelineEntry
from zaedno.cases.services import case_note_add
from zaedno.core.testing import ctx_for
from zaedno.notifications.models import Notification
from zaedno.referrals import services
from zaedno.referrals.models import LegalBasis, Referral, ReferralStatus, SharedSection, Urgency
from zaedno.referrals.scan import referral_scan
from zaedno.referrals.tests.conftest import make_service

pytestmark = pytest.mark.django_db
SOFIA = ZoneInfo("Europe/Sofia")


def notices(user, kind):
    return Notification.objects.filter(user=user, kind=kind)


def test_send_records_snapshot_deadline_timeline_audit_and_notices(world, send):
    r = send()
    assert r.status == ReferralStatus.SENT
    assert r.organisation == world.cop and r.sent_by_organisation == world.ozd
    # Urgent: 3 working days from Wednesday 20.05.2026 11:00; 24 May falls on a Sunday, so Monday
    # 25.05 is the holiday observed → Tuesday 26.05.2026 11:00.
    assert timezone.localtime(r.response_due_at) == dt.datetime(2026, 5, 26, 11, 0, tzinfo=SOFIA)
    titles = [s["section"] for s in r.snapshot]
    assert titles == ["identity", "school"]
    text = str(r.snapshot)
    assert "Георги Иванов Стефанов" in text and "ТАЙНО-EDUCATION" in text
    assert "ТАЙНО-HEALTH" not in text and "ТАЙНО-VIOLENCE" not in text and "ТАЙНО-СИГНАЛ" not in text
    assert TimelineEntry.objects.filter(case=world.case, message=services.MSG_SENT).exists()
    event = AuditEvent.objects.get(action="referral.send")
    assert event.case_id == world.case.pk and event.details["sections"] == ["identity", "school"]
    for user in (world.stoyanov, world.cop_manager, world.cop_colleague):
        n = notices(user, "referral.received").get()
        assert "Стефанов" not in n.title  # e-mailed: no child named
    assert not notices(world.petrov, "referral.received").exists()


@pytest.mark.parametrize(
    ("urgency", "due"),
    [
        (Urgency.EMERGENCY, dt.datetime(2026, 5, 21, 8, 0, tzinfo=dt.UTC)),  # 24 h
        (Urgency.ROUTINE, dt.datetime(2026, 6, 4, 8, 0, tzinfo=dt.UTC)),  # 10 working days, 25.05 a holiday
    ],
)
def test_default_deadline_by_urgency(world, send, urgency, due):
    assert send(urgency=urgency).response_due_at == due


def test_snapshot_does_not_follow_later_changes(world, send):
    r = send()
    case_note_add(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), section=NoteSection.EDUCATION,
        text="По-късна бележка НОВО-СЛЕД-ИЗПРАЩАНЕ",
    )  # fmt: skip
    r.refresh_from_db()
    assert "НОВО-СЛЕД-ИЗПРАЩАНЕ" not in str(r.snapshot)


def test_sharing_a_section_above_the_senders_level_is_refused(world, send):
    # petrov is in the team at the standard level: health information is sensitive.
    with pytest.raises(ValidationError) as exc:
        send(actor=world.petrov, sections=[SharedSection.SCHOOL, SharedSection.HEALTH])
    assert "sections" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        send(actor=world.petrov, sharing_level=Sensitivity.SENSITIVE)
    assert "sharing_level" in exc.value.message_dict
    assert not Referral.objects.exists()
    # At his level he may refer, sharing what he sees.
    r = send(actor=world.petrov, sections=[SharedSection.SCHOOL, SharedSection.SUMMARY])
    assert r.sent_by_organisation == world.school


def test_consent_or_legal_basis_required(world, send):
    with pytest.raises(ValidationError) as exc:
        send(legal_basis="")
    assert "legal_basis" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        send(legal_basis=LegalBasis.CONSENT)
    assert {"consent_given_by", "consent_given_on"} <= set(exc.value.message_dict)
    r = send(
        legal_basis=LegalBasis.CONSENT,
        consent_given_by="Мария Стефанова, майка",
        consent_given_on=dt.date(2026, 5, 19),
    )
    assert r.consent_given_by == "Мария Стефанова, майка"


def test_reason_required_and_inactive_service_refused(world, send):
    with pytest.raises(ValidationError) as exc:
        send(reason="  ")
    assert "reason" in exc.value.message_dict
    closed = make_service(world.cop, "Закрита услуга", active=False)
    with pytest.raises(ValidationError) as exc:
        send(service=closed)
    assert "service" in exc.value.message_dict


def test_decline_without_reason_refused_then_with_reason(world, send):
    r = send()
    with pytest.raises(ValidationError) as exc:
        services.referral_decline(ctx=ctx_for(world.stoyanov), referral=r, reason="   ")
    assert "reason" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == ReferralStatus.SENT
    # Only the receiving organisation answers.
    with pytest.raises(PermissionDenied):
        services.referral_decline(ctx=ctx_for(world.petrov), referral=r, reason="Не")
    services.referral_decline(
        ctx=ctx_for(world.stoyanov), referral=r, reason="Нямаме свободни места до септември."
    )
    r.refresh_from_db()
    assert r.status == ReferralStatus.DECLINED and r.answered_by == world.stoyanov
    assert notices(world.ivanova, "referral.answered").count() == 1  # sender and lead: one person, one notice
    assert AuditEvent.objects.filter(action="referral.decline", reason__contains="септември").exists()
    entry = TimelineEntry.objects.get(case=world.case, message=services.MSG_DECLINED)
    assert entry.sensitivity == Sensitivity.STANDARD
    # A second answer is refused.
    with pytest.raises(ValidationError):
        services.referral_accept(ctx=ctx_for(world.stoyanov), referral=r, professional=world.stoyanov)
    assert not TeamMember.objects.filter(case=world.case, user=world.stoyanov).exists()


def test_accept_adds_the_named_professional_to_the_team(world, send):
    r = send(actor=world.petrov, sections=[SharedSection.SCHOOL], sharing_level=Sensitivity.BASIC)
    assert access_for(world.stoyanov, world.case) is None
    with pytest.raises(ValidationError) as exc:  # not of the receiving organisation
        services.referral_accept(ctx=ctx_for(world.cop_manager), referral=r, professional=world.petrov)
    assert "professional" in exc.value.message_dict
    services.referral_accept(ctx=ctx_for(world.cop_manager), referral=r, professional=world.stoyanov)
    r.refresh_from_db()
    assert r.status == ReferralStatus.ACCEPTED and r.professional == world.stoyanov
    member = TeamMember.objects.get(case=world.case, user=world.stoyanov, left_at__isnull=True)
    assert member.organisation == world.cop and member.sharing_level == Sensitivity.BASIC
    assert r.team_member == member
    access = access_for(world.stoyanov, world.case)
    assert access is not None and access.level == Sensitivity.BASIC
    assert notices(world.petrov, "referral.answered").count() == 1  # the sender
    assert notices(world.ivanova, "referral.answered").count() == 1  # the case lead
    assert notices(world.stoyanov, "team.added").count() == 1
    assert AuditEvent.objects.filter(action="referral.accept", actor_id=world.cop_manager.pk).exists()
    assert AuditEvent.objects.filter(action="team.add", actor_id=world.cop_manager.pk).exists()
    assert TimelineEntry.objects.filter(case=world.case, message=services.MSG_ACCEPTED).exists()


def test_withdraw_and_complete(world, send):
    r = send()
    with pytest.raises(ValidationError):
        services.referral_complete(
            ctx=ctx_for(world.ivanova),
            access=access_for(world.ivanova, world.case),
            referral=r,
            outcome="Готово",
        )
    with pytest.raises(ValidationError) as exc:
        services.referral_withdraw(
            ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), referral=r, reason=""
        )
    assert "reason" in exc.value.message_dict
    # A team member who did not send it (and does not lead) cannot withdraw it.
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(
            ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case), referral=r, reason="Не"
        )
    services.referral_withdraw(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), referral=r,
        reason="Семейството се премести в друга община.",
    )  # fmt: skip
    r.refresh_from_db()
    assert r.status == ReferralStatus.WITHDRAWN and r.withdrawn_by == world.ivanova
    assert notices(world.stoyanov, "referral.withdrawn").count() == 1
    with pytest.raises(ValidationError):
        services.referral_decline(ctx=ctx_for(world.stoyanov), referral=r, reason="късно")

    r2 = send()
    services.referral_accept(ctx=ctx_for(world.stoyanov), referral=r2, professional=world.stoyanov)
    # The service's professional, now in the team, records the outcome.
    services.referral_complete(
        ctx=ctx_for(world.stoyanov), access=access_for(world.stoyanov, world.case), referral=r2,
        outcome="Десет консултации; детето посещава училище редовно.",
    )  # fmt: skip
    r2.refresh_from_db()
    assert r2.status == ReferralStatus.COMPLETED and r2.completed_by == world.stoyanov
    assert AuditEvent.objects.filter(action="referral.complete", object_id=str(r2.pk)).exists()
    assert TimelineEntry.objects.filter(case=world.case, message=services.MSG_COMPLETED).exists()


def test_deadline_missed_escalates_once(world, send, clock):
    r = send(urgency=Urgency.EMERGENCY)
    answered = send(urgency=Urgency.EMERGENCY)
    services.referral_decline(ctx=ctx_for(world.stoyanov), referral=answered, reason="Нямаме места.")
    clock.advance(hours=23)
    assert referral_scan(clock.now()).escalated == 0
    clock.advance(hours=2)
    result = referral_scan(clock.now())
    assert result.escalated == 1 and "1 escalated" in str(result)
    r.refresh_from_db()
    assert r.escalated_at == clock.now()
    assert notices(world.cop_manager, "referral.overdue").count() == 1
    assert notices(world.ivanova, "referral.overdue").count() == 1  # the sender
    assert not notices(world.stoyanov, "referral.overdue").exists()  # managers, not every practitioner
    assert TimelineEntry.objects.filter(case=world.case, message=services.MSG_ESCALATED).count() == 1
    assert AuditEvent.objects.filter(action="referral.escalate", object_id=str(r.pk)).count() == 1
    clock.advance(days=2)
    assert referral_scan(clock.now()).escalated == 0
    assert notices(world.cop_manager, "referral.overdue").count() == 1


def test_deadline_scan_task_runs_the_referral_scan(world, send, clock):
    from zaedno.protocols.tasks import deadline_scan_task

    send(urgency=Urgency.EMERGENCY)
    clock.advance(days=2)
    out = deadline_scan_task.call()
    assert "referrals: 1 escalated" in out


def test_database_holds_each_states_required_fields(world, send):
    r = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(status=ReferralStatus.DECLINED, answered_at=r.sent_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(status=ReferralStatus.ACCEPTED, answered_at=r.sent_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(status=ReferralStatus.WITHDRAWN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(legal_basis=LegalBasis.CONSENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(response_due_at=r.sent_at)


def test_the_identity_shared_goes_no_further_than_the_senders_level(world, send):
    """A member at the standard level shares the child's name and relatives, but not the ЕГН,
    which the child's record shows only at the sensitive level."""
    by_lead = send(sections=[SharedSection.IDENTITY])
    by_member = send(actor=world.petrov, sections=[SharedSection.IDENTITY])
    lead_text = str(by_lead.snapshot)
    member_text = str(by_member.snapshot)
    assert world.child.egn in lead_text
    assert world.child.egn not in member_text
    assert world.child.first_name in member_text


def test_a_referral_shares_at_least_one_section(world, send):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        send(sections=[])
    assert "at least one section" in " ".join(exc.value.message_dict["sections"])
