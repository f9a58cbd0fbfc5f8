"""Cases through the API: need-to-know, sharing levels, audit, conflicts — persona by persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zaedno.api.tests.conftest import OUTSIDERS, client_for, last_event, text
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.models import Case, CaseNote, TeamMember
from zaedno.children.services import child_register
from zaedno.core.testing import ctx_for, open_case

pytestmark = pytest.mark.django_db


def register(world, first_name, last_name, birth_date):
    return child_register(
        ctx=ctx_for(world.ivanova), first_name=first_name, last_name=last_name, birth_date=birth_date, sex="f"
    )


SECRETS = ("ТАЙНО-СИГНАЛ", "ТАЙНО-VIOLENCE", "ТАЙНО-HEALTH")


def case_url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


# Every case-scoped endpoint, with a body that would be valid for the case lead.
def case_endpoints(world):
    member = world.petrov_member.pk
    return [
        ("get", "", None),
        ("patch", "", {"version": 1, "summary": "x"}),
        ("post", "status/", {"status": "closed", "reason": "Готово", "version": 1}),
        ("get", "team/", None),
        ("post", "team/", {"user": world.koleva.pk, "organisation": world.ngo.pk}),
        ("post", f"team/{member}/remove/", {"reason": "Преместен"}),
        ("get", "timeline/", None),
        ("get", "notes/", None),
        ("post", "notes/", {"section": "general", "text": "Бележка"}),
        ("get", "access-log/", None),
    ]


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ivanova", "petrov", "nikolova"])
def test_case_list_shows_the_case_to_the_team(world, api, name):
    r = api(name).get("/api/v1/cases/")
    assert r.status_code == 200, r.content
    assert r.json()["count"] == 1
    item = r.json()["results"][0]
    assert item["id"] == world.case.pk
    assert item["number"] == world.case.number
    assert item["team_size"] == 2
    assert item["child"]["full_name"] == "Георги Иванов Стефанов"
    assert not any(s in text(r) for s in SECRETS)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_case_list_and_search_hide_the_case_from_outsiders(world, api, name):
    for query in ("", "?q=Стефанов", "?q=Stefanov", f"?q={world.child.egn}", f"?q={world.case.number}"):
        r = api(name).get(f"/api/v1/cases/{query}")
        assert r.status_code == 200
        assert r.json()["count"] == 0, query
        assert r.json()["results"] == []


def test_case_list_search_and_status_filter(world, api):
    open_case(world, register(world, "Мария", "Колева", dt.date(2011, 1, 2)))
    client = api("ivanova")
    assert client.get("/api/v1/cases/").json()["count"] == 2
    for query in ("Стефанов", "georgi stefanov", world.child.egn, world.case.number):
        r = client.get("/api/v1/cases/", {"q": query})
        assert [c["id"] for c in r.json()["results"]] == [world.case.pk], query
    assert client.get("/api/v1/cases/", {"status": "closed"}).json()["count"] == 0
    assert client.get("/api/v1/cases/", {"status": "open"}).json()["count"] == 2
    r = client.get("/api/v1/cases/", {"status": "lost"})
    assert r.status_code == 400
    assert "status" in r.json()["error"]["fields"]


def test_case_list_is_paginated_and_audited(world, api):
    r = api("ivanova").get("/api/v1/cases/", {"limit": 1, "q": "Стефанов"})
    assert set(r.json()) == {"count", "next", "previous", "results"}
    event = last_event(action="case.list")
    assert event.channel == "api"
    assert event.actor_id == world.ivanova.pk
    assert event.details == {"case_ids": [world.case.pk], "query": "Стефанов"}


def test_case_list_query_budget_does_not_grow_with_cases(world, api):
    client = api("ivanova")
    client.get("/api/v1/cases/")  # warm up (token last-used stamp, audit head)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/v1/cases/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    few, n1 = count()
    for i in range(6):
        open_case(world, register(world, "Дете", f"Номер{i}", dt.date(2013, 1, 1 + i)))
    many, n2 = count()
    assert (n1, n2) == (1, 7)
    assert many == few


def test_case_detail_query_budget_does_not_grow_with_team_notes_and_timeline(world, api):
    client = api("ivanova")
    client.get(case_url(world.case))

    def count(suffix=""):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(case_url(world.case, suffix)).status_code == 200
        return len(ctx.captured_queries)

    before = [count(s) for s in ("", "team/", "timeline/", "notes/")]
    for user, org in (
        (world.koleva, world.ngo),
        (world.stoyanov, world.cop),
        (world.dimitrova, world.hospital),
    ):
        client.post(case_url(world.case, "team/"), {"user": user.pk, "organisation": org.pk})
    for i in range(5):
        client.post(case_url(world.case, "notes/"), {"section": "family", "text": f"Бележка {i}"})
    assert [count(s) for s in ("", "team/", "timeline/", "notes/")] == before


# --- open a case ------------------------------------------------------------------------------


def signal_body(**overrides):
    body = {
        "category": "neglect",
        "source_sector": "health",
        "reporter_name": "Д-р Димитрова",
        "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "description": "Детето идва гладно на училище.",
    }
    body.update(overrides)
    return body


def test_open_case_from_a_signal(world, api):
    r = api("ivanova").post(
        "/api/v1/cases/",
        {
            "child": world.child.pk,
            "signal": signal_body(),
            "lead_organisation": world.ozd.pk,
            "municipality": "VTR04",
        },
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert case.lead == world.ivanova  # defaults to the caller
    assert r.json()["number"] == case.number
    assert r.json()["opened_at"].endswith(("+02:00", "+03:00"))  # ISO 8601 with offset
    event = last_event(action="case.open")
    assert (event.case_id, event.channel, event.actor_id) == (case.pk, "api", world.ivanova.pk)


def test_open_case_errors_are_keyed_by_field(world, api):
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    r = api("ivanova").post(
        "/api/v1/cases/",
        {
            "child": world.child.pk,
            "signal": signal_body(received_at=future),
            "lead_organisation": world.school.pk,
            "municipality": "VTR04",
        },
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert "received_at" in fields["signal"]
    assert "lead" in fields
    r = api("ivanova").post("/api/v1/cases/", {"signal": {"category": "nope"}})
    fields = r.json()["error"]["fields"]
    assert {"child", "lead_organisation", "municipality"} <= set(fields)
    assert "category" in fields["signal"]


def test_open_case_about_an_invisible_child_is_refused_as_unknown(world, api):
    body = {"signal": signal_body(), "lead_organisation": world.dps.pk, "municipality": "VTR04"}
    seen = api("georgieva").post("/api/v1/cases/", {"child": world.child.pk, **body})
    missing = api("georgieva").post("/api/v1/cases/", {"child": 999999, **body})
    assert seen.status_code == missing.status_code == 400
    assert seen.json()["error"]["fields"]["child"] == [
        m.replace("999999", str(world.child.pk)) for m in missing.json()["error"]["fields"]["child"]
    ]
    assert Case.objects.count() == 1


# --- detail and sections ----------------------------------------------------------------------


def test_case_detail_for_the_lead_shows_sensitive_sections(world, api):
    r = api("ivanova").get(case_url(world.case))
    assert r.status_code == 200
    body = r.json()
    assert body["access"]["via"] == "lead"
    assert body["version"] == world.case.version
    assert [m["user"]["username"] for m in body["team"]] == ["ivanova", "petrov"]
    assert all(s in text(r) for s in SECRETS)
    event = last_event(action="case.view")
    assert (event.case_id, event.actor_id, event.channel, event.kind) == (
        world.case.pk,
        world.ivanova.pk,
        "api",
        "read",
    )


@pytest.mark.parametrize("name", ["petrov", "nikolova"])
def test_case_detail_below_sensitive_level_hides_sensitive_content(world, api, name):
    r = api(name).get(case_url(world.case))
    assert r.status_code == 200
    body = r.json()
    assert body["signals"][0]["description"] is None
    assert body["signals"][0]["category"] == "violence"
    assert {n["section"] for n in body["notes"]} == {"general", "education"}
    assert not any(s in text(r) for s in SECRETS)


@pytest.mark.parametrize("suffix", ["timeline/", "notes/", "team/"])
def test_sections_follow_the_sharing_level(world, api, suffix):
    lead = api("ivanova").get(case_url(world.case, suffix))
    member = api("petrov").get(case_url(world.case, suffix))
    assert lead.status_code == member.status_code == 200
    assert not any(s in text(member) for s in SECRETS)
    if suffix != "team/":
        assert "ТАЙНО-VIOLENCE" in text(lead) and "ТАЙНО-HEALTH" in text(lead)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_case_endpoint_as_for_a_missing_case(world, api, name):
    client = api(name)
    before = (
        Case.objects.get(pk=world.case.pk).version,
        TeamMember.objects.count(),
        CaseNote.objects.count(),
    )
    for method, suffix, body in case_endpoints(world):
        r = getattr(client, method)(case_url(world.case, suffix), body)
        missing = getattr(client, method)(f"/api/v1/cases/999999/{suffix}", body)
        assert r.status_code == 404, (method, suffix, r.status_code)
        assert r.json() == missing.json()
        assert r.json()["error"]["code"] == "not_found"
    after = (Case.objects.get(pk=world.case.pk).version, TeamMember.objects.count(), CaseNote.objects.count())
    assert before == after
    # Nothing but the refusals on record (issue 13, item 4).
    events = AuditEvent.objects.filter(actor_id=getattr(world, name).pk, case_id=world.case.pk)
    assert set(events.values_list("kind", flat=True)) == {AuditKind.DENIED}


@pytest.mark.parametrize("suffix", ["", "team/", "timeline/", "notes/", "access-log/"])
def test_every_read_leaves_an_audit_event(world, api, suffix):
    before = AuditEvent.objects.filter(case_id=world.case.pk, kind="read").count()
    r = api("ivanova").get(case_url(world.case, suffix))
    assert r.status_code == 200
    events = AuditEvent.objects.filter(case_id=world.case.pk, kind="read").order_by("seq")
    assert events.count() == before + 1
    assert events.last().channel == "api"
    assert events.last().actor_id == world.ivanova.pk


# --- writes -----------------------------------------------------------------------------------


def test_edit_summary_with_version_and_stale_version_conflict(world, api):
    version = world.case.version
    r = api("ivanova").patch(case_url(world.case), {"version": version, "summary": "Работим с училището."})
    assert r.status_code == 200, r.content
    assert r.json()["version"] == version + 1
    assert last_event(action="case.update").case_id == world.case.pk
    # petrov read version 1 before ivanova's save.
    r = api("petrov").patch(case_url(world.case), {"version": version, "summary": "Друго."})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "conflict"
    assert error["current_version"] == version + 1
    assert "summary" in error["fields"]
    assert error["changes"][0]["theirs"] == "Работим с училището."
    case = Case.objects.get(pk=world.case.pk)
    assert (case.summary, case.version) == ("Работим с училището.", version + 1)


def test_edit_needs_a_version(world, api):
    r = api("ivanova").patch(case_url(world.case), {"summary": "x"})
    assert r.status_code == 400
    assert "version" in r.json()["error"]["fields"]


def test_close_follow_up_and_reopen(world, api):
    client = api("ivanova")
    version = world.case.version
    for status in ("follow_up", "closed", "open"):
        r = client.post(
            case_url(world.case, "status/"), {"status": status, "reason": "Оценка", "version": version}
        )
        assert r.status_code == 200, r.content
        assert r.json()["status"] == status
        version = r.json()["version"]
        assert last_event(action=f"case.status.{status}").reason == "Оценка"
    r = client.post(case_url(world.case, "status/"), {"status": "closed", "reason": "Късно", "version": 1})
    assert r.status_code == 409
    assert Case.objects.get(pk=world.case.pk).status == "open"
    r = client.post(case_url(world.case, "status/"), {"status": "closed", "reason": " ", "version": version})
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["fields"]


def test_a_member_cannot_close_the_case(world, api):
    r = api("petrov").post(
        case_url(world.case, "status/"),
        {"status": "closed", "reason": "Готово", "version": world.case.version},
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"
    assert Case.objects.get(pk=world.case.pk).status == "open"


def test_team_add_list_and_remove(world, api):
    client = api("ivanova")
    r = client.post(
        case_url(world.case, "team/"),
        {"user": world.koleva.pk, "organisation": world.ngo.pk, "role": "consultant", "sharing_level": 1},
    )
    assert r.status_code == 201, r.content
    assert (r.json()["role"], r.json()["sharing_level"]) == ("consultant", 1)
    assert last_event(action="team.add").case_id == world.case.pk
    # koleva now sees the case, at the basic level.
    koleva = client_for(world.koleva)
    detail = koleva.get(case_url(world.case))
    assert detail.status_code == 200
    assert {n["section"] for n in detail.json()["notes"]} == {"general"}
    r = client.post(
        case_url(world.case, f"team/{world.petrov_member.pk}/remove/"), {"reason": "Смени училище"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["is_active"] is False
    assert last_event(action="team.remove").reason == "Смени училище"
    team = client.get(case_url(world.case, "team/")).json()
    assert [(m["user"]["username"], m["is_active"]) for m in team] == [
        ("ivanova", True),
        ("koleva", True),
        ("petrov", False),
    ]
    # petrov has left: the case is gone for him.
    assert api("petrov").get(case_url(world.case)).status_code == 404
    assert api("petrov").get("/api/v1/cases/").json()["count"] == 0


def test_team_errors(world, api):
    client = api("ivanova")
    r = client.post(case_url(world.case, "team/"), {"user": world.koleva.pk, "organisation": world.school.pk})
    assert r.status_code == 400
    assert "organisation" in r.json()["error"]["fields"]
    r = client.post(case_url(world.case, "team/"), {"user": world.petrov.pk, "organisation": world.school.pk})
    assert "user" in r.json()["error"]["fields"]
    r = client.post(case_url(world.case, "team/99999/remove/"), {"reason": "x"})
    assert r.status_code == 404
    r = client.post(case_url(world.case, f"team/{world.petrov_member.pk}/remove/"), {"reason": ""})
    assert "reason" in r.json()["error"]["fields"]
    # A member sees the team but does not change it.
    r = api("petrov").post(
        case_url(world.case, "team/"), {"user": world.koleva.pk, "organisation": world.ngo.pk}
    )
    assert r.status_code == 403
    assert TeamMember.objects.filter(case=world.case, left_at__isnull=True).count() == 2


def test_notes_within_the_sharing_level(world, api):
    r = api("petrov").post(
        case_url(world.case, "notes/"), {"section": "education", "text": "Отсъства често."}
    )
    assert r.status_code == 201, r.content
    assert last_event(action="note.add").actor_id == world.petrov.pk
    r = api("petrov").post(case_url(world.case, "notes/"), {"section": "violence", "text": "Опит"})
    assert r.status_code == 403
    assert not CaseNote.objects.filter(text="Опит").exists()
    r = api("petrov").post(case_url(world.case, "notes/"), {"section": "diary", "text": "x"})
    assert "section" in r.json()["error"]["fields"]


def test_access_log_is_for_the_lead_and_managers(world, api):
    api("petrov").get(case_url(world.case))
    r = api("ivanova").get(case_url(world.case, "access-log/"))
    assert r.status_code == 200
    assert "petrov" in {e["actor_username"] for e in r.json()}
    assert api("nikolova").get(case_url(world.case, "access-log/")).status_code == 200
    r = api("petrov").get(case_url(world.case, "access-log/"))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"


# --- emergency access -------------------------------------------------------------------------

REASON = "Детето е задържано през нощта, търсим близките му."


def test_emergency_access_opens_the_case_for_a_limited_time(world, api):
    client = api("georgieva")
    assert client.get(case_url(world.case)).status_code == 404
    r = client.post("/api/v1/cases/emergency-access/", {"case_number": world.case.number, "reason": REASON})
    assert r.status_code == 201, r.content
    assert r.json()["case"] == world.case.pk
    expires = dt.datetime.fromisoformat(r.json()["expires_at"])
    assert timezone.now() < expires < timezone.now() + dt.timedelta(hours=5)
    assert last_event(action="case.break_glass").reason == REASON
    detail = client.get(case_url(world.case))
    assert detail.status_code == 200
    assert detail.json()["access"]["via"] == "break_glass"
    assert detail.json()["access"]["emergency_expires_at"] is not None
    assert last_event(action="case.view", actor_id=world.georgieva.pk).reason == REASON
    # Emergency access is read-only.
    r = client.post(case_url(world.case, "notes/"), {"section": "general", "text": "x"})
    assert r.status_code == 403


def test_emergency_access_refusals_do_not_tell_which_numbers_exist(world, api):
    # A school psychologist has no emergency access: the same 403 for a real and a made-up number.
    for number in (world.case.number, "VTR04-2000-99999"):
        r = api("angelova").post("/api/v1/cases/emergency-access/", {"case_number": number, "reason": REASON})
        assert r.status_code == 403
    r = api("georgieva").post(
        "/api/v1/cases/emergency-access/", {"case_number": "VTR04-2000-99999", "reason": REASON}
    )
    assert r.status_code == 404
    for number in (world.case.number, "VTR04-2000-99999"):
        r = api("georgieva").post(
            "/api/v1/cases/emergency-access/", {"case_number": number, "reason": "спешно"}
        )
        assert r.status_code == 400
        assert "reason" in r.json()["error"]["fields"]
    assert api("georgieva").get(case_url(world.case)).status_code == 404
