"""The duplicate check and join requests through the API: nothing about a case leaks to an
outsider, the lead accepts or declines, the requester sees the case only once accepted."""

from __future__ import annotations

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus

pytestmark = pytest.mark.django_db

DUP = "/api/v1/children/duplicates/"
JR = "/api/v1/join-requests/"
MESSAGE = "Работя с детето в ДПС от миналата година."


def secrets(world) -> list[str]:
    return [
        world.case.number, "ТАЙНО", "насилие", "violence", "Класен", "Петров", "Иванова",
        "Георги Иванов Стефанов", world.child.egn, "Бележка",
    ]  # fmt: skip


def check(api, who, **body):
    body = {"first_name": "Georgi", "last_name": "Stefanov", "birth_date": "2012-03-15"} | body
    return api(who).post(DUP, body, format="json")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_duplicate_check_tells_an_outsider_only_whom_to_ask(api, world, who):
    r = check(api, who)
    assert r.status_code == 200, r.json()
    (hint,) = r.json()
    assert hint["child"] == world.child.pk and hint["strength"] == "strong"
    assert hint["fields"] == {"first_name": "spelling", "last_name": "spelling", "birth_date": "exact"}
    assert hint["has_open_case"] and hint["can_request_join"] and not hint["visible"]
    assert hint["name"] == "" and hint["cases"] == []
    assert hint["contacts"] == [{"name": world.ozd.name, "phone": world.ozd.phone}]
    body = text(r)
    assert [s for s in secrets(world) if s in body] == []
    event = last_event(action="child.duplicate_check")
    assert event.actor_id == getattr(world, who).pk and event.details["matches"] == 1


def test_duplicate_check_by_egn_and_typo(api, world):
    r = check(api, "koleva", first_name="", last_name="", birth_date=None, egn=world.child.egn)
    assert r.json()[0]["fields"] == {"egn": "exact"}
    r = check(api, "koleva", first_name="Георги", last_name="Стефнов")
    assert r.json()[0]["fields"]["last_name"] == "similar"
    assert world.child.egn not in str(last_event(action="child.duplicate_check").details)


def test_duplicate_check_for_the_team_gives_the_links(api, world):
    (hint,) = check(api, "petrov").json()
    assert hint["visible"] and hint["name"] == "Георги Иванов Стефанов"
    assert hint["cases"] == [{"id": world.case.pk, "number": world.case.number, "status": "open"}]
    assert not hint["can_request_join"]


def test_duplicate_check_needs_enough_input(api, world):
    r = api("koleva").post(DUP, {"first_name": "Георги"}, format="json")
    assert r.status_code == 400
    r = api("koleva").post(DUP, {"egn": "123"}, format="json")
    assert r.status_code == 400 and "egn" in r.json()["error"]["fields"]


def send(api, world, who="georgieva", org=None):
    return api(who).post(
        JR,
        {
            "child": world.child.pk,
            "organisation": (org or world.dps).pk,
            "message": MESSAGE,
            "child_label": "Георги С.",
        },
        format="json",
    )


def test_join_request_lifecycle_accept(api, world):
    assert send(api, world).status_code == 400  # no lookup yet: ids cannot be guessed
    check(api, "georgieva")
    r = send(api, world)
    assert r.status_code == 201, r.json()
    (req,) = r.json()
    assert req["case"] is None and req["child"] is None and req["role"] == "requester"
    assert [s for s in secrets(world) if s in text(r)] == []
    # The requester's list and detail show no case until accepted.
    mine = api("georgieva").get(JR).json()
    assert [x["id"] for x in mine] == [req["id"]] and mine[0]["case"] is None
    assert api("georgieva").get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    # The lead sees it with the case and the child, and accepts.
    lead = api("ivanova").get(JR, {"box": "received"}).json()
    assert lead[0]["case"]["number"] == world.case.number and lead[0]["role"] == "decider"
    r = api("ivanova").post(f"{JR}{req['id']}/accept/", {"sharing_level": Sensitivity.BASIC}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert TeamMember.objects.filter(case=world.case, user=world.georgieva, left_at__isnull=True).exists()
    after = api("georgieva").get(f"{JR}{req['id']}/").json()
    assert after["case"] == {"id": world.case.pk, "number": world.case.number}
    assert api("georgieva").get(f"/api/v1/cases/{world.case.pk}/").status_code == 200


def test_join_request_decline_with_reason_and_withdraw(api, world):
    check(api, "georgieva")
    (req,) = send(api, world).json()
    url = f"{JR}{req['id']}/"
    assert api("ivanova").post(url + "decline/", {"reason": ""}, format="json").status_code == 400
    assert api("georgieva").post(url + "accept/", {}, format="json").status_code == 403
    r = api("ivanova").post(url + "decline/", {"reason": "Случаят приключва."}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    seen = api("georgieva").get(url)
    assert seen.json()["decline_reason"] == "Случаят приключва." and seen.json()["case"] is None
    assert [s for s in secrets(world) if s in text(seen)] == []
    assert api("georgieva").post(url + "withdraw/").status_code == 400  # already answered
    (again,) = send(api, world).json()
    r = api("georgieva").post(f"{JR}{again['id']}/withdraw/")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert JoinRequest.objects.get(pk=again["id"]).status == JoinRequestStatus.WITHDRAWN


@pytest.mark.parametrize("who", ["angelova", "dimitrova", "koleva", "todorov", "admin", "petrov"])
def test_others_get_404_on_a_request(api, world, who):
    check(api, "georgieva")
    (req,) = send(api, world).json()
    url = f"{JR}{req['id']}/"
    assert api(who).get(url).status_code == 404
    for action in ("accept/", "decline/", "withdraw/"):
        assert api(who).post(url + action, {"reason": "x"}, format="json").status_code == 404
    assert req["id"] not in [x["id"] for x in api(who).get(JR).json()]
