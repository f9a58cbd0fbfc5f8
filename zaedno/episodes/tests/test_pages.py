"""The history pages: start, end and move through the web forms; the move rule's refusal in plain
words; the repeated-move flag on the case page and in the lead's "my work" (and gone after 12
months); 404 for outsiders everywhere; bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.core.testing import build_world, open_case
from zaedno.episodes.models import Episode, EpisodeKind, Move
from zaedno.episodes.tests.helpers import EMERGENCY, decision, make_difficult, move, start

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def html(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def two_moves(world, clock):
    """Three schools in a year: two moves, the first on 20.05.2026 and the second on 01.09.2026."""
    a = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    b = move(world, a, "ОУ „Христо Ботев“").to_episode
    clock.set(2026, 9, 1, 9, 0)
    move(world, b, "ОУ „Паисий Хилендарски“")


def test_history_page_start_end_and_move(world, client, clock):
    login(client, world.ivanova)
    url = reverse("episodes:case", args=[world.case.pk])
    r = client.get(url)
    assert r.status_code == 200
    assert "episodes.view" in AuditEvent.objects.filter(case_id=world.case.pk).values_list(
        "action", flat=True
    )
    r = client.post(
        reverse("episodes:start", args=[world.case.pk]),
        {"kind": "school", "organisation": world.school.pk, "started_on": "15.09.2025"},
    )
    assert r.status_code == 302, html(r)
    school = Episode.objects.get()
    assert school.organisation == world.school
    page = html(client.get(url))
    assert "СУ „Вела Благоева“" in page and "15.09.2025" in page
    assert reverse("episodes:end", args=[world.case.pk, school.pk]) in page
    # Move to another school in one form.
    r = client.get(reverse("episodes:move", args=[world.case.pk]) + f"?from={school.pk}")
    assert r.status_code == 200
    r = client.post(
        reverse("episodes:move", args=[world.case.pk]),
        {"episode": school.pk, "ended_on": "20.05.2026", "reason": "moved_service", "decided_by": "parents",
         "kind": "school", "name": "ОУ „Паисий Хилендарски“", "started_on": "20.05.2026"},
    )  # fmt: skip
    assert r.status_code == 302, html(r)
    move_ = Move.objects.get()
    page = html(client.get(url))
    assert f'id="move-{move_.pk}"' in page and "ОУ „Паисий Хилендарски“" in page
    # End the new one.
    new = move_.to_episode
    r = client.post(
        reverse("episodes:end", args=[world.case.pk, new.pk]),
        {"ended_on": "20.05.2026", "reason": "moved_home", "decided_by": "professional",
         "decided_by_user": world.petrov.pk},
    )  # fmt: skip
    assert r.status_code == 302, html(r)
    new.refresh_from_db()
    assert new.decided_by_user == world.petrov and new.end_reason == "moved_home"


def test_move_refused_for_a_difficult_case_in_plain_words(world, client, clock):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    login(client, world.ivanova)
    data = {"episode": school.pk, "ended_on": "20.05.2026", "reason": "moved_service", "kind": "school",
            "name": "ОУ „Паисий Хилендарски“", "started_on": "20.05.2026"}  # fmt: skip
    page = html(client.get(reverse("episodes:move", args=[world.case.pk])))
    assert "alert-warning" in page
    r = client.post(reverse("episodes:move", args=[world.case.pk]), data)
    assert r.status_code == 400
    assert "difficult case" in html(r) or "труден случай" in html(r)
    assert not Move.objects.exists()
    d = decision(world)
    r = client.post(reverse("episodes:move", args=[world.case.pk]), data | {"decision": d.pk})
    assert r.status_code == 302
    page = html(client.get(reverse("episodes:case", args=[world.case.pk])))
    assert reverse("meetings:decision", args=[world.case.pk, d.pk]) in page


def test_emergency_reason_shown_on_the_history(world, client, clock):
    make_difficult(world)
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    move(world, school, "Кризисен център", emergency_reason=EMERGENCY)
    login(client, world.petrov)
    page = html(client.get(reverse("episodes:case", args=[world.case.pk])))
    assert EMERGENCY in page


def test_repeated_moves_flagged_on_the_case_and_in_the_leads_work(world, client, clock):
    login(client, world.ivanova)
    one = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    move(world, one, "ОУ „Христо Ботев“")
    case_url = reverse("cases:detail", args=[world.case.pk])
    history_url = reverse("episodes:case", args=[world.case.pk])
    assert "moves-repeated" not in html(client.get(case_url))
    assert history_url not in html(client.get("/work/"))

    clock.set(2026, 9, 1, 9, 0)
    move(world, Episode.objects.get(ended_on__isnull=True), "ОУ „Паисий Хилендарски“")
    login(client, world.ivanova)  # the session of May has expired
    page = html(client.get(case_url))
    assert "moves-repeated" in page and "ОУ „Паисий Хилендарски“" in page
    work = html(client.get("/work/"))
    assert history_url in work and "moves-work" in work
    # Only the lead's "my work": the school psychologist sees the flag on the case, not in his work.
    login(client, world.petrov)
    assert "moves-repeated" in html(client.get(case_url))
    assert "moves-work" not in html(client.get("/work/"))

    # Twelve months after the first move, one move is left in the window: the flag is gone.
    clock.set(2027, 5, 19, 9, 0)
    login(client, world.ivanova)
    assert "moves-repeated" in html(client.get(case_url))
    clock.set(2027, 5, 20, 9, 0)
    login(client, world.ivanova)
    assert "moves-repeated" not in html(client.get(case_url))
    assert "moves-work" not in html(client.get("/work/"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_everywhere(world, client, clock, who):
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    login(client, getattr(world, who))
    case = world.case.pk
    urls = [
        ("get", reverse("episodes:case", args=[case])),
        ("post", reverse("episodes:start", args=[case])),
        ("get", reverse("episodes:move", args=[case])),
        ("post", reverse("episodes:move", args=[case])),
        ("get", reverse("episodes:end", args=[case, school.pk])),
        ("post", reverse("episodes:end", args=[case, school.pk])),
    ]
    for method, url in urls:
        r = getattr(client, method)(url, {"kind": "school", "name": "X", "started_on": "20.05.2026"}
                                    if method == "post" else None)  # fmt: skip
        assert r.status_code == 404, url
        assert "СУ „Вела Благоева“" not in html(r) and world.case.number not in html(r)
    assert Episode.objects.count() == 1
    missing = reverse("episodes:case", args=[999999])
    assert client.get(missing).status_code == 404


def test_episode_of_another_child_is_404(world, client, clock):
    from zaedno.episodes.tests.test_services import _other_child

    other = open_case(world, _other_child(world))
    school = start(world, "СУ „Вела Благоева“", on=dt.date(2025, 9, 15))
    login(client, world.ivanova)
    assert client.get(reverse("episodes:end", args=[other.pk, school.pk])).status_code == 404


def test_work_panel_query_count_is_fixed(world, clock, django_assert_max_num_queries):
    from zaedno.episodes.panels import work_panel

    two_moves(world, clock)
    with CaptureQueriesContext(connection) as few:
        panel = work_panel(world.ivanova, clock.at)
    assert len(panel["cases"]) == 1
    # Five more led cases with children who moved twice: the same number of queries.
    from zaedno.episodes.tests.test_services import _other_child

    for i in range(5):
        case = open_case(world, _other_child(world, i))
        world.case, saved = case, world.case
        two_moves_from(world, clock, case)
        world.case = saved
    with django_assert_max_num_queries(len(few)):
        panel = work_panel(world.ivanova, clock.at)
    assert len(panel["cases"]) == 6


def two_moves_from(world, clock, case):
    clock.set(2026, 5, 20, 11, 0)
    a = start(world, f"СУ {case.pk}", on=dt.date(2025, 9, 15))
    b = move(world, a, f"ОУ {case.pk}").to_episode
    clock.set(2026, 9, 1, 9, 0)
    move(world, b, f"ПГ {case.pk}")


def test_history_page_query_count_is_bounded(world, client, clock):
    def count():
        login(client, world.ivanova)
        with CaptureQueriesContext(connection) as q:
            assert client.get(reverse("episodes:case", args=[world.case.pk])).status_code == 200
        return len(q)

    start(world, "ЦОП", kind=EpisodeKind.SOCIAL_SERVICE, on=dt.date(2025, 1, 1))
    small = count()
    two_moves(world, clock)
    start(world, "ЦСРИ", kind=EpisodeKind.OTHER, on=dt.date(2025, 2, 1))
    assert count() <= small
