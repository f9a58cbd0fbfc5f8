"""The downloadable templates of an import file: the header and one example row, as CSV (UTF-8
with a byte-order mark and ``;`` between values, as Excel in Bulgarian opens it) and as XLSX (with
a second sheet that explains every column and lists the types and sectors)."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from zaedno.imports.columns import BY_FIELD, COLUMNS
from zaedno.organisations.models import Sector
from zaedno.resources.models import ServiceType
from zaedno.resources.services import SERVICE_FIELDS


def template_language() -> str:
    return "bg" if (translation.get_language() or "bg").startswith("bg") else "en"


def header() -> list[str]:
    return [c.header(template_language()) for c in COLUMNS]


def example() -> list[str]:
    return [c.example for c in COLUMNS]


def template_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header())
    writer.writerow(example())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _what(kind: str) -> str:
    return {
        "text": _("Text."),
        "longtext": _("Text; may be long."),
        "choice": _("A code or a name from the lists below."),
        "int": _("A whole number."),
        "decimal": _("Degrees with a decimal point or comma, e.g. 43.0812."),
        "bool": _("“yes” or “no”; empty means yes."),
        "ekatte": _("The five-digit EKATTE code of the settlement, e.g. 10447 for Veliko Tarnovo."),
        "email": _("An e-mail address."),
        "url": _("A web address."),
    }.get(kind, "")


def template_xlsx() -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Services")[:31]
    sheet.append(header())
    sheet.append(example())
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            12, len(column.header(template_language())) + 4
        )
        if column.field == "settlement":
            sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    help_sheet = book.create_sheet(_("How to fill it in")[:31])
    help_sheet.append([_("Column"), _("Required"), _("What to write")])
    for cell in help_sheet[1]:
        cell.font = bold
    for column in COLUMNS:
        spec = SERVICE_FIELDS[column.field]
        help_sheet.append(
            [column.header(template_language()), _("yes") if spec.required else _("no"), _what(spec.type)]
        )
    help_sheet.append([])
    help_sheet.append(
        [_("Types (column “%(column)s”)") % {"column": BY_FIELD["type"].header(template_language())}]
    )
    help_sheet.cell(row=help_sheet.max_row, column=1).font = bold
    for value, label in ServiceType.choices:
        help_sheet.append([value, str(label)])
    help_sheet.append([])
    help_sheet.append([_("Sectors (column “%(column)s”; empty = the usual one of the type)") % {
        "column": BY_FIELD["sector"].header(template_language())
    }])  # fmt: skip
    help_sheet.cell(row=help_sheet.max_row, column=1).font = bold
    for value, label in Sector.choices:
        help_sheet.append([value, str(label)])
    help_sheet.column_dimensions["A"].width = 34
    help_sheet.column_dimensions["B"].width = 44
    help_sheet.column_dimensions["C"].width = 70
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
