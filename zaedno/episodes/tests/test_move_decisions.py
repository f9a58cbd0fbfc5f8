"""A move needs the team's decision about the move (issue 12, item 1): an unrelated decision of the
case is refused; a decision about the move names from where to where and was taken at a held
meeting whose minutes say how the child and the parents were heard; the move form offers only
such decisions; a move against an agreed goal of the plan warns and needs the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import AuditEvent
from zaedno.episodes import queries
from zaedno.episodes.models import Episode, Move
from zaedno.episodes.tests.helpers import decision, held_meeting, lead, make_difficult, move, start
from zaedno.meetings.models import DecisionKind

pytestmark = pytest.mark.django_db

UNRELATED = "Инспекторът от ДПС разговаря с втория баща."


@pytest.fixture
def world(protocols, clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def agreed_goal(world, text="Георги остава в своето училище и завършва седми клас там.", domain="education"):
    from zaedno.plans.models import Goal, Plan, PlanKind, PlanStatus

    now = timezone.now()
    plan = Plan.objects.filter(case=world.case).first() or Plan.objects.create(
        case=world.case, kind=PlanKind.CASE_PLAN, number=1, status=PlanStatus.AGREED, created_by=world.ivanova,
        created_at=now, agreed_at=now, agreed_by=world.ivanova, agreed_meeting=held_meeting(world),
    )  # fmt: skip
    return Goal.objects.create(plan=plan, domain=domain, text=text)


def test_an_unrelated_decision_of_the_case_is_not_the_decision_for_the_move(world):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    unrelated = decision(world, UNRELATED, kind=DecisionKind.GENERAL)
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“", decision=unrelated)
    assert "не е за смяната" in " ".join(exc.value.message_dict["decision"])
    # A decision about the move at a meeting whose minutes do not record the child's and the
    # parents' views is not enough either.
    unheard = decision(world, "Георги да премине в ОУ „Паисий“.", meeting=held_meeting(world, views=False))
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“", decision=unheard)
    assert "детето и родителите" in " ".join(exc.value.message_dict["decision"])
    assert Episode.objects.count() == 1 and not Move.objects.exists()
    about = decision(world)
    m = move(world, school, "ОУ „Паисий Хилендарски“", decision=about)
    assert m.decision == about and m.was_difficult


def test_a_decision_about_a_move_names_from_where_to_where(world):
    with pytest.raises(ValidationError) as exc:
        decision(world, "Смяна на училището.", move_from="", move_to="")
    assert {"move_from", "move_to"} <= set(exc.value.message_dict)
    from zaedno.meetings.models import MeetingKind

    with pytest.raises(ValidationError) as exc:
        decision(world, "Смяна на училището.", meeting=held_meeting(world, kind=MeetingKind.SUPERVISION))
    assert "kind" in exc.value.message_dict


def test_the_move_form_offers_only_decisions_about_the_move(world, client):
    make_difficult(world)
    start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    unrelated = decision(world, UNRELATED, kind=DecisionKind.GENERAL)
    about = decision(world)
    _ctx, access = lead(world)
    assert list(queries.move_decision_choices(access)) == [about]
    client.force_login(world.ivanova)
    page = client.get(reverse("episodes:move", args=[world.case.pk])).content.decode()
    assert "СУ „Вела Благоева“ → ОУ „Паисий Хилендарски“" in page
    assert "втория баща" not in page
    # Posting the unrelated one anyway is refused by the form (it is not among the choices).
    r = client.post(
        reverse("episodes:move", args=[world.case.pk]),
        {"episode": Episode.objects.get().pk, "ended_on": "20.05.2026", "reason": "moved_service", "kind": "school",
         "name": "ОУ „Паисий Хилендарски“", "started_on": "20.05.2026", "decision": unrelated.pk},
    )  # fmt: skip
    assert r.status_code == 400 and not Move.objects.exists()


def test_a_move_against_an_agreed_goal_warns_and_needs_the_reason(world, client):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    agreed_goal(world)
    agreed_goal(world, "Георги спортува два пъти седмично.", domain="health")
    client.force_login(world.ivanova)
    page = client.get(reverse("episodes:move", args=[world.case.pk])).content.decode()
    assert "остава в своето училище" in page and "спортува" not in page
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“")
    assert "остава в своето училище" in " ".join(exc.value.message_dict["plan_reason"])
    assert not Move.objects.exists()
    reason = "Училището не може да осигури ресурсен учител; семейството се мести в Горна Оряховица."
    m = move(world, school, "ОУ „Паисий Хилендарски“", plan_reason=reason)
    assert m.plan_reason == reason
    assert AuditEvent.objects.get(action="episode.move", object_id=str(m.pk)).details["against_plan"] is True
