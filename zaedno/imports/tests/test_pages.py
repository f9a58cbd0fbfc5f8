"""The import pages: upload and list, the job page with its progress bar (htmx polling and a
refresh without JavaScript) and its result, the templates to download, and outsiders' 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zaedno.accounts.models import Membership, Role
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.imports import parsing, services
from zaedno.imports.models import ImportJob, ImportStatus
from zaedno.imports.progress import progress_write
from zaedno.imports.tests.conftest import GOOD_ROWS, csv_bytes
from zaedno.resources.models import Service

pytestmark = pytest.mark.django_db

# Not members of the ЦОП (stoyanov's organisation), whose jobs these tests make.
OUTSIDERS = ["ivanova", "nikolova", "georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, name, content, **extra):
    with_file = {"file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("imports:list"), with_file)


def queued(w, rows=GOOD_ROWS) -> ImportJob:
    """A job uploaded but not yet taken by the worker (its task is not run: no on_commit here)."""
    return services.import_start(
        ctx=ctx_for(w.stoyanov), organisation=w.cop, upload=SimpleUploadedFile("uslugi.csv", csv_bytes(rows))
    )


def test_upload_runs_the_import_and_shows_the_created_entries(
    client, bare_world, django_capture_on_commit_callbacks
):
    w = bare_world
    login(client, w.stoyanov)
    page = client.get(reverse("imports:list")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert (
        reverse("imports:template", args=["csv"]) in page
        and reverse("imports:template", args=["xlsx"]) in page
    )
    assert 'type="hidden" name="organisation"' in page  # one organisation: nothing to choose
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=w.cop.pk)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.uploaded_by == w.stoyanov
    page = client.get(response["Location"]).content.decode()
    for service in Service.objects.all():
        assert reverse("resources:detail", args=[service.pk]) in page and service.name in page
    assert "hx-trigger" not in page and 'http-equiv="refresh"' not in page
    assert 'value="4"' in page  # the bar is full
    listing = client.get(reverse("imports:list")).content.decode()
    assert "uslugi.csv" in listing and reverse("imports:detail", args=[job.pk]) in listing


def test_failed_import_lists_every_bad_line(client, bare_world, django_capture_on_commit_callbacks):
    w = bare_world
    rows = [GOOD_ROWS[0], ["Без вид", "", "", "10447"], GOOD_ROWS[1], ["Далечен", "club", "", "12345"]]
    login(client, w.stoyanov)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "uslugi.csv", csv_bytes(rows), organisation=w.cop.pk)
    page = client.get(response["Location"]).content.decode()
    assert Service.objects.count() == 0
    assert "import-errors" in page
    assert '<td class="num" data-label' in page
    for line, column in ((3, "Вид"), (5, "Населено място (ЕКАТТЕ)")):
        assert f">{line}</td>" in page and column in page
    assert "12345" in page
    assert "window.print()" in page


def test_bad_upload_is_shown_on_the_form(client, bare_world, monkeypatch):
    w = bare_world
    login(client, w.stoyanov)
    monkeypatch.setattr(parsing, "MAX_BYTES", 50)
    response = upload(client, "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=w.cop.pk)
    assert response.status_code == 200 and ImportJob.objects.count() == 0
    assert "has-error" in response.content.decode()
    response = upload(client, "uslugi.pdf", b"%PDF", organisation=w.cop.pk)
    assert "has-error" in response.content.decode()


def test_a_manager_chooses_the_organisation_and_cannot_pick_anothers(client, bare_world):
    w = bare_world
    Membership.objects.create(user=w.nikolova, organisation=w.cop, role=Role.MANAGER)
    login(client, w.nikolova)
    page = client.get(reverse("imports:list")).content.decode()
    assert '<select name="organisation"' in page and w.cop.name in page
    response = upload(client, "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=w.school.pk)
    assert response.status_code == 200 and ImportJob.objects.count() == 0
    assert "has-error" in response.content.decode()


def test_who_cannot_import_gets_no_form_and_a_refused_post(client, bare_world):
    w = bare_world
    login(client, w.admin)  # an administrator of the municipality keeps no entries
    page = client.get(reverse("imports:list")).content.decode()
    assert 'enctype="multipart/form-data"' not in page
    assert upload(client, "uslugi.csv", csv_bytes(GOOD_ROWS)).status_code == 403
    assert ImportJob.objects.count() == 0


def test_progress_polls_while_running_and_refreshes_without_javascript(client, bare_world):
    w = bare_world
    job = queued(w)
    login(client, w.stoyanov)
    detail = reverse("imports:detail", args=[job.pk])
    progress = reverse("imports:progress", args=[job.pk])
    page = client.get(detail).content.decode()
    assert f'hx-get="{progress}"' in page and 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert f'href="{detail}"' in page  # a refresh link

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, total_rows=4, processed_rows=2)
    part = client.get(progress, headers={"HX-Request": "true"})
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert 'max="4" value="2"' in body and "hx-trigger" in body and "HX-Refresh" not in part

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, processed_rows=0)
    progress_write(job.pk, 3)
    assert 'max="4" value="3"' in client.get(progress, headers={"HX-Request": "true"}).content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed_rows=4, created_count=4)
    part = client.get(progress, headers={"HX-Request": "true"})
    assert part["HX-Refresh"] == "true" and "hx-trigger" not in part.content.decode()
    page = client.get(detail).content.decode()
    assert "hx-trigger" not in page and "noscript" not in page


def test_the_list_shows_only_my_organisations_jobs_newest_first(
    client, bare_world, django_assert_max_num_queries
):
    w = bare_world
    jobs = [queued(w) for _ in range(3)]
    services.import_start(
        ctx=ctx_for(w.koleva),
        organisation=w.ngo,
        upload=SimpleUploadedFile("ngo-only.csv", csv_bytes(GOOD_ROWS)),
    )
    login(client, w.stoyanov)
    page = client.get(reverse("imports:list")).content.decode()
    assert "ngo-only.csv" not in page
    positions = [page.index(reverse("imports:detail", args=[j.pk]) + '"') for j in reversed(jobs)]
    assert positions == sorted(positions)
    for _ in range(10):
        queued(w)
    with django_assert_max_num_queries(12):
        client.get(reverse("imports:list"))


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404(client, bare_world, name):
    w = bare_world
    job = queued(w)
    login(client, getattr(w, name))
    for url in (reverse("imports:detail", args=[job.pk]), reverse("imports:progress", args=[job.pk])):
        assert client.get(url).status_code == 404
    assert client.get(reverse("imports:detail", args=[job.pk + 1000])).status_code == 404
    assert "uslugi.csv" not in client.get(reverse("imports:list")).content.decode()


def test_templates_download(client, bare_world):
    login(client, bare_world.stoyanov)
    response = client.get(reverse("imports:template", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Населено място (ЕКАТТЕ)" in response.content.decode("utf-8-sig")
    response = client.get(reverse("imports:template", args=["xlsx"]))
    assert response.content.startswith(parsing.XLSX_MAGIC)
    assert client.get(reverse("imports:template", args=["pdf"])).status_code == 404


def test_pages_need_a_login(client, bare_world):
    job = queued(bare_world)
    for url in (reverse("imports:list"), reverse("imports:detail", args=[job.pk])):
        assert client.get(url).status_code == 302


def test_the_result_page_keeps_a_fixed_query_budget(
    client, bare_world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    w = bare_world
    rows = [[f"Клуб {i}", "club", "", "10447"] for i in range(60)]
    login(client, w.stoyanov)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, "klubove.csv", csv_bytes(rows, ["Име", "Вид", "Сектор", "ЕКАТТЕ"]), organisation=w.cop.pk
        )
    with django_assert_max_num_queries(8):
        page = client.get(response["Location"]).content.decode()
    assert page.count("/resources/") >= 60
