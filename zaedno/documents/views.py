"""The case's documents page and the plain-language information sheet for the family."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone, translation

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.core.panels import case_documents
from zaedno.documents.pdf import pdf_filename, pdf_response
from zaedno.documents.queries import family_sheet

SHEET_LANGUAGES = ("bg", "en")


@login_required
def document_list(request, case_id):
    """Everything printable on the case, newest first, with its PDF."""
    access = case_for_user(
        request.user, case_id, ctx=AuditContext.from_request(request), action="documents.list"
    )
    documents = sorted(case_documents(access), key=_newest_first)
    context = {"access": access, "case": access.case, "documents": documents, "now": timezone.now()}
    return render(request, "documents/document_list.html", context)


def _newest_first(document: dict) -> tuple[int, int]:
    """Documents newest first (by day; dates or datetimes), undated last."""
    when = document.get("date")
    if when is None:
        return (1, 0)
    day = when.date() if isinstance(when, dt.datetime) else when
    return (0, -day.toordinal())


def _sheet_access(request, case_id):
    access = case_for_user(
        request.user, case_id, ctx=AuditContext.from_request(request), action="documents.family_sheet"
    )
    if not access.can_write:
        # Emergency access is for acting now, not for handing documents to a family.
        raise PermissionDenied
    return access


def _sheet_language(request) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in SHEET_LANGUAGES else translation.get_language() or "bg"


@login_required
def family_sheet_page(request, case_id):
    access = _sheet_access(request, case_id)
    lang = _sheet_language(request)
    with translation.override(lang):
        context = {**family_sheet(access), "access": access, "sheet_lang": lang, "languages": SHEET_LANGUAGES}
        return render(request, "documents/family_sheet.html", context)


@login_required
def family_sheet_pdf(request, case_id):
    access = _sheet_access(request, case_id)
    lang = _sheet_language(request)
    with translation.override(lang):
        context = {**family_sheet(access), "sheet_lang": lang}
        return pdf_response(
            "documents/family_sheet_print.html",
            context,
            request=request,
            filename=pdf_filename("family-sheet", access.case.number, lang),
        )
