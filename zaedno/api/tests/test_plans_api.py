"""Plans through the API: versions, draft content, agreement at a meeting, confirmation, reviews
with outcome measures, action status, follow-up check-ins; 404 for outsiders everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, last_event, text
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.core.testing import build_world
from zaedno.meetings.models import MeetingStatus
from zaedno.plans.models import Plan, PlanStatus
from zaedno.plans.tests.helpers import CHILD_WORDS, meeting
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


def content(world, version):
    return {
        "version": version,
        "purpose": "Георги да е в безопасност и да учи.",
        "child_words": CHILD_WORDS,
        "parents_words": "Ще го водим на училище.",
        "goals": [
            {"domain": "education", "text": "Редовно посещение на училище.",
             "waymarks": [{"text": "Без отсъствия един месец", "target_on": "2026-06-20"}]},
            {"domain": "emotional", "text": "Георги се чувства сигурен вкъщи."},
        ],
        "actions": [
            {"goal": 1, "text": "Седмична среща с психолога", "who_kind": "professional",
             "who_user_id": world.petrov.pk, "due_on": "2026-05-27"},
            {"goal": 2, "text": "Родителска група", "who_kind": "parent", "who_name": "Майката"},
            {"text": "Футболни тренировки", "who_kind": "community", "who_name": "ФК „Етър“"},
            {"goal": 1, "text": "Консултация", "who_kind": "organisation", "who_organisation_id": world.cop.pk},
        ],
    }  # fmt: skip


def multisector_step(case, code, occurrence=1):
    return CaseStep.objects.get(
        case=case,
        case_protocol__version__definition__code="multisector",
        step_code=code,
        occurrence=occurrence,
    )


def test_plan_lifecycle_through_the_api(world, api, clock):
    case = world.case
    steps_done_before(case, "plan_agreed", user=world.ivanova)  # a step waits for its own
    lead = api("ivanova")
    r = lead.post(url(case, "plans/"), {"kind": "case_plan"}, format="json")
    assert r.status_code == 201, r.json()
    plan = r.json()
    assert (plan["number"], plan["status"]) == (1, "draft")

    # A school psychologist cannot start or agree a plan.
    assert api("petrov").post(url(case, "plans/"), {}, format="json").status_code == 403

    r = lead.put(url(case, f"plans/{plan['id']}/"), content(world, plan["version"]), format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["child_words"] == CHILD_WORDS
    assert [g["domain"] for g in body["goals"]] == ["education", "emotional"]
    assert body["goals"][0]["waymarks"][0]["target_on"] == "2026-06-20"
    assert [a["goal_id"] for a in body["actions"]] == [body["goals"][0]["id"], body["goals"][1]["id"], None,
                                                        body["goals"][0]["id"]]  # fmt: skip
    assert body["actions"][0]["who_user"]["username"] == "petrov"
    # The same version again: someone saved after it was read.
    r = lead.put(url(case, f"plans/{plan['id']}/"), content(world, plan["version"]), format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    version = body["version"]

    # Without a meeting, or at one not held yet: refused in plain words.
    r = lead.post(url(case, f"plans/{plan['id']}/agree/"), {"meeting_id": None}, format="json")
    assert r.status_code == 400 and "meeting" in r.json()["error"]["fields"]
    scheduled = meeting(world, status=MeetingStatus.SCHEDULED)
    r = lead.post(url(case, f"plans/{plan['id']}/agree/"), {"meeting_id": scheduled.pk}, format="json")
    assert r.status_code == 400
    held = meeting(world)
    r = api("petrov").post(url(case, f"plans/{plan['id']}/agree/"), {"meeting_id": held.pk}, format="json")
    assert r.status_code == 403
    r = lead.post(
        url(case, f"plans/{plan['id']}/agree/"), {"meeting_id": held.pk, "version": version}, format="json"
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "agreed" and body["agreed_meeting_id"] == held.pk
    assert body["confirmations"]["confirmed_count"] == 1 and not body["confirmations"]["confirmed_by_team"]
    assert multisector_step(case, "plan_agreed").status == StepStatus.DONE

    r = api("petrov").post(url(case, f"plans/{plan['id']}/confirm/"), format="json")
    assert r.status_code == 200 and r.json()["confirmations"]["confirmed_by_team"]
    assert last_event(action="plan.confirm").actor_id == world.petrov.pk

    # Petrov's action moves on; "not done" without a reason is refused.
    action = body["actions"][0]
    r = api("petrov").post(
        url(case, f"plans/{plan['id']}/actions/{action['id']}/status/"), {"status": "not_done"}, format="json"
    )
    assert r.status_code == 400
    r = api("petrov").post(
        url(case, f"plans/{plan['id']}/actions/{action['id']}/status/"),
        {"status": "in_progress", "version": action["version"]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "in_progress"

    # Two reviews with measures.
    goals = body["goals"]
    r = lead.post(
        url(case, f"plans/{plan['id']}/reviews/"),
        {
            "held_on": "2026-05-20", "meeting_id": held.pk, "summary": "Първи преглед",
            "progress": [{"goal_id": goals[0]["id"], "progress": "progressing"}],
            "measures": [{"measure": "safety_scale", "value": "4"}, {"measure": "child_wellbeing", "value": 6,
                                                                   "source": "детето"}],
        },
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    assert len(r.json()["measurements"]) == 2
    assert multisector_step(case, "plan_review").status == StepStatus.DONE
    clock.set(2026, 8, 20, 10, 0)
    r = lead.post(
        url(case, f"plans/{plan['id']}/reviews/"),
        {
            "held_on": "2026-08-20",
            "summary": "Втори преглед",
            "measures": [{"measure": "safety_scale", "value": 8}],
        },
        format="json",
    )
    assert r.status_code == 201
    r = lead.post(
        url(case, f"plans/{plan['id']}/reviews/"),
        {
            "held_on": "2026-08-20",
            "summary": "x",
            "measures": [{"measure": "school_attendance", "value": 120}],
        },
        format="json",
    )
    assert r.status_code == 400
    r = api("petrov").get(url(case, "outcomes/"))
    assert r.status_code == 200
    assert [(p["measure"], p["value"]) for p in r.json() if p["measure"] == "safety_scale"] == [
        ("safety_scale", 4.0), ("safety_scale", 8.0)
    ]  # fmt: skip
    assert last_event(action="plan.outcomes").actor_id == world.petrov.pk

    # v2: a draft copy; agreeing it supersedes v1.
    r = lead.post(url(case, "plans/"), {"kind": "case_plan"}, format="json")
    v2 = r.json()
    assert v2["number"] == 2 and v2["previous_id"] == plan["id"] and len(v2["goals"]) == 2
    r = lead.post(url(case, f"plans/{v2['id']}/agree/"), {"meeting_id": held.pk}, format="json")
    assert r.status_code == 200
    r = lead.get(url(case, "plans/"))
    assert [(p["number"], p["status"]) for p in r.json()] == [(2, "agreed"), (1, "superseded")]
    r = lead.get(url(case, f"plans/{plan['id']}/"))
    assert r.status_code == 200 and r.json()["status"] == "superseded" and len(r.json()["reviews"]) == 2


def test_follow_ups_through_the_api(world, api, clock):
    case = world.case
    lead = api("ivanova")
    r = lead.post(
        url(case, "follow-ups/"), {"first_on": "2026-08-20", "responsible_id": world.petrov.pk}, format="json"
    )
    assert r.status_code == 201, r.json()
    assert [c["due_on"] for c in r.json()] == ["2026-08-20", "2026-11-20", "2027-02-20", "2027-05-20"]
    assert api("petrov").post(url(case, "follow-ups/"), {"first_on": "2026-08-20", "responsible_id": world.petrov.pk},
                              format="json").status_code == 403  # fmt: skip
    first = r.json()[0]
    clock.set(2026, 8, 25, 9, 0)
    listed = api("petrov").get(url(case, "follow-ups/")).json()
    assert listed[0]["overdue"] is True and listed[1]["overdue"] is False
    r = api("petrov").post(
        url(case, f"follow-ups/{first['id']}/done/"),
        {"done_on": "2026-08-25", "child_status": "Добре е.", "concern": "Отсъства понякога."},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "done" and not r.json()["overdue"]
    assert CaseStep.objects.filter(case=case, step_code="follow_up_review", status=StepStatus.DONE).exists()
    r = api("petrov").post(
        url(case, f"follow-ups/{first['id']}/done/"),
        {"done_on": "2026-08-25", "child_status": "x"},
        format="json",
    )
    assert r.status_code == 400


def test_below_the_standard_level_plans_are_not_shown(world, api):
    from zaedno.cases.access import access_for
    from zaedno.cases.models import Sensitivity
    from zaedno.cases.services import team_member_add
    from zaedno.core.testing import ctx_for
    from zaedno.plans.tests.helpers import agreed_plan

    plan = agreed_plan(world)
    team_member_add(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), user=world.koleva,
        organisation=world.ngo, sharing_level=Sensitivity.BASIC,
    )  # fmt: skip
    koleva = api("koleva")
    assert koleva.get(url(world.case, "plans/")).json() == []
    assert koleva.get(url(world.case, f"plans/{plan.pk}/")).status_code == 404
    assert CHILD_WORDS not in text(koleva.get(url(world.case, "outcomes/")))


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, api, name):
    from zaedno.plans.tests.helpers import agreed_plan

    plan = agreed_plan(world)
    action = plan.actions.first()
    lead = api("ivanova")
    checkin = lead.post(
        url(world.case, "follow-ups/"),
        {"first_on": "2026-08-20", "responsible_id": world.petrov.pk},
        format="json",
    ).json()[0]
    client = api(name)
    before = AuditEvent.objects.exclude(kind=AuditKind.DENIED).count()
    calls = [
        ("get", "plans/"), ("post", "plans/"), ("get", f"plans/{plan.pk}/"), ("put", f"plans/{plan.pk}/"),
        ("post", f"plans/{plan.pk}/agree/"), ("post", f"plans/{plan.pk}/confirm/"),
        ("post", f"plans/{plan.pk}/reviews/"), ("get", "outcomes/"),
        ("post", f"plans/{plan.pk}/actions/{action.pk}/status/"), ("get", "follow-ups/"), ("post", "follow-ups/"),
        ("post", f"follow-ups/{checkin['id']}/done/"),
    ]  # fmt: skip
    for method, suffix in calls:
        r = getattr(client, method)(url(world.case, suffix), {}, format="json")
        assert r.status_code == 404, (method, suffix, r.status_code)
        missing = getattr(client, method)(f"/api/v1/cases/999999/{suffix}", {}, format="json")
        assert missing.json() == r.json()
        assert CHILD_WORDS not in text(r)
    # Nothing but the refusals on record (issue 13, item 4).
    assert AuditEvent.objects.exclude(kind=AuditKind.DENIED).count() == before
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.AGREED


def test_another_cases_plan_is_404(world, api):
    from zaedno.core.testing import open_case
    from zaedno.plans.tests.helpers import agreed_plan

    plan = agreed_plan(world)
    other = open_case(world, world.child)
    assert api("ivanova").get(f"/api/v1/cases/{other.pk}/plans/{plan.pk}/").status_code == 404


def test_dates_are_iso(world, api):
    from zaedno.plans.tests.helpers import agreed_plan

    plan = agreed_plan(world)
    body = api("ivanova").get(url(world.case, f"plans/{plan.pk}/")).json()
    assert dt.date.fromisoformat(body["next_review_on"]) == dt.date(2026, 8, 20)
