"""Organisations, professionals and "me": for everyone signed in, with no case data."""

from __future__ import annotations

import pytest

from zaedno.api.tests.conftest import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["ivanova", "angelova", "admin"])
def test_organisations_for_everyone(world, api, name):
    r = api(name).get("/api/v1/organisations/")
    assert r.status_code == 200
    assert r.json()["count"] == 8
    r = api(name).get("/api/v1/organisations/", {"q": "закрила", "sector": "social"})
    assert [o["id"] for o in r.json()["results"]] == [world.ozd.pk]
    r = api(name).get("/api/v1/organisations/", {"municipality": "VTR06"})
    assert [o["id"] for o in r.json()["results"]] == [world.school_go.pk]
    assert api(name).get("/api/v1/organisations/", {"sector": "space"}).status_code == 400


def test_professionals_search(world, api):
    client = api("ivanova")
    r = client.get("/api/v1/professionals/", {"q": "колева"})
    assert [p["username"] for p in r.json()["results"]] == ["koleva"]
    assert r.json()["results"][0]["memberships"][0]["organisation"]["id"] == world.ngo.pk
    r = client.get("/api/v1/professionals/", {"q": "Petrov"})
    assert [p["username"] for p in r.json()["results"]] == ["petrov"]
    r = client.get("/api/v1/professionals/", {"organisation": world.ozd.pk})
    assert {p["username"] for p in r.json()["results"]} == {"ivanova", "nikolova"}
    assert client.get("/api/v1/professionals/").json()["count"] == 10


def test_me(world, api):
    r = api("georgieva").get("/api/v1/me/")
    assert r.status_code == 200
    body = r.json()
    assert body["username"] == "georgieva"
    assert body["can_break_glass"] is True
    assert body["memberships"] == [
        {
            "organisation": {
                "id": world.dps.pk,
                "name": world.dps.name,
                "short_name": "",
                "kind": "dps",
                "sector": "police",
            },
            "role": "practitioner",
        }
    ]
    assert api("petrov").get("/api/v1/me/").json()["can_break_glass"] is False


@pytest.mark.parametrize("path", ["/api/v1/organisations/", "/api/v1/professionals/", "/api/v1/me/"])
def test_no_case_data_in_the_directory(world, api, path):
    body = text(api("ivanova").get(path))
    assert world.case.number not in body
    assert "Стефанов" not in body
