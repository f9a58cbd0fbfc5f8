"""The OpenAPI schema is complete and valid, and the docs need no CDN."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/children/": {"get", "post"},
    "/api/v1/children/{child_id}/": {"get", "patch"},
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{case_id}/": {"get", "patch"},
    "/api/v1/cases/{case_id}/status/": {"post"},
    "/api/v1/cases/{case_id}/team/": {"get", "post"},
    "/api/v1/cases/{case_id}/team/{member_id}/remove/": {"post"},
    "/api/v1/cases/{case_id}/timeline/": {"get"},
    "/api/v1/cases/{case_id}/notes/": {"get", "post"},
    "/api/v1/cases/{case_id}/access-log/": {"get"},
    "/api/v1/cases/emergency-access/": {"post"},
    "/api/v1/organisations/": {"get"},
    "/api/v1/professionals/": {"get"},
    "/api/v1/me/": {"get"},
}


def test_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning into an error; --validate checks against the OpenAPI 3 spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3")


def test_schema_json_has_every_endpoint():
    r = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = r.json()
    assert schema["info"]["title"] == "Zaedno API"
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) >= methods, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    case_list = schema["paths"]["/api/v1/cases/"]["get"]
    assert {p["name"] for p in case_list["parameters"]} >= {"q", "status", "limit", "offset"}
    assert "409" in schema["paths"]["/api/v1/cases/{case_id}/"]["patch"]["responses"]


def test_docs_page_serves_swagger_ui_from_our_static_files():
    r = APIClient().get("/api/v1/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "/api/v1/schema/" in html
    assert (
        APIClient().get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code
        == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/",
        "/api/v1/cases/{case}/",
        "/api/v1/cases/{case}/team/",
        "/api/v1/cases/{case}/timeline/",
        "/api/v1/cases/{case}/notes/",
        "/api/v1/cases/{case}/access-log/",
        "/api/v1/children/",
        "/api/v1/children/{child}/",
        "/api/v1/organisations/",
        "/api/v1/professionals/",
        "/api/v1/me/",
    ],
)
def test_browsable_api_renders_every_read_endpoint(world, path):
    from zaedno.api.tests.conftest import client_for

    url = path.format(case=world.case.pk, child=world.child.pk)
    r = client_for(world.ivanova).get(url, HTTP_ACCEPT="text/html")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/html")
