"""Issue 12 items 1, 2 and 4 through the API: a move refuses an unrelated decision; a planned move
is recorded before it happens and confirmed when it does; a decision's due date moves only by
the responsible professional, the lead or a manager, never before the meeting, with the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.core.testing import build_world
from zaedno.episodes.models import Move
from zaedno.episodes.tests.helpers import decision, make_difficult, start
from zaedno.meetings.models import DecisionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def test_a_move_refuses_an_unrelated_decision(world, api):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    unrelated = decision(world, "Инспекторът разговаря с втория баща.", kind=DecisionKind.GENERAL)
    body = {
        "from_episode_id": school.pk, "decision_id": unrelated.pk,
        "end": {"ended_on": "2026-05-20", "end_reason": "moved_service"},
        "to": {"kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "2026-05-20"},
    }  # fmt: skip
    r = api("ivanova").post(url(world.case, "moves/"), body, format="json")
    assert r.status_code == 400 and "decision_id" in r.json()["error"]["fields"]
    about = decision(world)
    r = api("ivanova").post(url(world.case, "moves/"), body | {"decision_id": about.pk}, format="json")
    assert r.status_code == 201, r.json()


def test_a_planned_move_through_the_api(world, api, clock):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    body = {
        "from_episode_id": school.pk, "proposed_by": "СУ „Вела Благоева“, директорът",
        "to": {"kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "2026-06-05"},
    }  # fmt: skip
    r = api("petrov").post(url(world.case, "planned-moves/"), body, format="json")
    assert r.status_code == 201, r.json()
    planned = r.json()
    assert (
        planned["status"] == "proposed"
        and planned["planned_on"] == "2026-06-05"
        and not Move.objects.exists()
    )
    r = api("ivanova").get(url(world.case, "planned-moves/"))
    assert [p["id"] for p in r.json()] == [planned["id"]]
    confirm = url(world.case, f"planned-moves/{planned['id']}/confirm/")
    r = api("ivanova").post(confirm, {}, format="json")
    assert r.status_code == 400 and "moved_on" in r.json()["error"]["fields"]
    clock.set(2026, 6, 5, 9, 0)
    r = api("ivanova").post(confirm, {}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["moved_on"] == "2026-06-05" and Move.objects.count() == 1


def test_the_due_date_moves_through_the_api(world, api):
    from zaedno.cases.models import Sensitivity
    from zaedno.cases.services import team_member_add
    from zaedno.core.testing import ctx_for

    team_member_add(ctx=ctx_for(world.ivanova), access=world.lead_access, user=world.stoyanov,
                    organisation=world.cop, sharing_level=Sensitivity.STANDARD)  # fmt: skip
    d = decision(world, "Психологът провежда три консултации.", kind=DecisionKind.GENERAL)
    due = url(world.case, f"decisions/{d.pk}/due/")
    r = api("stoyanov").post(due, {"due_on": "2026-06-10", "reason": "по-късно"}, format="json")
    assert r.status_code in (403, 404)
    r = api("ivanova").post(due, {"due_on": "2026-05-01", "reason": "по-рано"}, format="json")
    assert r.status_code == 400 and "due_on" in r.json()["error"]["fields"]
    r = api("ivanova").post(due, {"due_on": "2026-06-10", "reason": "Психологът е в отпуск."}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["due_on"] == "2026-06-10"
    assert [(c["old_due_on"], c["new_due_on"], c["reason"]) for c in body["due_changes"]] == [
        ("2026-05-30", "2026-06-10", "Психологът е в отпуск.")
    ]
