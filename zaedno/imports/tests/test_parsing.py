"""Reading files: encodings, delimiters, spreadsheet cells, line numbers, headers and limits."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from zaedno.imports import columns, parsing, samples
from zaedno.imports.tests.conftest import GOOD_ROWS, HEADER_BG, HEADER_EN, csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here (the Bulgarian catalogue is checked by CI)."""
    with translation.override("en"):
        yield


def test_utf8_with_and_without_bom_and_cp1251():
    for content, encoding in (
        (csv_bytes(GOOD_ROWS, bom=True), "utf-8-sig"),
        (csv_bytes(GOOD_ROWS), "utf-8"),
        (csv_bytes(GOOD_ROWS, encoding="cp1251"), "cp1251"),
    ):
        sheet = parsing.read(content, "csv")
        assert sheet.encoding == encoding
        assert sheet.header == HEADER_BG
        assert sheet.rows[0] == (2, GOOD_ROWS[0])


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_detected(delimiter):
    sheet = parsing.read(csv_bytes(GOOD_ROWS, HEADER_EN, delimiter=delimiter), "csv")
    assert sheet.header == HEADER_EN
    assert [cells[0] for _line, cells in sheet.rows] == [r[0] for r in GOOD_ROWS]


def test_quoted_values_with_delimiters_and_new_lines_keep_row_numbers():
    content = 'Име;Вид\n"Клуб; ""Орлета""";club\n"Дълго\nописание";club\n\nПоследен;club\n'.encode()
    sheet = parsing.read(content, "csv")
    assert sheet.rows == [
        (2, ['Клуб; "Орлета"', "club"]),
        (3, ["Дълго\nописание", "club"]),
        (5, ["Последен", "club"]),
    ]


def test_xlsx_cells_read_as_typed():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Име", "Населено място (ЕКАТТЕ)", "Географска ширина", "Капацитет", "Дата", "Безплатна"])
    sheet.append([])
    sheet.append(["Център", 10447, 43.0812, 40.0, dt.datetime(2026, 5, 1), True])
    out = io.BytesIO()
    book.save(out)
    read = parsing.read(out.getvalue(), "xlsx")
    assert read.rows == [(3, ["Център", "10447", "43.0812", "40", "2026-05-01", "true"])]


def test_xlsx_helper_rows_match_csv_rows():
    assert parsing.read(xlsx_bytes(GOOD_ROWS), "xlsx").rows == parsing.read(csv_bytes(GOOD_ROWS), "csv").rows


def test_row_limit(monkeypatch):
    rows = [[f"Клуб {i}", "club", "", "10447"] for i in range(6)]
    assert len(parsing.read(csv_bytes(rows), "csv", max_rows=6).rows) == 6
    with pytest.raises(parsing.FileProblem, match="more than 5 rows"):
        parsing.read(csv_bytes(rows), "csv", max_rows=5)


def test_size_limit_and_formats():
    with pytest.raises(parsing.FileProblem, match="at most 5 MB"):
        parsing.check_size(parsing.MAX_BYTES + 1)
    parsing.check_size(parsing.MAX_BYTES)
    assert parsing.file_format("a.CSV", b"x") == "csv"
    assert parsing.file_format("a.xlsx", parsing.XLSX_MAGIC + b"...") == "xlsx"
    assert parsing.file_format("noname", parsing.XLSX_MAGIC + b"...") == "xlsx"
    with pytest.raises(parsing.FileProblem):
        parsing.file_format("a.docx", b"...")


def test_broken_xlsx_and_headerless_files():
    with pytest.raises(parsing.FileProblem, match="cannot be opened"):
        parsing.read(parsing.XLSX_MAGIC + b"garbage", "xlsx")
    with pytest.raises(parsing.FileProblem, match="Line 1 must be the header"):
        parsing.read(b"\nName;Type\n", "csv")
    with pytest.raises(parsing.FileProblem, match="no rows"):
        parsing.read("Име;Вид\n".encode(), "csv")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Име", "name"), ("name", "name"), ("NAME *", "name"), ("Населено място (ЕКАТТЕ)", "settlement"),
        ("settlement_ekatte", "settlement"), ("Settlement EKATTE", "settlement"), ("ЕКАТТЕ", "settlement"),
        ("free places now", "free_places"), ("Свободни места:", "free_places"), ("e-mail", "email"),
        ("Любим цвят", None),
    ],
)  # fmt: skip
def test_headers_in_either_language(header, field):
    assert columns.match(header) == field


def test_every_column_fills_a_field_of_the_form():
    from zaedno.resources.forms import ServiceForm
    from zaedno.resources.services import SERVICE_FIELDS

    assert {c.field for c in columns.COLUMNS} == set(SERVICE_FIELDS) == set(ServiceForm.base_fields)
    bg = [columns.match(c.bg) for c in columns.COLUMNS]
    en = [columns.match(c.en) for c in columns.COLUMNS]
    assert bg == en == [c.field for c in columns.COLUMNS]
    assert columns.letter(0) == "A" and columns.letter(25) == "Z" and columns.letter(27) == "AB"


@pytest.mark.django_db
def test_templates_hold_the_header_and_an_example_that_validates():
    from django.utils import translation

    from zaedno.resources.forms import ServiceForm

    with translation.override("bg"):
        sheet = parsing.read(samples.template_csv(), "csv")
        assert sheet.encoding == "utf-8-sig"
        assert sheet.header == [c.bg for c in columns.COLUMNS]
        xlsx = parsing.read(samples.template_xlsx(), "xlsx")
        assert xlsx.header == sheet.header and xlsx.rows == sheet.rows
    with translation.override("en"):
        assert parsing.read(samples.template_csv(), "csv").header == [c.en for c in columns.COLUMNS]
    ((line, cells),) = sheet.rows
    form = ServiceForm(data={c.field: v for c, v in zip(columns.COLUMNS, cells, strict=True)})
    assert form.is_valid(), form.errors
