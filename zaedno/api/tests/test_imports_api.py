"""API v1 of imports: upload a file (202 with the job), follow the job; 404 for outsiders."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zaedno.accounts.models import Membership, Role
from zaedno.api.tests.conftest import OUTSIDERS, last_event
from zaedno.core.testing import ctx_for
from zaedno.imports import services
from zaedno.imports.models import ImportJob
from zaedno.imports.tests.conftest import GOOD_ROWS, csv_bytes, xlsx_bytes
from zaedno.resources.models import Service

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/services/"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def post(client, name, content, **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **extra}, format="multipart")


def test_upload_answers_202_and_the_job_shows_the_result(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = post(api("stoyanov"), "uslugi.xlsx", xlsx_bytes(GOOD_ROWS))
    assert r.status_code == 202, r.content
    job = ImportJob.objects.get()
    body = r.json()
    assert body["id"] == job.pk and body["url"] == f"/api/v1/imports/{job.pk}/"
    assert body["page_url"] == reverse("imports:detail", args=[job.pk])
    assert body["organisation"]["id"] == world.cop.pk and body["uploaded_by"]["username"] == "stoyanov"
    detail = api("stoyanov").get(body["url"])
    assert detail.status_code == 200
    data = detail.json()
    assert data["status"] == "done" and data["created_count"] == 4 and data["errors"] == []
    assert data["progress"] == {"phase": "done", "processed": 4, "total": 4, "percent": 100}
    assert sorted(data["created_ids"]) == sorted(Service.objects.values_list("pk", flat=True))
    event = last_event(action="import.create")
    assert event.channel == "api" and event.object_id == str(job.pk)


def test_bad_rows_come_back_per_line(api, world, django_capture_on_commit_callbacks):
    rows = [GOOD_ROWS[0], ["Без населено място", "club", "", ""], ["Клуб", "club", "", "10447", "-1"]]
    with django_capture_on_commit_callbacks(execute=True):
        r = post(api("stoyanov"), "uslugi.csv", csv_bytes(rows))
    data = api("stoyanov").get(r.json()["url"]).json()
    assert data["status"] == "failed" and data["created_count"] == 0
    assert [(e["line"], e["column"]) for e in data["errors"]] == [
        (3, "Населено място (ЕКАТТЕ)"),
        (4, "От възраст"),
    ]
    assert all(e["reason"] for e in data["errors"])
    assert Service.objects.count() == 0


def test_a_queued_job_shows_its_phase(api, world):
    job = services.import_start(
        ctx=ctx_for(world.stoyanov),
        organisation=world.cop,
        upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS)),
    )
    data = api("stoyanov").get(f"/api/v1/imports/{job.pk}/").json()
    assert data["status"] == "queued" and data["progress"]["phase"] == "queued" and data["started_at"] is None


def test_upload_refusals(api, world):
    r = post(api("stoyanov"), "uslugi.pdf", b"%PDF-1.4")
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    r = post(api("stoyanov"), "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=world.school.pk)
    assert r.status_code == 400 and "organisation" in r.json()["error"]["fields"]
    r = api("stoyanov").post(URL, {}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    assert api("stoyanov").post(URL, {"file": "x"}, format="json").status_code == 415
    assert ImportJob.objects.count() == 0


def test_a_manager_of_several_organisations_names_one(api, world, django_capture_on_commit_callbacks):
    Membership.objects.create(user=world.nikolova, organisation=world.cop, role=Role.MANAGER)
    r = post(api("nikolova"), "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert r.status_code == 400 and "several" in r.json()["error"]["fields"]["organisation"][0]
    with django_capture_on_commit_callbacks(execute=True):
        r = post(api("nikolova"), "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=world.cop.pk)
    assert r.status_code == 202 and r.json()["organisation"]["id"] == world.cop.pk
    assert Service.objects.filter(organisation=world.cop).count() == 4


@pytest.mark.parametrize("name", OUTSIDERS + ["ivanova", "petrov"])
def test_outsiders_get_404_and_cannot_import_for_another_organisation(api, world, name):
    job = services.import_start(
        ctx=ctx_for(world.stoyanov),
        organisation=world.cop,
        upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS)),
    )
    client = api(name)
    r = client.get(f"/api/v1/imports/{job.pk}/")
    assert r.status_code == 404
    assert r.json() == client.get(f"/api/v1/imports/{job.pk + 1000}/").json()
    r = post(client, "uslugi.csv", csv_bytes(GOOD_ROWS), organisation=world.cop.pk)
    assert r.status_code == 400
    assert ImportJob.objects.count() == 1


def test_anonymous_gets_401():
    from rest_framework.test import APIClient

    assert APIClient().post(URL, {}, format="multipart").status_code == 401
    assert APIClient().get("/api/v1/imports/1/").status_code == 401


def test_schema_has_the_import_endpoints(api):
    from rest_framework.test import APIClient

    paths = APIClient().get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    assert set(paths["/api/v1/imports/services/"]) >= {"post"}
    assert set(paths["/api/v1/imports/{job_id}/"]) >= {"get"}
