"""Shared data for the plan tests: a held meeting and the content of a realistic plan."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zaedno.cases.access import access_for
from zaedno.core.testing import ctx_for
from zaedno.meetings.models import Meeting, MeetingKind, MeetingStatus
from zaedno.plans import services
from zaedno.plans.models import Who
from zaedno.plans.services import ActionData, DraftContent, GoalData, WaymarkData

CHILD_WORDS = "Искам да ходя на училище и да играя футбол с приятелите си."
PARENTS_WORDS = "Ще водим Георги на училище всяка сутрин и ще ходим на срещите."


def meeting(world, *, status=MeetingStatus.HELD, case=None, kind=MeetingKind.CONFERENCE_PLANNING) -> Meeting:
    """A meeting row made directly (the meetings app's services are written in parallel)."""
    now = timezone.now()
    held = status in (MeetingStatus.HELD, MeetingStatus.LOCKED)
    return Meeting.objects.create(
        case=case or world.case, kind=kind, status=status, title="Планираща среща",
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=2),
        chair=world.ivanova, created_by=world.ivanova, created_at=now - dt.timedelta(days=3),
        held_at=now - dt.timedelta(hours=2) if held else None,
        locked_at=now - dt.timedelta(hours=1) if status == MeetingStatus.LOCKED else None,
    )  # fmt: skip


def content(world, *, goals: int = 2, actions_per_goal: int = 2) -> DraftContent:
    today = timezone.localdate()
    domains = ["education", "emotional", "health", "relationships", "identity", "presentation", "self_care"]
    gs = [
        GoalData(
            domain=domains[i % len(domains)], key=f"g{i}",
            text=f"Цел {i + 1}: Георги посещава редовно училище и се чувства сигурен вкъщи.",
            waymarks=[WaymarkData(f"Междинна цел {i + 1}.1", today + dt.timedelta(days=30))],
        )
        for i in range(goals)
    ]  # fmt: skip
    who = [
        {"who_kind": Who.PROFESSIONAL, "who_user": world.petrov},
        {"who_kind": Who.PARENT, "who_name": "Майката, Анна Стефанова"},
        {"who_kind": Who.COMMUNITY, "who_name": "Футболен клуб „Етър“"},
        {"who_kind": Who.ORGANISATION, "who_organisation": world.cop},
        {"who_kind": Who.CHILD},
    ]
    acts = [
        ActionData(
            text=f"Дейност {i + 1}.{j + 1}: седмични срещи с училищния психолог",
            due_on=today + dt.timedelta(days=7 * (j + 1)), goal_key=f"g{i}", **who[(i + j) % len(who)],
        )
        for i in range(goals)
        for j in range(actions_per_goal)
    ]  # fmt: skip
    return DraftContent(
        purpose="Георги да е в безопасност и да учи.", child_words=CHILD_WORDS, parents_words=PARENTS_WORDS,
        goals=gs, actions=acts,
    )  # fmt: skip


def agreed_plan(world, **kw):
    """A plan drafted with ``content`` and agreed at a held meeting, by the case lead."""
    access = access_for(world.ivanova, world.case)
    ctx = ctx_for(world.ivanova)
    plan = services.plan_start(ctx=ctx, access=access)
    services.plan_draft_save(
        ctx=ctx, access=access, plan=plan, expected_version=plan.version, content=content(world, **kw)
    )
    plan.refresh_from_db()
    return services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=meeting(world))


SAFETY_ACTION = "Инспектор Георгиева разговаря с втория баща за правилата вкъщи"
SCHOOL_ACTION = "Майката води Георги на училище всяка сутрин"


def household_plan(world):
    """The walk of issue 12: a police inspector in the team, the stepfather living in the house,
    the mother with parental rights, and an agreed plan with two parent actions — one of them a
    safety action about the stepfather (``world.safety_action``, ``world.school_action``)."""
    from zaedno.cases.models import Sensitivity
    from zaedno.cases.services import team_member_add
    from zaedno.children.models import Relative

    world.inspector = team_member_add(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), user=world.georgieva,
        organisation=world.dps, sharing_level=Sensitivity.STANDARD,
    )  # fmt: skip
    Relative.objects.create(
        child=world.child, full_name="Иван Петков", relationship="stepparent", lives_with_child=True
    )
    Relative.objects.create(
        child=world.child, full_name="Анна Стефанова", relationship="mother", lives_with_child=True,
        has_parental_rights=True,
    )  # fmt: skip
    access, ctx = access_for(world.ivanova, world.case), ctx_for(world.ivanova)
    plan = services.plan_start(ctx=ctx, access=access)
    due = timezone.localdate() + dt.timedelta(days=14)
    services.plan_draft_save(
        ctx=ctx, access=access, plan=plan, expected_version=plan.version,
        content=DraftContent(
            purpose="", child_words="", parents_words="",
            goals=[GoalData(domain="education", text="Георги ходи на училище.", key="g", waymarks=[])],
            actions=[
                ActionData(text=SCHOOL_ACTION, who_kind=Who.PARENT, who_name="Майката", due_on=due, goal_key="g"),
                ActionData(text=SAFETY_ACTION, who_kind=Who.PARENT, who_name="Родителите", due_on=due, goal_key="g"),
            ],
        ),
    )  # fmt: skip
    plan.refresh_from_db()
    world.plan = services.plan_agree(ctx=ctx, access=access, plan=plan, meeting=meeting(world))
    world.school_action = world.plan.actions.get(text=SCHOOL_ACTION)
    world.safety_action = world.plan.actions.get(text=SAFETY_ACTION)
    return world
