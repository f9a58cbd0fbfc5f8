"""The front door in a real browser (Playwright + Debian Chromium), with screenshots.

petrov, a school psychologist, records a signal about a boy beaten at home → it lands in the
queue of ОЗД Велико Търново → ivanova (on intake duty) takes it, checks it, registers the child
and opens the case as its lead → petrov, who reported it, is in the team. petrov's own view says
what became of his signal before and after, and never showed the case before he joined.
Screenshots go to ``test-artifacts/screenshots/`` (kept by CI).
"""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.cases.models import Case, TeamMember
from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world
from zaedno.signals.models import Signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w(protocols):
    return build_world(with_case=False)


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(f"{base}/work/")


def test_a_school_signal_becomes_a_case_led_by_the_ozd(django_db_setup, browser, live_server, w):
    try:
        _walk(browser, live_server.url, w)
    finally:
        connections.close_all()


def _walk(browser, base, w):
    # 1. petrov records the signal: the child as he knows him, what happened, who reported.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "petrov")
    page.locator("nav.main-nav").get_by_role("link", name="Сигнали", exact=True).click()
    page.get_by_role("link", name="Подай сигнал").first.click()
    page.wait_for_selector("h1:has-text('Подаване на сигнал')")
    page.fill("#id_child_first_name", "Николай")
    page.fill("#id_child_last_name", "Стоянов")
    page.fill("#id_child_age", "14")
    page.select_option("#id_child_sex", "m")
    page.fill("#settlement-q", "Велико Търн")
    page.locator("#settlement-picker input[value='10447']").check()
    page.fill("#id_child_school", "СУ „Вела Благоева“, 8 клас")
    page.select_option("#id_category", "violence")
    page.fill(
        "#id_description", "Николай сподели, че пастрокът го бие с колан, когато е пил. Има синини по гърба."
    )
    page.fill("#id_occurred", "снощи")
    page.check("input[name=urgency][value=urgent]")
    shot(page, "signal-01-petrov-records")
    page.get_by_role("button", name="Изпрати сигнала").click()
    page.wait_for_selector("h1:has-text('Сигнал S-VTR04-')")
    signal = Signal.objects.get()
    assert signal.recipient == w.ozd and signal.reporter_user == w.petrov
    text = page.locator("main").inner_text()
    assert "ОЗД Велико Търново" in text and "ДПС" in text  # where it went, at once
    assert "получен" in text
    shot(page, "signal-02-petrov-sent")
    context.close()

    # 2. ivanova, on intake duty, finds it at the top of the department's queue with its clocks.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "ivanova")
    assert signal.number in page.locator("main").inner_text()  # "my work" shows it waiting
    page.locator("nav.main-nav").get_by_role("link", name="Входящи сигнали").click()
    row = page.locator("table.signal-table tbody tr").first
    assert signal.number in row.inner_text() and "остават" in row.inner_text()
    shot(page, "signal-03-ivanova-queue")
    row.get_by_role("link", name=signal.number).click()
    assert "Петър Петров" in page.locator("main").inner_text()  # the department sees who reported
    page.get_by_role("button", name="Поемам го").click()
    page.wait_for_selector("text=Петър Петров")

    # 3. She records the check.
    page.fill("#id_actions", "Разговор с Николай в училище с психолога; посещение в дома.")
    page.fill("#id_findings", "Детето потвърждава; синини по гърба. Майката не знаеше.")
    shot(page, "signal-04-ivanova-check")
    page.get_by_role("button", name="Запиши проверката").click()
    page.wait_for_selector("text=Проверката е записана")

    # 4. She finds the child (not registered) and registers him from what the check established.
    page.get_by_role("link", name="Намерете или регистрирайте детето").first.click()
    page.fill("#id_birth_date", "09.01.2012")
    page.check("input[name=sex][value=m]")
    page.get_by_role("button", name="Потърси детето").click()
    page.wait_for_selector("text=Няма съвпадащо регистрирано дете")
    shot(page, "signal-05-ivanova-finds-the-child")
    page.get_by_role("button", name="Регистрирай като ново дете").click()
    page.wait_for_selector("text=сигналът е за това дете")

    # 5. She opens the case as its lead; petrov, who reported it, is proposed for the team.
    page.locator("#decide summary", has_text="Откриване на случай").click()
    assert "Предложен за екипа: Петър Петров" in page.locator("#decide").inner_text()
    page.fill("#id_summary", "Насилие от пастрока; среща на екипа до 24 часа.")
    shot(page, "signal-06-ivanova-decides")
    page.locator("#decide").get_by_role("button", name="Откриване на случая").click()
    page.wait_for_selector(".page-head h1:has-text('Случай')")
    case = Case.objects.get()
    assert (case.lead, case.lead_organisation) == (w.ivanova, w.ozd)
    assert TeamMember.objects.filter(case=case, user=w.petrov, left_at__isnull=True).exists()
    team = page.locator("section[aria-labelledby=team-title]").inner_text()
    assert "Петър Петров" in team and "Мария Иванова" in team
    signals = page.locator("section[aria-labelledby=signals-title]").inner_text()
    assert signal.number in signals and "Петър Петров" in signals  # the lead sees who reported
    shot(page, "signal-07-case-opened")
    context.close()

    # 6. petrov: his signal says "case opened"; he is in the team now, at the standard level —
    #    the case page shows him neither what was reported nor who reported it.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "petrov")
    page.goto(f"{base}/signals/")
    assert "открит случай" in page.locator("main").inner_text()
    shot(page, "signal-08-petrov-outcome-phone")
    page.goto(f"{base}/cases/{case.pk}/")
    signals = page.locator("section[aria-labelledby=signals-title]").inner_text()
    assert "пастрокът" not in signals and "Ограничен достъп" in signals
    shot(page, "signal-09-petrov-in-the-team-phone")
    context.close()
