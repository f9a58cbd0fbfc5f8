"""An import through the services, as the worker runs it: every row checked first, then all
written in one transaction — or nothing."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import translation

from zaedno.accounts.models import Membership, Role
from zaedno.audit.models import AuditEvent
from zaedno.core.testing import ctx_for
from zaedno.imports import parsing, services
from zaedno.imports.models import ImportJob, ImportStatus
from zaedno.imports.tests.conftest import GOOD_ROWS, HEADER_EN, csv_bytes, xlsx_bytes
from zaedno.resources.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are matched in English here (the job keeps the uploader's language)."""
    with translation.override("en"):
        yield


def test_good_csv_imports_every_row(bare_world, run_import):
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.total_rows, job.processed_rows, job.created_count) == (4, 4, 4)
    assert job.errors == [] and job.started_at and job.finished_at
    services_ = list(Service.objects.filter(organisation=w.cop).order_by("pk"))
    assert [s.name for s in services_] == [r[0] for r in GOOD_ROWS]
    assert job.created_ids == [s.pk for s in services_]
    first = services_[0]
    assert (first.type, first.sector, first.settlement_id) == ("cop", "social", "10447")
    assert (first.age_min, first.age_max, first.capacity, first.free_places) == (0, 18, 40, 5)
    assert str(first.latitude) == "43.081200" and first.is_free is True
    assert services_[1].is_free is False and services_[2].is_free is True
    assert first.confirmed_by == w.stoyanov


def test_good_xlsx_imports_every_row(bare_world, run_import):
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "uslugi.xlsx", xlsx_bytes(GOOD_ROWS))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.file_format == "xlsx" and job.created_count == 4
    assert Service.objects.filter(organisation=w.cop).count() == 4
    assert Service.objects.get(name="ЦОП „Надежда“").capacity == 40


def test_english_header_and_comma_csv(bare_world, run_import):
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "services.csv", csv_bytes(GOOD_ROWS, HEADER_EN, delimiter=","))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created_count == 4


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", True, "utf-8-sig"), ("utf-8", False, "utf-8"), ("cp1251", False, "cp1251")],
)
def test_encodings(bare_world, run_import, encoding, bom, expected):
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS, encoding=encoding, bom=bom))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.encoding == expected
    assert set(Service.objects.values_list("name", flat=True)) == {r[0] for r in GOOD_ROWS}


def test_three_bad_rows_reported_and_nothing_imported(bare_world, run_import):
    w = bare_world
    rows = [list(r) for r in GOOD_ROWS] + [list(GOOD_ROWS[0]) for _ in range(3)]
    rows[4][0] = "Кризисен център"
    rows[4][1] = "замък"  # line 6: no such type
    rows[5][0] = "Център за работа с деца"
    rows[5][4], rows[5][5] = "15", "6"  # line 7: ages in the wrong order
    rows[6][0] = "Приемна грижа"
    rows[6][3] = "99999"  # line 8: no such settlement
    rows[1][6] = ""  # still good: capacity is optional
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(rows))
    assert job.status == ImportStatus.FAILED
    assert Service.objects.count() == 0
    assert job.created_count == 0 and job.created_ids == []
    assert [(e["line"], e["column"]) for e in job.errors] == [
        (6, "Вид"),
        (7, "До възраст"),
        (8, "Населено място (ЕКАТТЕ)"),
    ]
    reasons = [e["reason"] for e in job.errors]
    assert "“замък” is not one of the values of this column" in reasons[0] and "“ЦОП”" in reasons[0]
    assert "wrong order" in reasons[1] and "15" in reasons[1]
    assert "99999" in reasons[2]
    assert job.processed_rows == job.total_rows == 7


def test_empty_required_cell_and_blank_lines_keep_spreadsheet_numbers(bare_world, run_import):
    w = bare_world
    rows = [GOOD_ROWS[0], [], [], ["", "ЦОП", "", "10447"], GOOD_ROWS[1]]
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(rows))
    assert job.status == ImportStatus.FAILED
    assert job.total_rows == 3
    assert job.errors == [
        {"line": 5, "column": "Име", "reason": "Empty, but this column must be filled in on every row."}
    ]


