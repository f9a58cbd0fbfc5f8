"""My cases: the list with live search, and its CSV export."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zaedno.audit.services import AuditContext
from zaedno.cases import queries
from zaedno.cases.forms import (
    CaseSearchForm,
)

PAGE_SIZE = 25


def _filtered_cases(request):
    form = CaseSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    return form, query, status, queries.case_list(request.user, query=query, status=status)


@login_required
def case_list(request):
    """My cases (моите случаи): searchable by name in either alphabet, ЕГН or case number."""
    form, query, status, cases = _filtered_cases(request)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.with_team_sizes(page.object_list)
    queries.audit_case_list(AuditContext.from_request(request), page.object_list, query=query)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query": query, "status": status, "params": params.urlencode()}
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "cases/_case_rows.html", context)
    return render(request, "cases/case_list.html", context)


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def case_export(request):
    """The visible cases (same filters as the list) as CSV, for the user's own reporting."""
    from zaedno.cases.templatetags.zaedno_ui import age

    _form, query, _status, cases = _filtered_cases(request)
    rows = queries.with_team_sizes(cases, source=cases)
    queries.audit_case_list(AuditContext.from_request(request), rows, action="case.export", query=query)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="zaedno-cases-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Case number"),
            _("Child"),
            _("Birth date"),
            _("Age"),
            _("Status"),
            _("Case lead"),
            _("Lead organisation"),
            _("Municipality"),
            _("Opened"),
            _("Team size"),
        ]
    )
    for c in rows:
        writer.writerow(
            [
                _csv_cell(c.number),
                _csv_cell(c.child.full_name),
                c.child.birth_date.strftime("%d.%m.%Y"),
                age(c.child.birth_date),
                c.get_status_display(),
                _csv_cell(c.lead.get_full_name() or c.lead.username),
                _csv_cell(c.lead_organisation),
                _csv_cell(c.municipality),
                timezone.localtime(c.opened_at).strftime("%d.%m.%Y"),
                c.team_size,
            ]
        )
    return response
