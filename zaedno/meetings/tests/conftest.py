"""Fixtures of the meetings tests: the shared world at a fixed time, after the protocols are loaded
(so the case gets its protocol steps), and a helper to schedule a meeting."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zaedno.cases.access import access_for
from zaedno.core.testing import ctx_for
from zaedno.meetings import services
from zaedno.meetings.models import MeetingKind, ParticipantRole

SOFIA = ZoneInfo("Europe/Sofia")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SOFIA)


@pytest.fixture
def world(protocols, clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)
    return build_world()


@pytest.fixture
def schedule(world):
    """``schedule(kind=..., starts_at=...)`` → a meeting chaired by ivanova with petrov and a mother."""

    def make(kind=MeetingKind.CONFERENCE_INITIAL, starts_at=None, guests=None, members=None, actor=None):
        starts_at = starts_at or local(2026, 5, 22, 10, 0)
        actor = actor or world.ivanova
        return services.meeting_schedule(
            ctx=ctx_for(actor), access=access_for(actor, world.case), kind=kind, starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1, minutes=30), place="ОЗД, стая 12", agenda="Оценка",
            chair=world.ivanova, members=[world.petrov] if members is None else members,
            guests=guests if guests is not None else [
                services.Guest(name="Анна Стефанова", role=ParticipantRole.PARENT, email="anna@example.org",
                               role_note="майка")
            ],
        )  # fmt: skip

    return make
