"""The case's documents page and the plain-language information sheet for the family."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.core.errors import ConflictError
from zaedno.core.panels import case_documents
from zaedno.documents.pdf import pdf_filename, pdf_response
from zaedno.documents.queries import family_sheet
from zaedno.plans.family_sheet import family_sheet_choice, family_sheet_choose

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


def _ids(request, name: str) -> list[int]:
    out = []
    for value in request.POST.getlist(name):
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _expected_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def family_sheet_page(request, case_id):
    """The sheet as it will be printed, and for the case lead the choice of what goes on it.

    A POST without ``save`` is the preview of a selection (with htmx only the sheet is swapped);
    ``save`` stores the choice through ``plans.family_sheet.family_sheet_choose``.
    """
    access = _sheet_access(request, case_id)
    lang = _sheet_language(request)
    choice = family_sheet_choice(access)
    previewing = False
    if request.method == "POST":
        if not access.can_manage_team:
            raise PermissionDenied
        picks = (_ids(request, "action"), _ids(request, "decision"), _ids(request, "member"))
        if "save" in request.POST:
            try:
                family_sheet_choose(
                    ctx=AuditContext.from_request(request), access=access, action_ids=picks[0],
                    decision_ids=picks[1], member_ids=picks[2], expected_version=_expected_version(request),
                )  # fmt: skip
            except ConflictError:
                messages.error(
                    request, _("Someone else changed the choice for the sheet meanwhile. Check it again.")
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The choice was saved. Only what you ticked is on the sheet."))
            return redirect(reverse("documents:family_sheet", args=[access.case.pk]) + f"?lang={lang}")
        choice = choice.with_picks(*picks)
        previewing = True
    context = {
        **family_sheet(access, choice=choice), "access": access, "sheet_lang": lang, "languages": SHEET_LANGUAGES,
        "previewing": previewing,
    }  # fmt: skip
    if previewing and request.htmx:
        return render(request, "documents/_family_sheet_preview.html", context)
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
