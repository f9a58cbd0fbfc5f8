"""The plan page in a real browser (Playwright + Debian Chromium), on a desktop and a phone, with
screenshots in ``test-artifacts/screenshots/``: goals by domain, who does what, the child's and
parents' words, confirmations, the outcome charts drawn as SVG, and the agree form refusing a
plan without a meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.utils import timezone

from zaedno.cases.access import access_for
from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world, ctx_for
from zaedno.plans import services
from zaedno.plans.models import Measure
from zaedno.plans.services import MeasureData
from zaedno.plans.tests.helpers import CHILD_WORDS, agreed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w(protocols):
    w = build_world()
    plan = agreed_plan(w, goals=3, actions_per_goal=2)
    ctx, access = ctx_for(w.ivanova), access_for(w.ivanova, w.case)
    today = timezone.localdate()
    for days, safety, attendance, wellbeing in ((90, 3, 55, 4), (45, 5, 72, 6), (0, 7, 90, 8)):
        services.plan_review_record(
            ctx=ctx, access=access, plan=plan, held_on=today - dt.timedelta(days=days), summary="Преглед на плана.",
            measures=[MeasureData(Measure.SAFETY_SCALE, safety), MeasureData(Measure.SCHOOL_ATTENDANCE, attendance),
                      MeasureData(Measure.CHILD_WELLBEING, wellbeing)],
        )  # fmt: skip
    w.plan = plan
    return w


def test_plan_page_on_desktop_and_phone(django_db_setup, browser, live_server, w):
    try:
        _plan_page(browser, live_server.url, w)
    finally:
        connections.close_all()


def _login(browser, base, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def _plan_page(browser, base, w):
    context, page = _login(browser, base, {"width": 1280, "height": 900})
    page.goto(f"{base}/cases/{w.case.pk}/plan/")
    assert CHILD_WORDS in page.locator("blockquote.own-words").first.inner_text()
    assert page.locator("svg.outcome-chart").count() == 3
    assert page.locator("svg.outcome-chart circle.point").count() == 9
    assert page.locator(".plan-goal").count() == 3
    shot(page, "plan-desktop")

    # A new version: its draft, and the agree form refusing without a meeting.
    page.locator(f"form[action='/cases/{w.case.pk}/plan/{w.plan.pk}/new-version/'] button").click()
    page.wait_for_url(lambda url: url.endswith("/edit/"))
    shot(page, "plan-edit-draft")
    draft_url = page.url.rsplit("/edit/", 1)[0]
    page.goto(f"{draft_url}/agree/")
    page.locator("form.stacked button[type=submit]").click()
    assert page.locator("#field-meeting .errorlist").count() == 1
    context.close()

    context, page = _login(browser, base, {"width": 390, "height": 844})
    page.goto(f"{base}/cases/{w.case.pk}/plan/{w.plan.pk}/")
    assert page.locator("svg.outcome-chart").first.bounding_box()["width"] <= 390
    shot(page, "plan-phone")
    context.close()
