"""The tools in a real browser (Playwright + Debian Chromium), with screenshots.

The case lead fills a Dis-Integration Grid, adding a row with the "add" button, then saves a
network map and a safety map (two versions). Screenshots go to ``test-artifacts/screenshots/``.
The pages are in Bulgarian: the assertions use the data typed in, and form field names.
"""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world
from zaedno.tools.models import ToolDocument, ToolVersion
from zaedno.tools.tests.conftest import make_tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w():
    return build_world()


def test_tools_in_the_browser(django_db_setup, browser, live_server, w):
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

    page.goto(f"{base}/cases/{case}/tools/")
    shot(page, "tools-list-empty")
    page.locator(f"a[href='/cases/{case}/tools/new/disintegration_grid/']").click()
    page.fill("input[name='t-focus']", "Отсъствията от училище")
    people = [("Майка", "родител", "differ"), ("Класна ръководителка", "училище", "partly")]
    for i, (name, role, conv) in enumerate(people):
        page.fill(f"input[name='t-rows-{i}-name']", name)
        page.fill(f"input[name='t-rows-{i}-role']", role)
        page.fill(f"textarea[name='t-rows-{i}-problem']", f"Проблемът според {name}")
        page.select_option(f"select[name='t-rows-{i}-convergence']", conv)
    # Three blank rows were offered; the button adds a fourth.
    page.locator("[data-rows='t-rows'] .tool-add-row").click()
    page.fill("input[name='t-rows-3-name']", "Училищен психолог")
    page.select_option("select[name='t-rows-3-convergence']", "converge")
    shot(page, "tools-grid-form")
    page.locator("form.tool-form button[type='submit']").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    grid = ToolDocument.objects.get(kind="disintegration_grid")
    names = [r["name"] for r in ToolVersion.objects.get(document=grid).data["rows"]]
    assert names == ["Майка", "Класна ръководителка", "Училищен психолог"]
    assert page.get_by_text("Училищен психолог").count() >= 1
    shot(page, "tools-grid")

    net = make_tool(w, "network_map")
    page.goto(f"{base}/cases/{case}/tools/{net.document_id}/")
    assert page.locator("svg.network-map text", has_text="Баба Елена").count() == 1
    shot(page, "tools-network-map")
    page.emulate_media(media="print")
    shot(page, "tools-network-map-print")
    page.emulate_media(media="screen")

    first = make_tool(w, "safety_map")
    page.goto(f"{base}/cases/{case}/tools/{first.document_id}/edit/")
    page.fill("input[name='t-ratings-0-rating']", "6")
    page.locator("form.tool-form button[type='submit']").click()
    page.wait_for_url(f"{base}/cases/{case}/tools/{first.document_id}/")
    assert page.locator("svg.safety-chart").count() == 1
    shot(page, "tools-safety-map")

    phone = browser.new_context(
        locale="bg-BG", viewport={"width": 375, "height": 800}, storage_state=context.storage_state()
    )
    p2 = phone.new_page()
    p2.goto(f"{base}/cases/{case}/tools/new/network_map/")
    shot(p2, "tools-network-form-phone")
    p2.goto(f"{base}/cases/{case}/tools/")
    shot(p2, "tools-list-phone")
    phone.close()
    context.close()
