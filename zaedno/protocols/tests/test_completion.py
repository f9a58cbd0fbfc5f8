"""A step completes only by the record its definition names, after the step it waits for.

Issue 12, item 8: "Action plan signed by the team" (Координационен механизъм) was marked done
the moment the plan was agreed, with 1 of 6 confirmations, while the needs assessment report it
waits for had not even started its clock.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import AuditContext
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TimelineEntry
from zaedno.cases.services import team_member_add
from zaedno.core.testing import build_world, ctx_for, open_case
from zaedno.plans import services as plans
from zaedno.plans.models import PlanKind
from zaedno.plans.tests.helpers import content, meeting
from zaedno.protocols.engine import artefact_record, step_complete
from zaedno.protocols.models import CaseArtefact, CaseProtocol, CaseStep, StepStatus
from zaedno.protocols.queries import shipped_files
from zaedno.protocols.services import protocol_load, protocol_sync
from zaedno.protocols.tests.samples import replace
from zaedno.protocols.validation import check_text


def cm(case) -> dict[str, CaseStep]:
    return {
        s.step_code: s
        for s in CaseStep.objects.filter(
            case=case, case_protocol__version__definition__code="coordination_mechanism"
        )
    }


def record(w, artefact, kind="", user=None):
    return artefact_record(ctx=ctx_for(user or w.ivanova), case=w.case, artefact=artefact, kind=kind)


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    w = build_world()
    # A team of six who may read the plan: the lead, the school, the police, the GP, the ЦОП, the NGO.
    for user, org in (
        (w.georgieva, w.dps), (w.dimitrova, w.hospital), (w.stoyanov, w.cop), (w.koleva, w.ngo),
    ):  # fmt: skip
        team_member_add(
            ctx=ctx_for(w.ivanova), access=w.lead_access, user=user, organisation=org,
            sharing_level=Sensitivity.STANDARD,
        )  # fmt: skip
    return w


def action_plan(w):
    access = access_for(w.ivanova, w.case)
    ctx = ctx_for(w.ivanova)
    plan = plans.plan_start(ctx=ctx, access=access, kind=PlanKind.ACTION_PLAN)
    plans.plan_draft_save(
        ctx=ctx, access=access, plan=plan, expected_version=plan.version, content=content(w)
    )
    plan.refresh_from_db()
    return plans.plan_agree(ctx=ctx, access=access, plan=plan, meeting=meeting(w))


def assessment_done(w, clock):
    for artefact, kind in (("signal_checked", ""), ("meeting_held", "multidisciplinary_team")):
        record(w, artefact, kind)
    clock.advance(days=2)
    record(w, "assessment_done", "needs")
    assert cm(w.case)["action_plan"].status == StepStatus.OPEN
    clock.advance(days=1)


# --- the team signs the action plan -------------------------------------------------------------


def test_the_action_plan_is_not_signed_by_the_team_with_one_of_six_confirmations(w, clock):
    assessment_done(w, clock)
    plan = action_plan(w)
    assert (
        plans.confirmation_state(plan, plans.active_members(w.case), list(plan.confirmations.all()))[
            "confirmed_count"
        ]
        == 1
    )
    assert cm(w.case)["action_plan"].status == StepStatus.OPEN
    assert not CaseArtefact.objects.filter(case=w.case, artefact="plan_signed").exists()
    for user in (w.petrov, w.georgieva, w.dimitrova, w.stoyanov):
        clock.advance(hours=2)
        plans.plan_confirm(ctx=ctx_for(user), access=access_for(user, w.case), plan=plan)
        assert cm(w.case)["action_plan"].status == StepStatus.OPEN  # 5 of 6 is not the team


def test_the_action_plan_is_signed_when_every_member_asked_has_confirmed(w, clock):
    assessment_done(w, clock)
    plan = action_plan(w)
    for user in (w.petrov, w.georgieva, w.dimitrova, w.stoyanov):
        plans.plan_confirm(ctx=ctx_for(user), access=access_for(user, w.case), plan=plan)
    clock.advance(hours=3)
    plans.plan_confirm(ctx=ctx_for(w.koleva), access=access_for(w.koleva, w.case), plan=plan)
    step = cm(w.case)["action_plan"]
    assert (step.status, step.completed_at) == (StepStatus.DONE, clock.at)
    signed = CaseArtefact.objects.get(case=w.case, artefact="plan_signed")
    assert (signed.kind, signed.object_type, signed.object_id, step.artefact_id) == (
        "action_plan", "plan", str(plan.pk), signed.pk
    )  # fmt: skip


def test_a_member_who_cannot_read_the_plan_is_not_asked_to_sign_it(w, clock):
    team_member_add(
        ctx=ctx_for(w.ivanova), access=w.lead_access, user=w.todorov, organisation=w.municipality_org,
        sharing_level=Sensitivity.BASIC,
    )  # fmt: skip
    assessment_done(w, clock)
    plan = action_plan(w)
    for user in (w.petrov, w.georgieva, w.dimitrova, w.stoyanov, w.koleva):
        plans.plan_confirm(ctx=ctx_for(user), access=access_for(user, w.case), plan=plan)
    assert cm(w.case)["action_plan"].status == StepStatus.DONE


# --- a step waits for the step it depends on ----------------------------------------------------


def test_a_plan_signed_before_the_assessment_report_does_not_complete_the_step(w, clock):
    # The multidisciplinary meeting is not held: the needs assessment report has no clock yet.
    assert cm(w.case)["assessment_report"].status == StepStatus.WAITING
    _, done = record(w, "plan_signed", "action_plan")
    assert done == []
    step = cm(w.case)["action_plan"]
    assert (step.status, step.completed_at) == (StepStatus.WAITING, None)
    # The team is told why, on the timeline.
    entry = TimelineEntry.objects.filter(case=w.case).order_by("-id").first()
    assert entry.params["step"] == "План за действие, подписан от екипа"
    assert entry.params["waits_for"] == "Доклад за оценка на потребностите"


def test_an_early_step_is_done_only_with_the_reason_for_the_exception(w, clock):
    step = cm(w.case)["action_plan"]
    lead = access_for(w.ivanova, w.case)
    with pytest.raises(ValidationError) as exc:
        step_complete(ctx=ctx_for(w.ivanova), access=lead, step=step, evidence="Подписан на хартия.")
    assert "exception_reason" in exc.value.message_dict
    # A member who is not the lead or a manager cannot make the exception.
    with pytest.raises(PermissionDenied):
        step_complete(
            ctx=ctx_for(w.petrov), access=access_for(w.petrov, w.case), step=step, evidence="Подписан на хартия.",
            exception_reason="Детето е в опасност; планът не може да чака оценката.",
        )  # fmt: skip
    done = step_complete(
        ctx=ctx_for(w.ivanova), access=lead, step=step, evidence="Подписан на хартия от целия екип.",
        exception_reason="Детето е в опасност; планът не може да чака оценката.",
    )  # fmt: skip
    assert done.status == StepStatus.DONE
    assert done.exception_reason == "Детето е в опасност; планът не може да чака оценката."
    assert AuditEvent.objects.filter(
        action="protocol.step.done", reason__startswith="Детето е в опасност"
    ).exists()
    # The report it waits for still has to be written.
    assert cm(w.case)["assessment_report"].status == StepStatus.WAITING


def test_a_plan_agreed_before_the_shared_understanding_does_not_complete_the_plan_step(w, clock):
    record(w, "signal_checked")
    _, done = record(w, "plan_agreed", "case_plan")
    assert done == []
    step = CaseStep.objects.get(
        case=w.case, case_protocol__version__definition__code="multisector", step_code="plan_agreed"
    )
    assert step.status == StepStatus.WAITING


# --- versions: running cases keep the version they started on ------------------------------------


def test_a_case_on_version_2_still_completes_its_action_plan_when_agreed(db, clock):
    clock.set(2026, 5, 20, 11, 0)
    shipped = next(p for p in shipped_files() if p.stem == "coordination_mechanism").read_text("utf-8")
    assert "version: 3\n" in shipped and "completed_by: plan_signed[action_plan]" in shipped
    v2 = shipped.replace("version: 3\n", "version: 2\n").replace(
        "completed_by: plan_signed[action_plan]", "completed_by: plan_agreed[action_plan]"
    )
    protocol_load(ctx=AuditContext.system(), text=v2, source_name="coordination_mechanism.yaml", shipped=True)
    w = build_world()
    assert protocol_sync(ctx=AuditContext.system()).errors == []
    old = CaseProtocol.objects.get(case=w.case, version__definition__code="coordination_mechanism")
    assert old.version.version == 2
    assessment_done(w, clock)
    action_plan(w)
    assert cm(w.case)["action_plan"].status == StepStatus.DONE  # its own version's rule
    new_case = open_case(w, w.child)
    assert (
        CaseProtocol.objects.get(
            case=new_case, version__definition__code="coordination_mechanism"
        ).version.version
        == 3
    )
    assert cm(new_case)["action_plan"].completed_by == "plan_signed[action_plan]"


# --- the validator refuses definitions where completion is unclear ---------------------------------


def check(text: str) -> list[str]:
    return [str(e) for e in check_text(text, "p.yaml").errors]


def test_the_shipped_action_plan_is_completed_by_the_team_signing_it():
    path = next(p for p in shipped_files() if p.stem == "coordination_mechanism")
    body = check_text(path.read_text(encoding="utf-8")).definition
    steps = {s["code"]: s for stage in body["stages"] for s in stage["steps"]}
    assert body["version"] == 3
    assert steps["action_plan"]["completed_by"] == "plan_signed[action_plan]"
    assert steps["action_plan"]["starts_on"] == "step_done:assessment_report"


def test_a_record_named_without_its_kind_is_refused():
    # Any plan agreed — a case plan, an action plan, a social service's plan — would complete it.
    text = replace("completed_by: plan_agreed[case_plan]\n", "completed_by: plan_agreed\n")
    assert check(text) == [
        "p.yaml:31: stages[1].steps[0].completed_by: 'plan_agreed' does not say which kind, so a record "
        "of any kind would complete this step; name one of action_plan, case_plan, individual_support_plan"
    ]


def test_a_step_completed_by_the_same_record_as_the_step_it_waits_for_is_refused():
    text = replace("completed_by: plan_agreed[case_plan]\n", "completed_by: meeting_held[case_conference]\n")
    assert check(text) == [
        "p.yaml:31: stages[1].steps[0].completed_by: 'meeting_held[case_conference]' also completes "
        "'met', the step this one waits for, so one record would complete both at once"
    ]


def test_a_step_whose_record_always_comes_before_its_dependency_is_refused():
    text = replace("completed_by: meeting_held[case_conference]\n", "completed_by: plan_signed[case_plan]\n")
    assert check(text) == [
        "p.yaml:31: stages[1].steps[0].completed_by: 'plan_agreed[case_plan]' is always made before "
        "'plan_signed[case_plan]', which completes 'met', the step this one waits for, so it could "
        "never complete this step after it"
    ]


def test_a_step_started_by_its_own_record_is_refused():
    text = replace("starts_on: step_done:met\n", "starts_on: plan_agreed\n")
    assert check(text) == [
        "p.yaml:31: stages[1].steps[0].completed_by: 'plan_agreed[case_plan]' is also the record that "
        "starts this step's clock (plan_agreed), so the step would be done the moment it starts"
    ]


def test_two_steps_completed_by_one_record_are_refused():
    text = replace("starts_on: step_done:met\n", "starts_on: signal_received\n")
    text = replace("completed_by: plan_agreed[case_plan]\n", "completed_by: signal_checked\n", text)
    assert check(text) == [
        "p.yaml:31: stages[1].steps[0].completed_by: 'signal_checked' also completes step 'checked' "
        "(stages[0].steps[0]); one record completing two steps makes it unclear which was done"
    ]


def test_waiting_for_a_step_that_may_not_apply_is_refused():
    text = replace(
        "        starts_on: step_done:checked\n",
        "        applies_when: {urgency: [crisis]}\n        starts_on: step_done:checked\n",
    )
    assert check(text) == [
        "p.yaml:30: stages[1].steps[0].starts_on: waits for 'met', which applies only to some cases "
        "(applies_when urgency), so on the others this step would wait for ever; give it the same "
        "applies_when"
    ]


# --- the page --------------------------------------------------------------------------------------


def test_the_page_says_what_a_step_waits_for_and_takes_the_lead_s_exception(client, w):
    from django.urls import reverse

    from zaedno.core.testing import PASSWORD

    step = cm(w.case)["action_plan"]
    url = reverse("protocols:case", args=[w.case.pk])
    done_url = reverse("protocols:step_done", args=[w.case.pk, step.pk])
    # A team member sees why the step is not done, and no button to mark it done early.
    assert client.login(username=w.petrov.username, password=PASSWORD)
    html = client.get(url).content.decode()
    assert "Чака „Доклад за оценка на потребностите“" in html
    assert done_url not in html
    # The lead may make the exception, with the reason.
    assert client.login(username=w.ivanova.username, password=PASSWORD)
    html = client.get(url).content.decode()
    assert done_url in html and 'name="exception_reason"' in html
    r = client.post(done_url, {"evidence": "Подписан на хартия.", "version": step.version})
    assert r.status_code == 400
    assert "Доклад за оценка на потребностите" in r.content.decode()
    r = client.post(
        done_url,
        {"evidence": "Подписан на хартия.", "version": step.version,
         "exception_reason": "Детето е в опасност; планът не може да чака оценката."},
    )  # fmt: skip
    assert r.status_code == 302
    html = client.get(url).content.decode()
    assert "Изпълнена преди стъпката, която чака, по изключение: Детето е в опасност" in html
