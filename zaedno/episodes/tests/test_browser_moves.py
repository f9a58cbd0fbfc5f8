"""Moves in a real browser (Playwright + Debian Chromium), issue 12 items 1 and 2, with screenshots
in ``test-artifacts/screenshots/``: the move form of a difficult case offers only the team's
decision about the move (not an unrelated decision of the case), warns about the agreed goal
"stays in his school" and asks for the reason; the school's proposal to move the child later is
recorded as a planned move, waits for the team's decision, and enters the history when it is
confirmed on its date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.utils import timezone

from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world
from zaedno.episodes.models import Move, PlannedMove, PlannedMoveStatus
from zaedno.episodes.tests.helpers import decision, held_meeting, make_difficult, start
from zaedno.meetings.models import DecisionKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OLD, NEW, LATER = "СУ „Вела Благоева“", "ОУ „Паисий Хилендарски“", "ОУ „Христо Ботев“"
UNRELATED = "Инспекторът от ДПС разговаря с втория баща."
GOAL = "Георги остава в своето училище и завършва седми клас там."


@pytest.fixture
def w(protocols):
    from zaedno.plans.models import Goal, Plan, PlanKind, PlanStatus

    w = build_world()
    make_difficult(w)
    start(w, OLD, on=dt.date(2025, 9, 15))
    w.unrelated = decision(w, UNRELATED, kind=DecisionKind.GENERAL)
    w.about = decision(w, "Георги преминава в ОУ „Паисий Хилендарски“.", move_from=OLD, move_to=NEW)
    w.later = decision(w, "Георги преминава в ОУ „Христо Ботев“.", move_from=NEW, move_to=LATER)
    now = timezone.now()
    plan = Plan.objects.create(
        case=w.case, kind=PlanKind.CASE_PLAN, number=1, status=PlanStatus.AGREED, created_by=w.ivanova,
        created_at=now, agreed_at=now, agreed_by=w.ivanova, agreed_meeting=held_meeting(w),
    )  # fmt: skip
    Goal.objects.create(plan=plan, domain="education", text=GOAL)
    return w


def test_moves_need_the_teams_decision_and_planned_moves_wait_for_it(
    django_db_setup, browser, live_server, w
):
    try:
        _walk(browser, live_server.url, w)
    finally:
        connections.close_all()


def _login(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def _walk(browser, base, w):
    context, page = _login(browser, base)
    today = timezone.localdate()
    history = f"{base}/cases/{w.case.pk}/history/"

    # Item 1: the move form offers only the decision about this move, and warns about the plan.
    page.goto(history)
    page.locator("a[href*='/history/move/?from=']").first.click()
    page.wait_for_url(lambda url: "/history/move/" in url)
    options = page.locator("#id_decision option").all_inner_texts()
    assert any(f"{OLD} → {NEW}" in o for o in options), options
    assert not any("втория баща" in o for o in options), options
    assert GOAL in page.locator(".plan-warning").inner_text()
    page.fill("#id_name", NEW)
    page.select_option("#id_decision", str(w.about.pk))
    shot(page, "moves-form-decision-and-plan-warning")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#field-plan_reason .errorlist").count() == 1  # the reason is asked for
    assert not Move.objects.exists()
    page.fill("#id_plan_reason", "Училището не може да осигури ресурсен учител, решено на конференцията.")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith("/history/"))
    assert f"{OLD} → {NEW}" in page.locator("tr.move-row").first.inner_text()
    move = Move.objects.get()
    assert move.decision_id == w.about.pk and move.plan_reason

    # Item 2: the school proposes to move him tomorrow: recorded as a planned move, not a move.
    page.get_by_role("link", name="Запиши планирана смяна").first.click()
    page.wait_for_url(lambda url: "/history/planned/new/" in url)
    page.select_option("#id_kind", "school")
    page.fill("#id_name", LATER)
    page.fill("#id_started_on", (today + dt.timedelta(days=1)).strftime("%d.%m.%Y"))
    page.fill("#id_proposed_by", f"{NEW}, директорът")
    shot(page, "moves-planned-form")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith("/history/"))
    card = page.locator(".planned-moves")
    assert LATER in card.inner_text() and "Нужно е решение на екипа за смяната." in card.inner_text()
    assert page.get_by_role("link", name="Потвърди, че смяната е станала").count() == 0
    assert Move.objects.count() == 1  # nothing entered the history yet
    # The team's decision about this move is linked to the proposal.
    page.select_option("select[name=decision]", str(w.later.pk))
    page.get_by_role("button", name="Свържи решението").click()
    page.wait_for_url(lambda url: url.endswith("/history/"))
    assert f"{NEW} → {LATER}" in page.locator(".planned-moves").inner_text()
    shot(page, "moves-planned-on-history")

    # The day comes: the move is confirmed and only now is it in the history.
    PlannedMove.objects.update(planned_on=today)
    page.goto(history)
    page.get_by_role("link", name="Потвърди, че смяната е станала").click()
    page.wait_for_url(lambda url: "/confirm/" in url)
    assert GOAL in page.locator(".plan-warning").inner_text()  # still a school move against the goal
    page.fill("#id_plan_reason", "Семейството се мести; решено на конференцията с детето и майката.")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith("/history/"))
    assert f"{NEW} → {LATER}" in page.locator("tr.move-row").first.inner_text()
    planned = PlannedMove.objects.get()
    assert planned.status == PlannedMoveStatus.CARRIED_OUT and planned.move.decision_id == w.later.pk
    shot(page, "moves-planned-carried-out")
    context.close()
