"""The import journey in Chromium on a phone: a file with bad rows is refused whole and its lines
listed; the corrected file is imported and its entries linked. Screenshots in test-artifacts."""

from __future__ import annotations

import pytest
from django.db import connections

from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD
from zaedno.imports.models import ImportJob
from zaedno.imports.tests.conftest import GOOD_ROWS, csv_bytes, xlsx_bytes
from zaedno.resources.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_import_journey(django_db_setup, browser, live_server, bare_world, tmp_path):
    try:
        _journey(browser, live_server.url, bare_world, tmp_path)
    finally:
        connections.close_all()


def _journey(browser, base, w, tmp_path):
    context = browser.new_context(locale="bg-BG", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "stoyanov")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(f"{base}/work/")

    bad = [list(r) for r in GOOD_ROWS]
    bad[1][1] = "замък"
    bad[2][4], bad[2][5] = "15", "6"
    bad[3][3] = "99999"
    (tmp_path / "uslugi.csv").write_bytes(csv_bytes(bad, encoding="cp1251"))
    page.goto(f"{base}/imports/")
    shot(page, "imports-01-upload")
    page.set_input_files("#id_file", str(tmp_path / "uslugi.csv"))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_selector("table.import-errors")
    lines = page.locator("table.import-errors tbody td.num").all_inner_texts()
    assert lines == ["3", "4", "5"]
    assert Service.objects.count() == 0
    shot(page, "imports-02-bad-rows")

    (tmp_path / "uslugi.xlsx").write_bytes(xlsx_bytes(GOOD_ROWS))
    page.goto(f"{base}/imports/")
    page.set_input_files("#id_file", str(tmp_path / "uslugi.xlsx"))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_selector("section.import-result a")
    assert page.locator("section.import-result a").count() == 4
    assert Service.objects.filter(organisation=w.cop).count() == 4
    shot(page, "imports-03-done")
    page.goto(f"{base}/imports/")
    assert page.locator("table.import-jobs tbody tr").count() == ImportJob.objects.count() == 2
    shot(page, "imports-04-list")
    context.close()
