"""The service and school history: episodes started and ended, the move rule (a difficult case
needs a team decision or an emergency reason), the team told, the 12-month count and the
difficult-case criterion "moves between services" — with a fake clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import TimelineEntry
from zaedno.core.testing import ctx_for
from zaedno.episodes import queries, services
from zaedno.episodes.models import EndReason, Episode, EpisodeKind, Family, Move
from zaedno.episodes.tests.helpers import EMERGENCY, decision, end_data, lead, make_difficult, move, start
from zaedno.notifications.models import Notification
from zaedno.profiles.models import CaseProfile, ProfileChange
from zaedno.profiles.queries import case_is_difficult
from zaedno.profiles.rules import moves_in_last_12_months as rule_moves

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def test_episode_recorded_and_ended(world, clock):
    school = start(world, "ОУ „Христо Ботев“", on=dt.date(2025, 9, 15))
    assert (school.family, school.is_current, school.case_id) == (Family.SCHOOLS, True, world.case.pk)
    ctx, access = lead(world)
    services.episode_end(
        ctx=ctx, access=access, episode=school,
        data=end_data(dt.date(2026, 5, 1), EndReason.FAMILY_DECISION, decided_by="parents",
                      decided_by_name="майката"),
    )  # fmt: skip
    school.refresh_from_db()
    assert (school.ended_on, school.end_reason, school.ended_by) == (dt.date(2026, 5, 1), "family_decision",
                                                                      world.ivanova)  # fmt: skip
    assert "майката" in school.decider
    assert not Move.objects.exists()  # nothing started after it
    assert AuditEvent.objects.filter(action="episode.start", object_id=school.pk).exists()
    assert AuditEvent.objects.filter(action="episode.end", object_id=school.pk).exists()
    texts = [e.summary for e in TimelineEntry.objects.filter(case=world.case, kind="updated")]
    assert any("ОУ „Христо Ботев“" in t and "15.09.2025" in t for t in texts)
    assert any("01.05.2026" in t for t in texts)
    # Ended once only.
    with pytest.raises(ValidationError) as exc:
        services.episode_end(ctx=ctx, access=access, episode=school, data=end_data(dt.date(2026, 5, 2)))
    assert "episode" in exc.value.message_dict


def test_episode_rules(world, clock):
    ctx, access = lead(world)
    with pytest.raises(ValidationError) as exc:
        services.episode_start(
            ctx=ctx, access=access, data=services.EpisodeData(kind="school", started_on=dt.date(2026, 6, 1))
        )
    assert set(exc.value.message_dict) == {"name", "started_on"}
    ep = start(world, "ЦОП", kind=EpisodeKind.SOCIAL_SERVICE, on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.episode_end(ctx=ctx, access=access, episode=ep, data=end_data(dt.date(2026, 2, 1)))
    assert "ended_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.episode_end(ctx=ctx, access=access, episode=ep, data=end_data(reason=EndReason.OTHER))
    assert "note" in exc.value.message_dict
    # A move stays within its family: a school does not replace a social service.
    with pytest.raises(ValidationError) as exc:
        move(world, ep, "СУ „Вела Благоева“", kind=EpisodeKind.SCHOOL)
    assert "kind" in exc.value.message_dict
    # Emergency access is read-only.
    from dataclasses import replace

    with pytest.raises(PermissionDenied):
        services.episode_start(
            ctx=ctx, access=replace(access, via="break_glass"),
            data=services.EpisodeData(kind="school", started_on=dt.date(2026, 5, 1), name="У"),
        )  # fmt: skip


def test_move_of_a_child_not_flagged_is_allowed_and_tells_the_team(world, clock):
    assert not case_is_difficult(world.case)
    old = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    m = move(world, old, "ОУ „Паисий Хилендарски“")
    assert (m.explicit, m.decision, m.emergency_reason, m.was_difficult) == (True, None, "", False)
    assert m.moved_on == dt.date(2026, 5, 20)
    old.refresh_from_db()
    assert old.ended_on == dt.date(2026, 5, 20) and old.end_reason == "moved_service"
    note = Notification.objects.get(user=world.petrov, kind="episode.move")
    assert "ОУ „Паисий Хилендарски“" in note.title and world.case.number in note.title
    assert note.url == f"/cases/{world.case.pk}/history/"
    # The one who recorded it is not told about it.
    assert not Notification.objects.filter(user=world.ivanova, kind="episode.move").exists()
    assert (
        TimelineEntry.objects.filter(case=world.case, summary__contains="ОУ „Паисий Хилендарски“").count()
        == 2
    )
    assert AuditEvent.objects.filter(action="episode.move", object_id=m.pk).exists()


def test_move_found_from_the_dates_of_two_episodes(world, clock):
    ctx, access = lead(world)
    cop = start(world, "ЦОП Велико Търново", kind=EpisodeKind.SOCIAL_SERVICE, on=dt.date(2025, 6, 1))
    services.episode_end(ctx=ctx, access=access, episode=cop, data=end_data(dt.date(2026, 4, 1)))
    # Thirty days later, another social service: a move.
    csri = start(world, "ЦСРИ", kind=EpisodeKind.OTHER, on=dt.date(2026, 5, 1))
    m = Move.objects.get()
    assert (m.from_episode, m.to_episode, m.explicit, m.family) == (cop, csri, False, Family.SERVICES)
    # A school started meanwhile is another family: no move.
    start(world, "СУ „Вела Благоева“", on=dt.date(2026, 4, 10))
    assert Move.objects.count() == 1
    # Ending a service after the next one started (overlap) is a move too.
    club = start(world, "Клуб", kind=EpisodeKind.SOCIAL_SERVICE, on=dt.date(2026, 5, 10))
    assert Move.objects.count() == 1
    services.episode_end(ctx=ctx, access=access, episode=csri, data=end_data(dt.date(2026, 5, 15)))
    assert Move.objects.filter(from_episode=csri, to_episode=club).exists()
    # More than MOVE_GAP_DAYS apart: not a move.
    home = start(world, "ЦНСТ", kind=EpisodeKind.PLACEMENT, on=dt.date(2025, 1, 1))
    services.episode_end(ctx=ctx, access=access, episode=home, data=end_data(dt.date(2025, 2, 1)))
    start(world, "Приемно семейство", kind=EpisodeKind.PLACEMENT, on=dt.date(2025, 3, 15))
    assert Move.objects.count() == 2


def test_difficult_case_move_needs_a_decision_or_an_emergency_reason(world, clock):
    make_difficult(world)
    assert case_is_difficult(world.case)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“")
    assert "труден случай" in " ".join(exc.value.message_dict["decision"])
    # Nothing was written: the old school is still current, no new one, nobody told.
    school.refresh_from_db()
    assert school.is_current and Episode.objects.count() == 1 and not Move.objects.exists()
    assert not Notification.objects.filter(kind="episode.move").exists()
    # A short reason is not enough.
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“", emergency_reason="спешно")
    assert "emergency_reason" in exc.value.message_dict
    # A decision of another case is not accepted.
    from zaedno.core.testing import open_case

    other = open_case(world, world.child)
    foreign = decision(world)
    foreign.case = other
    with pytest.raises(ValidationError) as exc:
        move(world, school, "ОУ „Паисий Хилендарски“", decision=foreign)
    assert "decision" in exc.value.message_dict

    # With the team decision: accepted.
    d = decision(world)
    m = move(world, school, "ОУ „Паисий Хилендарски“", decision=d)
    assert (m.decision, m.was_difficult) == (d, True)
    assert Notification.objects.filter(user=world.petrov, kind="episode.move").exists()
    assert TimelineEntry.objects.filter(case=world.case, message=services.MSG_MOVE_DECISION).exists()

    # With an emergency reason: accepted too.
    clock.advance(days=2)
    m2 = move(world, m.to_episode, "ЦНСТ", kind=EpisodeKind.SCHOOL, emergency_reason=EMERGENCY)
    assert m2.emergency_reason == EMERGENCY and m2.decision is None
    assert AuditEvent.objects.get(action="episode.move", object_id=m2.pk).reason == EMERGENCY


def test_implicit_move_of_a_difficult_case_is_refused_without_justification(world, clock):
    make_difficult(world)
    ctx, access = lead(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    services.episode_end(ctx=ctx, access=access, episode=school, data=end_data(dt.date(2026, 5, 10)))
    with pytest.raises(ValidationError) as exc:
        start(world, "ОУ „Паисий Хилендарски“", on=dt.date(2026, 5, 18))
    assert "decision" in exc.value.message_dict
    assert Episode.objects.count() == 1
    new = start(world, "ОУ „Паисий Хилендарски“", on=dt.date(2026, 5, 18), emergency_reason=EMERGENCY)
    assert Move.objects.get().to_episode == new


def test_moves_counted_in_a_12_month_window(world, clock):
    clock.set(2025, 4, 1, 10, 0)
    a = start(world, "СУ №1", on=dt.date(2025, 3, 1))
    b = move(world, a, "СУ №2").to_episode  # 01.04.2025: 13 months before 20.05.2026
    clock.set(2026, 5, 20, 11, 0)
    c = move(world, b, "СУ №3").to_episode
    assert queries.moves_in_last_12_months(world.child, dt.date(2026, 5, 20)) == 1
    assert queries.moves_in_last_12_months(world.case) == 1
    assert rule_moves(world.case) == 1
    # A year later to the day it no longer counts; the day before it did.
    assert queries.moves_in_last_12_months(world.case, dt.date(2026, 3, 31)) == 1
    assert queries.moves_in_last_12_months(world.case, dt.date(2026, 4, 1)) == 0
    clock.advance(days=1)
    move(world, c, "СУ №4")
    assert queries.moves_in_last_12_months(world.case) == 2
    clock.set(2027, 5, 20, 9, 0)
    assert queries.moves_in_last_12_months(world.case) == 1
    clock.set(2027, 5, 21, 9, 0)
    assert queries.moves_in_last_12_months(world.case) == 0


def test_moves_criterion_of_the_profile_becomes_met(world, clock):
    a = start(world, "СУ №1", on=dt.date(2025, 9, 15))
    b = move(world, a, "СУ №2").to_episode
    profile = CaseProfile.objects.get(case=world.case)
    assert "moves_between_services" not in profile.criteria_met
    clock.advance(days=3)
    move(world, b, "СУ №3")
    profile.refresh_from_db()
    assert "moves_between_services" in profile.criteria_met
    assert profile.details["moves_between_services"]["value"] == 2
    assert ProfileChange.objects.filter(case=world.case, trigger="episode_move").exists()


def test_history_is_the_childs_across_cases(world, clock):
    from zaedno.core.testing import open_case

    second = open_case(world, world.child, lead=world.stoyanov, org=world.cop, category="dropout")
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    stoyanov = access_for(world.stoyanov, second)
    assert [e.pk for e in queries.history(stoyanov)] == [school.pk]
    # A move recorded through one case reaches the other case's team and timeline.
    move(world, school, "ОУ „Паисий Хилендарски“")
    assert Notification.objects.filter(user=world.stoyanov, kind="episode.move", case_id=second.pk).exists()
    assert TimelineEntry.objects.filter(case=second, message=services.MSG_MOVE).exists()
    # The episode of another child is not found through this case.
    other_child_case = open_case(world, _other_child(world))
    with pytest.raises(Exception) as exc:
        queries.episode_get(access_for(world.ivanova, other_child_case), school.pk)
    assert exc.type.__name__ == "Http404"


def _other_child(world, n: int = 0):
    from zaedno.children.services import child_register

    return child_register(
        ctx=ctx_for(world.ivanova), first_name="Ива", last_name="Колева" + "а" * n,
        birth_date=dt.date(2014, 1, 2 + n), sex="f",
    )  # fmt: skip


def test_scan_recomputes_the_profile_when_a_move_leaves_the_window(world, clock):
    from zaedno.episodes.scan import moves_window_scan

    a = start(world, "СУ №1", on=dt.date(2025, 9, 15))
    b = move(world, a, "СУ №2").to_episode  # 20.05.2026
    clock.set(2026, 9, 1, 9, 0)
    move(world, b, "СУ №3")
    profile = CaseProfile.objects.get(case=world.case)
    assert "moves_between_services" in profile.criteria_met
    clock.set(2027, 5, 19, 3, 0)
    assert moves_window_scan(clock.at).startswith("0 ")
    clock.set(2027, 5, 20, 3, 0)  # the first move is 12 months old: one move left in the window
    assert moves_window_scan(clock.at).startswith("1 ")
    profile.refresh_from_db()
    assert "moves_between_services" not in profile.criteria_met
    clock.advance(minutes=5)
    assert moves_window_scan(clock.at).startswith("0 ")  # once a day
