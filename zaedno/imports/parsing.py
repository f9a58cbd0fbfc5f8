"""Reading an uploaded spreadsheet into rows, with the line numbers the user sees.

CSV may come from Excel in Bulgarian (Windows-1251, ``;`` between values) or from anything else
(UTF-8, with or without a byte-order mark, ``,`` between values): the encoding and the delimiter
are detected. XLSX is read with openpyxl in read-only mode, first sheet only. The header is line 1;
an empty line keeps its number but is not a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # the write phase holds the audit chain's lock: keep it to seconds (docs)
XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Sheet:
    """The header and the non-empty rows of a file: ``rows`` holds (line, [cell text, …])."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str = ""


def file_format(name: str, content: bytes) -> str:
    """``csv`` or ``xlsx``, from the name and the first bytes; FileProblem otherwise."""
    lower = name.lower()
    if lower.endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        if not content.startswith(XLSX_MAGIC):
            raise FileProblem(
                _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel as .xlsx.")
            )
        return "xlsx"
    if lower.endswith(".xls"):
        raise FileProblem(
            _("Old Excel files (.xls) cannot be read. In Excel choose “Save as” and pick .xlsx or CSV.")
        )
    if lower.endswith((".csv", ".txt")):
        return "csv"
    raise FileProblem(_("Upload a .csv or .xlsx file (the template is in both formats)."))


def check_size(size: int) -> None:
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > MAX_BYTES:
        raise FileProblem(
            _(
                "The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it into smaller files."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // (1024 * 1024)}
        )


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in: UTF-8 (with or without BOM) or Windows-1251."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Bulgarian Excel saves "CSV" in Windows-1251; every byte decodes, so check it reads as text.
    text = content.decode("cp1251", errors="replace")
    return text, "cp1251"


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(";,\t", key=first.count) if first else ","


def _cell(value) -> str:
    """A spreadsheet cell as the text a user would type (10447, not 10447.0; dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows_csv(content: bytes) -> tuple[Iterator[list[str]], str]:
    text, encoding = decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return ((c.strip() for c in row) for row in reader), encoding


def _rows_xlsx(content: bytes) -> Iterator[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(
            _("The Excel file cannot be opened (%(error)s). Save it again from Excel as .xlsx.")
            % {"error": exc.__class__.__name__}
        ) from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(min_row=1, values_only=True):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def read(content: bytes, fmt: str, *, max_rows: int | None = None) -> Sheet:
    """The header and rows of a file; FileProblem if it has no header or too many rows."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    if fmt == "csv":
        lines, encoding = _rows_csv(content)
    else:
        lines, encoding = _rows_xlsx(content), ""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(lines, start=1):
            cells = list(cells)
            while cells and cells[-1] == "":
                cells.pop()
            if header is None:
                if not cells:
                    raise FileProblem(
                        _("Line 1 must be the header with the column names (see the template).")
                    )
                header = cells
                continue
            if not cells:
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                raise FileProblem(
                    _("The file has more than %(limit)s rows; at most %(limit)s can be imported at once. "
                      "Split it into smaller files.") % {"limit": f"{max_rows:,}".replace(",", " ")}
                )  # fmt: skip
    except csv.Error as exc:
        raise FileProblem(
            _("The CSV file cannot be read (%(error)s). Save it again as CSV.") % {"error": exc}
        ) from exc
    if header is None:
        raise FileProblem(_("The file is empty."))
    if not rows:
        raise FileProblem(_("The file has a header but no rows to import."))
    return Sheet(header=header, rows=rows, encoding=encoding)