def test_header_problems_fail_at_line_one(bare_world, run_import):
    w = bare_world
    header = ["Име", "Любим цвят", "Име", "Капацитет"]
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes([["А", "син", "Б", "3"]], header))
    assert job.status == ImportStatus.FAILED
    assert all(e["line"] == 1 for e in job.errors)
    text = " ".join(e["reason"] for e in job.errors)
    assert "“Любим цвят” (column B) is not a column of the template" in text
    assert "columns A and C" in text
    assert "“Вид” is missing" in text and "“Населено място (ЕКАТТЕ)” is missing" in text


def test_duplicates_in_the_file_and_on_the_map(bare_world, run_import):
    w = bare_world
    assert run_import(w.stoyanov, w.cop, "a.csv", csv_bytes(GOOD_ROWS[:1])).status == ImportStatus.DONE
    job = run_import(w.stoyanov, w.cop, "b.csv", csv_bytes([GOOD_ROWS[1], GOOD_ROWS[1], GOOD_ROWS[0]]))
    assert job.status == ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "Име"), (4, "Име")]
    assert "Line 2 has the same name" in job.errors[0]["reason"]
    assert "already on the map" in job.errors[1]["reason"]
    assert Service.objects.count() == 1


def test_failure_in_the_middle_of_writing_rolls_everything_back(bare_world, run_import):
    w = bare_world
    from zaedno.resources.services import service_create as real_create

    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DatabaseError("disk full")
        return real_create(**kwargs)

    with mock.patch("zaedno.imports.services.service_create", side_effect=flaky):
        job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert calls["n"] == 3
    assert job.status == ImportStatus.FAILED
    assert Service.objects.count() == 0
    assert job.created_count == 0 and job.created_ids == []
    assert job.errors[0]["line"] == 4  # the third row is line 4
    assert "unexpected error" in job.errors[0]["reason"]
    assert job.errors[-1] == {
        "line": None,
        "column": "",
        "reason": "Nothing was imported: the file is imported whole or not at all.",
    }
    assert not AuditEvent.objects.filter(action="service.create").exists()
    assert AuditEvent.objects.filter(action="import.failed", object_id=str(job.pk)).exists()


def test_service_refusing_a_row_while_writing_rolls_back_with_its_reason(bare_world, run_import):
    w = bare_world
    from zaedno.resources.services import service_create as real_create

    def refuse_second(**kwargs):
        if kwargs["data"]["name"] == GOOD_ROWS[1][0]:
            raise ValidationError({"capacity": ["The capacity is not plausible."]})
        return real_create(**kwargs)

    with mock.patch("zaedno.imports.services.service_create", side_effect=refuse_second):
        job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert job.status == ImportStatus.FAILED and Service.objects.count() == 0
    assert job.errors[0] == {"line": 3, "column": "Капацитет", "reason": "The capacity is not plausible."}


def test_progress_is_reported_in_both_phases(bare_world, run_import, monkeypatch):
    w = bare_world
    seen = []
    real = services._report

    def spy(job, phase, processed):
        seen.append((str(phase), processed))
        real(job, phase, processed)

    monkeypatch.setattr(services, "_report", spy)
    rows = [[f"Клуб {i}", "club", "", "10447"] for i in range(120)]
    header = ["Име", "Вид", "Сектор", "Населено място (ЕКАТТЕ)"]
    job = run_import(w.stoyanov, w.cop, "klubove.csv", csv_bytes(rows, header))
    assert job.status == ImportStatus.DONE and job.created_count == 120
    validating = [n for phase, n in seen if phase == "validating"]
    importing = [n for phase, n in seen if phase == "importing"]
    assert validating == sorted(validating) and validating[-1] == 120 and len(validating) > 10
    assert importing == sorted(importing) and importing[-1] == 120 and len(importing) > 10
    assert (job.processed_rows, job.total_rows) == (120, 120)


def test_progress_file_is_read_while_importing_and_removed_after(bare_world, run_import, data_dir):
    from zaedno.imports.progress import progress_read, progress_write

    progress_write(99, 7)
    assert progress_read(99) == 7
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert progress_read(job.pk) is None


def test_too_big_a_file_is_refused_at_upload(bare_world, monkeypatch):
    w = bare_world
    monkeypatch.setattr(parsing, "MAX_BYTES", 100)
    with pytest.raises(ValidationError) as exc:
        services.import_start(
            ctx=ctx_for(w.stoyanov),
            organisation=w.cop,
            upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS)),
        )
    assert "at most 0 MB" in str(exc.value) or "MB" in str(exc.value)
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("u.xls", b"\xd0\xcf\x11\xe0", "Old Excel files"),
        ("u.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
        ("u.csv", b"", "The file is empty"),
        ("u.xlsx", b"Name;Type\n", "not an Excel workbook"),
    ],
)
def test_files_refused_at_upload(bare_world, name, content, message):
    w = bare_world
    with pytest.raises(ValidationError) as exc:
        services.import_start(
            ctx=ctx_for(w.stoyanov), organisation=w.cop, upload=SimpleUploadedFile(name, content)
        )
    assert message in str(exc.value)


