"""Request limits of the API: body size, JSON depth, paging — and every error on /api/ as JSON."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def notes_url(world):
    return f"/api/v1/cases/{world.case.pk}/notes/"


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


def test_a_body_over_the_limit_is_413_json(api, world, settings):
    settings.ZAEDNO_API_MAX_BODY = 1024 * 1024
    body = json.dumps({"section": "general", "text": "а" * (600 * 1024)})  # ~1.2 MB in UTF-8
    r = api("ivanova").post(notes_url(world), body, content_type="application/json")
    error = assert_error(r, 413, "too_large")
    assert "1" in error["message"]
    assert not world.case.notes.filter(text__startswith="ааа").exists()


def test_a_body_under_the_limit_passes(api, world, settings):
    settings.ZAEDNO_API_MAX_BODY = 1024 * 1024
    r = api("ivanova").post(notes_url(world), {"section": "general", "text": "а" * 1000}, format="json")
    assert r.status_code == 201, r.content


def test_the_limit_is_a_setting(api, world, settings):
    settings.ZAEDNO_API_MAX_BODY = 100
    r = api("ivanova").post(notes_url(world), {"section": "general", "text": "а" * 200}, format="json")
    assert_error(r, 413, "too_large")


def test_the_message_is_bulgarian_by_default(api, world, settings):
    settings.ZAEDNO_API_MAX_BODY = 100
    r = api("ivanova").post(
        notes_url(world), {"section": "general", "text": "а" * 200}, format="json", HTTP_ACCEPT_LANGUAGE="bg"
    )
    assert "твърде" in assert_error(r, 413)["message"]


def test_imports_keep_their_own_limit(api, world, settings):
    """An upload of services may be larger than the API's limit (the import checks its own 5 MB)."""
    from zaedno.imports.parsing import MAX_BYTES

    settings.ZAEDNO_API_MAX_BODY = 100
    r = api("stoyanov").post(
        "/api/v1/imports/services/", b"x" * 2000, content_type="multipart/form-data; boundary=zz"
    )
    assert r.status_code != 413
    r = api("stoyanov").post(
        "/api/v1/imports/services/",
        b"x" * (MAX_BYTES + 1024 * 1024),
        content_type="multipart/form-data; boundary=zz",
    )
    assert_error(r, 413, "too_large")


@pytest.mark.parametrize("body", ["{not json", '{"section": "general", "text": ', "\xff"])
def test_malformed_json_is_400_json(api, world, body):
    r = api("ivanova").post(notes_url(world), body, content_type="application/json")
    assert_error(r, 400, "parse_error")


@pytest.mark.parametrize("depth", [33, 100, 5000])
def test_too_deep_json_is_400_json(api, world, depth):
    body = '{"section": "general", "text": "x", "extra": ' + "[" * depth + "]" * depth + "}"
    r = api("ivanova").post(notes_url(world), body, content_type="application/json")
    error = assert_error(r, 400, "parse_error")
    assert "32" in error["message"]


def test_json_within_the_depth_passes(api, world):
    body = '{"section": "general", "text": "x", "extra": ' + "[" * 20 + "]" * 20 + "}"
    r = api("ivanova").post(notes_url(world), body, content_type="application/json")
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=1000000000000000000000000000000", "limit"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=100000", "limit"),
        ("offset=-1", "offset"),
        ("offset=abc", "offset"),
        ("offset=1000000000000000000000000000000", "offset"),
    ],
)
def test_out_of_range_paging_is_400(api, world, query, field):
    r = api("ivanova").get(f"/api/v1/cases/?{query}")
    error = assert_error(r, 400, "invalid")
    assert field in error["fields"]


def test_paging_in_range_works(api, world):
    r = api("ivanova").get("/api/v1/cases/?limit=500&offset=0")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_an_unknown_path_is_404_json(api, client):
    assert_error(api("ivanova").get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(client.get("/api/nothing"), 404, "not_found")


def test_a_wrong_method_is_405_json(api):
    assert_error(api("ivanova").delete("/api/v1/cases/"), 405, "method_not_allowed")


def test_an_unexpected_exception_is_500_json(api, monkeypatch):
    from zaedno.api.views import cases

    def boom(self, request, *args, **kwargs):
        raise RuntimeError("secret detail that must not leak")

    monkeypatch.setattr(cases.CaseListView, "get", boom)
    r = api("ivanova").get("/api/v1/cases/")
    error = assert_error(r, 500, "server_error")
    assert "secret" not in r.content.decode()
    assert error["fields"] == {}


def test_an_error_outside_the_api_stays_html(client):
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and not r["Content-Type"].startswith("application/json")


def test_a_browser_gets_json_errors_with_their_fields(api, world):
    """The browsable API would draw an error as an HTML page for a browser: it stays JSON."""
    r = api("ivanova").post(notes_url(world), {"section": "nope"}, format="json", HTTP_ACCEPT="text/html")
    error = assert_error(r, 400, "invalid")
    assert "section" in error["fields"]
    r = api("ivanova").get("/api/v1/cases/?limit=-5", HTTP_ACCEPT="text/html")
    assert "limit" in assert_error(r, 400, "invalid")["fields"]


def test_a_bad_token_stays_401_json_with_its_challenge(client):
    r = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer nope", HTTP_ACCEPT="text/html")
    assert_error(r, 401)
    assert r["WWW-Authenticate"].startswith("Bearer")
