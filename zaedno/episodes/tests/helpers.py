"""Shared data for the episode tests: a difficult case made from real indicators, a decision."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zaedno.cases.access import access_for
from zaedno.core.testing import ctx_for
from zaedno.episodes import services
from zaedno.episodes.models import EndReason, EpisodeKind
from zaedno.meetings.models import Decision, DecisionKind, Meeting, MeetingKind, MeetingStatus
from zaedno.meetings.services import decision_record
from zaedno.profiles.services import indicator_record

EMERGENCY = "Детето е настанено спешно след сигнал за насилие в приемното семейство през нощта."


def lead(world):
    return ctx_for(world.ivanova), access_for(world.ivanova, world.case)


def make_difficult(world) -> None:
    """Three criteria met through the team's own indicators (the signal of violence is one)."""
    ctx, access = lead(world)
    indicator_record(ctx=ctx, access=access, kind="refusal_of_help", note="Семейството не идва на срещи.")
    indicator_record(ctx=ctx, access=access, kind="conflict_with_law", note="Кражба, ДПС е уведомена.")


def held_meeting(world, *, views=True, kind=MeetingKind.CONFERENCE_PLANNING) -> Meeting:
    """A case conference held three hours ago; ``views``: its minutes say how the child and the
    parents were heard."""
    now = timezone.now()
    return Meeting.objects.create(
        case=world.case, kind=kind, status=MeetingStatus.HELD, title="Среща",
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=2), chair=world.ivanova,
        created_by=world.ivanova, created_at=now - dt.timedelta(days=3), held_at=now - dt.timedelta(hours=2),
        child_views="Георги говори с психолога преди срещата." if views else "",
        parents_views="Майката присъства и каза, че е съгласна." if views else "",
    )  # fmt: skip


def decision(
    world, text="Георги да премине в ЦНСТ „Слънце“ от следващия месец.", *, kind=DecisionKind.MOVE,
    move_from="СУ „Вела Благоева“", move_to="ОУ „Паисий Хилендарски“", meeting=None,
) -> Decision:  # fmt: skip
    """The team's decision about the move (by default), taken at a held conference that heard the
    child and the parents; ``kind=DecisionKind.GENERAL`` for an unrelated decision."""
    meeting = meeting or held_meeting(world)
    ctx, access = lead(world)
    return decision_record(
        ctx=ctx, access=access, meeting=meeting, text=text, responsible_kind="professional", kind=kind,
        responsible_user=world.ivanova, due_on=timezone.localdate() + dt.timedelta(days=10),
        move_from=move_from if kind == DecisionKind.MOVE else "", move_to=move_to if kind == DecisionKind.MOVE else "",
    )  # fmt: skip


def start(world, name, *, kind=EpisodeKind.SCHOOL, on=None, **kw):
    ctx, access = lead(world)
    return services.episode_start(
        ctx=ctx, access=access,
        data=services.EpisodeData(kind=kind, started_on=on or timezone.localdate(), name=name), **kw,
    )  # fmt: skip


def end_data(on=None, reason=EndReason.MOVED_SERVICE, **kw):
    return services.EndData(ended_on=on or timezone.localdate(), reason=reason, **kw)


def move(world, episode, to_name, *, kind=None, on=None, **kw):
    ctx, access = lead(world)
    on = on or timezone.localdate()
    return services.move_record(
        ctx=ctx, access=access, episode=episode, end=end_data(on),
        to=services.EpisodeData(kind=kind or episode.kind, started_on=on, name=to_name), **kw,
    )  # fmt: skip
