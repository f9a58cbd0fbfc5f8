"""The plan's life: drafted, agreed at a meeting, confirmed by the team, reviewed, superseded; the
protocol steps it completes; follow-up check-ins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zaedno.cases.access import access_for
from zaedno.cases.models import CaseStatus
from zaedno.cases.services import case_change_status
from zaedno.core.errors import ConflictError
from zaedno.core.testing import build_world, ctx_for
from zaedno.meetings.models import MeetingStatus
from zaedno.plans import queries, services
from zaedno.plans.models import (
    Action,
    ActionStatus,
    CheckInStatus,
    FollowUpCheckIn,
    Measure,
    Plan,
    PlanStatus,
    Progress,
    Who,
)
from zaedno.plans.services import ActionData, MeasureData
from zaedno.plans.tests.helpers import CHILD_WORDS, agreed_plan, content, meeting
from zaedno.protocols.models import CaseArtefact, CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service messages are matched in English here (the catalogue's Bulgarian is checked elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def lead(world):
    return ctx_for(world.ivanova), access_for(world.ivanova, world.case)


def step(case, protocol, code, occurrence=1):
    return CaseStep.objects.get(
        case=case, case_protocol__version__definition__code=protocol, step_code=code, occurrence=occurrence
    )


def test_draft_agreed_confirmed_reviewed_and_superseded(world, clock):
    ctx, access = lead(world)
    steps_done_before(world.case, "plan_agreed", user=world.ivanova)  # a step waits for its own
    plan = services.plan_start(ctx=ctx, access=access)
    assert (plan.number, plan.status) == (1, PlanStatus.DRAFT)
    services.plan_draft_save(
        ctx=ctx, access=access, plan=plan, expected_version=plan.version, content=content(world)
    )
    plan.refresh_from_db()
    assert plan.child_words == CHILD_WORDS
    assert plan.goals.count() == 2 and plan.actions.count() == 4
    assert {a.who_kind for a in plan.actions.all()} == {Who.PROFESSIONAL, Who.PARENT, Who.COMMUNITY}

    # Agreeing needs a meeting that has been held.
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=None)
    assert "meeting" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.plan_agree(
            ctx=ctx, access=access, plan=plan, meeting=meeting(world, status=MeetingStatus.SCHEDULED)
        )
    assert step(world.case, "multisector", "plan_agreed").status != StepStatus.DONE

    held = meeting(world, status=MeetingStatus.LOCKED)
    plan = services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=held)
    assert plan.status == PlanStatus.AGREED and plan.agreed_meeting == held
    assert plan.next_review_on == dt.date(2026, 8, 20)
    # The protocol step "plan" is done, and the review clock started.
    assert step(world.case, "multisector", "plan_agreed").status == StepStatus.DONE
    assert CaseArtefact.objects.filter(case=world.case, artefact="plan_agreed", kind="case_plan").count() == 1
    review_step = step(world.case, "multisector", "plan_review")
    assert review_step.status == StepStatus.OPEN and review_step.due_at is not None

    # The lead agreed (and so confirmed); the school psychologist confirms too.
    detail = queries.plan_detail(access, plan)
    assert detail.confirmations["confirmed_count"] == 1 and not detail.confirmations["by_team"]
    petrov = access_for(world.petrov, world.case)
    services.plan_confirm(ctx=ctx_for(world.petrov), access=petrov, plan=plan)
    assert queries.plan_detail(access, plan).confirmations["by_team"]
    with pytest.raises(ValidationError):
        services.plan_confirm(ctx=ctx_for(world.petrov), access=petrov, plan=plan)
    # A manager is not in the team: nothing to confirm.
    with pytest.raises(PermissionDenied):
        services.plan_confirm(
            ctx=ctx_for(world.nikolova), access=access_for(world.nikolova, world.case), plan=plan
        )

    # Two reviews with outcome measures.
    goals = list(plan.goals.all())
    services.plan_review_record(
        ctx=ctx, access=access, plan=plan, held_on=dt.date(2026, 5, 20), summary="Първи преглед.",
        progress={goals[0].pk: (Progress.PROGRESSING, "Ходи на училище"), goals[1].pk: (Progress.NOT_STARTED, "")},
        measures=[MeasureData(Measure.SAFETY_SCALE, 4), MeasureData(Measure.SCHOOL_ATTENDANCE, "62.5", source="дневник")],
    )  # fmt: skip
    assert step(world.case, "multisector", "plan_review").status == StepStatus.DONE
    clock.set(2026, 8, 19, 10, 0)
    services.plan_review_record(
        ctx=ctx, access=access, plan=plan, held_on=dt.date(2026, 8, 19), summary="Втори преглед.",
        progress={goals[0].pk: (Progress.ACHIEVED, "")},
        measures=[MeasureData(Measure.SAFETY_SCALE, 7), MeasureData(Measure.SCHOOL_ATTENDANCE, 91)],
    )  # fmt: skip
    assert step(world.case, "multisector", "plan_review", occurrence=2).status == StepStatus.DONE
    series = queries.outcome_series(access)
    assert [p["value"] for p in series[Measure.SAFETY_SCALE]] == [4.0, 7.0]
    assert [p["value"] for p in series[Measure.SCHOOL_ATTENDANCE]] == [62.5, 91.0]

    # Out of scale and into the future are refused.
    with pytest.raises(ValidationError):
        services.plan_review_record(
            ctx=ctx, access=access, plan=plan, held_on=dt.date(2026, 8, 19), summary="x",
            measures=[MeasureData(Measure.CHILD_WELLBEING, 11)],
        )  # fmt: skip

    # Version 2: a draft copy of v1; agreeing it supersedes v1, which stays readable.
    v2 = services.plan_start(ctx=ctx, access=access)
    assert v2.number == 2 and v2.previous_id == plan.pk
    assert v2.child_words == CHILD_WORDS and v2.goals.count() == 2 and v2.actions.count() == 4
    assert v2.actions.filter(goal__isnull=False).count() == 4
    with pytest.raises(ValidationError):
        services.plan_start(ctx=ctx, access=access)  # one draft at a time
    services.plan_agree(ctx=ctx, access=access, plan=v2, meeting=meeting(world))
    plan.refresh_from_db()
    v2.refresh_from_db()
    assert (plan.status, v2.status) == (PlanStatus.SUPERSEDED, PlanStatus.AGREED)
    assert plan.superseded_at is not None
    assert queries.plan_for(access, plan.pk).goals.count() == 2
    assert queries.current_of(queries.case_plans(access)) == v2


def test_only_the_lead_or_a_manager_agrees(world):
    ctx, access = lead(world)
    plan = services.plan_start(ctx=ctx, access=access)
    services.plan_draft_save(ctx=ctx, access=access, plan=plan, expected_version=1, content=content(world))
    with pytest.raises(PermissionDenied):
        services.plan_agree(
            ctx=ctx_for(world.petrov),
            access=access_for(world.petrov, world.case),
            plan=plan,
            meeting=meeting(world),
        )
    manager = access_for(world.nikolova, world.case)
    plan.refresh_from_db()
    assert services.plan_agree(ctx=ctx_for(world.nikolova), access=manager, plan=plan, meeting=meeting(world))


def test_a_plan_without_goals_is_not_agreed(world):
    ctx, access = lead(world)
    plan = services.plan_start(ctx=ctx, access=access)
    with pytest.raises(ValidationError, match="no goals"):
        services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=meeting(world))


def test_a_meeting_of_another_case_does_not_agree(world):
    from zaedno.core.testing import open_case

    other = open_case(world, world.child)
    ctx, access = lead(world)
    plan = services.plan_start(ctx=ctx, access=access)
    services.plan_draft_save(ctx=ctx, access=access, plan=plan, expected_version=1, content=content(world))
    with pytest.raises(ValidationError, match="another case"):
        services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=meeting(world, case=other))


def test_stale_draft_save_is_a_conflict(world):
    ctx, access = lead(world)
    plan = services.plan_start(ctx=ctx, access=access)
    services.plan_draft_save(ctx=ctx, access=access, plan=plan, expected_version=1, content=content(world))
    with pytest.raises(ConflictError):
        services.plan_draft_save(
            ctx=ctx,
            access=access,
            plan=Plan.objects.get(pk=plan.pk),
            expected_version=1,
            content=content(world),
        )


def test_draft_content_is_checked(world):
    ctx, access = lead(world)
    plan = services.plan_start(ctx=ctx, access=access)
    bad = content(world)
    bad.actions.append(ActionData(text="Посещение", who_kind=Who.PROFESSIONAL, who_user=world.georgieva))
    bad.actions.append(ActionData(text="Клуб", who_kind=Who.COMMUNITY))
    with pytest.raises(ValidationError) as exc:
        services.plan_draft_save(ctx=ctx, access=access, plan=plan, expected_version=1, content=bad)
    messages = " ".join(exc.value.message_dict["actions"])
    assert "team around the child" in messages and "community resource" in messages


def test_action_status_needs_a_reason_for_not_done(world):
    plan = agreed_plan(world)
    petrov = access_for(world.petrov, world.case)
    action = plan.actions.filter(who_user=world.petrov).first()
    with pytest.raises(ValidationError):
        services.action_status_set(
            ctx=ctx_for(world.petrov), access=petrov, action=action, status=ActionStatus.NOT_DONE
        )
    services.action_status_set(
        ctx=ctx_for(world.petrov), access=petrov, action=action, status=ActionStatus.NOT_DONE, reason="Болест"
    )
    action.refresh_from_db()
    assert (action.status, action.status_reason) == (ActionStatus.NOT_DONE, "Болест")
    with pytest.raises(ConflictError):
        services.action_status_set(
            ctx=ctx_for(world.petrov), access=petrov, action=Action.objects.get(pk=action.pk),
            status=ActionStatus.DONE, expected_version=1,
        )  # fmt: skip


def test_follow_up_scheduled_and_completed(world, clock):
    ctx, access = lead(world)
    case_change_status(
        ctx=ctx, access=access, status=CaseStatus.FOLLOW_UP, reason="Целите са постигнати", expected_version=1
    )
    access = access_for(world.ivanova, world.case)
    checkins = services.followup_schedule(
        ctx=ctx, access=access, first_on=dt.date(2026, 8, 20), responsible=world.petrov
    )
    assert [c.due_on for c in checkins] == [
        dt.date(2026, 8, 20), dt.date(2026, 11, 20), dt.date(2027, 2, 20), dt.date(2027, 5, 20)
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        services.followup_schedule(
            ctx=ctx, access=access, first_on=dt.date(2026, 8, 20), responsible=world.georgieva
        )
    clock.set(2026, 8, 25, 10, 0)
    petrov = access_for(world.petrov, world.case)
    services.followup_complete(
        ctx=ctx_for(world.petrov), access=petrov, checkin=checkins[0], done_on=dt.date(2026, 8, 25),
        child_status="Добре е, ходи на училище.", next_due_on=dt.date(2026, 10, 1),
    )  # fmt: skip
    checkins[0].refresh_from_db()
    assert checkins[0].status == CheckInStatus.DONE
    assert FollowUpCheckIn.objects.filter(case=world.case, due_on=dt.date(2026, 10, 1)).exists()
    assert step(world.case, "multisector", "follow_up_review").status == StepStatus.DONE
    with pytest.raises(ValidationError):
        services.followup_complete(
            ctx=ctx_for(world.petrov), access=petrov, checkin=checkins[0], done_on=dt.date(2026, 8, 25),
            child_status="Отново",
        )  # fmt: skip


def test_a_member_at_the_basic_level_is_not_asked_to_confirm(world):
    """Confirming needs reading the plan; "confirmed by the team" counts those who may read it."""
    from zaedno.cases.models import Sensitivity
    from zaedno.cases.services import team_member_add
    from zaedno.notifications.models import Notification

    team_member_add(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), user=world.dimitrova,
        organisation=world.hospital, sharing_level=Sensitivity.BASIC,
    )  # fmt: skip
    plan = agreed_plan(world)
    assert not Notification.objects.filter(user=world.dimitrova, kind="plan.confirm").exists()
    services.plan_confirm(ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case), plan=plan)
    detail = queries.plan_detail(access_for(world.ivanova, world.case), plan)
    state = detail.confirmations
    assert state["by_team"], state
    assert state["member_count"] == 2
