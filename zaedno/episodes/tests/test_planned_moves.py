"""A planned move (issue 12, item 2): "the school proposes to move him on 05.06" is recorded before
it happens, goes to the team as a proposal that needs the decision about the move, and enters the
history only when it is confirmed on or after its date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import TimelineEntry
from zaedno.core.testing import ctx_for
from zaedno.episodes import services
from zaedno.episodes.models import Episode, EpisodeKind, Move, PlannedMove, PlannedMoveStatus
from zaedno.episodes.tests.helpers import decision, lead, make_difficult, start
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def propose(world, episode, on=dt.date(2026, 6, 5), **kw):
    """Петров (the school psychologist, in the team) records the school's proposal."""
    return services.move_plan(
        ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case), episode=episode,
        to=services.EpisodeData(kind=EpisodeKind.SCHOOL, started_on=on, name="ОУ „Паисий Хилендарски“"),
        proposed_by="СУ „Вела Благоева“, директорът", note="Предлагат преместване след инцидента в час.", **kw,
    )  # fmt: skip


def test_the_schools_proposal_is_recorded_before_it_happens_and_told_to_the_team(world):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    # The move itself cannot be recorded for a future date: the refusal points to a planned move.
    _ctx, access = lead(world)
    with pytest.raises(ValidationError) as exc:
        services.move_record(
            ctx=_ctx, access=access, episode=school,
            end=services.EndData(ended_on=dt.date(2026, 6, 5), reason="moved_service"),
            to=services.EpisodeData(kind=EpisodeKind.SCHOOL, started_on=dt.date(2026, 6, 5), name="ОУ"),
        )  # fmt: skip
    assert "планирана смяна" in " ".join(exc.value.message_dict["started_on"])
    planned = propose(world, school)
    assert planned.status == PlannedMoveStatus.PROPOSED and planned.planned_on == dt.date(2026, 6, 5)
    # The history is unchanged: the child is still at the school, no move is counted.
    school.refresh_from_db()
    assert school.is_current and Episode.objects.count() == 1 and not Move.objects.exists()
    entry = TimelineEntry.objects.get(case=world.case, message=services.MSG_PLANNED)
    assert "05.06.2026" in entry.summary and "решение на екипа" in entry.summary
    assert Notification.objects.filter(user=world.ivanova, kind="episode.move_plan").exists()
    assert AuditEvent.objects.filter(action="episode.move_plan", object_id=str(planned.pk)).exists()
    # One open proposal per place; a past date is not a plan.
    with pytest.raises(ValidationError):
        propose(world, school)
    with pytest.raises(ValidationError) as exc:
        services.planned_move_withdraw(ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case),
                                       planned=planned, reason="")  # fmt: skip
    assert "reason" in exc.value.message_dict


def test_the_move_enters_the_history_when_it_happens_with_the_teams_decision(world, clock):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    planned = propose(world, school)
    ctx, access = lead(world)
    with pytest.raises(ValidationError) as exc:  # not yet
        services.planned_move_carry_out(ctx=ctx, access=access, planned=planned)
    assert "moved_on" in exc.value.message_dict
    about = decision(world)
    services.planned_move_decide(ctx=ctx, access=access, planned=planned, decision=about)
    clock.set(2026, 6, 5, 9, 0)
    planned = PlannedMove.objects.get(pk=planned.pk)
    move = services.planned_move_carry_out(ctx=ctx, access=access, planned=planned)
    assert move.decision == about and move.moved_on == dt.date(2026, 6, 5) and move.was_difficult
    planned.refresh_from_db()
    assert planned.status == PlannedMoveStatus.CARRIED_OUT and planned.move == move
    school.refresh_from_db()
    assert school.ended_on == dt.date(2026, 6, 5) and move.to_episode.place == "ОУ „Паисий Хилендарски“"


def test_a_difficult_case_planned_move_without_a_decision_is_refused_when_confirmed(world, clock):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    planned = propose(world, school, on=dt.date(2026, 5, 20))
    ctx, access = lead(world)
    with pytest.raises(ValidationError) as exc:
        services.planned_move_carry_out(ctx=ctx, access=access, planned=planned)
    assert "decision" in exc.value.message_dict
    assert PlannedMove.objects.get().status == PlannedMoveStatus.PROPOSED and not Move.objects.exists()


def test_the_history_page_shows_the_proposal_and_the_form_records_it(world, client, clock):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    client.force_login(world.petrov)
    r = client.post(
        reverse("episodes:plan", args=[world.case.pk]),
        {"episode": school.pk, "kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "05.06.2026",
         "proposed_by": "СУ „Вела Благоева“, директорът"},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    page = client.get(reverse("episodes:case", args=[world.case.pk])).content.decode()
    assert "Планирани смени" in page and "05.06.2026" in page and "решение на екипа" in page
    assert "Потвърди, че смяната е станала" not in page  # not before the date
    clock.set(2026, 6, 5, 9, 0)
    client.force_login(world.petrov)  # a new day, a new session
    page = client.get(reverse("episodes:case", args=[world.case.pk])).content.decode()
    assert "Потвърди, че смяната е станала" in page
    planned = PlannedMove.objects.get()
    r = client.post(
        reverse("episodes:planned_confirm", args=[world.case.pk, planned.pk]), {"moved_on": "05.06.2026"}
    )
    assert r.status_code == 302, r.content.decode()
    assert Move.objects.get().moved_on == dt.date(2026, 6, 5)
