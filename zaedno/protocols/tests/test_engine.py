"""The protocol engine driven through each shipped protocol with a fake clock.

All times are Europe/Sofia. The world is built on Wednesday 20 May 2026 at 11:00 with a
violence signal received at 09:00; Sunday 24 May 2026 (Bulgarian education and culture day)
is observed on Monday 25 May, so working-day deadlines across that week skip Sat 23 – Mon 25.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.access import access_for
from zaedno.cases.models import CaseStatus, SignalCategory, TimelineEntry
from zaedno.cases.services import case_change_status, team_member_add, team_member_remove
from zaedno.core.testing import build_world, ctx_for, open_case
from zaedno.notifications.models import Notification
from zaedno.protocols.engine import (
    artefact_record,
    event_record,
    protocol_event,
    step_complete,
    step_not_applicable,
)
from zaedno.protocols.models import CaseProtocol, CaseStep, Compliance, StepStatus
from zaedno.protocols.scan import deadline_scan
from zaedno.protocols.services import protocol_load

SOFIA = ZoneInfo("Europe/Sofia")


def local(*args):
    return dt.datetime(*args, tzinfo=SOFIA)


def steps(case, code):
    """The latest occurrence of each step of protocol ``code`` on ``case``, by step code."""
    out = {}
    for s in CaseStep.objects.filter(case=case, case_protocol__version__definition__code=code).order_by(
        "occurrence"
    ):
        out[s.step_code] = s
    return out


def record(w, artefact, kind="", user=None):
    return artefact_record(ctx=ctx_for(user or w.ivanova), case=w.case, artefact=artefact, kind=kind)


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


# --- Coordination Mechanism: 1 hour, 24 hours, crisis, working days ---------------------------


def test_violence_case_starts_the_coordination_mechanism_with_its_hour_and_day_clocks(w):
    cm = steps(w.case, "coordination_mechanism")
    assert set(cm) == {
        "institutions_informed", "signal_checked", "mdt_meeting", "crisis_intervention", "assessment_report",
        "action_plan",
    }  # fmt: skip
    informed = cm["institutions_informed"]
    assert (informed.started_at, informed.due_at) == (local(2026, 5, 20, 9, 0), local(2026, 5, 20, 10, 0))
    # The department recorded at 11:00 the call it took at 09:00: Zaedno informed the police then,
    # an hour late — the routing is the evidence, and it says when.
    assert (informed.status, informed.completed_at) == (StepStatus.DONE, local(2026, 5, 20, 11, 0))
    assert informed.artefact.object_type == "signal" and "ДПС" in informed.artefact.evidence
    assert (informed.owner_user, informed.owner_organisation) == (w.ivanova, w.ozd)  # the department
    assert cm["signal_checked"].due_at == local(2026, 5, 21, 9, 0)
    assert cm["mdt_meeting"].due_at == local(2026, 5, 21, 9, 0)
    assert (cm["signal_checked"].owner_user, cm["signal_checked"].owner_organisation) == (w.ivanova, w.ozd)
    for code in ("crisis_intervention", "assessment_report", "action_plan"):
        assert cm[code].status == StepStatus.WAITING and cm[code].due_at is None
    # Reminder half-way through a 1-hour step; escalation one hour after its deadline.
    assert informed.remind_at == local(2026, 5, 20, 9, 30)
    assert informed.escalate_at == local(2026, 5, 20, 11, 0)
    # Opened two hours after the signal: the 1-hour step was done late, the 24-hour ones are on track.
    assert informed.compliance(w_now(w)) == Compliance.DONE_LATE
    assert cm["mdt_meeting"].compliance(w_now(w)) == Compliance.ON_TRACK


def w_now(w):
    from django.utils import timezone

    return timezone.now()


def test_the_whole_mechanism_on_time_and_late(w, clock):
    # Others were informed by the routing at 11:00, one hour late (see the test above).
    clock.set(2026, 5, 20, 16, 0)
    record(w, "signal_checked")
    clock.set(2026, 5, 21, 8, 30)
    record(w, "meeting_held", "multidisciplinary_team")
    cm = steps(w.case, "coordination_mechanism")
    assert cm["institutions_informed"].compliance(clock.at) == Compliance.DONE_LATE
    assert cm["signal_checked"].compliance(clock.at) == Compliance.DONE_ON_TIME
    assert cm["mdt_meeting"].compliance(clock.at) == Compliance.DONE_ON_TIME
    # The assessment report starts when the meeting is done: 20 calendar days.
    assert cm["assessment_report"].started_at == local(2026, 5, 21, 8, 30)
    assert cm["assessment_report"].due_at == local(2026, 6, 10, 8, 30)
    assert cm["assessment_report"].owner_user == w.ivanova  # a team step, coordinated by the lead
    # Assessment done on Wednesday 20 May? No: on Friday 22 May 10:00 — the plan's 5 working days
    # skip the weekend and Monday 25 May (24 May moved), so it is due on Monday 1 June.
    clock.set(2026, 5, 22, 10, 0)
    record(w, "assessment_done", "needs")
    plan = steps(w.case, "coordination_mechanism")["action_plan"]
    assert plan.due_at == local(2026, 5, 29, 10, 0) + dt.timedelta(
        days=3
    )  # Tue 26, Wed 27, Thu 28, Fri 29, Mon 1
    clock.set(2026, 5, 29, 12, 0)
    record(w, "plan_signed", "action_plan")
    assert (
        steps(w.case, "coordination_mechanism")["action_plan"].compliance(clock.at) == Compliance.DONE_ON_TIME
    )


def test_working_days_across_the_holiday_for_the_action_plan(w, clock):
    # Assessment done Wednesday 20 May at 14:00 → 5 working days: Thu 21, Fri 22, Tue 26, Wed 27, Thu 28.
    for artefact, kind in (("signal_checked", ""), ("meeting_held", "multidisciplinary_team")):
        record(w, artefact, kind)
    clock.set(2026, 5, 20, 14, 0)
    record(w, "assessment_done", "needs")
    plan = steps(w.case, "coordination_mechanism")["action_plan"]
    assert plan.started_at == local(2026, 5, 20, 14, 0)
    assert plan.due_at == local(2026, 5, 28, 14, 0)


def test_crisis_intervention_starts_only_when_recorded(w, clock):
    assert steps(w.case, "coordination_mechanism")["crisis_intervention"].status == StepStatus.WAITING
    clock.set(2026, 5, 20, 22, 0)
    started = event_record(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), event="crisis_identified"
    )
    assert [s.step_code for s in started] == ["crisis_intervention"]
    crisis = steps(w.case, "coordination_mechanism")["crisis_intervention"]
    assert crisis.due_at == local(2026, 5, 21, 22, 0)
    record(w, "notification_sent", "dazd")
    assert steps(w.case, "coordination_mechanism")["crisis_intervention"].status == StepStatus.DONE


def test_a_non_violence_case_follows_only_the_multisector_protocol(w, clock):
    case = open_case(
        w, w.child, category=SignalCategory.DROPOUT, description="Детето не е ходило на училище от месец."
    )
    codes = set(CaseProtocol.objects.filter(case=case).values_list("version__definition__code", flat=True))
    assert codes == {"multisector"}


# --- Multisector case work: the whole algorithm ---------------------------------------------------


def test_multisector_case_from_signal_to_closure(w, clock):
    ms = steps(w.case, "multisector")
    assert ms["signal_checked"].due_at == local(2026, 5, 27, 9, 0)  # 7 calendar days
    assert all(ms[c].status == StepStatus.WAITING for c in ms if c != "signal_checked")
    record(w, "signal_checked")  # Wed 20 May 11:00
    team = steps(w.case, "multisector")["team_formed"]
    assert team.due_at == local(2026, 5, 28, 11, 0)  # 5 working days across the moved holiday
    clock.set(2026, 5, 26, 9, 0)
    record(w, "team_formed")
    clock.set(2026, 6, 2, 10, 0)
    record(w, "meeting_held", "case_conference")
    assessment = steps(w.case, "multisector")["multisector_assessment"]
    assert assessment.due_at == local(2026, 6, 22, 10, 0)
    clock.set(2026, 6, 20, 10, 0)
    record(w, "assessment_done", "multisector")
    clock.set(2026, 6, 24, 10, 0)
    record(w, "formulation_agreed")
    clock.set(2026, 7, 1, 10, 0)
    record(w, "plan_agreed", "case_plan")
    review = steps(w.case, "multisector")["plan_review"]
    assert (review.occurrence, review.started_at, review.due_at) == (
        1,
        local(2026, 7, 1, 10, 0),
        local(2026, 9, 29, 10, 0),
    )
    # A review done starts the next one, 90 days on.
    clock.set(2026, 9, 20, 10, 0)
    record(w, "review_held", "plan")
    review = steps(w.case, "multisector")["plan_review"]
    assert (review.occurrence, review.status, review.due_at) == (
        2,
        StepStatus.OPEN,
        local(2026, 12, 19, 10, 0),
    )
    # Follow-up: the plan reviews stop (not a missed deadline); follow-up reviews and the closure decision start.
    clock.set(2026, 11, 2, 10, 0)
    case_change_status(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), status=CaseStatus.FOLLOW_UP,
        reason="Целите на плана са постигнати.", expected_version=w.case.version,
    )  # fmt: skip
    ms = steps(w.case, "multisector")
    assert ms["plan_review"].status == StepStatus.ENDED
    assert ms["plan_review"].compliance(clock.at) == Compliance.ENDED
    assert ms["follow_up_review"].due_at == local(2027, 1, 31, 10, 0)
    assert ms["closure_decision"].due_at == local(2027, 5, 1, 10, 0)
    clock.set(2027, 1, 20, 10, 0)
    record(w, "review_held", "follow_up")
    record(w, "decision_recorded", "closure")
    clock.set(2027, 1, 22, 10, 0)
    record(w, "notification_sent", "closure")
    ms = steps(w.case, "multisector")
    assert ms["closure_notified"].status == StepStatus.DONE
    w.case.refresh_from_db()
    case_change_status(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), status=CaseStatus.CLOSED,
        reason="Критериите за приключване са изпълнени.", expected_version=w.case.version,
    )  # fmt: skip
    assert not CaseStep.objects.filter(case=w.case, status__in=[StepStatus.OPEN, StepStatus.WAITING]).exists()
    # Every change is on the timeline and in an intact audit chain.
    messages = list(
        TimelineEntry.objects.filter(case=w.case, kind="protocol").values_list("summary", flat=True)
    )
    assert any("Мултисекторна" in m for m in messages)
    # 10 multisector steps and the Coordination Mechanism's "institutions informed" (the routing).
    assert AuditEvent.objects.filter(case_id=w.case.pk, action="protocol.step.done").count() == 12
    assert audit_verify().ok


def test_reopening_a_closed_case_picks_up_its_unfinished_steps(w, clock):
    access = access_for(w.ivanova, w.case)
    case_change_status(
        ctx=ctx_for(w.ivanova), access=access, status="closed", reason="Грешен сигнал.", expected_version=1
    )
    assert CaseStep.objects.filter(case=w.case, status=StepStatus.ENDED).count() > 0
    w.case.refresh_from_db()
    case_change_status(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), status="open", reason="Нов сигнал.",
        expected_version=w.case.version,
    )  # fmt: skip
    assert not CaseStep.objects.filter(case=w.case, status=StepStatus.ENDED).exists()
    assert steps(w.case, "multisector")["signal_checked"].status == StepStatus.OPEN


# --- Social service support (Social Services Act) ----------------------------------------------


def test_social_service_support_starts_with_the_service_and_finds_its_provider(w, clock):
    assert not CaseProtocol.objects.filter(
        case=w.case, version__definition__code="social_service_support"
    ).exists()
    clock.set(2026, 6, 1, 10, 0)
    event_record(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), event="service_started")
    ss = steps(w.case, "social_service_support")
    assert ss["needs_assessment"].due_at == local(2026, 6, 21, 10, 0)
    assert ss["support_plan"].due_at == local(2026, 6, 21, 10, 0)
    assert ss["needs_assessment"].owner_user is None  # no provider in the team yet: the lead sees it
    team_member_add(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), user=w.stoyanov, organisation=w.cop
    )
    ss = steps(w.case, "social_service_support")
    assert (ss["needs_assessment"].owner_user, ss["needs_assessment"].owner_organisation) == (
        w.stoyanov,
        w.cop,
    )
    clock.set(2026, 6, 15, 10, 0)
    step_complete(
        ctx=ctx_for(w.stoyanov), access=access_for(w.stoyanov, w.case), step=ss["needs_assessment"],
        evidence="Индивидуална оценка № 14/15.06.2026 в ЦОП.",
    )  # fmt: skip
    clock.set(2026, 6, 25, 10, 0)
    step_complete(
        ctx=ctx_for(w.stoyanov), access=access_for(w.stoyanov, w.case), step=ss["support_plan"],
        evidence="Индивидуален план за подкрепа, подписан от родителя.",
    )  # fmt: skip
    ss = steps(w.case, "social_service_support")
    assert ss["needs_assessment"].compliance(clock.at) == Compliance.DONE_ON_TIME
    assert ss["support_plan"].compliance(clock.at) == Compliance.DONE_LATE
    assert ss["support_plan"].artefact.evidence.startswith("Индивидуален план")


def test_when_the_owner_leaves_the_team_the_step_goes_back_to_the_lead(w, clock):
    team_member_add(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), user=w.stoyanov, organisation=w.cop
    )
    event_record(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), event="service_started")
    assert steps(w.case, "social_service_support")["needs_assessment"].owner_user == w.stoyanov
    member = w.case.team.get(user=w.stoyanov, left_at__isnull=True)
    team_member_remove(
        ctx=ctx_for(w.ivanova),
        access=access_for(w.ivanova, w.case),
        member=member,
        reason="Смяна на доставчика.",
    )
    assert steps(w.case, "social_service_support")["needs_assessment"].owner_user is None


# --- Completing, not applicable, permissions ---------------------------------------------------


def test_one_record_completes_the_matching_steps_of_every_protocol(w):
    _, done = record(w, "signal_checked")
    assert {(s.case_protocol.version.definition.code, s.step_code) for s in done} == {
        ("coordination_mechanism", "signal_checked"), ("multisector", "signal_checked"),
    }  # fmt: skip


def test_a_kind_must_match_when_the_step_names_one(w):
    _, done = record(w, "meeting_held", "review")
    assert done == []
    assert steps(w.case, "coordination_mechanism")["mdt_meeting"].status == StepStatus.OPEN


def test_marking_done_needs_evidence_and_the_right_person(w, clock):
    step = steps(w.case, "coordination_mechanism")["signal_checked"]
    with pytest.raises(ValidationError) as exc:
        step_complete(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=step, evidence="  ")
    assert "evidence" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        step_complete(
            ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=step, evidence="Проверка",
            at=clock.at + dt.timedelta(days=1),
        )  # fmt: skip
    assert "at" in exc.value.message_dict
    # petrov (school, member) does not own the ОЗД's check.
    with pytest.raises(PermissionDenied):
        step_complete(
            ctx=ctx_for(w.petrov), access=access_for(w.petrov, w.case), step=step, evidence="Проверено"
        )
    done = step_complete(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=step,
        evidence="Проверка на място, доклад от 20.05.2026", at=local(2026, 5, 20, 10, 30),
    )  # fmt: skip
    assert (done.status, done.completed_at, done.completed_by_user) == (
        StepStatus.DONE, local(2026, 5, 20, 10, 30), w.ivanova
    )  # fmt: skip
    with pytest.raises(ValidationError):
        step_complete(
            ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=done, evidence="Отново"
        )


def test_a_team_step_can_be_completed_by_any_member(w, clock):
    for artefact, kind in (("signal_checked", ""), ("meeting_held", "multidisciplinary_team")):
        record(w, artefact, kind)
    step = steps(w.case, "coordination_mechanism")["assessment_report"]
    done = step_complete(
        ctx=ctx_for(w.petrov),
        access=access_for(w.petrov, w.case),
        step=step,
        evidence="Оценката е в досието.",
    )
    assert done.status == StepStatus.DONE


def test_not_applicable_needs_a_reason_and_the_lead_and_starts_what_waited(w, clock):
    step = steps(w.case, "coordination_mechanism")["mdt_meeting"]
    with pytest.raises(ValidationError):
        step_not_applicable(
            ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=step, reason=""
        )
    with pytest.raises(PermissionDenied):
        step_not_applicable(
            ctx=ctx_for(w.petrov),
            access=access_for(w.petrov, w.case),
            step=step,
            reason="Не е нужна среща изобщо.",
        )
    na = step_not_applicable(
        ctx=ctx_for(w.nikolova), access=access_for(w.nikolova, w.case), step=step,
        reason="Сигналът е за друго дете; екипът не се свиква.",
    )  # fmt: skip
    assert na.compliance(clock.at) == Compliance.NOT_APPLICABLE
    assert steps(w.case, "coordination_mechanism")["assessment_report"].status == StepStatus.OPEN
    assert AuditEvent.objects.filter(
        action="protocol.step.not_applicable", reason__startswith="Сигналът"
    ).exists()


def test_a_stale_version_is_refused(w):
    step = steps(w.case, "coordination_mechanism")["mdt_meeting"]
    with pytest.raises(ValidationError) as exc:
        step_not_applicable(
            ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), step=step,
            reason="Не се прилага в този случай.", expected_version=step.version + 1,
        )  # fmt: skip
    assert "version" in exc.value.message_dict


def test_unknown_events_and_artefacts_are_refused(w):
    with pytest.raises(ValueError):
        protocol_event(ctx=ctx_for(w.ivanova), case=w.case, event="birthday")
    with pytest.raises(ValueError):
        artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="meeting_held", kind="party")
    with pytest.raises(ValidationError):
        event_record(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), event="case_closed")


# --- Versions -----------------------------------------------------------------------------------


def test_a_case_keeps_its_version_when_a_new_one_is_loaded(w, clock, protocols):
    v1 = protocols["coordination_mechanism"]  # the shipped version (its number is v1.version)
    text = v1.source.replace(f"version: {v1.version}", f"version: {v1.version + 1}", 1).replace(
        "deadline: {hours: 24}", "deadline: {hours: 12}"
    )
    v2 = protocol_load(ctx=ctx_for(w.admin), text=text, source_name="vt-cm.yaml").version
    assert v2.version == v1.version + 1
    old = CaseProtocol.objects.get(case=w.case, version__definition__code="coordination_mechanism")
    assert old.version == v1
    record(w, "notification_sent", "institutions")
    record(w, "signal_checked")
    # The old case's next steps still follow v1's terms.
    assert steps(w.case, "coordination_mechanism")["mdt_meeting"].due_at == local(2026, 5, 21, 9, 0)
    new_case = open_case(w, w.child)
    assert (
        CaseProtocol.objects.get(case=new_case, version__definition__code="coordination_mechanism").version
        == v2
    )
    assert steps(new_case, "coordination_mechanism")["mdt_meeting"].due_at == local(2026, 5, 20, 21, 0)


# --- Reminders, deadline, escalation -------------------------------------------------------------


def test_reminder_then_deadline_then_escalation_to_the_owners_manager(w, clock):
    # Settle the 1-hour step so only the 24-hour steps are running.
    record(w, "notification_sent", "institutions")
    Notification.objects.all().delete()
    mdt = steps(w.case, "coordination_mechanism")["mdt_meeting"]
    assert mdt.remind_at == local(2026, 5, 20, 21, 0)  # 12 hours before (at most half of 24 h)
    assert mdt.escalate_at == local(2026, 5, 22, 9, 0)  # 24 hours after

    clock.set(2026, 5, 20, 20, 59)
    assert deadline_scan().notifications == 0
    clock.set(2026, 5, 20, 21, 5)
    result = deadline_scan()
    assert result.reminded >= 2 and result.escalated == 0  # signal check and meeting, both ivanova's
    titles = list(Notification.objects.filter(user=w.ivanova).values_list("title", flat=True))
    assert any("Среща на мултидисциплинарния екип" in t and "21.05.2026 09:00" in t for t in titles)
    assert deadline_scan().notifications == 0  # sent once

    clock.set(2026, 5, 21, 9, 1)
    assert steps(w.case, "coordination_mechanism")["mdt_meeting"].compliance(clock.at) == Compliance.OVERDUE
    result = deadline_scan()
    assert result.due >= 2
    assert Notification.objects.filter(user=w.ivanova, kind="protocol.due").exists()
    assert not Notification.objects.filter(user=w.nikolova).exists()

    clock.set(2026, 5, 22, 9, 1)
    result = deadline_scan()
    assert result.escalated >= 2
    escalations = Notification.objects.filter(user=w.nikolova, kind="protocol.escalate")
    assert escalations.exists()  # nikolova manages the ОЗД that owns the steps
    assert "Иванова" in escalations.first().title
    assert TimelineEntry.objects.filter(
        case=w.case, kind="protocol", message__startswith="Overdue step escalated"
    ).exists()
    assert AuditEvent.objects.filter(action="protocol.step.escalate", case_id=w.case.pk).exists()
    assert deadline_scan().notifications == 0
    assert audit_verify().ok


def test_a_step_found_already_overdue_escalates_once_without_earlier_messages(w, clock):
    Notification.objects.all().delete()
    clock.set(2026, 5, 25, 9, 0)  # days later: everything running is past escalation
    result = deadline_scan()
    assert result.escalated >= 2 and result.reminded == 0 and result.due == 0
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"protocol.escalate"}
    assert not CaseStep.objects.filter(
        status=StepStatus.OPEN, escalate_at__lte=clock.at, reminder_sent_at=None
    ).exists()


def test_done_and_closed_steps_are_not_reminded(w, clock):
    record(w, "notification_sent", "institutions")
    record(w, "signal_checked")
    record(w, "meeting_held", "multidisciplinary_team")
    case_change_status(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), status="closed", reason="Приключен.",
        expected_version=1,
    )  # fmt: skip
    Notification.objects.all().delete()
    clock.set(2026, 12, 1, 9, 0)
    assert deadline_scan().notifications == 0


def test_reminders_are_emailed(w, clock, mailoutbox, django_capture_on_commit_callbacks):
    record(w, "notification_sent", "institutions")
    clock.set(2026, 5, 20, 21, 5)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadline_scan()
    assert any("Среща на мултидисциплинарния екип" in m.subject for m in mailoutbox)
    assert all(m.to == ["ivanova@example.org"] for m in mailoutbox)


def test_a_municipality_version_replaces_the_shipped_protocol_for_its_cases_only(w, clock, protocols):
    source = protocols["multisector"].source.replace("code: multisector", "code: vt_multisector", 1)
    source = source.replace(
        "stages:\n", f"replaces: multisector\napplies_when:\n  municipality: [{w.vt.pk}]\nstages:\n", 1
    ).replace("deadline: {days: 7}", "deadline: {days: 3}", 1)
    protocol_load(ctx=ctx_for(w.admin), text=source, source_name="vt.yaml")

    def opened_in(municipality):
        from zaedno.signals.services import SignalInput, case_open_direct

        case = case_open_direct(
            ctx=ctx_for(w.ivanova), child=w.child, lead=w.ivanova, lead_organisation=w.ozd, municipality=municipality,
            signal=SignalInput(
                category=SignalCategory.NEGLECT, source_sector="education", reporter_name="Учител",
                reporter_is_me=False, received_at=clock.at, description="Детето идва гладно на училище.",
            ),
        )  # fmt: skip
        return set(
            CaseProtocol.objects.filter(case=case).values_list("version__definition__code", flat=True)
        ), case

    codes, vt_case = opened_in(w.vt)
    assert codes == {"vt_multisector"}
    assert steps(vt_case, "vt_multisector")["signal_checked"].due_at == local(2026, 5, 23, 11, 0)
    assert opened_in(w.go)[0] == {"multisector"}
    # The case opened before the local version keeps the shipped one.
    assert "multisector" in set(
        CaseProtocol.objects.filter(case=w.case).values_list("version__definition__code", flat=True)
    )
