"""Issue 12 in a real browser (Playwright + Debian Chromium), screenshots in
``test-artifacts/screenshots/``:

* item 15 — the draft form grows in place: "add a goal" and "add an action" swap the form with
  htmx (the page is not reloaded, what was typed stays), and an action chooses the goal written in
  the same edit, offered by its row and words;
* item 9 — the family information sheet is chosen, not copied: nothing of the plan is on it until
  the case lead ticks it, the safety action about the stepfather is flagged, ticking updates the
  preview at once, and only the saved choice is printed.
"""

from __future__ import annotations

import re

import pytest
from django.db import connections

from zaedno.cases.access import access_for
from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world, ctx_for
from zaedno.plans import services
from zaedno.plans.models import FamilySheet, Plan
from zaedno.plans.tests.helpers import SAFETY_ACTION, SCHOOL_ACTION, household_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w(protocols):
    return household_plan(build_world())


def _login(browser, base, username="ivanova"):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def test_the_draft_form_adds_rows_in_place(django_db_setup, browser, live_server, w):
    try:
        _add_rows(browser, live_server.url, w)
    finally:
        connections.close_all()


def _add_rows(browser, base, w):
    # A new version of the agreed plan: its draft has one goal, and the form's spare rows.
    draft = services.plan_start(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case))
    context, page = _login(browser, base)
    page.goto(f"{base}/cases/{w.case.pk}/plan/{draft.pk}/edit/")
    rows = int(page.input_value("#id_goals-TOTAL_FORMS"))
    for i in range(1, rows):  # fill the spare goal rows
        page.select_option(f"#id_goals-{i}-domain", "emotional")
        page.fill(f"#id_goals-{i}-text", f"Георги се чувства сигурен вкъщи ({i}).")
    page.evaluate("window.__notReloaded = true")

    page.get_by_role("button", name="Добави цел").click()
    page.wait_for_selector(f"#id_goals-{rows}-text")
    assert page.evaluate("window.__notReloaded === true")  # swapped in place by htmx
    assert page.input_value("#id_goals-TOTAL_FORMS") == str(rows + 1)
    assert page.input_value("#id_goals-1-text").startswith("Георги се чувства сигурен")  # kept
    assert page.evaluate("document.activeElement.id") == f"id_goals-{rows}-domain"  # the new row
    page.select_option(f"#id_goals-{rows}-domain", "health")
    page.fill(f"#id_goals-{rows}-text", "Георги спи спокойно всяка нощ.")

    actions = int(page.input_value("#id_actions-TOTAL_FORMS"))
    page.get_by_role("button", name="Добави дейност").click()
    page.wait_for_selector(f"#id_actions-{actions}-text")
    assert page.evaluate("window.__notReloaded === true")
    # The new goal is offered to the new action by its number and words, before any save.
    select = f"#id_actions-{actions}-goal"
    label = next(o for o in page.locator(f"{select} option").all_inner_texts() if "спи спокойно" in o)
    assert label.startswith(f"{rows + 1}.")
    page.fill(f"#id_actions-{actions}-text", "Майката води Георги на преглед при педиатър.")
    page.select_option(select, label=label)
    page.select_option(f"#id_actions-{actions}-who_kind", "parent")
    page.fill(f"#id_actions-{actions}-who_name", "Майката")
    shot(page, "plan-edit-rows-added")
    page.locator("#plan-edit .form-actions button.btn-primary").click()
    page.wait_for_url(re.compile(rf"/plan/{draft.pk}/$"))
    assert "спи спокойно" in page.locator(".plan-goal").last.inner_text()
    assert "педиатър" in page.locator(".plan-goal").last.inner_text()
    context.close()
    saved = Plan.objects.get(pk=draft.pk).actions.get(text__contains="педиатър")
    assert saved.goal.text == "Георги спи спокойно всяка нощ."


def test_the_family_sheet_is_chosen_with_a_preview(django_db_setup, browser, live_server, w):
    try:
        _family_sheet(browser, live_server.url, w)
    finally:
        connections.close_all()


def _family_sheet(browser, base, w):
    context, page = _login(browser, base)
    page.goto(f"{base}/cases/{w.case.pk}/documents/family-sheet/")
    preview = page.locator("#sheet-preview")
    assert SCHOOL_ACTION not in preview.inner_text() and SAFETY_ACTION not in preview.inner_text()
    # The safety action about the stepfather is flagged before anyone ticks it.
    flagged = page.locator(f"#sheet-action-{w.safety_action.pk}")
    assert "Иван Петков" in flagged.inner_text() and "живее с детето" in flagged.inner_text()
    assert "Георгиева" in flagged.inner_text()
    shot(page, "family-sheet-choice")

    page.evaluate("window.__notReloaded = true")
    page.check(f"#sheet-action-{w.school_action.pk} input[type=checkbox]")
    page.wait_for_function(
        "t => document.querySelector('#sheet-preview').innerText.includes(t)", arg=SCHOOL_ACTION
    )
    assert page.evaluate("window.__notReloaded === true")  # the preview was swapped in place
    assert "не е запазено" in page.locator("#sheet-preview").inner_text()
    assert not FamilySheet.objects.filter(case=w.case).exists()  # a preview saves nothing

    page.get_by_role("button", name="Запази какво влиза в листа").click()
    page.wait_for_load_state()
    page.wait_for_selector(".alert, .messages, [role=status]")
    text = page.locator("#sheet-preview").inner_text()
    assert SCHOOL_ACTION in text and SAFETY_ACTION not in text and "Георгиева" not in text
    shot(page, "family-sheet-chosen")
    context.close()
    assert list(FamilySheet.objects.get(case=w.case).actions.all()) == [w.school_action]

    # A member of the team sees the sheet and is told who chooses.
    context, page = _login(browser, base, "petrov")
    page.goto(f"{base}/cases/{w.case.pk}/documents/family-sheet/")
    assert page.locator("#sheet-choice").count() == 0
    assert "Мария Иванова, Надежда Николова" in page.locator(".who-can").inner_text()
    context.close()
