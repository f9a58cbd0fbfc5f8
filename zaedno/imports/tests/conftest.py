"""Files to import and a way to run a job as the worker would (eagerly, after the upload commits)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zaedno.core.testing import ctx_for
from zaedno.imports import services
from zaedno.imports.models import ImportJob

HEADER_BG = [
    "Име", "Вид", "Сектор", "Населено място (ЕКАТТЕ)", "От възраст", "До възраст", "Капацитет",
    "Свободни места", "Телефон", "Имейл", "Географска ширина", "Географска дължина", "Безплатна",
]  # fmt: skip
HEADER_EN = [
    "name", "type", "sector", "settlement_ekatte", "age_min", "age_max", "capacity", "free_places", "phone",
    "email", "latitude", "longitude", "is_free",
]  # fmt: skip
GOOD_ROWS = [
    ["ЦОП „Надежда“", "ЦОП", "", "10447", "0", "18", "40", "5", "062 600 000", "cop@example.org", "43,0812", "25,6290", "да"],
    ["Дневен център „Слънце“", "day_centre", "social", "10447", "3", "18", "20", "0", "", "", "", "", "не"],
    ["Клуб по шахмат „Царевец“", "club", "community", "10447", "7", "", "", "", "", "", "", "", ""],
    ["Младежки дом", "youth_centre", "", "10447", "12", "25", "", "", "", "", "", "", "да"],
]  # fmt: skip


def csv_bytes(rows, header=None, *, encoding="utf-8", delimiter=";", bom=False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER_BG if header is None else header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, header=None, *, numbers=True) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER_BG if header is None else header)
    for row in rows:
        cells = []
        for value in row:
            if numbers and isinstance(value, str) and value.isdigit():
                cells.append(int(value))  # as a spreadsheet keeps them
            else:
                cells.append(value or None)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Progress files go to a temporary ZAEDNO_DATA_DIR."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """``run_import(user, org, name, content)`` → the job after the worker's task has run."""

    def run(user, organisation, name, content) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_start(
                ctx=ctx_for(user), organisation=organisation, upload=SimpleUploadedFile(name, content)
            )
        job.refresh_from_db()
        return job

    return run
