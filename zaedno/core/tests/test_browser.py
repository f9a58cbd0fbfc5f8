"""The main journey in a real browser (Playwright + Debian Chromium), with screenshots.

Log in as the case lead, register a child, open a case from a signal, add a school psychologist
from another organisation to the team, and see all of it in the timeline — on a desktop and on a
phone-sized screen. Screenshots go to ``test-artifacts/screenshots/`` (kept by CI).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections

from zaedno.cases.models import Case, TeamMember
from zaedno.children.identifiers import make_egn
from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD

# A live server in another thread needs committed data; the flush afterwards must restore the
# EKATTE reference data loaded by migrations, hence the serialized rollback.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_main_journey(django_db_setup, browser, live_server, bare_world):
    # django_db_setup first: the session-wide live server must stop before the test database
    # is dropped (PostgreSQL refuses to drop a database that still has sessions).
    try:
        _journey(browser, live_server.url, bare_world)
    finally:
        # Under Playwright's greenlet the ORM runs in its own context with its own connection;
        # close it here, or PostgreSQL keeps a session open on the test database.
        connections.close_all()


def _journey(browser, base: str, w) -> None:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # 1. Log in as the case lead.
    page.goto(f"{base}/login/")
    assert "Вход" in page.title()
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    shot(page, "01-login")
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(f"{base}/work/")  # professionals land on what is due
    assert page.locator("h1").inner_text() == "Моята работа"
    page.locator("nav.main-nav").get_by_role("link", name="Моите случаи").click()
    page.wait_for_url(f"{base}/cases/")
    assert page.locator("h1").inner_text() == "Моите случаи"
    shot(page, "02-my-cases-empty")

    # 2. Register a child, choosing the settlement from the EKATTE search.
    page.locator("nav.main-nav").get_by_role("link", name="Регистриране на дете").click()
    birth = dt.date(2014, 5, 20)
    egn = make_egn(birth, "m", 321)
    page.fill("#id_first_name", "Виктор")
    page.fill("#id_middle_name", "Иванов")
    page.fill("#id_last_name", "Александров")
    page.fill("#id_birth_date", birth.strftime("%d.%m.%Y"))
    page.check("input[name=sex][value=m]")
    page.fill("#id_egn", egn)
    page.fill("#settlement-q", "Велико Търн")
    page.locator("#settlement-picker input[value='10447']").check()
    page.fill("#id_address", "ул. Никола Габровски 5")
    shot(page, "03-register-child")
    page.get_by_role("button", name="Регистриране на детето").click()
    page.wait_for_selector("h1:has-text('Виктор Иванов Александров')")
    assert "20.05.2014" in page.content()
    shot(page, "04-child")

    # 3. Open a case from a signal.
    page.get_by_role("link", name="Откриване на случай по сигнал").click()
    page.wait_for_selector("h1:has-text('Откриване на случай по сигнал')")
    page.select_option("#id_category", "violence")
    page.fill("#id_reporter_name", "Класен ръководител")
    page.select_option("#id_source_sector", "education")
    page.select_option("#id_reporter_organisation", str(w.school.pk))
    page.fill("#id_description", "Детето разказа на класния ръководител за насилие вкъщи.")
    page.fill("#id_summary", "Спешна оценка на безопасността и среща на екипа до 24 часа.")
    shot(page, "05-open-case")
    page.get_by_role("button", name="Откриване на случая").click()
    page.wait_for_selector(".page-head h1:has-text('Случай')")
    case = Case.objects.get(child__egn=egn)
    assert case.lead == w.ivanova
    assert page.url == f"{base}/cases/{case.pk}/"
    shot(page, "06-case-opened")

    # 4. Add petrov, a school psychologist (another organisation, the education sector).
    page.get_by_role("link", name="Добавяне на член на екипа").click()
    page.fill("#member-q", "Петров")
    option = page.locator("#picker input[name=membership]")
    option.first.wait_for()
    assert "СУ „Вела Благоева“" in page.locator("#picker").inner_text()
    option.first.check()
    shot(page, "07-add-team-member")
    page.get_by_role("button", name="Добавяне в екипа").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    assert TeamMember.objects.filter(case=case, user=w.petrov, left_at__isnull=True).exists()

    # 5. The timeline shows the signal, the opening and both members joining.
    timeline = page.locator("#timeline").inner_text()
    number = case.signals.get().number
    assert f"Сигнал {number} е получен: насилие" in timeline
    assert "Класен ръководител" not in timeline  # who reported is protected, not on the timeline
    assert "Случаят е открит" in timeline
    assert "Мария Иванова (ОЗД Велико Търново) се включи като водещ на случая" in timeline
    assert "Петър Петров (СУ „Вела Благоева“) се включи в екипа като член на екипа" in timeline
    team = page.locator("section[aria-labelledby=team-title]").inner_text()
    assert "Петър Петров" in team and "Образование" in team
    shot(page, "08-case-team-and-timeline")

    # 6. A note through htmx lands in the notes and the timeline without a page reload.
    page.select_option("#id_section", "family")
    page.fill("#id_text", "Майката е съгласна да участва в срещата на екипа.")
    page.get_by_role("button", name="Добави бележка").click()
    page.locator("#timeline:has-text('Майката е съгласна')").wait_for()
    assert page.url == f"{base}/cases/{case.pk}/"

    # 7. My cases: live search in Latin letters finds the child written in Cyrillic.
    page.locator("nav.main-nav").get_by_role("link", name="Моите случаи").click()
    page.fill("#id_q", "Aleksandrov")
    page.locator("#case-results a.case-number").first.wait_for()
    assert case.number in page.locator("#case-results").inner_text()
    shot(page, "09-my-cases-search")

    # 8. On a phone (390 px wide), with the same session.
    phone = browser.new_context(
        locale="en-US",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        storage_state=context.storage_state(),
    )
    mobile = phone.new_page()
    mobile.goto(f"{base}/cases/{case.pk}/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    shot(mobile, "10-phone-case-top", full_page=False)
    shot(mobile, "10-phone-case")
    mobile.goto(f"{base}/cases/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    shot(mobile, "11-phone-my-cases", full_page=False)

    # 9. Print: navigation and forms are hidden.
    page.goto(f"{base}/cases/{case.pk}/")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("#notes form").is_visible()
    shot(page, "12-print-case")
    phone.close()
    context.close()
