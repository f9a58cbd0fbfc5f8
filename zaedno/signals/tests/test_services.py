"""The front door: a signal is recorded and routed, assigned, checked and decided; the reporter
learns the outcome, never the case; the protocols' rules say who may lead.

The world (``zaedno.core.testing``) is Veliko Tarnovo on Wednesday 20 May 2026, 11:00: ОЗД Велико
Търново (ivanova on intake duty, nikolova its head), a school (petrov), the ДПС (georgieva), a
ЦОП (stoyanov), the municipality (todorov). Горна Оряховица has a school (angelova) but no
department in this world: a signal about a child there cannot be routed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.access import access_for
from zaedno.cases.models import TeamMember, TimelineEntry
from zaedno.core.testing import build_world, ctx_for
from zaedno.notifications.models import Notification
from zaedno.organisations.models import Coverage, Institution
from zaedno.places.models import Settlement
from zaedno.protocols.models import CaseStep, Compliance, StepStatus
from zaedno.signals.access import access_for_signal
from zaedno.signals.choices import Decision, ReporterKind, SignalStatus
from zaedno.signals.models import RouteStatus, Signal
from zaedno.signals.scan import signal_scan
from zaedno.signals.services import (
    SignalInput,
    case_open_direct,
    signal_assign,
    signal_check,
    signal_decide,
    signal_forward,
    signal_link_child,
    signal_record,
)

SOFIA = ZoneInfo("Europe/Sofia")
VT = "10447"  # гр. Велико Търново
GO = "16359"  # гр. Горна Оряховица
TEXT = "Момчето сподели, че пастрокът го бие с колан. ТАЙНО-ОПИСАНИЕ"


def local(*args):
    return dt.datetime(*args, tzinfo=SOFIA)


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world(with_case=False)


def report(w, by=None, *, category="violence", settlement=VT, **kw) -> Signal:
    data = {
        "category": category, "description": TEXT, "child_first_name": "Иван", "child_last_name": "Колев",
        "child_age": 14, "child_settlement": Settlement.objects.get(ekatte=settlement) if settlement else None,
        **kw,
    }  # fmt: skip
    return signal_record(ctx=ctx_for(by or w.petrov), data=SignalInput(**data))


def take_and_check(w, signal, who=None) -> Signal:
    who = who or w.ivanova
    signal = signal_assign(ctx=ctx_for(who), signal=signal, assignee=who)
    return signal_check(
        ctx=ctx_for(who), signal=signal, actions="Посещение в дома, разговор с детето.",
        findings="Детето потвърждава; синини по гърба.",
    )  # fmt: skip


def register(w, signal, who=None):
    from zaedno.children.services import child_register

    child = child_register(
        ctx=ctx_for(who or w.ivanova), first_name="Иван", last_name="Колев", birth_date=dt.date(2012, 1, 9),
        sex="m", settlement=Settlement.objects.get(ekatte=VT),
    )  # fmt: skip
    return signal_link_child(ctx=ctx_for(who or w.ivanova), signal=signal, child=child), child


# --- recording and routing ----------------------------------------------------------------------


def test_a_school_signal_reaches_the_ozd_and_the_police_at_once(w, clock):
    signal = report(w)
    assert signal.number == "S-VTR04-2026-00001"
    assert (signal.recipient, signal.status) == (w.ozd, SignalStatus.RECEIVED)
    assert (signal.reporter_kind, signal.reporter_user, signal.reporter_organisation) == (
        ReporterKind.PROFESSIONAL, w.petrov, w.school,
    )  # fmt: skip
    assert signal.source_sector == "education" and signal.child is None  # not registered yet
    routes = {r.institution: r for r in signal.routes.all()}
    assert set(routes) == {Institution.OZD, Institution.POLICE}
    assert routes[Institution.OZD].organisation == w.ozd and routes[Institution.POLICE].organisation == w.dps
    assert all(r.status == RouteStatus.NOTIFIED and r.at == clock.at for r in routes.values())
    # Informed within the Coordination Mechanism's hour, at once; check within 24 hours.
    assert signal.informed_at == clock.at and signal.informed_due_at == local(2026, 5, 20, 12, 0)
    assert signal.assign_due_at == local(2026, 5, 20, 12, 0)
    assert signal.check_due_at == local(2026, 5, 21, 11, 0)
    # The department (the duty worker and the head) and the police are told, in words naming no child.
    told = set(Notification.objects.filter(kind="signal.received").values_list("user__username", flat=True))
    assert told == {"ivanova", "nikolova", "georgieva"}
    for n in Notification.objects.filter(kind="signal.received"):
        assert "Иван" not in n.title + n.body and "ТАЙНО" not in n.title + n.body
        assert "Вела Благоева" not in n.title + n.body  # nor who reported it
        assert signal.number in n.title
    event = AuditEvent.objects.get(action="signal.record")
    assert "Петров" not in str(event.details) and "ТАЙНО" not in str(event.details)


def test_without_a_known_address_the_reporters_municipality_receives_it(w):
    signal = report(w, settlement=None, category="neglect")
    assert signal.recipient == w.ozd and signal.municipality == w.vt
    assert [r.institution for r in signal.routes.all()] == [Institution.OZD]  # not violence: no police


def test_immediate_danger_goes_to_the_police_and_shortens_the_terms(w):
    signal = report(w, category="neglect", immediate_danger=True)
    assert {r.institution for r in signal.routes.all()} == {Institution.OZD, Institution.POLICE}
    assert signal.assign_due_at == local(2026, 5, 20, 12, 0)  # 1 hour
    assert signal.check_due_at == local(2026, 5, 21, 11, 0)  # 24 hours


def test_crisis_reaches_dazd_by_its_office_address(w, mailoutbox, django_capture_on_commit_callbacks):
    from zaedno.organisations.services import organisation_create

    dazd = organisation_create(
        name="Държавна агенция за закрила на детето",
        kind="dazd",
        municipality=w.vt,
        email="office@dazd.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        signal = report(w, urgency="crisis")
    routes = {r.institution: r for r in signal.routes.all()}
    assert routes[Institution.DAZD].organisation == dazd and routes[Institution.DAZD].emailed_office
    mail = [m for m in mailoutbox if m.to == ["office@dazd.example"]]
    assert mail and signal.number in mail[0].subject and "Иван" not in mail[0].subject + mail[0].body


def test_no_department_for_the_address_the_reporter_is_told_whom_to_phone(w):
    signal = report(w, by=w.angelova, settlement=GO, category="neglect")
    assert signal.status == SignalStatus.UNROUTED and signal.recipient is None
    assert signal.number.startswith("S-VTR06-")
    failed = signal.routes.get(institution=Institution.OZD)
    assert failed.status == RouteStatus.FAILED and "ОЗД" in failed.note
    assert signal.informed_at is None  # the step "institutions informed" is not done
    # The reporter sees it; once she phoned the department, she sends it there.
    access = access_for_signal(w.angelova, signal)
    assert access.is_reporter and access.can_forward
    from zaedno.organisations.services import organisation_create

    ozd_go = organisation_create(name="ОЗД Горна Оряховица", kind="ozd", municipality=w.go)
    signal = signal_forward(ctx=ctx_for(w.angelova), signal=signal, organisation=ozd_go, reason="")
    assert (signal.recipient, signal.status) == (ozd_go, SignalStatus.RECEIVED)
    assert signal.informed_at is not None


def test_a_failed_police_route_leaves_institutions_informed_overdue_on_the_case(w, clock):
    Coverage.objects.create(organisation=w.ozd, institution=Institution.OZD, municipality=w.vt)
    w.dps.is_active = False
    w.dps.save(update_fields=["is_active"])
    signal = report(w)
    assert signal.routes.get(institution=Institution.POLICE).status == RouteStatus.FAILED
    assert signal.informed_at is None
    signal = take_and_check(w, signal)
    signal, _child = register(w, signal)
    signal = signal_decide(ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE)
    clock.advance(hours=2)
    step = CaseStep.objects.get(case=signal.case, step_code="institutions_informed")
    assert step.status == StepStatus.OPEN and step.compliance(clock.at) == Compliance.OVERDUE
    assert step.owner_organisation == w.ozd  # the receiving department phones the police


def test_anonymous_and_helpline_signals(w):
    anonymous = report(
        w, by=w.ivanova, reporter_kind=ReporterKind.ANONYMOUS, reporter_is_me=False, reporter_name="Съседка"
    )
    assert (anonymous.reporter_kind, anonymous.reporter_name, anonymous.reporter_user) == (
        "anonymous",
        "",
        None,
    )
    helpline = report(w, by=w.ivanova, reporter_kind=ReporterKind.HELPLINE, reporter_is_me=False)
    assert helpline.reporter_name and helpline.reporter_user is None and helpline.source_sector == ""
    assert {anonymous.recipient, helpline.recipient} == {w.ozd}


def test_bad_input_is_refused_field_by_field(w, clock):
    with pytest.raises(ValidationError) as exc:
        signal_record(
            ctx=ctx_for(w.petrov),
            data=SignalInput(
                category="nope", description=" ", received_at=clock.at + dt.timedelta(days=1),
                child_age=19, child_egn="1234567890",
            ),
        )  # fmt: skip
    assert {"category", "description", "received_at", "child_first_name", "child_age", "child_egn"} <= set(
        exc.value.message_dict
    )
    with pytest.raises(ValidationError) as exc:  # a commission request is the coordinator's
        report(w, kind="commission_request")
    assert "kind" in exc.value.message_dict
    assert not Signal.objects.exists()


def test_the_child_commission_asks_for_an_intersectoral_team(w):
    signal = report(w, by=w.todorov, kind="commission_request", category="dropout")
    assert (signal.kind, signal.recipient, signal.reporter_user) == ("commission_request", w.ozd, w.todorov)


# --- the department's work ----------------------------------------------------------------------


def test_only_the_head_or_the_duty_worker_assigns_and_only_the_assignee_decides(w):
    from zaedno.accounts.services import user_create

    colleague = user_create(
        username="hristova", first_name="Силвия", last_name="Христова", organisation=w.ozd
    )
    signal = report(w)
    with pytest.raises(PermissionDenied):  # a worker not on duty
        signal_assign(ctx=ctx_for(colleague), signal=signal, assignee=colleague)
    with pytest.raises(PermissionDenied):  # before anyone is named, nobody checks it
        signal_check(ctx=ctx_for(colleague), signal=signal, actions="x", findings="y")
    with pytest.raises(ValidationError):  # only a professional of the department
        signal_assign(ctx=ctx_for(w.nikolova), signal=signal, assignee=w.petrov)
    signal = signal_assign(ctx=ctx_for(w.nikolova), signal=signal, assignee=colleague)
    assert (signal.status, signal.assigned_to) == (SignalStatus.CHECKING, colleague)
    assert Notification.objects.filter(user=colleague, kind="signal.assigned").exists()
    with pytest.raises(PermissionDenied):  # ivanova may reassign (on duty) but not check another's
        from zaedno.accounts.models import Membership

        Membership.objects.filter(user=w.ivanova).update(on_duty=False)
        signal_check(ctx=ctx_for(w.ivanova), signal=signal, actions="x", findings="y")
    # Outsiders do not even learn it exists.
    from django.http import Http404

    with pytest.raises(Http404):
        signal_assign(ctx=ctx_for(w.angelova), signal=signal, assignee=w.angelova)


def test_check_then_open_a_case_the_reporter_joins_the_team(w, clock):
    signal = report(w)
    clock.advance(minutes=20)
    signal = take_and_check(w, signal)
    assert signal.checked_by == w.ivanova and signal.checked_at == clock.at
    with pytest.raises(ValidationError) as exc:  # which child?
        signal_decide(ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE)
    assert "child" in exc.value.message_dict
    signal, child = register(w, signal)
    clock.advance(minutes=10)
    signal = signal_decide(
        ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE, summary="Насилие от пастрока."
    )
    case = signal.case
    assert (signal.status, signal.decision, case.lead, case.lead_organisation) == (
        SignalStatus.DECIDED, Decision.OPEN_CASE, w.ivanova, w.ozd,
    )  # fmt: skip
    assert case.child == child and case.municipality == w.vt
    # The reporter's organisation joins the team, at the level chosen (standard by default).
    petrov = TeamMember.objects.get(case=case, user=w.petrov, left_at__isnull=True)
    assert (petrov.organisation, petrov.sharing_level) == (w.school, 2)
    # The protocols run from the signal: others informed on time by the routing, the check done on time.
    steps = {
        s.step_code: s
        for s in CaseStep.objects.filter(
            case=case, case_protocol__version__definition__code="coordination_mechanism"
        )
    }
    assert steps["institutions_informed"].compliance(clock.at) == Compliance.DONE_ON_TIME
    assert steps["institutions_informed"].completed_at == local(2026, 5, 20, 11, 0)
    assert steps["signal_checked"].compliance(clock.at) == Compliance.DONE_ON_TIME
    assert steps["mdt_meeting"].started_at == local(2026, 5, 20, 11, 0)
    assert TimelineEntry.objects.filter(case=case, kind="signal").get().params["number"] == signal.number
    # The reporter is told the outcome, not the case.
    note = Notification.objects.get(user=w.petrov, kind="signal.decided")
    assert case.number not in note.title.replace(signal.number, "") and "Иван" not in note.title
    assert audit_verify().ok


def test_a_case_may_be_opened_before_the_check_when_the_child_needs_protection_now(w):
    signal = report(w, immediate_danger=True)
    signal = signal_assign(ctx=ctx_for(w.ivanova), signal=signal, assignee=w.ivanova)
    signal, _child = register(w, signal)
    signal = signal_decide(
        ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE, add_reporter=False
    )
    step = CaseStep.objects.get(
        case=signal.case,
        step_code="signal_checked",
        case_protocol__version__definition__code="coordination_mechanism",
    )
    assert step.status == StepStatus.OPEN  # the check is still to do, on the case
    assert not TeamMember.objects.filter(case=signal.case, user=w.petrov).exists()
    for decision in (Decision.ATTACH, Decision.NO_CASE):  # but these need the check
        other = report(w)
        other = signal_assign(ctx=ctx_for(w.ivanova), signal=other, assignee=w.ivanova)
        with pytest.raises(ValidationError):
            signal_decide(ctx=ctx_for(w.ivanova), signal=other, decision=decision, reason="Няма риск.")


def test_another_ozd_professional_may_lead_not_a_school(w):
    from zaedno.accounts.services import user_create

    colleague = user_create(username="marinov", first_name="Пламен", last_name="Маринов", organisation=w.ozd)
    signal, _child = register(w, take_and_check(w, report(w)))
    with pytest.raises(ValidationError) as exc:
        signal_decide(
            ctx=ctx_for(w.ivanova),
            signal=signal,
            decision=Decision.OPEN_CASE,
            lead=w.petrov,
            lead_organisation=w.school,
        )
    assert "lead" in exc.value.message_dict or "lead_organisation" in exc.value.message_dict
    signal = signal_decide(ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE, lead=colleague)
    assert signal.case.lead == colleague
    assert Notification.objects.filter(user=colleague, kind="case.assigned").exists()


def test_attach_to_the_childs_open_case_tells_its_lead(w):
    first, child = register(w, take_and_check(w, report(w)))
    first = signal_decide(ctx=ctx_for(w.ivanova), signal=first, decision=Decision.OPEN_CASE)
    second = take_and_check(w, report(w, by=w.georgieva, category="antisocial"))
    second = signal_link_child(ctx=ctx_for(w.ivanova), signal=second, child=child)
    second = signal_decide(ctx=ctx_for(w.ivanova), signal=second, decision=Decision.ATTACH)
    assert (second.decision, second.case) == (Decision.ATTACH, first.case)
    assert first.case.timeline.filter(kind="signal", params__number=second.number).exists()
    assert (
        Notification.objects.filter(user=w.ivanova, kind="signal.attached").exists() is False
    )  # she decided it
    assert Notification.objects.filter(user=w.georgieva, kind="signal.decided").exists()


def test_attach_by_a_colleague_notifies_the_lead(w):
    from zaedno.accounts.services import user_create

    colleague = user_create(username="marinov", first_name="Пламен", last_name="Маринов", organisation=w.ozd)
    first, child = register(w, take_and_check(w, report(w)))
    first = signal_decide(ctx=ctx_for(w.ivanova), signal=first, decision=Decision.OPEN_CASE)
    second = report(w, category="neglect")
    second = signal_assign(ctx=ctx_for(w.nikolova), signal=second, assignee=colleague)
    second = signal_check(ctx=ctx_for(colleague), signal=second, actions="Справка.", findings="Същото дете.")
    # marinov may not see ivanova's case, but his duplicate check found the child.
    from zaedno.children.duplicates import DuplicateQuery
    from zaedno.children.services import duplicate_check

    duplicate_check(
        ctx=ctx_for(colleague),
        query=DuplicateQuery(first_name="Иван", last_name="Колев", birth_date=dt.date(2012, 1, 9)),
    )
    second = signal_link_child(ctx=ctx_for(colleague), signal=second, child=child)
    second = signal_decide(ctx=ctx_for(colleague), signal=second, decision=Decision.ATTACH)
    assert Notification.objects.filter(user=w.ivanova, kind="signal.attached", case_id=first.case_id).exists()
    assert access_for(colleague, first.case) is None  # attaching does not open the case to him


def test_no_case_needs_a_reason_and_may_suggest_a_service(w):
    from zaedno.referrals.tests.conftest import make_service

    service = make_service(w.cop, "ЦОП — консултиране на родители")
    signal = take_and_check(w, report(w, category="parental_conflict"))
    with pytest.raises(ValidationError) as exc:
        signal_decide(ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.NO_CASE, reason=" ")
    assert "reason" in exc.value.message_dict
    signal = signal_decide(
        ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.NO_CASE, service=service,
        reason="Няма риск; семейството има нужда от подкрепа в раздялата.", reporter_note="Сигналът е проверен.",
    )  # fmt: skip
    assert (signal.decision, signal.case, signal.reporter_note) == (
        Decision.NO_CASE,
        None,
        "Сигналът е проверен.",
    )
    assert signal.redirected_to == service
    with pytest.raises(ValidationError):  # decided once
        signal_decide(ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.NO_CASE, reason="Отново.")


# --- who sees what -----------------------------------------------------------------------------


def test_the_reporter_sees_the_state_never_the_check_or_the_case_until_invited(w):
    signal = report(w)
    view = access_for_signal(w.petrov, signal)
    assert (view.via, view.sees_content, view.sees_reporter, view.sees_check) == (
        "reporter",
        True,
        True,
        False,
    )
    assert signal.reporter_state == "received"
    signal = take_and_check(w, signal)
    assert access_for_signal(w.petrov, signal).signal.reporter_state == "checking"
    signal, _child = register(w, signal)
    signal = signal_decide(
        ctx=ctx_for(w.ivanova), signal=signal, decision=Decision.OPEN_CASE, add_reporter=False
    )
    assert signal.reporter_state == "open_case"
    assert access_for_signal(w.petrov, signal).via == "reporter"
    assert access_for(w.petrov, signal.case) is None  # not in the team: no case
    from zaedno.cases.services import team_member_add

    team_member_add(
        ctx=ctx_for(w.ivanova),
        access=access_for(w.ivanova, signal.case),
        user=w.petrov,
        organisation=w.school,
    )
    view = access_for_signal(w.petrov, signal)
    assert view.via == "case" and not view.sees_reporter and not view.sees_content  # standard level


def test_informed_police_see_what_happened_never_who_reported(w):
    signal = report(w)
    view = access_for_signal(w.georgieva, signal)
    assert (view.via, view.sees_content, view.sees_reporter, view.can_work) == (
        "informed",
        True,
        False,
        False,
    )
    assert access_for_signal(w.angelova, signal) is None
    assert access_for_signal(w.admin, signal) is None


# --- opening directly and the lead rules ---------------------------------------------------------


def test_a_school_cannot_open_a_child_protection_case_but_may_open_a_support_case(w):
    from zaedno.children.services import child_register

    child = child_register(
        ctx=ctx_for(w.petrov), first_name="Ана", last_name="Пеева", birth_date=dt.date(2011, 2, 3), sex="f"
    )
    data = SignalInput(
        category="violence", description=TEXT, reporter_is_me=False, reporter_name="Класен ръководител"
    )
    with pytest.raises(PermissionDenied) as exc:
        case_open_direct(
            ctx=ctx_for(w.petrov), child=child, signal=data, lead=w.petrov, lead_organisation=w.school
        )
    assert "/api/v1/signals/" in str(exc.value) and "ОЗД" in str(exc.value)
    assert not Signal.objects.exists()
    from dataclasses import replace

    case = case_open_direct(
        ctx=ctx_for(w.petrov),
        child=child,
        signal=replace(data, category="dropout"),
        lead=w.petrov,
        lead_organisation=w.school,
    )
    assert (case.lead, case.lead_organisation) == (w.petrov, w.school)
    assert case.signals.get().recipient == w.school  # the school's own signal, acted on at once


# --- the scan -----------------------------------------------------------------------------------


def test_a_signal_nobody_took_goes_to_the_head_of_the_department(w, clock):
    signal = report(w)
    Notification.objects.all().delete()
    clock.set(2026, 5, 20, 11, 59)
    assert signal_scan().not_assigned == 0
    clock.set(2026, 5, 20, 12, 5)
    result = signal_scan()
    assert result.not_assigned == 1
    heads = Notification.objects.filter(kind="signal.assign_overdue")
    assert list(heads.values_list("user__username", flat=True)) == ["nikolova"]
    assert signal.number in heads.get().title and "Иван" not in heads.get().title
    assert signal_scan().notifications == 0  # once
    # Taken, but not decided within 24 hours: the worker and the head are told.
    signal_assign(ctx=ctx_for(w.ivanova), signal=signal, assignee=w.ivanova)
    clock.set(2026, 5, 21, 11, 5)
    assert signal_scan().not_decided == 1
    assert set(Notification.objects.filter(kind="signal.check_overdue").values_list("user__username", flat=True)) == {
        "ivanova", "nikolova",
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="signal.escalate.check").exists()
    assert audit_verify().ok
