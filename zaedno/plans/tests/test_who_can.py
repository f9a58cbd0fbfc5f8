"""A member who cannot do something is told who can (issue 12, item 10): instead of a missing
button the plan pages and the case page name the case lead and the lead organisation's managers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.plans import services

pytestmark = pytest.mark.django_db

NAMES = "Мария Иванова, Надежда Николова"


@pytest.fixture
def world(protocols):
    return build_world()


def _page(client, user, url):
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_lead_authority_is_the_lead_then_the_managers(world):
    from zaedno.cases.authority import lead_authority

    assert [u.username for u in lead_authority(world.case)] == ["ivanova", "nikolova"]


def test_a_member_is_told_who_can_start_the_plan(client, world):
    html = _page(client, world.petrov, reverse("plans:case", args=[world.case.pk]))
    assert "/plan/start/" not in html
    assert (
        "Само водещият на случая или ръководител в организацията на водещия може да започне плана — " + NAMES
    ) in html
    # The lead has the button, and no such sentence.
    lead = _page(client, world.ivanova, reverse("plans:case", args=[world.case.pk]))
    assert "/plan/start/" in lead and 'class="who-can' not in lead


def test_a_member_is_told_who_can_agree_the_draft(client, world):
    plan = services.plan_start(ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case))
    html = _page(client, world.petrov, reverse("plans:detail", args=[world.case.pk, plan.pk]))
    assert f"/plan/{plan.pk}/agree/" not in html
    assert "може да договори плана на среща — " + NAMES in html


def test_a_member_is_told_who_can_change_the_team_and_the_status(client, world):
    html = _page(client, world.petrov, reverse("cases:detail", args=[world.case.pk]))
    assert reverse("cases:team_add", args=[world.case.pk]) not in html
    assert "може да променя екипа, водещия и статуса на случая — " + NAMES in html
    lead = _page(client, world.ivanova, reverse("cases:detail", args=[world.case.pk]))
    assert 'class="who-can' not in lead


def test_a_refused_plan_step_names_who_can(client, world):
    client.force_login(world.petrov)
    r = client.post(reverse("plans:start", args=[world.case.pk]), {"kind": "case_plan"})
    assert r.status_code == 403
    assert "може да направи това с плана — " + NAMES in r.content.decode()
