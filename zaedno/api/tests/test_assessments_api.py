"""Shared assessments and difficult-case profiles through the API: versions, my sector's
contribution with its version, formulation at a meeting, completion completing the protocol step,
sensitivity, the profile and indicators, the criteria, and 404 for outsiders everywhere.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.assessments.models import Assessment
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import team_member_add
from zaedno.core.testing import build_world, ctx_for
from zaedno.meetings.models import Meeting, MeetingKind, MeetingStatus
from zaedno.profiles.models import Indicator
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db

SECRET = "ТАЙНО-ДИАГНОЗА"


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def held_meeting(w):
    now = timezone.now()
    return Meeting.objects.create(
        case=w.case, kind=MeetingKind.CONFERENCE_INITIAL, status=MeetingStatus.HELD,
        starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1), chair=w.ivanova,
        created_by=w.ivanova, created_at=now - dt.timedelta(days=1), held_at=now - dt.timedelta(hours=1),
    )  # fmt: skip


def test_assessment_lifecycle(world, api):
    w = world
    steps_done_before(w.case, "multisector_assessment", user=w.ivanova)  # a step waits for its own
    r = api("petrov").post(url(w.case, "assessments/"))
    assert r.status_code == 201, r.json()
    aid = r.json()["id"]
    assert r.json()["number"] == 1 and r.json()["status"] == "draft"
    base = url(w.case, f"assessments/{aid}/")

    body = {"entries": [{"domain": "education", "concerns": "Отсъства от училище", "level": "significant"}]}
    r = api("petrov").put(base + "contributions/education/", body, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["sector"] == "education" and r.json()["version"] == 1
    assert last_event(action="assessment.contribution.add").actor_username == "petrov"
    # Another sector's part: 403; a stale version: 409; the right one: 200.
    assert api("petrov").put(base + "contributions/social/", body, format="json").status_code == 403
    r = api("petrov").put(base + "contributions/education/", {**body, "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api("petrov").put(base + "contributions/education/", {**body, "version": 1}, format="json")
    assert r.status_code == 409 and r.json()["error"]["current_version"] == 2
    social = {"entries": [{"domain": "basic_care", "needs": "Храна и дрехи", "level": "some"}]}
    assert api("ivanova").put(base + "contributions/social/", social, format="json").status_code == 200

    r = api("ivanova").get(base)
    assert r.status_code == 200
    data = r.json()
    assert {c["sector"] for c in data["contributions"]} == {"education", "social"}
    assert {"domain": "education", "side": "child", "level": "significant"} in data["domains"]

    m = held_meeting(w)
    formulation = {"version": data["version"], "hypothesis": "Обща хипотеза", "meeting": m.pk}
    assert api("petrov").post(base + "formulation/", formulation, format="json").status_code == 403
    r = api("ivanova").post(base + "formulation/", formulation, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["formulation"]["meeting"] == m.pk and r.json()["formulation"]["agreed_at"]

    assert (
        api("petrov").post(base + "complete/", {"version": r.json()["version"]}, format="json").status_code
        == 403
    )
    assert api("ivanova").post(base + "complete/", {"version": 1}, format="json").status_code == 409
    r = api("ivanova").post(base + "complete/", {"version": r.json()["version"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "completed"
    step = CaseStep.objects.get(case=w.case, step_code="multisector_assessment")
    assert step.status == StepStatus.DONE

    r = api("petrov").get(url(w.case, "assessments/"))
    assert r.status_code == 200 and [a["number"] for a in r.json()] == [1]
    assert r.json()[0]["contribution_count"] == 2
    assert last_event(action="assessment.list").actor_username == "petrov"


def test_sensitive_contribution_is_only_shown_to_exist_for_petrov(world, api):
    w = world
    team_member_add(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), user=w.dimitrova, organisation=w.hospital,
        sharing_level=Sensitivity.SENSITIVE,
    )  # fmt: skip
    aid = api("ivanova").post(url(w.case, "assessments/")).json()["id"]
    body = {"entries": [{"domain": "health", "concerns": SECRET, "level": "significant"}], "sources": SECRET}
    r = api("dimitrova").put(url(w.case, f"assessments/{aid}/contributions/health/"), body, format="json")
    assert r.status_code == 200 and r.json()["sensitivity"] == Sensitivity.SENSITIVE
    r = api("petrov").get(url(w.case, f"assessments/{aid}/"))
    assert SECRET not in text(r)
    [c] = r.json()["contributions"]
    assert c["restricted"] and c["entries"] is None and c["sources"] is None and c["sector"] == "health"
    assert r.json()["domains"] == []
    r = api("ivanova").get(url(w.case, f"assessments/{aid}/"))
    assert SECRET in text(r)


def test_profile_and_indicators(world, api):
    w = world
    r = api("petrov").get(url(w.case, "profile/"))
    assert r.status_code == 200
    assert not r.json()["flagged"] and r.json()["threshold"] == 3
    met = {c["code"] for c in r.json()["criteria"] if c["met"]}
    assert met == {"violence"}
    assert last_event(action="profile.view").actor_username == "petrov"

    # Who is in the team is not a criterion (issue 12, item 3): a recorded conflict with the law is.
    r = api("ivanova").post(
        url(w.case, "indicators/"), {"kind": "conflict_with_law", "note": "Преписка в МКБППМН"}, format="json"
    )
    assert r.status_code == 201, r.json()
    r = api("petrov").post(
        url(w.case, "indicators/"), {"kind": "refusal_of_help", "note": "Отказ"}, format="json"
    )
    assert r.status_code == 201, r.json()
    iid = r.json()["id"]
    r = api("petrov").get(url(w.case, "profile/"))
    assert r.json()["flagged"] and r.json()["history"][0]["trigger"] == "indicator_recorded"
    assert (
        api("petrov")
        .post(url(w.case, "indicators/"), {"kind": "bad", "note": "x"}, format="json")
        .status_code
        == 400
    )
    r = api("ivanova").post(
        url(w.case, f"indicators/{iid}/withdraw/"), {"note": "Сътрудничат"}, format="json"
    )
    assert r.status_code == 200 and r.json()["withdrawn_at"]
    assert not api("ivanova").get(url(w.case, "profile/")).json()["flagged"]


def test_criteria_endpoint(world, api):
    r = api("angelova").get("/api/v1/difficult-case-criteria/")
    assert r.status_code == 200
    assert r.json()["threshold"] == 3 and len(r.json()["criteria"]) == 6
    c = {x["code"]: x for x in r.json()["criteria"]}
    assert c["needs_in_several_domains"]["params"] == {"min_domains": 3}
    assert c["violence"]["label"]["bg"] == "Насилие"


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, api, name):
    w = world
    aid = api("ivanova").post(url(w.case, "assessments/")).json()["id"]
    ind = Indicator.objects.create(
        case=w.case,
        kind="refusal_of_help",
        note="x",
        sensitivity=2,
        recorded_at=timezone.now(),
        recorded_by=w.ivanova,
    )
    client = api(name)
    body = {"entries": [{"domain": "health", "level": "some"}]}
    calls = [
        ("get", url(w.case, "assessments/"), None),
        ("post", url(w.case, "assessments/"), None),
        ("get", url(w.case, f"assessments/{aid}/"), None),
        ("put", url(w.case, f"assessments/{aid}/contributions/police/"), body),
        ("post", url(w.case, f"assessments/{aid}/formulation/"), {"version": 1}),
        ("post", url(w.case, f"assessments/{aid}/complete/"), {"version": 1}),
        ("get", url(w.case, "profile/"), None),
        ("post", url(w.case, "indicators/"), {"kind": "running_away", "note": "x"}),
        ("post", url(w.case, f"indicators/{ind.pk}/withdraw/"), {"note": "x"}),
        ("get", "/api/v1/cases/999999/assessments/", None),
        ("get", "/api/v1/cases/999999/profile/", None),
    ]
    for method, path, data in calls:
        r = getattr(client, method)(path, data, format="json")
        assert r.status_code == 404, (method, path, r.status_code)
        assert r.json()["error"]["code"] == "not_found"
    assert Assessment.objects.filter(case=w.case).count() == 1
    assert Indicator.objects.filter(case=w.case, withdrawn_at__isnull=True).count() == 1
