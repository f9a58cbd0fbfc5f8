"""Discussion tools through the API: list, start, read, new versions (409 when stale), levels."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.audit.models import AuditEvent
from zaedno.cases.models import Sensitivity
from zaedno.tools.models import ToolDocument, ToolVersion
from zaedno.tools.tests.conftest import make_meeting, make_tool
from zaedno.tools.tests.samples import MARKERS, SAMPLES

pytestmark = pytest.mark.django_db


def tools_url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/tools/{suffix}"


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_tool_created_versioned_and_read(world, api, kind):
    client = api("ivanova")
    meeting = make_meeting(world)
    r = client.post(
        tools_url(world.case),
        {"kind": kind, "title": "От API", "data": SAMPLES[kind], "meeting": meeting.pk},
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    tool_id = body["id"]
    assert (body["kind"], body["title"], body["version"]) == (kind, "От API", 1)
    assert body["latest"]["meeting"] == meeting.pk
    assert body["latest"]["restricted"] is False
    assert MARKERS[kind] in text(r)
    assert last_event(action="tool.create")

    r = client.post(
        tools_url(world.case, f"{tool_id}/versions/"),
        {"expected_version": 1, "data": SAMPLES[kind], "sensitivity": Sensitivity.SENSITIVE},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert [v["number"] for v in r.json()["versions"]] == [1, 2]
    assert r.json()["latest"]["sensitivity"] == Sensitivity.SENSITIVE

    r = client.post(
        tools_url(world.case, f"{tool_id}/versions/"),
        {"expected_version": 1, "data": SAMPLES[kind]},
        format="json",
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert r.json()["error"]["current_version"] == 2
    assert ToolVersion.objects.filter(document_id=tool_id).count() == 2
    # Without a sensitivity, version 3 keeps version 2's.
    r = client.post(
        tools_url(world.case, f"{tool_id}/versions/"),
        {"expected_version": 2, "data": SAMPLES[kind]},
        format="json",
    )
    assert r.status_code == 201 and r.json()["latest"]["sensitivity"] == Sensitivity.SENSITIVE

    r = client.get(tools_url(world.case, f"{tool_id}/versions/1/"))
    assert r.status_code == 200
    assert r.json()["number"] == 1 and r.json()["data"]
    assert last_event(action="tool.version.view").object_id == str(tool_id)
    r = client.get(tools_url(world.case, f"{tool_id}/"))
    assert r.status_code == 200
    assert r.json()["latest"]["number"] == 3
    assert last_event(action="tool.view").object_id == str(tool_id)


def test_list(world, api):
    make_tool(world, "network_map")
    make_tool(world, "safety_map")
    r = api("ivanova").get(tools_url(world.case))
    assert r.status_code == 200
    assert sorted(t["kind"] for t in r.json()) == ["network_map", "safety_map"]
    assert "data" not in r.json()[0]["latest"]
    assert last_event(action="tool.list").case_id == world.case.pk


def test_list_query_count_does_not_grow(world, api):
    client = api("ivanova")
    make_tool(world, "network_map")
    client.get(tools_url(world.case))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get(tools_url(world.case))
    for kind in SAMPLES:
        make_tool(world, kind)
        make_tool(world, kind)
    with CaptureQueriesContext(connection) as many:
        client.get(tools_url(world.case))
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"kind": "disintegration_grid", "data": {"rows": [{"name": "", "problem": "x"}]}},
            "data.rows.0.name",
        ),
        ({"kind": "disintegration_grid", "data": {"rows": []}}, "data.rows"),
        (
            {"kind": "safety_map", "data": {"harm": "x", "ratings": [{"name": "А", "rating": 12}]}},
            "data.ratings.0.rating",
        ),
        ({"kind": "safety_map", "data": {"harm": "x", "unknown": 1}}, "data.unknown"),
        ({"kind": "safe_family", "data": {}}, "data"),
        ({"kind": "thinking_together", "data": {"task": "a", "case_statement": "b"}}, "data.decision"),
        ({"kind": "magic", "data": {}}, "kind"),
        ({"kind": "safety_map", "data": SAMPLES["safety_map"], "meeting": 999999}, "meeting"),
    ],
)
def test_errors_are_keyed_by_field(world, api, body, field):
    r = api("ivanova").post(tools_url(world.case), body, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"
    assert field in r.json()["error"]["fields"], r.json()
    assert not ToolDocument.objects.exists()


def test_petrov_sees_a_sensitive_tool_exists_but_not_its_content(world, api):
    v = make_tool(world, "safety_map", sensitivity=Sensitivity.SENSITIVE)
    client = api("petrov")
    r = client.get(tools_url(world.case))
    assert [t["id"] for t in r.json()] == [v.document_id]
    assert r.json()[0]["latest"]["restricted"] is True
    r = client.get(tools_url(world.case, f"{v.document_id}/"))
    assert r.status_code == 200
    assert r.json()["latest"]["data"] is None
    assert MARKERS["safety_map"] not in text(r)
    r = client.get(tools_url(world.case, f"{v.document_id}/versions/1/"))
    assert r.json()["data"] is None and r.json()["restricted"] is True
    r = client.post(
        tools_url(world.case, f"{v.document_id}/versions/"),
        {"expected_version": 1, "data": SAMPLES["safety_map"]},
        format="json",
    )
    assert r.status_code == 403
    r = client.post(
        tools_url(world.case),
        {"kind": "safety_map", "data": SAMPLES["safety_map"], "sensitivity": Sensitivity.SENSITIVE},
        format="json",
    )
    assert r.status_code == 400 and "sensitivity" in r.json()["error"]["fields"]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, api, outsider):
    v = make_tool(world, "network_map")
    client = api(outsider)
    reads = AuditEvent.objects.filter(case_id=world.case.pk, kind="read").count()
    doc = v.document_id
    for r in (
        client.get(tools_url(world.case)),
        client.post(
            tools_url(world.case), {"kind": "network_map", "data": SAMPLES["network_map"]}, format="json"
        ),
        client.get(tools_url(world.case, f"{doc}/")),
        client.post(
            tools_url(world.case, f"{doc}/versions/"), {"expected_version": 1, "data": {}}, format="json"
        ),
        client.get(tools_url(world.case, f"{doc}/versions/1/")),
        client.get(tools_url(world.case, f"{doc}/versions/9/")),
    ):
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"
    assert ToolVersion.objects.count() == 1
    assert AuditEvent.objects.filter(case_id=world.case.pk, kind="read").count() == reads


def test_a_tool_of_another_case_is_404(world, api):
    from zaedno.core.testing import open_case

    other = open_case(world, world.child)
    v = make_tool(world, "network_map")
    client = api("ivanova")
    assert client.get(tools_url(other, f"{v.document_id}/")).status_code == 404
    assert client.get(tools_url(other, f"{v.document_id}/versions/1/")).status_code == 404


def test_schema_has_the_tool_endpoints(world, api):
    schema = api("ivanova").get("/api/v1/schema/", {"format": "json"}).json()
    assert set(schema["paths"]["/api/v1/cases/{case_id}/tools/"]) >= {"get", "post"}
    assert "409" in schema["paths"]["/api/v1/cases/{case_id}/tools/{tool_id}/versions/"]["post"]["responses"]
    assert "/api/v1/cases/{case_id}/tools/{tool_id}/versions/{number}/" in schema["paths"]
