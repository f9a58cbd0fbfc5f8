"""The service and school history through the API: episodes started and ended, a move in one call
(refused for a difficult case without a decision or an emergency reason), the moves with their
12-month count; 404 for outsiders everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.core.testing import build_world
from zaedno.episodes.models import Episode, Move
from zaedno.episodes.tests.helpers import EMERGENCY, decision, make_difficult, start
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def move_body(episode, **extra):
    return {
        "from_episode_id": episode.pk,
        "end": {"ended_on": "2026-05-20", "end_reason": "moved_service", "decided_by": "court",
                "decided_by_name": "Районен съд – Велико Търново"},
        "to": {"kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "2026-05-20"},
        **extra,
    }  # fmt: skip


def test_episodes_started_ended_and_listed(world, api, clock):
    lead = api("ivanova")
    r = lead.post(url(world.case, "episodes/"),
                  {"kind": "school", "organisation_id": world.school.pk, "started_on": "2025-09-15"}, format="json")  # fmt: skip
    assert r.status_code == 201, r.json()
    ep = r.json()
    assert (ep["place"], ep["family"], ep["ended_on"]) == ("СУ „Вела Благоева“", "schools", None)
    assert last_event(action="episode.start").object_id == str(ep["id"])
    # A team member (the school psychologist) records the end.
    r = api("petrov").post(
        url(world.case, f"episodes/{ep['id']}/end/"),
        {"ended_on": "2026-05-01", "end_reason": "expelled", "end_note": "Изключен след наказание.",
         "decided_by": "organisation", "decided_by_organisation_id": world.school.pk},
        format="json",
    )  # fmt: skip
    assert r.status_code == 200, r.json()
    assert (r.json()["end_reason"], r.json()["decided_by_organisation"]["id"]) == (
        "expelled",
        world.school.pk,
    )
    r = lead.get(url(world.case, "episodes/"))
    assert r.status_code == 200 and [e["id"] for e in r.json()] == [ep["id"]]
    assert last_event(action="episodes.view").case_id == world.case.pk
    # Plain errors under the API's field names.
    r = lead.post(url(world.case, "episodes/"), {"kind": "school", "started_on": "2026-06-01"}, format="json")
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"name", "started_on"}
    r = lead.post(url(world.case, f"episodes/{ep['id']}/end/"), {"ended_on": "2026-05-02", "end_reason": "other"},
                  format="json")  # fmt: skip
    assert r.status_code == 400 and "end_note" in r.json()["error"]["fields"]


def test_move_without_decision_for_a_child_not_flagged(world, api, clock):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    r = api("ivanova").post(url(world.case, "moves/"), move_body(school), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (
        body["from_episode"]["ended_on"] == "2026-05-20"
        and body["to_episode"]["place"] == "ОУ „Паисий Хилендарски“"
    )
    assert body["explicit"] is True and body["decision"] is None
    assert body["from_episode"]["decided_by_name"] == "Районен съд – Велико Търново"
    assert Notification.objects.filter(user=world.petrov, kind="episode.move").exists()
    r = api("petrov").get(url(world.case, "moves/"))
    assert r.status_code == 200
    assert (r.json()["count_12_months"], r.json()["repeated"], len(r.json()["moves"])) == (1, False, 1)


def test_move_of_a_difficult_case(world, api, clock):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    lead = api("ivanova")
    r = lead.post(url(world.case, "moves/"), move_body(school), format="json")
    assert r.status_code == 400
    assert "труден случай" in " ".join(r.json()["error"]["fields"]["decision_id"])
    assert not Move.objects.exists() and Episode.objects.count() == 1
    r = lead.post(url(world.case, "moves/"), move_body(school, emergency_reason="кратко"), format="json")
    assert r.status_code == 400 and "emergency_reason" in r.json()["error"]["fields"]
    r = lead.post(url(world.case, "moves/"), move_body(school, decision_id=999999), format="json")
    assert r.status_code == 400 and "decision_id" in r.json()["error"]["fields"]
    # Family mismatch is reported under "to".
    body = move_body(school, emergency_reason=EMERGENCY)
    body["to"]["kind"] = "placement"
    r = lead.post(url(world.case, "moves/"), body, format="json")
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]["to"]

    d = decision(world)
    r = lead.post(url(world.case, "moves/"), move_body(school, decision_id=d.pk), format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["decision"]["id"] == d.pk and r.json()["was_difficult"] is True
    new = r.json()["to_episode"]["id"]
    clock.advance(days=1)
    body = move_body(Episode.objects.get(pk=new), emergency_reason=EMERGENCY)
    body["end"]["ended_on"] = body["to"]["started_on"] = "2026-05-21"
    r = lead.post(url(world.case, "moves/"), body, format="json")
    assert r.status_code == 201, r.json()
    r = lead.get(url(world.case, "moves/"))
    assert (r.json()["count_12_months"], r.json()["repeated"]) == (2, True)
    assert r.json()["moves"][0]["emergency_reason"] == EMERGENCY


def test_implicit_move_through_the_episode_endpoints(world, api, clock):
    make_difficult(world)
    lead = api("ivanova")
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    r = lead.post(url(world.case, f"episodes/{school.pk}/end/"), {"ended_on": "2026-05-10", "end_reason": "expelled"},
                  format="json")  # fmt: skip
    assert r.status_code == 200
    body = {"kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "2026-05-18"}
    r = lead.post(url(world.case, "episodes/"), body, format="json")
    assert r.status_code == 400 and "decision_id" in r.json()["error"]["fields"]
    r = lead.post(url(world.case, "episodes/"), body | {"emergency_reason": EMERGENCY}, format="json")
    assert r.status_code == 201
    assert Move.objects.get().explicit is False


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, api, clock, who):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    client = api(who)
    calls = [
        client.get(url(world.case, "episodes/")),
        client.post(url(world.case, "episodes/"), {"kind": "school", "name": "X", "started_on": "2026-05-20"},
                    format="json"),
        client.post(url(world.case, f"episodes/{school.pk}/end/"), {"ended_on": "2026-05-20", "end_reason": "completed"},
                    format="json"),
        client.get(url(world.case, "moves/")),
        client.post(url(world.case, "moves/"), move_body(school), format="json"),
    ]  # fmt: skip
    missing = api("ivanova").get("/api/v1/cases/999999/episodes/")
    for r in calls:
        assert r.status_code == 404
        assert r.json() == missing.json()
        assert "Вела" not in text(r)
    school.refresh_from_db()
    assert school.is_current and Episode.objects.count() == 1


def test_schema_has_the_endpoints(world, api):
    r = api("ivanova").get("/api/v1/schema/?format=json")
    paths = r.json()["paths"]
    assert (
        "/api/v1/cases/{case_id}/moves/" in paths
        and "/api/v1/cases/{case_id}/episodes/{episode_id}/end/" in paths
    )
