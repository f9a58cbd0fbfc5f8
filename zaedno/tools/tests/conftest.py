import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.meetings.models import Meeting, MeetingKind
from zaedno.tools import services
from zaedno.tools.tests.samples import SAMPLES

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


@pytest.fixture
def login(world):
    """``login("ivanova")`` → a Django test client signed in as that persona."""
    clients: dict[str, Client] = {}

    def get(name: str) -> Client:
        if name not in clients:
            c = Client()
            assert c.login(username=name, password=PASSWORD)
            clients[name] = c
        return clients[name]

    return get


def make_tool(world, kind, *, user=None, data=None, sensitivity=2, title="", meeting=None):
    user = user or world.ivanova
    from zaedno.cases.access import access_for

    return services.tool_create(
        ctx=ctx_for(user), access=access_for(user, world.case), kind=kind, title=title,
        data=data if data is not None else SAMPLES[kind], sensitivity=sensitivity, meeting=meeting,
    )  # fmt: skip


def make_meeting(world, case=None, *, starts_at=None):
    starts_at = starts_at or timezone.now()
    return Meeting.objects.create(
        case=case or world.case, kind=MeetingKind.CONFERENCE_INITIAL, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1), chair=world.ivanova, created_by=world.ivanova,
        created_at=timezone.now(),
    )  # fmt: skip
