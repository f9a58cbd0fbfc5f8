"""Signals and the case lead through the API: the paths of the contract, what each reader gets,
the department's work, errors keyed by field, 404 alike for missing and not allowed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from zaedno.api.tests.conftest import client_for, last_event, text
from zaedno.cases.models import Case, TeamMember
from zaedno.signals.models import Signal

pytestmark = pytest.mark.django_db

TEXT = "Момчето сподели, че пастрокът го бие. ТАЙНО-ОПИСАНИЕ"


@pytest.fixture
def world(protocols, clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def body(**extra):
    data = {
        "category": "violence", "description": TEXT,
        "child": {"first_name": "Иван", "last_name": "Колев", "age": 14, "settlement": "10447"},
    }  # fmt: skip
    data.update(extra)
    return data


def post_signal(api, who="petrov", **extra):
    r = api(who).post("/api/v1/signals/", body(**extra), format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_record_a_signal_and_see_where_it_went(world, api):
    out = post_signal(api)
    assert out["number"].startswith("S-VTR04-") and out["status"] == "received"
    assert out["recipient"]["id"] == world.ozd.pk
    assert {r["institution"]: r["status"] for r in out["routes"]} == {"ozd": "notified", "police": "notified"}
    assert out["reporter"]["name"] == "Петър Петров" and out["access"]["via"] == "reporter"
    assert out["check"] is None and out["assigned_to"] is None
    assert last_event(action="signal.record").channel == "api"
    listing = api("petrov").get("/api/v1/signals/").json()
    assert [s["number"] for s in listing] == [out["number"]]
    assert "ТАЙНО" not in text(api("petrov").get("/api/v1/signals/")) and "Иван" not in str(listing)


def test_bad_input_is_keyed_by_field(world, api):
    r = api("petrov").post(
        "/api/v1/signals/", {"category": "nope", "description": "", "child": {"age": 30}}, format="json"
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert {"category", "description"} <= set(fields) and "age" in fields["child"]
    r = api("petrov").post("/api/v1/signals/", body(child={"first_name": ""}), format="json")
    assert r.status_code == 400 and "first_name" in r.json()["error"]["fields"]["child"]
    assert not Signal.objects.filter(reporter_user=world.petrov).exists()


def test_the_queue_is_the_departments(world, api):
    out = post_signal(api)
    queue = api("ivanova").get("/api/v1/signals/incoming/")
    assert queue.status_code == 200 and [s["number"] for s in queue.json()] == [out["number"]]
    assert queue.json()[0]["child_name"] == "Иван Колев"
    for name in ("petrov", "georgieva", "angelova", "admin"):
        assert api(name).get("/api/v1/signals/incoming/").status_code == 404
    decided = api("ivanova").get("/api/v1/signals/incoming/", {"state": "decided"}).json()
    assert [s["id"] for s in decided] == [world.case.signals.get().pk]  # the world's case
    assert api("ivanova").get("/api/v1/signals/incoming/", {"state": "nope"}).status_code == 400


def test_each_reader_gets_what_they_may(world, api):
    out = post_signal(api)
    url = f"/api/v1/signals/{out['id']}/"
    police = api("georgieva").get(url).json()
    assert (
        police["access"]["via"] == "informed"
        and police["reporter"] is None
        and "ТАЙНО" in police["description"]
    )
    department = api("ivanova").get(url).json()
    assert (
        department["reporter"]["organisation"]["id"] == world.school.pk and department["access"]["can_assign"]
    )
    for name in ("angelova", "stoyanov", "admin"):
        assert api(name).get(url).status_code == 404
    assert api("ivanova").get("/api/v1/signals/999999/").status_code == 404


def test_assign_check_link_and_open_a_case(world, api):
    out = post_signal(api)
    base = f"/api/v1/signals/{out['id']}/"
    assert api("petrov").post(base + "assign/", {}, format="json").status_code == 403  # the reporter
    r = api("ivanova").post(base + "assign/", {}, format="json")  # to herself, on duty
    assert r.status_code == 200 and r.json()["assigned_to"]["id"] == world.ivanova.pk
    r = api("ivanova").post(base + "check/", {"actions": "", "findings": ""}, format="json")
    assert r.status_code == 400 and {"actions", "findings"} <= set(r.json()["error"]["fields"])
    r = api("ivanova").post(
        base + "check/", {"actions": "Посещение.", "findings": "Потвърдено."}, format="json"
    )
    assert r.status_code == 200 and r.json()["check"]["findings"] == "Потвърдено."
    r = api("ivanova").post(base + "decide/", {"decision": "open_case"}, format="json")
    assert r.status_code == 400 and "child" in r.json()["error"]["fields"]
    child = (
        api("ivanova")
        .post(
            "/api/v1/children/",
            {
                "first_name": "Иван",
                "last_name": "Колев",
                "birth_date": "2012-01-09",
                "sex": "m",
                "settlement": "10447",
            },
            format="json",
        )
        .json()
    )
    assert api("ivanova").post(base + "child/", {"child": child["id"]}, format="json").status_code == 200
    r = api("ivanova").post(base + "decide/", {"decision": "open_case", "reporter_level": 2}, format="json")
    assert r.status_code == 200, r.content
    decision = r.json()["decision"]
    case = Case.objects.get(pk=decision["case"]["id"])
    assert (decision["decision"], case.lead, case.lead_organisation) == (
        "open_case",
        world.ivanova,
        world.ozd,
    )
    assert TeamMember.objects.filter(case=case, user=world.petrov, left_at__isnull=True).exists()
    # The reporter's view: the outcome, and now the case, since he is in the team.
    mine = api("petrov").get(base).json()
    assert mine["reporter_state"] == "open_case" and mine["decision"]["case"]["id"] == case.pk
    assert mine["check"] is None


def test_no_case_and_attach(world, api):
    out = post_signal(api, category="parental_conflict")
    base = f"/api/v1/signals/{out['id']}/"
    api("ivanova").post(base + "assign/", {}, format="json")
    r = api("ivanova").post(base + "decide/", {"decision": "no_case", "reason": "Няма риск."}, format="json")
    assert r.status_code == 400  # the check first
    api("ivanova").post(base + "check/", {"actions": "Разговор.", "findings": "Няма риск."}, format="json")
    r = api("ivanova").post(base + "decide/", {"decision": "no_case", "reason": "Няма риск."}, format="json")
    assert r.status_code == 200 and r.json()["decision"]["decision"] == "no_case"
    # Attach: the world's child has ivanova's open case.
    out = post_signal(api, "georgieva", category="antisocial")
    base = f"/api/v1/signals/{out['id']}/"
    api("ivanova").post(base + "assign/", {}, format="json")
    api("ivanova").post(base + "check/", {"actions": "Справка.", "findings": "Същото дете."}, format="json")
    api("ivanova").post(base + "child/", {"child": world.child.pk}, format="json")
    r = api("ivanova").post(base + "decide/", {"decision": "attach", "case": world.case.pk}, format="json")
    assert r.status_code == 200 and r.json()["decision"]["case"]["id"] == world.case.pk
    r = api("ivanova").post(base + "decide/", {"decision": "attach"}, format="json")
    assert r.status_code == 400  # decided once


def test_opening_a_case_directly_is_for_who_may_lead_it(world, api):
    case_body = {
        "child": world.child.pk, "lead_organisation": world.dps.pk, "municipality": "VTR04",
        "signal": {"category": "violence", "reporter_name": "Дежурен", "received_at": "2026-05-20T10:00:00+03:00",
                   "description": "Сигнал по телефона."},
    }  # fmt: skip
    client = client_for(world.georgieva)
    from zaedno.cases.services import team_member_add
    from zaedno.core.testing import ctx_for

    team_member_add(
        ctx=ctx_for(world.ivanova), access=world.lead_access, user=world.georgieva, organisation=world.dps
    )
    r = client.post("/api/v1/cases/", case_body, format="json")
    assert r.status_code == 403
    assert "/api/v1/signals/" in r.json()["error"]["message"]


def test_lead_handover_accept_and_decline(world, api):
    from zaedno.accounts.services import user_create

    marinov = user_create(
        username="marinov", first_name="Пламен", last_name="Маринов", organisation=world.ozd
    )
    url = f"/api/v1/cases/{world.case.pk}/lead/"
    r = api("ivanova").post(url, {"to_user": world.petrov.pk, "reason": "Предаване."}, format="json")
    assert r.status_code == 400 and "to_organisation" in r.json()["error"]["fields"]  # a school
    r = api("ivanova").post(url, {"to_user": marinov.pk, "reason": "Предаване."}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert api("ivanova").get(url).json()["pending"]["to_user"]["id"] == marinov.pk
    assert api("petrov").post(url + "accept/", {}, format="json").status_code == 404
    r = client_for(marinov).post(url + "decline/", {"note": ""}, format="json")
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]
    r = client_for(marinov).post(url + "accept/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    world.case.refresh_from_db()
    assert world.case.lead == marinov
    # The deputy.
    r = client_for(marinov).post(
        f"/api/v1/cases/{world.case.pk}/deputy/", {"user": world.ivanova.pk}, format="json"
    )
    assert r.status_code == 200 and r.json()["deputy"]["id"] == world.ivanova.pk
    # A manager reassigns at once.
    r = api("nikolova").post(
        url, {"to_user": world.ivanova.pk, "reason": "Отпуск.", "reassign": True}, format="json"
    )
    assert r.status_code == 200 and r.json()["kind"] == "reassign"


def test_the_paths_are_in_the_schema():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    for path, methods in {
        "/api/v1/signals/": {"get", "post"}, "/api/v1/signals/incoming/": {"get"},
        "/api/v1/signals/{signal_id}/": {"get"}, "/api/v1/signals/{signal_id}/assign/": {"post"},
        "/api/v1/signals/{signal_id}/check/": {"post"}, "/api/v1/signals/{signal_id}/decide/": {"post"},
        "/api/v1/cases/{case_id}/lead/": {"get", "post"}, "/api/v1/cases/{case_id}/lead/accept/": {"post"},
        "/api/v1/cases/{case_id}/lead/decline/": {"post"},
    }.items():  # fmt: skip
        assert set(schema["paths"][path]) >= methods, path
