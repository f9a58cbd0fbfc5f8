"""Protocols through the API: definitions, a case's steps, events, my work, notifications.

The world is built at a fixed time (Wednesday 20 May 2026, 11:00 in Sofia) after the shipped
protocols are loaded, so its violence case follows the Coordination Mechanism and the
multisector protocol: the signal came at 09:00, so "other institutions informed" (1 hour) is
already overdue and the 24-hour steps are on track.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zaedno.api.tests.conftest import OUTSIDERS, client_for, last_event, text
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import team_member_add
from zaedno.children.services import child_register
from zaedno.core.testing import build_world, ctx_for, open_case
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notification_send
from zaedno.protocols.models import CaseEvent, CaseStep, ProtocolVersion, StepStatus

pytestmark = pytest.mark.django_db

SOFIA = ZoneInfo("Europe/Sofia")
EVIDENCE = "Протокол от проверката от 20.05, ТАЙНО-ДОКАЗАТЕЛСТВО, в папката на случая."


@pytest.fixture
def world(protocols, clock):
    """The shared personas, built after the protocols are loaded (so the case gets steps)."""
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SOFIA)


def steps_url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/steps/{suffix}"


def step(case, protocol: str, code: str) -> CaseStep:
    return CaseStep.objects.get(
        case=case, case_protocol__version__definition__code=protocol, step_code=code, occurrence=1
    )


def steps_by_code(body) -> dict:
    """``{(protocol, step code): step}`` from a steps response."""
    return {(p["code"], s["code"]): s for p in body for s in p["steps"]}


def register(world, first_name, last_name, birth_date=dt.date(2013, 4, 1)):
    return child_register(
        ctx=ctx_for(world.ivanova), first_name=first_name, last_name=last_name, birth_date=birth_date, sex="f"
    )


def add_member(world, user, organisation, level=Sensitivity.STANDARD):
    return team_member_add(
        ctx=ctx_for(world.ivanova),
        access=access_for(world.ivanova, world.case),
        user=user,
        organisation=organisation,
        sharing_level=level,
    )


# --- definitions ----------------------------------------------------------------------------------


def test_protocol_list_shows_every_loaded_protocol_and_version(world, api):
    client = api("petrov")
    before = AuditEvent.objects.count()
    r = client.get("/api/v1/protocols/")
    assert r.status_code == 200, r.content
    by_code = {p["code"]: p for p in r.json()}
    assert set(by_code) == {"coordination_mechanism", "multisector", "social_service_support"}
    cm = by_code["coordination_mechanism"]
    stored = ProtocolVersion.objects.get(definition__code="coordination_mechanism", version=3)
    assert cm["title"] == {"bg": stored.definition.title_bg, "en": stored.definition.title_en}
    assert cm["current_version"] == 3
    assert cm["versions"] == [
        {
            "version": 3,
            "loaded_at": cm["versions"][0]["loaded_at"],
            "shipped": True,
            "stage_count": stored.stage_count,
            "step_count": stored.step_count,
        }
    ]
    assert (cm["versions"][0]["stage_count"], cm["versions"][0]["step_count"]) == (3, 6)
    # Reference data: no case in it, not audited.
    assert AuditEvent.objects.count() == before


def test_protocol_list_is_one_query(world, api):
    client = api("angelova")
    client.get("/api/v1/protocols/")
    with CaptureQueriesContext(connection) as q:
        assert client.get("/api/v1/protocols/").status_code == 200
    protocol_queries = [x["sql"] for x in q.captured_queries if "protocols_protocol" in x["sql"]]
    assert len(protocol_queries) == 1


def test_protocol_list_shows_a_newer_local_version_as_current(world, api):
    current = ProtocolVersion.objects.get(definition__code="social_service_support")
    body = {**current.body, "version": 2}
    ProtocolVersion.objects.create(
        definition=current.definition, version=2, body=body, source="…", sha256="0" * 64, shipped=False
    )
    r = api("ivanova").get("/api/v1/protocols/")
    sss = next(p for p in r.json() if p["code"] == "social_service_support")
    assert sss["current_version"] == 2
    assert [(v["version"], v["shipped"]) for v in sss["versions"]] == [(1, True), (2, False)]
    assert api("ivanova").get("/api/v1/protocols/social_service_support/").json()["version"] == 2
    old = api("ivanova").get("/api/v1/protocols/social_service_support/versions/1/").json()
    assert (old["version"], old["current"]) == (1, False)


def test_protocol_definition_current_and_by_version(world, api):
    r = api("angelova").get("/api/v1/protocols/coordination_mechanism/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["code"], body["version"], body["current"], body["shipped"]) == (
        "coordination_mechanism",
        3,
        True,
        True,
    )
    assert body["body"]["code"] == "coordination_mechanism"
    assert [s["code"] for s in body["body"]["stages"]] == ["signal", "team", "assessment"]
    assert body["title"]["en"] == body["body"]["title"]["en"]
    assert len(body["sha256"]) == 64
    again = api("angelova").get("/api/v1/protocols/coordination_mechanism/versions/3/")
    assert again.status_code == 200
    assert again.json() == body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/protocols/nothing_like_it/",
        "/api/v1/protocols/nothing_like_it/versions/1/",
        "/api/v1/protocols/multisector/versions/9/",
    ],
)
def test_unknown_protocol_or_version_is_404(world, api, path):
    r = api("ivanova").get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_protocols_need_authentication(world):
    from rest_framework.test import APIClient

    for path in ("/api/v1/protocols/", "/api/v1/protocols/multisector/", "/api/v1/me/work/"):
        r = APIClient().get(path)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] == "not_authenticated"


# --- a case's steps -------------------------------------------------------------------------------


def test_steps_of_the_case_for_the_lead(world, api, clock):
    r = api("ivanova").get(steps_url(world.case))
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(p["code"], p["version"]) for p in body] == [("coordination_mechanism", 3), ("multisector", 3)]
    steps = steps_by_code(body)
    informed = steps[("coordination_mechanism", "institutions_informed")]
    assert informed["id"] == step(world.case, "coordination_mechanism", "institutions_informed").pk
    assert (informed["protocol"], informed["stage"], informed["occurrence"]) == (
        "coordination_mechanism",
        "signal",
        1,
    )
    # Recorded at 11:00, two hours after the call: the routing informed the others then, late.
    assert (informed["status"], informed["compliance"]) == ("done", "done_late")
    assert dt.datetime.fromisoformat(informed["due_at"]) == local(2026, 5, 20, 10, 0)
    assert dt.datetime.fromisoformat(informed["started_at"]) == local(2026, 5, 20, 9, 0)
    assert informed["owner"]["role"] == "signal_recipient"
    assert informed["owner"]["user"]["id"] == world.ivanova.pk
    assert informed["owner"]["user"]["full_name"] == "Мария Иванова"
    assert informed["owner"]["organisation"]["id"] == world.ozd.pk
    assert informed["completed_by"] == "notification_sent[institutions]"
    assert informed["can_complete"] is False
    assert "ДПС" in informed["evidence"] and informed["completed_by_user"]["id"] == world.ivanova.pk
    mdt = steps[("coordination_mechanism", "mdt_meeting")]
    assert mdt["compliance"] == "on_track"
    crisis = steps[("coordination_mechanism", "crisis_intervention")]
    assert (crisis["status"], crisis["compliance"], crisis["due_at"]) == ("waiting", "waiting", None)
    assert crisis["can_complete"] is True  # a waiting step may be done ahead of its clock
    event = last_event(action="case.steps.view")
    assert (event.case_id, event.actor_id, event.channel, event.kind) == (
        world.case.pk,
        world.ivanova.pk,
        "api",
        "read",
    )


def test_step_titles_follow_accept_language(world, api):
    client = api("ivanova")
    en = client.get(steps_url(world.case), HTTP_ACCEPT_LANGUAGE="en").json()
    bg = client.get(steps_url(world.case), HTTP_ACCEPT_LANGUAGE="bg").json()
    default = client.get(steps_url(world.case)).json()
    key = ("coordination_mechanism", "mdt_meeting")
    definition = ProtocolVersion.objects.get(definition__code="coordination_mechanism").body
    mdt = next(s for stage in definition["stages"] for s in stage["steps"] if s["code"] == "mdt_meeting")
    assert steps_by_code(en)[key]["title"] == mdt["title"]["en"]
    assert steps_by_code(bg)[key]["title"] == mdt["title"]["bg"]
    assert steps_by_code(default)[key]["title"] == mdt["title"]["bg"]  # Bulgarian by default
    assert mdt["title"]["en"] != mdt["title"]["bg"]
    assert en[0]["title"] == definition["title"]["en"] and bg[0]["title"] == definition["title"]["bg"]
    assert steps_by_code(en)[key]["stage_title"] == definition["stages"][1]["title"]["en"]


def test_evidence_is_shown_from_the_standard_level_up(world, api):
    add_member(world, world.koleva, world.ngo, level=Sensitivity.BASIC)
    checked = step(world.case, "coordination_mechanism", "signal_checked")
    r = api("ivanova").post(steps_url(world.case, f"{checked.pk}/done/"), {"evidence": EVIDENCE})
    assert r.status_code == 200, r.content
    key = ("coordination_mechanism", "signal_checked")
    for name in ("ivanova", "petrov", "nikolova"):
        seen = steps_by_code(api(name).get(steps_url(world.case)).json())[key]
        assert seen["evidence"] == EVIDENCE, name
    basic = api("koleva").get(steps_url(world.case))
    assert basic.status_code == 200
    assert steps_by_code(basic.json())[key]["evidence"] is None
    assert steps_by_code(basic.json())[key]["status"] == "done"
    assert "ТАЙНО-ДОКАЗАТЕЛСТВО" not in text(basic)


def test_can_complete_is_per_caller(world, api):
    add_member(world, world.stoyanov, world.cop)
    petrov = steps_by_code(api("petrov").get(steps_url(world.case)).json())
    # A school psychologist owns none of these, but every member may do a step of the whole team.
    assert petrov[("coordination_mechanism", "signal_checked")]["can_complete"] is False
    assert petrov[("coordination_mechanism", "assessment_report")]["can_complete"] is True
    manager = steps_by_code(api("nikolova").get(steps_url(world.case)).json())
    assert manager[("coordination_mechanism", "signal_checked")]["can_complete"] is True


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_step_endpoint_as_for_a_missing_case(world, api, name):
    client = api(name)
    target = step(world.case, "coordination_mechanism", "signal_checked")
    calls = [
        ("get", "steps/", None),
        ("post", f"steps/{target.pk}/done/", {"evidence": "Опит"}),
        ("post", f"steps/{target.pk}/not-applicable/", {"reason": "Не се отнася за случая."}),
        ("post", "events/", {"event": "crisis_identified"}),
    ]
    before = list(CaseStep.objects.filter(case=world.case).values_list("pk", "status", "version"))
    for method, suffix, body in calls:
        r = getattr(client, method)(f"/api/v1/cases/{world.case.pk}/{suffix}", body)
        missing = getattr(client, method)(f"/api/v1/cases/999999/{suffix}", body)
        assert r.status_code == 404, (method, suffix, r.status_code)
        assert r.json() == missing.json()
        assert r.json()["error"]["code"] == "not_found"
    assert list(CaseStep.objects.filter(case=world.case).values_list("pk", "status", "version")) == before
    assert not CaseEvent.objects.filter(case=world.case, code="crisis_identified").exists()
    # Nothing but the refusals on record (issue 13, item 4).
    events = AuditEvent.objects.filter(actor_id=getattr(world, name).pk, case_id=world.case.pk)
    assert set(events.values_list("kind", flat=True)) == {AuditKind.DENIED}
    work = client.get("/api/v1/me/work/").json()
    assert work == {"own": [], "others": [], "truncated": False, "limit": 500}


def test_a_step_of_another_case_is_not_found(world, api):
    other = open_case(world, register(world, "Мария", "Колева"), lead=world.nikolova)
    foreign = step(other, "coordination_mechanism", "signal_checked")
    client = api("ivanova")  # nikolova's case is in ivanova's organisation, but not hers
    for suffix, body in (
        (f"{foreign.pk}/done/", {"evidence": EVIDENCE}),
        (f"{foreign.pk}/not-applicable/", {"reason": "Не се отнася за този случай."}),
        ("99999999/done/", {"evidence": EVIDENCE}),
    ):
        r = client.post(steps_url(world.case, suffix), body)
        assert r.status_code == 404, suffix
        assert r.json()["error"]["code"] == "not_found"
    assert CaseStep.objects.get(pk=foreign.pk).status == StepStatus.OPEN


def test_break_glass_reads_steps_but_cannot_change_them(world, api):
    client = api("georgieva")
    reason = "Детето е задържано през нощта, търсим близките му."
    r = client.post("/api/v1/cases/emergency-access/", {"case_number": world.case.number, "reason": reason})
    assert r.status_code == 201
    r = client.get(steps_url(world.case))
    assert r.status_code == 200
    assert not any(s["can_complete"] for p in r.json() for s in p["steps"])
    assert last_event(action="case.steps.view", actor_id=world.georgieva.pk).reason == reason
    target = step(world.case, "coordination_mechanism", "signal_checked")
    for suffix, body in (
        (f"steps/{target.pk}/done/", {"evidence": EVIDENCE}),
        (f"steps/{target.pk}/not-applicable/", {"reason": "Не се отнася за този случай."}),
        ("events/", {"event": "crisis_identified"}),
    ):
        r = client.post(f"/api/v1/cases/{world.case.pk}/{suffix}", body)
        assert r.status_code == 403, suffix
        assert r.json()["error"]["code"] == "permission_denied"
    assert CaseStep.objects.get(pk=target.pk).status == StepStatus.OPEN
    assert not CaseEvent.objects.filter(case=world.case, code="crisis_identified").exists()


def test_steps_query_budget_does_not_grow_with_steps(world, api):
    client = api("ivanova")
    client.get(steps_url(world.case))

    def count():
        with CaptureQueriesContext(connection) as q:
            assert client.get(steps_url(world.case)).status_code == 200
        return len(q.captured_queries)

    before = count()
    add_member(world, world.stoyanov, world.cop)
    client.post(steps_url(world.case).replace("steps/", "events/"), {"event": "service_started"})
    mdt = step(world.case, "coordination_mechanism", "mdt_meeting")
    client.post(steps_url(world.case, f"{mdt.pk}/done/"), {"evidence": EVIDENCE})
    assert len(client.get(steps_url(world.case)).json()) == 3
    assert count() == before


# --- done, not applicable -------------------------------------------------------------------------


def test_mark_a_step_done(world, api, clock):
    clock.set(2026, 5, 20, 15, 30)
    target = step(world.case, "coordination_mechanism", "mdt_meeting")
    r = api("ivanova").post(
        steps_url(world.case, f"{target.pk}/done/"),
        {"evidence": EVIDENCE, "at": local(2026, 5, 20, 14, 0).isoformat(), "version": 1},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["status"], body["compliance"], body["version"]) == (
        target.pk,
        "done",
        "done_on_time",
        2,
    )
    assert dt.datetime.fromisoformat(body["completed_at"]) == local(2026, 5, 20, 14, 0)
    assert body["completed_by_user"]["id"] == world.ivanova.pk
    assert body["evidence"] == EVIDENCE
    assert body["can_complete"] is False
    event = last_event(action="protocol.step.done")
    assert (event.case_id, event.channel, event.actor_id, event.object_id) == (
        world.case.pk,
        "api",
        world.ivanova.pk,
        str(target.pk),
    )
    # The assessment report waited for the meeting: its clock runs now.
    report = step(world.case, "coordination_mechanism", "assessment_report")
    assert report.status == StepStatus.OPEN
    # Done again: refused, with the reason on the step.
    r = api("ivanova").post(steps_url(world.case, f"{target.pk}/done/"), {"evidence": EVIDENCE})
    assert r.status_code == 400
    assert "step" in r.json()["error"]["fields"]


def test_done_by_the_owners_organisation_and_late(world, api, clock):
    clock.advance(hours=23)  # the signal came at 09:00 yesterday: 24 hours to check it
    target = step(world.case, "coordination_mechanism", "signal_checked")
    r = api("ivanova").post(steps_url(world.case, f"{target.pk}/done/"), {"evidence": "Изпратени писма."})
    assert r.status_code == 200, r.content
    assert r.json()["compliance"] == "done_late"


def test_done_errors_are_keyed_by_field(world, api, clock):
    target = step(world.case, "coordination_mechanism", "mdt_meeting")
    url = steps_url(world.case, f"{target.pk}/done/")
    client = api("ivanova")
    r = client.post(url, {"evidence": "   "})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"
    assert "evidence" in r.json()["error"]["fields"]
    r = client.post(url, {})
    assert "evidence" in r.json()["error"]["fields"]
    r = client.post(url, {"evidence": EVIDENCE, "at": (clock.at + dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"at"}
    r = client.post(url, {"evidence": EVIDENCE, "at": "вчера", "version": "x"})
    assert {"at", "version"} <= set(r.json()["error"]["fields"])
    assert CaseStep.objects.get(pk=target.pk).status == StepStatus.OPEN


def test_a_member_who_does_not_own_the_step_gets_403(world, api):
    target = step(world.case, "coordination_mechanism", "mdt_meeting")
    r = api("petrov").post(steps_url(world.case, f"{target.pk}/done/"), {"evidence": EVIDENCE})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"
    assert r.json()["error"]["message"]
    assert CaseStep.objects.get(pk=target.pk).status == StepStatus.OPEN


def test_a_stale_version_is_a_conflict(world, api):
    target = step(world.case, "coordination_mechanism", "mdt_meeting")
    url = steps_url(world.case, f"{target.pk}/done/")
    assert api("ivanova").post(url, {"evidence": EVIDENCE, "version": 1}).status_code == 200
    # nikolova read version 1 before ivanova's save.
    r = api("nikolova").post(url, {"evidence": "Друго.", "version": 1})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "conflict"
    assert error["current_version"] == 2
    assert error["changes"] == [{"field": "status", "yours": "done", "theirs": "done"}]
    assert "status" in error["fields"]
    na = api("nikolova").post(
        steps_url(world.case, f"{target.pk}/not-applicable/"),
        {"reason": "Срещата не е нужна при този случай.", "version": 1},
    )
    assert na.status_code == 409
    assert na.json()["error"]["changes"] == [{"field": "status", "yours": "not_applicable", "theirs": "done"}]
    stored = CaseStep.objects.get(pk=target.pk)
    assert (stored.status, stored.version, stored.completed_by_user_id) == ("done", 2, world.ivanova.pk)


def test_mark_a_step_not_applicable(world, api):
    target = step(world.case, "coordination_mechanism", "crisis_intervention")
    url = steps_url(world.case, f"{target.pk}/not-applicable/")
    r = api("petrov").post(url, {"reason": "Няма нужда от кризисна интервенция."})
    assert r.status_code == 403
    r = api("ivanova").post(url, {"reason": "кратко"})
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["fields"]
    r = api("nikolova").post(url, {"reason": "Няма нужда от кризисна интервенция.", "version": 1})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["compliance"], body["version"]) == ("not_applicable", "not_applicable", 2)
    assert body["not_applicable_reason"] == "Няма нужда от кризисна интервенция."
    event = last_event(action="protocol.step.not_applicable")
    assert (event.case_id, event.channel, event.actor_id) == (world.case.pk, "api", world.nikolova.pk)
    r = api("ivanova").post(url, {"reason": "Няма нужда от кризисна интервенция."})
    assert r.status_code == 400
    assert "step" in r.json()["error"]["fields"]


# --- events ---------------------------------------------------------------------------------------


def test_record_crisis_identified_starts_the_crisis_step(world, api, clock):
    r = api("petrov").post(
        f"/api/v1/cases/{world.case.pk}/events/",
        {"event": "crisis_identified", "at": local(2026, 5, 20, 10, 30).isoformat(), "note": "Синини"},
    )
    assert r.status_code == 201, r.content
    [started] = r.json()
    assert (started["code"], started["status"], started["compliance"]) == (
        "crisis_intervention",
        "open",
        "on_track",
    )
    assert dt.datetime.fromisoformat(started["due_at"]) == local(2026, 5, 21, 10, 30)
    assert started["can_complete"] is False  # owned by ОЗД; petrov is from the school
    event = last_event(action="protocol.event")
    assert (event.case_id, event.channel, event.actor_id, event.reason) == (
        world.case.pk,
        "api",
        world.petrov.pk,
        "Синини",
    )


def test_record_service_started_attaches_the_social_service_protocol(world, api):
    add_member(world, world.stoyanov, world.cop)
    r = api("ivanova").post(f"/api/v1/cases/{world.case.pk}/events/", {"event": "service_started"})
    assert r.status_code == 201, r.content
    started = r.json()
    assert {(s["protocol"], s["code"]) for s in started} == {
        ("social_service_support", "needs_assessment"),
        ("social_service_support", "support_plan"),
    }
    assert {s["owner"]["user"]["id"] for s in started} == {world.stoyanov.pk}
    assert {s["owner"]["organisation"]["id"] for s in started} == {world.cop.pk}
    steps = api("ivanova").get(steps_url(world.case)).json()
    assert [p["code"] for p in steps][-1] == "social_service_support"


def test_event_errors(world, api, clock):
    url = f"/api/v1/cases/{world.case.pk}/events/"
    for body in ({"event": "case_closed"}, {"event": "nonsense"}, {}):
        r = api("ivanova").post(url, body)
        assert r.status_code == 400
        assert "event" in r.json()["error"]["fields"]
    r = api("ivanova").post(
        url, {"event": "crisis_identified", "at": (clock.at + dt.timedelta(hours=2)).isoformat()}
    )
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"at"}
    assert not CaseEvent.objects.filter(case=world.case, code="crisis_identified").exists()


# --- my work --------------------------------------------------------------------------------------


def test_my_work_lists_own_steps_most_urgent_first(world, api, clock):
    r = api("ivanova").get("/api/v1/me/work/")
    assert r.status_code == 200, r.content
    own = r.json()["own"]
    assert [(i["protocol"], i["code"]) for i in own] == [
        ("coordination_mechanism", "signal_checked"),
        ("coordination_mechanism", "mdt_meeting"),
        ("multisector", "signal_checked"),
    ]
    first = own[0]
    assert first["id"] == step(world.case, "coordination_mechanism", "signal_checked").pk
    assert first["compliance"] == "on_track"
    assert first["case"] == {
        "id": world.case.pk,
        "number": world.case.number,
        "child": {
            "id": world.child.pk,
            "full_name": "Георги Иванов Стефанов",
            "birth_date": "2012-03-15",
            "sex": "m",
        },
    }
    assert first["owner"]["user"]["id"] == world.ivanova.pk
    assert first["link"] == f"/cases/{world.case.pk}/protocol/"
    assert dt.datetime.fromisoformat(first["due_at"]) == local(2026, 5, 21, 9, 0)
    assert r.json()["others"] == []
    event = last_event(action="work.list")
    assert (event.channel, event.actor_id, event.kind) == ("api", world.ivanova.pk, "read")
    assert event.details["case_ids"] == [world.case.pk]
    # The next morning the 24-hour steps are due soon.
    clock.set(2026, 5, 21, 8, 0)
    states = [i["compliance"] for i in api("ivanova").get("/api/v1/me/work/").json()["own"]]
    assert states == ["due_soon", "due_soon", "on_track"]


def test_my_work_titles_follow_accept_language(world, api):
    en = api("ivanova").get("/api/v1/me/work/", HTTP_ACCEPT_LANGUAGE="en").json()
    bg = api("ivanova").get("/api/v1/me/work/", HTTP_ACCEPT_LANGUAGE="bg").json()
    assert en["own"][0]["title"] == "Signal checked by the Child Protection Department"
    assert bg["own"][0]["title"] == "Проверка на сигнала от ОЗД"


def test_my_work_shows_the_lead_what_others_owe(world, api):
    add_member(world, world.stoyanov, world.cop)
    api("ivanova").post(f"/api/v1/cases/{world.case.pk}/events/", {"event": "service_started"})
    lead = api("ivanova").get("/api/v1/me/work/").json()
    assert {i["code"] for i in lead["others"]} == {"needs_assessment", "support_plan"}
    assert {i["owner"]["user"]["id"] for i in lead["others"]} == {world.stoyanov.pk}
    assert "needs_assessment" not in {i["code"] for i in lead["own"]}
    provider = api("stoyanov").get("/api/v1/me/work/").json()
    assert {i["code"] for i in provider["own"]} == {"needs_assessment", "support_plan"}
    assert provider["others"] == []
    # petrov owns nothing on this case (the school has no step in these protocols).
    assert api("petrov").get("/api/v1/me/work/").json() == {
        "own": [],
        "others": [],
        "truncated": False,
        "limit": 500,
    }


def test_my_work_query_budget_is_fixed(world, api):
    client = api("ivanova")
    add_member(world, world.stoyanov, world.cop)
    client.post(f"/api/v1/cases/{world.case.pk}/events/", {"event": "service_started"})

    def add_cases(n):
        for i in range(n):
            open_case(world, register(world, "Дете", f"Номер{i}{len(str(n))}", dt.date(2013, 1, 1 + i % 28)))

    def count():
        with CaptureQueriesContext(connection) as q:
            r = client.get("/api/v1/me/work/")
        assert r.status_code == 200
        return len(q.captured_queries), len(r.json()["own"]) + len(r.json()["others"])

    add_cases(2)  # 3 cases
    client.get("/api/v1/me/work/")  # warm up (token last-used stamp, audit head)
    few, few_items = count()
    add_cases(27)  # 30 cases
    many, many_items = count()
    assert few_items < many_items
    assert many == few


# --- notifications --------------------------------------------------------------------------------


def notify(user, title):
    return notification_send(user=user, kind="test", title=title, url="/cases/", email=False)


def test_notifications_are_the_callers_own_newest_first(world, api, clock):
    Notification.objects.all().delete()
    first = notify(world.ivanova, "Първо")
    clock.advance(minutes=5)
    second = notify(world.ivanova, "Второ")
    notify(world.petrov, "Чуждо")
    r = api("ivanova").get("/api/v1/notifications/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [n["id"] for n in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["title"] == "Второ"
    assert body["results"][0]["read_at"] is None
    assert "Чуждо" not in text(r)
    page = api("ivanova").get("/api/v1/notifications/", {"limit": 1}).json()
    assert (page["count"], len(page["results"])) == (2, 1)
    assert page["next"]


def test_notifications_unread_filter_and_mark_read(world, api):
    Notification.objects.all().delete()
    a, b, c = (notify(world.ivanova, t) for t in ("А", "Б", "В"))
    theirs = notify(world.petrov, "Чуждо")
    client = api("ivanova")
    # Another user's id is ignored, not counted and not marked.
    r = client.post("/api/v1/notifications/read/", {"ids": [a.pk, theirs.pk]})
    assert r.status_code == 200, r.content
    assert r.json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert {n["id"] for n in unread["results"]} == {b.pk, c.pk}
    assert client.get("/api/v1/notifications/").json()["count"] == 3
    assert client.post("/api/v1/notifications/read/", {"ids": []}).json() == {"marked": 0}
    assert client.post("/api/v1/notifications/read/", {}).json() == {"marked": 2}
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0
    r = client.post("/api/v1/notifications/read/", {"ids": ["x"]})
    assert r.status_code == 400
    assert "ids" in r.json()["error"]["fields"]
    r = client.get("/api/v1/notifications/", {"unread": "perhaps"})
    assert r.status_code == 400
    assert "unread" in r.json()["error"]["fields"]


# --- schema ---------------------------------------------------------------------------------------

PATHS = {
    "/api/v1/protocols/": {"get"},
    "/api/v1/protocols/{code}/": {"get"},
    "/api/v1/protocols/{code}/versions/{version}/": {"get"},
    "/api/v1/cases/{case_id}/steps/": {"get"},
    "/api/v1/cases/{case_id}/steps/{step_id}/done/": {"post"},
    "/api/v1/cases/{case_id}/steps/{step_id}/not-applicable/": {"post"},
    "/api/v1/cases/{case_id}/events/": {"post"},
    "/api/v1/me/work/": {"get"},
    "/api/v1/notifications/": {"get"},
    "/api/v1/notifications/read/": {"post"},
}


def test_schema_has_the_protocol_endpoints(world):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) >= methods, path
    done = schema["paths"]["/api/v1/cases/{case_id}/steps/{step_id}/done/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(done["responses"])
    assert "requestBody" in done
    listing = schema["paths"]["/api/v1/notifications/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"unread", "limit", "offset"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/protocols/",
        "/api/v1/protocols/multisector/",
        "/api/v1/protocols/multisector/versions/3/",
        "/api/v1/cases/{case}/steps/",
        "/api/v1/me/work/",
        "/api/v1/notifications/",
    ],
)
def test_browsable_api_renders_the_read_endpoints(world, path):
    r = client_for(world.ivanova).get(path.format(case=world.case.pk), HTTP_ACCEPT="text/html")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/html")
