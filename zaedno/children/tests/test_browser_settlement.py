"""The settlement picker in a real browser: typing "Велико Т" is not a choice (issue 12, item 12).

ivanova registers a boy, types part of the town's name and presses the button without clicking
a result: the form comes back with the typed text and "choose the settlement from the list";
she chooses Велико Търново and the child is registered there. Leaving the box empty registers a
child whose settlement is not known. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.children.models import Child
from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def w(db):
    return build_world(with_case=False)


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(f"{base}/work/")


def test_a_typed_settlement_must_be_chosen_from_the_list(django_db_setup, browser, live_server, w):
    try:
        _walk(browser, live_server.url)
    finally:
        connections.close_all()


def _fill_child(page, first, last):
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_birth_date", "15.03.2012")
    page.check("input[name=sex][value=m]")


def _walk(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, "ivanova")
    page.goto(f"{base}/children/new/")
    _fill_child(page, "Калоян", "Димов")
    page.fill("#settlement-q", "Велико Т")
    page.wait_for_selector("#settlement-picker input[value='10447']")  # the list is offered…
    page.get_by_role("button", name="Регистриране на детето").click()  # …but nothing was chosen
    error = page.locator("#id_settlement_error")
    error.wait_for()
    assert "Изберете населеното място от списъка" in error.inner_text()
    assert page.input_value("#settlement-q") == "Велико Т"
    assert not Child.objects.filter(last_name="Димов").exists()
    shot(page, "settlement-01-typed-not-chosen")

    # She chooses it from the list: registered in Велико Търново.
    page.fill("#settlement-q", "Велико Търн")
    page.locator("#settlement-picker input[value='10447']").check()
    page.get_by_role("button", name="Регистриране на детето").click()
    page.wait_for_selector("h1:has-text('Калоян Димов')")
    assert Child.objects.get(last_name="Димов").settlement_id == "10447"
    shot(page, "settlement-02-chosen")

    # Where the child lives is not known: the box left empty is allowed.
    page.goto(f"{base}/children/new/")
    _fill_child(page, "Ивайло", "Маринов")
    page.get_by_role("button", name="Регистриране на детето").click()
    page.wait_for_selector("h1:has-text('Ивайло Маринов')")
    assert Child.objects.get(last_name="Маринов").settlement_id is None
    context.close()
