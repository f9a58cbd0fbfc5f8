"""The case lead: handover by the lead (accepted or declined by the new lead), reassignment by a
manager of the lead organisation, the protocols' rule of who may lead, and the deputy who
receives the lead's deadline notices while the lead is away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zaedno.accounts.services import absence_add, user_create
from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.access import Via, access_for
from zaedno.cases.models import HandoverStatus, TeamMember, TeamRole, TimelineEntry
from zaedno.cases.queries import handover_to_answer
from zaedno.cases.services import (
    case_deputy_clear,
    case_deputy_set,
    lead_handover_accept,
    lead_handover_decline,
    lead_handover_propose,
    lead_handover_withdraw,
    lead_reassign,
)
from zaedno.core.testing import build_world, ctx_for, open_case
from zaedno.notifications.models import Notification
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.scan import deadline_scan

REASON = "Продължава в социалната услуга по плана за подкрепа."


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    w = build_world()
    w.marinov = user_create(username="marinov", first_name="Пламен", last_name="Маринов", organisation=w.ozd)
    return w


def lead_access(w, case=None):
    return access_for(w.ivanova, case or w.case)


def test_a_handover_accepted_moves_the_lead_and_the_steps_the_old_lead_stays(w):
    handover = lead_handover_propose(
        ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.marinov, reason=REASON
    )
    assert handover.status == HandoverStatus.PENDING and handover.to_organisation == w.ozd
    w.case.refresh_from_db()
    assert w.case.lead == w.ivanova  # she leads until he accepts
    assert Notification.objects.filter(user=w.marinov, kind="case.lead").exists()
    # He may not see the case yet, only the request that names it.
    assert access_for(w.marinov, w.case) is None
    assert handover_to_answer(w.marinov, w.case.pk) == handover
    with pytest.raises(Http404):
        handover_to_answer(w.petrov, w.case.pk)
    with pytest.raises(PermissionDenied):
        lead_handover_accept(ctx=ctx_for(w.petrov), handover=handover)
    lead_handover_accept(ctx=ctx_for(w.marinov), handover=handover)
    w.case.refresh_from_db()
    assert (w.case.lead, w.case.lead_organisation, w.case.version) == (w.marinov, w.ozd, 2)
    roles = dict(
        TeamMember.objects.filter(case=w.case, left_at__isnull=True).values_list("user__username", "role")
    )
    assert roles["marinov"] == TeamRole.LEAD and roles["ivanova"] == TeamRole.MEMBER
    assert access_for(w.marinov, w.case).via == Via.LEAD
    assert access_for(w.ivanova, w.case).via == Via.MEMBER  # she stays in the team
    # Steps owned by the lead (and the department's, which go to the lead first) follow the new lead.
    steps = CaseStep.objects.filter(
        case=w.case,
        status__in=[StepStatus.OPEN, StepStatus.WAITING],
        owner_role__in=["case_lead", "team", "ozd"],
    )
    assert steps.exists() and not steps.exclude(owner_user=w.marinov).exists()
    assert TimelineEntry.objects.filter(case=w.case, kind="lead_changed").exists()
    assert AuditEvent.objects.filter(action="case.lead.change", case_id=w.case.pk, reason=REASON).exists()
    assert Notification.objects.filter(user=w.ivanova, kind="case.lead").exists()
    assert audit_verify().ok


def test_a_handover_declined_keeps_the_lead_and_says_why(w):
    handover = lead_handover_propose(
        ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.marinov, reason=REASON
    )
    with pytest.raises(ValidationError):
        lead_handover_decline(ctx=ctx_for(w.marinov), handover=handover, note=" ")
    lead_handover_decline(ctx=ctx_for(w.marinov), handover=handover, note="В отпуск съм до края на месеца.")
    w.case.refresh_from_db()
    handover.refresh_from_db()
    assert (w.case.lead, handover.status) == (w.ivanova, HandoverStatus.DECLINED)
    with pytest.raises(ValidationError):  # answered once
        lead_handover_accept(ctx=ctx_for(w.marinov), handover=handover)
    # She may propose again; one pending at a time; and withdraw it.
    again = lead_handover_propose(
        ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.marinov, reason=REASON
    )
    with pytest.raises(ValidationError):
        lead_handover_propose(
            ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.nikolova, reason=REASON
        )
    lead_handover_withdraw(ctx=ctx_for(w.ivanova), access=lead_access(w), handover=again)
    again.refresh_from_db()
    assert again.status == HandoverStatus.WITHDRAWN


def test_only_the_lead_hands_over_and_a_reason_is_required(w):
    with pytest.raises(PermissionDenied):  # a member
        lead_handover_propose(
            ctx=ctx_for(w.petrov), access=access_for(w.petrov, w.case), to_user=w.marinov, reason=REASON
        )
    with pytest.raises(ValidationError) as exc:
        lead_handover_propose(ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.ivanova, reason=" ")
    assert {"reason", "to_user"} <= set(exc.value.message_dict)


def test_the_protocol_refuses_a_school_as_lead_of_a_child_protection_case(w):
    with pytest.raises(ValidationError) as exc:
        lead_handover_propose(ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.petrov, reason=REASON)
    message = " ".join(exc.value.message_dict["to_organisation"])
    assert "СУ „Вела Благоева“" in message and "ОЗД" in message  # says why, and who may
    assert not TeamMember.objects.filter(case=w.case, user=w.petrov, role=TeamRole.LEAD).exists()


def test_a_support_case_may_go_to_the_social_service(w):
    support = open_case(w, w.child, category="dropout", description="Не ходи на училище.")
    handover = lead_handover_propose(
        ctx=ctx_for(w.ivanova), access=lead_access(w, support), to_user=w.stoyanov, reason=REASON
    )
    assert handover.to_organisation == w.cop
    lead_handover_accept(ctx=ctx_for(w.stoyanov), handover=handover)
    support.refresh_from_db()
    assert (support.lead, support.lead_organisation) == (w.stoyanov, w.cop)


def test_a_manager_reassigns_at_once_within_the_lead_organisation(w):
    pending = lead_handover_propose(
        ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.marinov, reason=REASON
    )
    manager = access_for(w.nikolova, w.case)
    assert manager.via == Via.MANAGER
    with pytest.raises(ValidationError):  # outside the department
        lead_reassign(ctx=ctx_for(w.nikolova), access=manager, to_user=w.stoyanov, reason="Дълъг отпуск.")
    with pytest.raises(PermissionDenied):  # not a manager
        lead_reassign(
            ctx=ctx_for(w.ivanova), access=lead_access(w), to_user=w.marinov, reason="Дълъг отпуск."
        )
    handover = lead_reassign(
        ctx=ctx_for(w.nikolova), access=manager, to_user=w.marinov, reason="Иванова е в дълъг отпуск."
    )
    w.case.refresh_from_db()
    pending.refresh_from_db()
    assert (w.case.lead, handover.status, pending.status) == (
        w.marinov,
        HandoverStatus.ACCEPTED,
        HandoverStatus.WITHDRAWN,
    )
    assert Notification.objects.filter(user=w.marinov, kind="case.lead").exists()


def test_the_deputy_gets_the_leads_deadline_notices_while_the_lead_is_away(w, clock):
    case_deputy_set(ctx=ctx_for(w.ivanova), access=lead_access(w), user=w.marinov)
    deputy = TeamMember.objects.get(case=w.case, user=w.marinov, left_at__isnull=True)
    assert (deputy.role, deputy.sharing_level) == (TeamRole.DEPUTY, 3)
    # Not away: the reminders are hers alone.
    Notification.objects.all().delete()
    clock.set(2026, 5, 20, 21, 5)
    deadline_scan()
    assert Notification.objects.filter(user=w.ivanova, kind="protocol.remind").exists()
    assert not Notification.objects.filter(user=w.marinov).exists()
    # Away the next day: the deadline notices reach the deputy too.
    absence_add(
        ctx=ctx_for(w.ivanova), user=w.ivanova, starts_on=dt.date(2026, 5, 21), ends_on=dt.date(2026, 5, 29)
    )
    clock.set(2026, 5, 21, 9, 5)
    deadline_scan()
    assert Notification.objects.filter(user=w.marinov, kind="protocol.due", case_id=w.case.pk).exists()
    assert Notification.objects.filter(user=w.ivanova, kind="protocol.due", case_id=w.case.pk).exists()
    # Cleared: the former deputy stays a member.
    case_deputy_clear(ctx=ctx_for(w.ivanova), access=lead_access(w))
    deputy.refresh_from_db()
    assert (deputy.role, deputy.left_at) == (TeamRole.MEMBER, None)


def test_one_deputy_and_not_the_lead(w):
    with pytest.raises(ValidationError):
        case_deputy_set(ctx=ctx_for(w.ivanova), access=lead_access(w), user=w.ivanova)
    case_deputy_set(ctx=ctx_for(w.ivanova), access=lead_access(w), user=w.marinov)
    case_deputy_set(ctx=ctx_for(w.ivanova), access=lead_access(w), user=w.petrov)  # replaces marinov
    deputies = TeamMember.objects.filter(case=w.case, role=TeamRole.DEPUTY, left_at__isnull=True)
    assert list(deputies.values_list("user__username", flat=True)) == ["petrov"]
    with pytest.raises(PermissionDenied):
        case_deputy_set(ctx=ctx_for(w.petrov), access=access_for(w.petrov, w.case), user=w.marinov)
