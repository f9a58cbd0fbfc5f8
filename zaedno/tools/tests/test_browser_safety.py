"""The safety map shows the disagreement, in a real browser (issue 12, item 6).

The case lead maps safety at a conference: she and the school psychologist rate 3 and 4, the
mother 7. The page shows each rating, the professionals' and the family's views side by side
(3,5 and 7,0), the spread (4 points) and a warning to talk about the gap — not a mean of 4,7.
A month later the map is saved again; the chart draws a line for each side and every rating,
with a Bulgarian title. Screenshots go to ``test-artifacts/screenshots/safety-*.png``.
"""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world
from zaedno.tools.models import ToolDocument, ToolVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RATINGS = [
    ("Мария Иванова", "социален работник, ОЗД", "professional", 3),
    ("Петър Петров", "училищен психолог", "professional", 4),
    ("Анна Стефанова", "майка", "family", 7),
]


@pytest.fixture
def w():
    return build_world()


def test_the_safety_map_shows_the_disagreement(django_db_setup, browser, live_server, w):
    try:
        _journey(browser, live_server.url, w)
    finally:
        connections.close_all()


def _journey(browser, base: str, w) -> None:
    context = browser.new_context(locale="bg-BG", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    case = w.case.pk

    page.goto(f"{base}/cases/{case}/tools/new/safety_map/")
    page.fill("textarea[name='t-harm']", "Синини по ръцете през октомври.")
    for i, (name, role, side, rating) in enumerate(RATINGS):
        page.fill(f"input[name='t-ratings-{i}-name']", name)
        page.fill(f"input[name='t-ratings-{i}-role']", role)
        page.select_option(f"select[name='t-ratings-{i}-side']", side)
        page.fill(f"input[name='t-ratings-{i}-rating']", str(rating))
    shot(page, "safety-form")
    page.locator("form.tool-form button[type='submit']").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    document = ToolDocument.objects.get(kind="safety_map")
    assert [r["side"] for r in ToolVersion.objects.get(document=document).data["ratings"]] == [
        "professional",
        "professional",
        "family",
    ]

    # Each person's rating, the two sides side by side, the spread and the warning; no mean of all.
    main = page.locator("main")
    for name, _role, _side, rating in RATINGS:
        assert main.locator("tr", has_text=name).locator(".tool-rating").inner_text() == str(rating)
    views = main.locator(".tool-section .safety-views")
    assert views.get_attribute("data-spread") == "4"
    assert views.locator("[data-side='professional']").get_attribute("data-side-mean") == "3,5"
    assert views.locator("[data-side='family']").get_attribute("data-side-mean") == "7,0"
    assert "Професионалисти" in views.inner_text() and "Семейство" in views.inner_text()
    assert views.locator(".safety-apart").is_visible()
    assert "4,7" not in main.inner_text()
    shot(page, "safety-map-views")

    # A month later, the map again: the chart has a line per side and every rating as a point.
    page.goto(f"{base}/cases/{case}/tools/{document.pk}/edit/")
    for i, rating in enumerate((5, 5, 8)):
        page.fill(f"input[name='t-ratings-{i}-rating']", str(rating))
    page.locator("form.tool-form button[type='submit']").click()
    page.wait_for_url(f"{base}/cases/{case}/tools/{document.pk}/")
    chart = page.locator("svg.safety-chart")
    assert chart.count() == 1
    assert chart.locator("title#sc-title").text_content() == "Скала за безопасност във времето (0–10)"
    assert chart.locator("polyline.side-line.professional").count() == 1
    assert chart.locator("polyline.side-line.family").count() == 1
    assert chart.locator("g.rating").count() == 6
    assert chart.locator("g.spread").count() == 2
    assert chart.locator(".mean").count() == 0
    chart.scroll_into_view_if_needed()
    shot(page, "safety-chart")

    # The case page's card gives the sides, not one number.
    page.goto(f"{base}/cases/{case}/")
    card = page.locator(".tool-panel-scale .safety-views")
    assert card.locator("[data-side='family']").get_attribute("data-side-mean") == "8,0"
    assert card.get_attribute("data-spread") == "3"
    shot(page, "safety-case-card")
    context.close()
