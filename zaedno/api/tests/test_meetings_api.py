"""Meetings and decisions through the API: the lifecycle, sharing levels, my decisions, outsiders.

The world is built at a fixed time (Wednesday 20 May 2026, 11:00 in Sofia) after the shipped
protocols are loaded, so holding an initial case conference completes the protocol step.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.core.testing import build_world
from zaedno.meetings.models import Decision, Meeting, MeetingStatus
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db

SOFIA = ZoneInfo("Europe/Sofia")
MINUTES = "Екипът обсъди училищните отсъствия. ТАЙНО-ПРОТОКОЛ"


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def base(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def schedule(api, world, **kw):
    body = {
        "kind": "conference_initial",
        "starts_at": "2026-05-22T10:00:00+03:00",
        "ends_at": "2026-05-22T11:30:00+03:00",
        "place": "ОЗД, стая 12",
        "agenda": "Оценка",
        "chair": world.ivanova.pk,
        "members": [world.petrov.pk],
        "guests": [
            {"name": "Анна Стефанова", "role": "parent", "role_note": "майка", "email": "anna@example.org"}
        ],
    } | kw
    return api("ivanova").post(base(world.case, "meetings/"), body, format="json")


def run_meeting(api, world, clock, *, sensitivity=2):
    """Schedule, record attendance, minutes, hold, a decision; returns (meeting id, decision id)."""
    r = schedule(api, world)
    assert r.status_code == 201, r.json()
    mid = r.json()["id"]
    clock.set(2026, 5, 22, 11, 45)
    lead = api("ivanova")
    entries = [
        {"participant": p["id"], "attendance": "present" if p["user"] else "excused"}
        for p in r.json()["participants"]
    ]
    url = base(world.case, f"meetings/{mid}/")
    assert lead.post(url + "attendance/", {"entries": entries}, format="json").status_code == 200
    r = lead.post(
        url + "minutes/",
        {"minutes": MINUTES, "child_views": "Чрез психолога.", "sensitivity": sensitivity, "version": 2},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert lead.post(url + "hold/").status_code == 200
    r = lead.post(
        url + "decisions/",
        {"text": "Психологът среща Георги всяка седмица", "responsible_kind": "professional",
         "responsible_user": world.petrov.pk, "due_on": "2026-06-05"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    return mid, r.json()["id"]


def test_the_meeting_lifecycle(api, world, clock, mailoutbox, django_capture_on_commit_callbacks):
    steps_done_before(world.case, "assessment_conference", user=world.ivanova)  # a step waits for its own
    with django_capture_on_commit_callbacks(execute=True):
        r = schedule(api, world)
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "scheduled" and body["ics_sequence"] == 0
    assert [p["name"] for p in body["participants"]] == ["Мария Иванова", "Петър Петров", "Анна Стефанова"]
    assert len(mailoutbox) == 3
    assert last_event(action="meeting.schedule").channel == "api"

    mid = body["id"]
    lead, petrov = api("ivanova"), api("petrov")
    url = base(world.case, f"meetings/{mid}/")
    clock.set(2026, 5, 22, 11, 45)
    entries = [
        {"participant": p["id"], "attendance": "present" if p["user"] else "excused"}
        for p in body["participants"]
    ]
    assert lead.post(url + "attendance/", {"entries": entries}, format="json").status_code == 200
    r = lead.post(url + "minutes/", {"minutes": MINUTES, "version": 1}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert lead.post(url + "minutes/", {"minutes": MINUTES, "version": 2}, format="json").status_code == 200
    r = lead.post(url + "hold/")
    assert r.status_code == 200 and r.json()["status"] == "held"
    step = CaseStep.objects.get(
        case=world.case,
        case_protocol__version__definition__code="multisector",
        step_code="assessment_conference",
    )
    assert step.status == StepStatus.DONE

    r = lead.post(
        url + "decisions/",
        {"text": "Психологът среща Георги всяка седмица", "responsible_kind": "professional",
         "responsible_user": world.petrov.pk, "due_on": "2026-06-05"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["number"] == 1 and r.json()["status"] == "open"
    did = r.json()["id"]
    assert lead.post(url + "decisions/", {"text": "x", "responsible_kind": "parent", "due_on": "2026-06-05"},
                     format="json").status_code == 400  # fmt: skip

    assert lead.post(url + "confirm/").status_code == 200
    assert api("nikolova").post(url + "confirm/").status_code == 403  # not present
    r = petrov.post(url + "confirm/")
    assert r.status_code == 200 and r.json()["status"] == "locked"
    assert all(p["confirmed_at"] for p in r.json()["participants"] if p["user"])
    r = lead.post(url + "minutes/", {"minutes": "Подменено", "version": r.json()["version"]}, format="json")
    assert r.status_code == 400
    assert Meeting.objects.get(pk=mid).minutes == MINUTES
    r = petrov.post(url + "addenda/", {"text": "Поправка: срещите са в училище."}, format="json")
    assert r.status_code == 201
    r = lead.get(url)
    assert r.json()["addenda"][0]["text"] == "Поправка: срещите са в училище."
    assert r.json()["decisions"][0]["id"] == did

    # Progress on the decision: a note, then done; not done without a reason is refused.
    durl = base(world.case, f"decisions/{did}/")
    r = petrov.post(durl + "progress/", {"text": "Две срещи.", "status": "in_progress"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "in_progress" and len(r.json()["notes"]) == 1
    r = petrov.post(durl + "progress/", {"status": "not_done"}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = petrov.post(durl + "progress/", {"text": "Готово.", "status": "done", "version": 1}, format="json")
    assert r.status_code == 409
    r = petrov.post(durl + "progress/", {"text": "Готово.", "status": "done", "version": 2}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "done"
    assert [d["id"] for d in lead.get(base(world.case, "decisions/"), {"status": "done"}).json()] == [did]
    assert lead.get(base(world.case, "decisions/"), {"status": "nonsense"}).status_code == 400


def test_cancel_sends_a_cancellation(api, world, mailoutbox, django_capture_on_commit_callbacks):
    mid = schedule(api, world).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        r = api("ivanova").post(
            base(world.case, f"meetings/{mid}/cancel/"), {"reason": "Болест"}, format="json"
        )
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["ics_sequence"] == 1
    assert b"METHOD:CANCEL" in mailoutbox[-1].attachments[0][1].encode()


def test_overdue_decisions_in_my_decisions(api, world, clock):
    mid, did = run_meeting(api, world, clock)
    clock.set(2026, 6, 6, 9, 0)
    r = api("petrov").get("/api/v1/me/decisions/")
    assert r.status_code == 200
    assert [d["id"] for d in r.json()["overdue"]] == [did] and r.json()["overdue"][0]["overdue"] is True
    assert r.json()["overdue"][0]["case_ref"]["number"] == world.case.number
    r = api("ivanova").get("/api/v1/me/decisions/")
    assert [d["id"] for d in r.json()["others_overdue"]] == [did] and r.json()["overdue"] == []
    assert last_event(action="decision.work").actor_id == world.ivanova.pk
    r = api("ivanova").get(base(world.case, "decisions/"), {"status": "overdue"})
    assert [d["id"] for d in r.json()] == [did]
    assert api("georgieva").get("/api/v1/me/decisions/").json()["overdue"] == []


def test_minutes_and_decisions_follow_the_sharing_level(api, world, clock):
    mid, did = run_meeting(api, world, clock, sensitivity=3)
    Decision.objects.filter(pk=did).update(sensitivity=3)
    r = api("petrov").get(base(world.case, f"meetings/{mid}/"))
    assert r.status_code == 200
    body = r.json()
    assert body["minutes_restricted"] is True and body["minutes"] is None and body["child_views"] is None
    assert "ТАЙНО-ПРОТОКОЛ" not in text(r)
    [decision] = body["decisions"]
    assert decision["restricted"] is True and decision["text"] is None
    # petrov is still responsible for it: my decisions shows him what he owes.
    r = api("ivanova").get(base(world.case, f"meetings/{mid}/"))
    assert r.json()["minutes"] == MINUTES
    r = api("petrov").post(
        base(world.case, f"meetings/{mid}/minutes/"), {"minutes": "x", "version": 5}, format="json"
    )
    assert r.status_code == 403


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_everywhere(api, world, clock, name):
    mid, did = run_meeting(api, world, clock)
    client = api(name)
    gets = [
        base(world.case, "meetings/"),
        base(world.case, f"meetings/{mid}/"),
        base(world.case, "decisions/"),
        base(world.case, f"decisions/{did}/"),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        base(world.case, "meetings/"),
        *[base(world.case, f"meetings/{mid}/{a}/") for a in
          ("attendance", "minutes", "hold", "confirm", "addenda", "cancel", "decisions")],
        base(world.case, f"decisions/{did}/progress/"),
    ]  # fmt: skip
    for url in posts:
        r = client.post(url, {"text": "x", "reason": "x"}, format="json")
        assert r.status_code == 404, url
        assert "Георги" not in text(r) and world.case.number not in text(r)
    assert Meeting.objects.get(pk=mid).status == MeetingStatus.HELD
    assert not Decision.objects.get(pk=did).notes.exists()


def test_a_meeting_id_of_another_case_is_not_found(api, world, clock):
    from zaedno.core.testing import open_case

    mid = schedule(api, world).json()["id"]
    other = open_case(world, world.child)
    assert api("ivanova").get(f"/api/v1/cases/{other.pk}/meetings/{mid}/").status_code == 404
    assert api("ivanova").get(f"/api/v1/cases/{world.case.pk}/meetings/{mid}/").status_code == 200
    assert dt.datetime.fromisoformat(
        api("ivanova").get(f"/api/v1/cases/{world.case.pk}/meetings/{mid}/").json()["starts_at"]
    ) == dt.datetime(2026, 5, 22, 10, 0, tzinfo=SOFIA)