def test_too_many_rows_fail_the_job(bare_world, run_import, monkeypatch):
    w = bare_world
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert job.status == ImportStatus.FAILED
    assert job.errors == [{
        "line": None, "column": "",
        "reason": "The file has more than 3 rows; at most 3 can be imported at once. Split it into smaller files.",
    }]  # fmt: skip
    assert Service.objects.count() == 0


def test_only_the_organisations_own_people_can_import(bare_world):
    w = bare_world
    for user in (w.ivanova, w.admin, w.georgieva):
        with pytest.raises(PermissionDenied):
            services.import_start(
                ctx=ctx_for(user),
                organisation=w.cop,
                upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS)),
            )
    assert ImportJob.objects.count() == 0


def test_a_manager_chooses_among_their_organisations(bare_world, run_import):
    w = bare_world
    Membership.objects.create(user=w.nikolova, organisation=w.cop, role=Role.MANAGER)
    assert set(services.import_organisations(w.nikolova)) == {w.ozd, w.cop}
    assert list(services.import_organisations(w.stoyanov)) == [w.cop]
    assert list(services.import_organisations(w.admin)) == []
    job = run_import(w.nikolova, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert job.status == ImportStatus.DONE
    assert Service.objects.filter(organisation=w.cop).count() == 4


def test_membership_ended_before_the_worker_ran(bare_world, django_capture_on_commit_callbacks):
    w = bare_world
    job = services.import_start(
        ctx=ctx_for(w.stoyanov), organisation=w.cop, upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS))
    )
    Membership.objects.filter(user=w.stoyanov).update(is_active=False)
    services.import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "no longer keeps the entries" in job.errors[0]["reason"]
    assert Service.objects.count() == 0


def test_a_job_runs_once_and_is_audited(bare_world, run_import):
    w = bare_world
    job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes(GOOD_ROWS))
    assert services.import_run(job.pk) is None
    assert Service.objects.count() == 4
    created = AuditEvent.objects.get(action="import.create", object_id=str(job.pk))
    assert created.actor_id == w.stoyanov.pk and created.details["file"] == "uslugi.csv"
    done = AuditEvent.objects.get(action="import.done", object_id=str(job.pk))
    assert done.channel == "task" and done.details["created"] == 4
    assert AuditEvent.objects.filter(action="service.create").count() == 4


def test_reasons_are_in_the_uploaders_language(bare_world, run_import):
    w = bare_world
    with translation.override("bg"):
        job = run_import(w.stoyanov, w.cop, "uslugi.csv", csv_bytes([["Клуб", "club", "", "10447", "пет"]]))
    assert job.language == "bg"
    assert job.errors[0]["column"] == "От възраст"
    assert "цяло число" in job.errors[0]["reason"] and "пет" in job.errors[0]["reason"]


def test_a_job_whose_worker_stopped_is_failed_by_the_deadline_scan(bare_world, clock):
    from zaedno.imports.scan import interrupted_scan
    from zaedno.protocols.tasks import deadline_scan_task

    w = bare_world
    job = services.import_start(
        ctx=ctx_for(w.stoyanov), organisation=w.cop, upload=SimpleUploadedFile("u.csv", csv_bytes(GOOD_ROWS))
    )
    waiting = services.import_start(
        ctx=ctx_for(w.stoyanov), organisation=w.cop, upload=SimpleUploadedFile("v.csv", csv_bytes(GOOD_ROWS))
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, started_at=clock.now(), total_rows=4
    )
    clock.advance(minutes=29)
    assert interrupted_scan(clock.now()) == "0 interrupted imports"
    clock.advance(minutes=2)
    assert "1 interrupted imports" in deadline_scan_task.call()
    job.refresh_from_db()
    waiting.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "interrupted" in job.errors[0]["reason"]
    assert waiting.status == ImportStatus.QUEUED  # waiting for a worker is not interrupted
    assert AuditEvent.objects.filter(action="import.failed", object_id=str(job.pk), channel="task").exists()
    assert interrupted_scan(clock.now()) == "0 interrupted imports"
