"""Children through the API: visibility, search, ЕГН validation, conflicts, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, last_event
from zaedno.children.identifiers import make_egn
from zaedno.children.models import Child

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2014, 6, 1)
VALID_EGN = make_egn(BIRTH, "m", 42)
WRONG_CHECK_DIGIT = VALID_EGN[:-1] + str((int(VALID_EGN[-1]) + 1) % 10)


def new_child(**overrides):
    body = {
        "first_name": "Йордан",
        "last_name": "Петков",
        "birth_date": BIRTH.isoformat(),
        "sex": "m",
        "egn": VALID_EGN,
        "settlement": "10447",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("name", ["ivanova", "petrov", "nikolova"])
def test_team_sees_the_child(world, api, name):
    r = api(name).get("/api/v1/children/")
    assert r.status_code == 200
    assert r.json()["count"] == 1
    child = r.json()["results"][0]
    # Lists mask the ЕГН for everyone; the detail shows it whole only at the sensitive level
    # (the lead), as the child's page does.
    masked = "******" + world.child.egn[-4:]
    assert (child["id"], child["egn"], child["name_latin"]) == (
        world.child.pk,
        masked,
        "Georgi Ivanov Stefanov",
    )
    detail = api(name).get(f"/api/v1/children/{world.child.pk}/")
    assert detail.status_code == 200
    assert detail.json()["egn"] == (world.child.egn if name == "ivanova" else masked)
    assert [c["id"] for c in detail.json()["cases"]] == [world.case.pk]
    assert detail.json()["settlement"]["ekatte"] == "10447"


@pytest.mark.parametrize("query", ["Стефанов", "stefanov", "Georgi Stefanov", "георги", None])
def test_search_by_cyrillic_latin_name_and_egn(world, api, query):
    query = query or world.child.egn
    r = api("ivanova").get("/api/v1/children/", {"q": query})
    assert [c["id"] for c in r.json()["results"]] == [world.child.pk]
    assert api("ivanova").get("/api/v1/children/", {"q": "Несъществуващ"}).json()["count"] == 0


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_and_no_trace(world, api, name):
    client = api(name)
    for query in ("", "Стефанов", "Stefanov", world.child.egn):
        r = client.get("/api/v1/children/", {"q": query})
        assert r.json()["count"] == 0
        assert r.json()["results"] == []
    for method, body in (("get", None), ("patch", {"version": 1, "address": "x"})):
        r = getattr(client, method)(f"/api/v1/children/{world.child.pk}/", body)
        missing = getattr(client, method)("/api/v1/children/999999/", body)
        assert r.status_code == missing.status_code == 404
        assert r.json() == missing.json()
    assert Child.objects.get(pk=world.child.pk).address == ""


def test_reads_are_audited(world, api):
    api("petrov").get("/api/v1/children/", {"q": "Стефанов"})
    event = last_event(action="child.list")
    assert (event.actor_id, event.channel, event.kind) == (world.petrov.pk, "api", "read")
    assert event.details == {"child_ids": [world.child.pk], "query": "Стефанов"}
    api("petrov").get(f"/api/v1/children/{world.child.pk}/")
    event = last_event(action="child.view")
    assert (event.actor_id, event.object_id, event.channel) == (world.petrov.pk, str(world.child.pk), "api")


def test_register_a_child(bare_world, db):
    from zaedno.api.tests.conftest import client_for

    client = client_for(bare_world.angelova)
    r = client.post("/api/v1/children/", new_child())
    assert r.status_code == 201, r.content
    child = Child.objects.get(pk=r.json()["id"])
    assert child.name_latin == "Yordan Petkov"
    assert r.json()["cases"] == []
    assert last_event(action="child.register").object_id == str(child.pk)
    # The one who registered the child sees it; nobody else does yet.
    assert client.get("/api/v1/children/").json()["count"] == 1
    assert client_for(bare_world.petrov).get("/api/v1/children/").json()["count"] == 0


@pytest.mark.parametrize(
    ("egn", "why"),
    [
        (WRONG_CHECK_DIGIT, "wrong check digit"),
        ("1413010420", "impossible date"),
        (make_egn(dt.date.today() + dt.timedelta(days=40), "m", 1), "future date"),
        ("12345", "too short"),
        (make_egn(BIRTH, "f", 42), "encodes another sex"),
        (make_egn(dt.date(2014, 6, 2), "m", 42), "encodes another birth date"),
    ],
)
def test_a_bad_egn_is_a_400_under_egn(world, api, egn, why):
    r = api("ivanova").post("/api/v1/children/", new_child(egn=egn))
    assert r.status_code == 400, why
    error = r.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["egn"], why
    assert not Child.objects.filter(last_name="Петков").exists()


def test_other_field_errors(world, api):
    r = api("ivanova").post("/api/v1/children/", new_child(egn="", birth_date="2999-01-01", sex="x"))
    fields = r.json()["error"]["fields"]
    assert "sex" in fields
    r = api("ivanova").post("/api/v1/children/", new_child(egn="", birth_date="2999-01-01"))
    assert "birth_date" in r.json()["error"]["fields"]
    r = api("ivanova").post("/api/v1/children/", new_child(egn=world.child.egn, birth_date="2012-03-15"))
    assert "egn" in r.json()["error"]["fields"]  # already registered


def test_edit_with_version_and_conflict(world, api):
    url = f"/api/v1/children/{world.child.pk}/"
    version = api("ivanova").get(url).json()["version"]
    r = api("ivanova").patch(url, {"version": version, "address": "ул. Васил Левски 1"})
    assert r.status_code == 200, r.content
    assert r.json()["version"] == version + 1
    assert last_event(action="child.update").details == {"fields": ["address"]}
    r = api("petrov").patch(url, {"version": version, "address": "ул. Друга 2", "first_name": "Жоро"})
    assert r.status_code == 409
    assert "address" in r.json()["error"]["fields"]
    child = Child.objects.get(pk=world.child.pk)
    assert (child.address, child.first_name, child.version) == ("ул. Васил Левски 1", "Георги", version + 1)


def test_edit_validates_the_egn_and_needs_a_version(world, api):
    url = f"/api/v1/children/{world.child.pk}/"
    r = api("ivanova").patch(url, {"version": world.child.version, "egn": "1203150170"})
    assert r.status_code == 400
    assert "egn" in r.json()["error"]["fields"]
    r = api("ivanova").patch(url, {"address": "x"})
    assert "version" in r.json()["error"]["fields"]
    assert Child.objects.get(pk=world.child.pk).version == world.child.version


def test_identifiers_change_only_at_the_sensitive_level(world, api):
    from zaedno.children.identifiers import make_egn as egn_for

    other = egn_for(world.child.birth_date, world.child.sex, 7)
    r = api("petrov").patch(
        f"/api/v1/children/{world.child.pk}/", {"version": 1, "egn": other}, format="json"
    )
    assert r.status_code == 403
    world.child.refresh_from_db()
    assert world.child.egn != other and world.child.version == 1
    r = api("petrov").patch(
        f"/api/v1/children/{world.child.pk}/", {"version": 1, "address": "ул. Оборище 3"}, format="json"
    )
    assert r.status_code == 200


def test_the_400_message_is_in_the_reader_s_language(world, api):
    body = new_child(egn="", birth_date="2999-01-01")
    bg = api("ivanova").post("/api/v1/children/", body, HTTP_ACCEPT_LANGUAGE="bg").json()["error"]
    en = api("ivanova").post("/api/v1/children/", body, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert en["message"] == "Invalid input."
    assert bg["message"] == "Невалидни данни: вижте съобщенията при полетата."
