"""The protocol diagrams in a real browser (Playwright + Debian Chromium), with screenshots.

The case lead opens the Coordination Mechanism's diagram and her case drawn on its protocols, on
a desktop, on a phone and in print. Screenshots (and an A4 PDF of the case diagram) go to
``test-artifacts/screenshots/`` like the main journey's (``zaedno/core/tests/test_browser.py``).
The pages are in Bulgarian: the assertions use the definitions' own titles and the diagram's
data attributes, not interface words.
"""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.core.browser import SCREENSHOTS, shot
from zaedno.core.testing import PASSWORD, build_world, ctx_for
from zaedno.protocols.engine import artefact_record

# A live server in another thread needs committed data; the flush afterwards must restore the
# EKATTE reference data loaded by migrations, hence the serialized rollback.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w(protocols):
    # The real clock: the browser judges the session cookie's expiry by its own time.
    w = build_world()
    # Some progress to see: the signal checked (both protocols), the team formed (multisector);
    # the 1-hour notification of the institutions stays overdue (the signal came 2 hours ago).
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="signal_checked")
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="team_formed")
    return w


def test_protocol_and_case_diagrams(django_db_setup, browser, live_server, w):
    try:
        _diagrams(browser, live_server.url, w)
    finally:
        connections.close_all()


def _centre_x(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2


def _diagrams(browser, base: str, w) -> None:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)  # wherever the start page is

    # 1. The list of protocols leads to each diagram.
    page.goto(f"{base}/protocols/")
    assert page.locator("main section.card").count() == 3
    page.locator("main h2 a[href='/protocols/coordination_mechanism/']").click()

    # 2. The Coordination Mechanism: 3 stages, 6 steps, two lanes; the line from the team meeting
    #    to the assessment report meets both boxes' centres.
    page.wait_for_url(f"{base}/protocols/coordination_mechanism/")
    assert "Координационен механизъм" in page.locator("h1").inner_text()
    assert page.locator(".pd-band").count() == 3
    assert page.locator(".pd-box").count() == 6
    for title in ("Уведомени институции", "Среща на мултидисциплинарния екип", "План за действие"):
        assert page.locator(".pd-box", has_text=title).first.is_visible()
    meeting = page.locator(".pd-box[data-step=mdt_meeting]")
    report = page.locator(".pd-box[data-step=assessment_report]")
    crisis = page.locator(".pd-box[data-step=crisis_intervention]")
    assert meeting.bounding_box()["y"] == pytest.approx(crisis.bounding_box()["y"], abs=1)  # side by side
    line = page.locator(".pd-row:has(.pd-box[data-step=assessment_report]) .pd-lines path")
    assert line.count() == 1
    assert line.bounding_box()["height"] > 20  # a vertical line: no width, so not "visible" to Playwright
    assert _centre_x(line) == pytest.approx(_centre_x(meeting), abs=3)
    assert _centre_x(line) == pytest.approx(_centre_x(report), abs=3)
    assert page.locator(".pd-legend").is_visible()
    assert page.locator(".pd-conn-event .pd-event").first.is_visible()
    shot(page, "protocol-diagram")

    # 3. On a phone the lanes stack in one column, nothing wider than the screen.
    phone = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, storage_state=context.storage_state(),
    )  # fmt: skip
    mobile = phone.new_page()
    mobile.goto(f"{base}/protocols/multisector/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = mobile.locator(".pd-box")
    assert boxes.count() == 10
    assert not mobile.locator(".pd-lines").first.is_visible()
    assert boxes.nth(0).bounding_box()["width"] > 300  # one box across the screen
    shot(mobile, "protocol-diagram-phone")
    mobile.goto(f"{base}/cases/{w.case.pk}/protocol/diagram/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    shot(mobile, "case-protocol-diagram-phone", full_page=False)
    phone.close()

    # 4. The case on the diagram: each protocol it follows, each step in its state (a colour and
    #    a word), the owner's name.
    page.goto(f"{base}/cases/{w.case.pk}/protocol/diagram/")
    assert w.case.number in page.locator("h1").inner_text()
    assert page.locator(".pd-protocol").count() == 2
    cm = page.locator(".pd-protocol[data-protocol=coordination_mechanism]")
    # Recorded two hours after the call: the routing informed the others late.
    overdue = cm.locator(".pd-box[data-step=institutions_informed]")
    assert overdue.get_attribute("data-state") == "done_late"
    assert overdue.locator(".pd-state").is_visible()
    assert "Мария Иванова" in overdue.locator(".pd-owner").inner_text()
    done = cm.locator(".pd-box[data-step=signal_checked]")
    assert done.get_attribute("data-state") == "done_on_time"
    colours = {box.evaluate("el => getComputedStyle(el).backgroundColor") for box in (overdue, done)}
    assert len(colours) == 2  # the states look different, not only read different
    ms = page.locator(".pd-protocol[data-protocol=multisector]")
    assert ms.locator(".pd-box[data-step=assessment_conference]").get_attribute("data-state") == "on_track"
    assert ms.locator(".pd-box[data-step=plan_review]").get_attribute("data-state") == "waiting"
    assert page.locator(f"a[href='/cases/{w.case.pk}/protocol/']").first.is_visible()
    shot(page, "case-protocol-diagram")

    # 5. Print (A4 is 794 CSS pixels wide): no navigation or buttons; the diagram, its states
    #    and the confidentiality line stay.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("nav.main-nav").is_visible()
    assert not page.locator(".page-head .actions").is_visible()
    assert page.locator(".print-only").first.is_visible()
    assert overdue.is_visible() and done.is_visible()
    shot(page, "case-protocol-diagram-print")
    page.pdf(path=str(SCREENSHOTS / "case-protocol-diagram.pdf"), format="A4", print_background=True)
    context.close()
