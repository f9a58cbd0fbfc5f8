"""Fixtures of the resource map tests: a few entries of different organisations, sectors and
places, built by the organisations' own members (stoyanov of the ЦОП, koleva of the NGO,
todorov of the municipality)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.resources.models import Service
from zaedno.resources.services import service_create


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make(user, organisation, **data) -> Service:
    base = {"settlement": "10447", "latitude": "43.0812", "longitude": "25.6290"}
    return service_create(ctx=ctx_for(user), organisation=organisation, data=base | data)


def age_entry(service: Service, days: int) -> Service:
    """Pretend the entry was last confirmed ``days`` ago."""
    from django.utils import timezone

    Service.objects.filter(pk=service.pk).update(
        last_confirmed_on=timezone.localdate() - dt.timedelta(days=days)
    )
    service.refresh_from_db()
    return service


@pytest.fixture
def entries(bare_world):
    w = bare_world
    e = SimpleNamespace(w=w)
    e.cop = make(
        w.stoyanov, w.cop, name="Център за обществена подкрепа „Детелина“", type="cop", age_min=0, age_max=18,
        capacity=30, free_places=4, languages="български, ромски", phone="062 555 101",
    )  # fmt: skip
    e.crisis = make(
        w.stoyanov, w.cop, name="Кризисен център за деца", type="crisis_centre", age_min=7, age_max=18,
        capacity=10, free_places=0, languages="български, турски",
    )  # fmt: skip
    e.mentor = make(
        w.koleva, w.ngo, name="Менторска програма „Стъпка напред“", type="mentor", age_min=8, age_max=17,
        capacity=20, free_places=5, is_free=False, cost="10 лв. месечно", settlement="16359",
        latitude="43.1261", longitude="25.6933",
    )  # fmt: skip
    e.club = make(
        w.todorov, w.municipality_org, name="Клуб по шах Самоводене", type="club", sector="municipality",
        settlement="65200", latitude=None, longitude=None,
    )  # fmt: skip
    e.old = age_entry(
        make(w.stoyanov, w.cop, name="Група за родители „Заедно“", type="family_support", capacity=12, free_places=2),
        200,
    )  # fmt: skip
    e.closed = make(w.stoyanov, w.cop, name="Лятно училище (приключило)", type="other", is_active=False)
    return e
