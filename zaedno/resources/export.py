"""Export of the resource map (the current filter) to CSV and XLSX.

Cyrillic-safe: the CSV is UTF-8 with a byte-order mark, so Excel opens it in the right encoding;
the XLSX holds real dates shown as dd.mm.yyyy. Free text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``) is prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from zaedno.resources.models import Service
from zaedno.resources.services import SERVICE_FIELDS, stale_before

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _header() -> list[str]:
    head = [_("No."), capfirst(_("organisation"))]
    head += [capfirst(str(spec.label)) for spec in SERVICE_FIELDS.values()]
    head.insert(head.index(capfirst(str(SERVICE_FIELDS["settlement"].label))) + 1, _("Settlement"))
    head.insert(head.index(_("Settlement")) + 1, _("Municipality"))
    return head + [_("Last confirmed"), _("To re-confirm")]


def _rows(services: Iterable[Service]):
    """One list of values per entry, in the header's order; dates stay dates."""
    limit = stale_before()
    yes, no = _("yes"), _("no")
    for s in services:
        row: list = [s.pk, _cell(s.organisation)]
        for name, spec in SERVICE_FIELDS.items():
            value = getattr(s, name)
            if name == "settlement":
                row += [s.settlement_id, str(s.settlement), str(s.settlement.municipality)]
            elif name == "type":
                row.append(str(s.get_type_display()))
            elif name == "sector":
                row.append(str(s.get_sector_display()))
            elif spec.type == "bool":
                row.append(yes if value else no)
            elif spec.type in ("int", "decimal"):
                row.append(value)
            else:
                row.append(_cell(value))
        row += [s.last_confirmed_on, yes if s.last_confirmed_on < limit else no]
        yield row


def _filename(ext: str) -> str:
    return f"zaedno-resources-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{ext}"


def csv_response(services) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response.write("\ufeff")  # the BOM: Excel then reads the Cyrillic as UTF-8
    writer = csv.writer(response)
    writer.writerow(_header())
    for row in _rows(services.iterator(chunk_size=500)):
        writer.writerow(
            [v.strftime("%d.%m.%Y") if hasattr(v, "strftime") else ("" if v is None else v) for v in row]
        )
    return response


def xlsx_response(services) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Resource map")[:31]
    header = _header()
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_col = header.index(_("Last confirmed")) + 1
    for row in _rows(services.iterator(chunk_size=500)):
        sheet.append(row)
        cell = sheet.cell(row=sheet.max_row, column=date_col)
        cell.number_format = "dd.mm.yyyy"
    for i, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(title) + 4))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
