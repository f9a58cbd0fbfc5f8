"""The resource map through the API: every professional reads it, only the organisation's
practitioners and managers write (403 for everyone else), writes are audited, versions conflict."""

from __future__ import annotations

import pytest

from zaedno.api.tests.conftest import last_event, text
from zaedno.resources.models import Service
from zaedno.resources.tests.conftest import age_entry, make

pytestmark = pytest.mark.django_db

EVERYONE = [
    "ivanova",
    "petrov",
    "georgieva",
    "angelova",
    "dimitrova",
    "stoyanov",
    "koleva",
    "todorov",
    "admin",
]
NOT_COP = [
    "ivanova",
    "petrov",
    "georgieva",
    "angelova",
    "dimitrova",
    "nikolova",
    "koleva",
    "todorov",
    "admin",
]
NEW = {
    "name": "Дневен център „Слънчоглед“",
    "type": "day_centre",
    "settlement": "10447",
    "age_min": 3,
    "age_max": 18,
    "capacity": 20,
    "free_places": 2,
    "latitude": "43.079",
    "longitude": "25.63",
    "languages": "български, ромски",
}


@pytest.fixture
def services(world):
    w = world
    cop = make(
        w.stoyanov, w.cop, name="Център за обществена подкрепа „Детелина“", type="cop", age_min=0, age_max=18,
        capacity=30, free_places=4, languages="български, ромски",
    )  # fmt: skip
    club = make(
        w.todorov,
        w.municipality_org,
        name="Клуб по шах",
        type="club",
        sector="municipality",
        settlement="16359",
    )
    old = age_entry(make(w.stoyanov, w.cop, name="Група за родители", type="family_support"), 300)
    return cop, club, old


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_reads(api, services, who):
    cop, club, old = services
    response = api(who).get("/api/v1/services/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    by_id = {item["id"]: item for item in body["results"]}
    assert by_id[old.pk]["stale"] is True and by_id[cop.pk]["stale"] is False
    assert by_id[cop.pk]["can_edit"] is (who == "stoyanov")
    assert (
        by_id[cop.pk]["settlement"]["ekatte"] == "10447"
        and by_id[cop.pk]["organisation"]["id"] == cop.organisation_id
    )
    detail = api(who).get(f"/api/v1/services/{cop.pk}/")
    assert detail.status_code == 200 and detail.json()["name"] == cop.name and detail.json()["version"] == 1


def test_filters_and_search(api, services):
    cop, club, old = services
    client = api("petrov")

    def ids(**params):
        response = client.get("/api/v1/services/", params)
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids(q="Detelina") == {cop.pk}
    assert ids(q="детелина") == {cop.pk}
    assert ids(q="tsop") == {cop.pk, old.pk}
    assert ids(municipality="VTR06") == {club.pk}
    assert ids(sector="municipality") == {club.pk}
    assert ids(type="cop") == {cop.pk}
    assert ids(age=19) == {club.pk, old.pk}
    assert ids(free_places="true") == {cop.pk}
    assert ids(language="rom") == {cop.pk}
    assert ids(stale="true") == {old.pk}
    bad = client.get("/api/v1/services/", {"type": "spaceship"})
    assert bad.status_code == 400 and "type" in bad.json()["error"]["fields"]


def test_missing_is_404_and_anonymous_401(api, services, client):
    assert api("petrov").get("/api/v1/services/99999/").status_code == 404
    assert client.get("/api/v1/services/").status_code == 401


def test_member_creates(api, world):
    response = api("stoyanov").post("/api/v1/services/", NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["organisation"]["id"] == world.cop.pk and body["sector"] == "social" and body["can_edit"] is True
    )
    event = last_event(action="service.create")
    assert (
        event.channel == "api" and event.object_id == str(body["id"]) and event.actor_id == world.stoyanov.pk
    )


def test_create_rules_are_field_errors(api, world):
    response = api("stoyanov").post("/api/v1/services/", NEW | {"free_places": 30}, format="json")
    assert response.status_code == 400
    assert "(30)" in " ".join(response.json()["error"]["fields"]["free_places"])
    response = api("stoyanov").post("/api/v1/services/", NEW | {"settlement": "99999"}, format="json")
    assert response.status_code == 400 and "settlement" in response.json()["error"]["fields"]
    assert not Service.objects.exists()


def test_create_for_an_organisation_not_yours_is_403(api, world):
    response = api("stoyanov").post("/api/v1/services/", NEW | {"organisation": world.ngo.pk}, format="json")
    assert response.status_code == 403
    assert api("admin").post("/api/v1/services/", NEW, format="json").status_code == 403
    assert not Service.objects.exists()


def test_member_patches_with_version(api, services, world):
    cop, *_ = services
    client = api("stoyanov")
    response = client.patch(f"/api/v1/services/{cop.pk}/", {"free_places": 0, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["free_places"] == 0 and response.json()["version"] == 2
    event = last_event(action="service.update")
    assert event.details["changed"] == ["free_places"]
    stale = client.patch(f"/api/v1/services/{cop.pk}/", {"free_places": 3, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 2
    missing = client.patch(f"/api/v1/services/{cop.pk}/", {"free_places": 3}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["error"]["fields"]
    rule = client.patch(f"/api/v1/services/{cop.pk}/", {"age_min": 19, "version": 2}, format="json")
    assert rule.status_code == 400 and "age_max" in rule.json()["error"]["fields"]


def test_member_confirms(api, services, world):
    *_, old = services
    response = api("stoyanov").post(f"/api/v1/services/{old.pk}/confirm/")
    assert response.status_code == 200 and response.json()["stale"] is False
    assert last_event(action="service.confirm").object_id == str(old.pk)


@pytest.mark.parametrize("who", NOT_COP)
def test_others_cannot_write(api, services, who):
    cop, *_ = services
    client = api(who)
    patch = client.patch(f"/api/v1/services/{cop.pk}/", {"name": "Чуждо", "version": 1}, format="json")
    assert patch.status_code == 403
    assert client.post(f"/api/v1/services/{cop.pk}/confirm/").status_code == 403
    cop.refresh_from_db()
    assert cop.name != "Чуждо" and cop.version == 1
    assert "Чуждо" not in text(client.get(f"/api/v1/services/{cop.pk}/"))


def test_list_query_count(api, services, world, django_assert_max_num_queries):
    for i in range(20):
        make(world.stoyanov, world.cop, name=f"Клуб {i}", type="club", sector="community")
    client = api("petrov")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/services/")
    assert response.json()["count"] == 23


def test_schema_lists_the_endpoints(api):
    schema = api("petrov").get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/services/" in paths and "/api/v1/services/{service_id}/confirm/" in paths
