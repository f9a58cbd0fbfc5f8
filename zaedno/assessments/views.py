"""Pages of the shared multisector assessment. Thin: access layer, form, service, render.

Every page starts from ``case_for_user`` (404 for a missing case and for one the user may not
see alike); an assessment is fetched only among the case's own. GET pages audit the read; a
POST is audited by the service it calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.assessments import queries, services
from zaedno.assessments.forms import CompleteForm, ContributionForm, FormulationForm
from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.core.errors import ConflictError
from zaedno.documents.pdf import pdf_filename, pdf_response


def _access(request, case_id, action="assessment.view"):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action=action, audit=request.method == "GET")
    return ctx, access


def _page_context(access, assessment) -> dict:
    mine = services.my_sector(access) if access.can_write else None
    matrix = queries.assessment_matrix(access, assessment) if assessment is not None else None
    my_contribution = None
    if matrix is not None and mine is not None:
        my_contribution = next((c for c, _v in matrix.contributions if c.sector == mine[0]), None)
    return {
        "access": access,
        "case": access.case,
        "assessment": assessment,
        "matrix": matrix,
        "my_sector": mine,
        "my_contribution": my_contribution,
        "can_lead": services.can_lead(access),
    }


@login_required
def assessment_case(request, case_id):
    """The current assessment (the one in progress, or else the last completed) as a matrix."""
    _ctx, access = _access(request, case_id)
    assessment = queries.assessment_current(access)
    context = _page_context(access, assessment)
    context["has_draft"] = assessment is not None and assessment.is_draft
    return render(request, "assessments/assessment.html", context)


@login_required
def assessment_detail(request, case_id, assessment_id):
    """One version of the assessment (from the history)."""
    _ctx, access = _access(request, case_id)
    assessment = queries.assessment_get(access, assessment_id)
    context = _page_context(access, assessment)
    context["has_draft"] = assessment.is_draft
    return render(request, "assessments/assessment.html", context)


@login_required
@require_POST
def assessment_start(request, case_id):
    ctx, access = _access(request, case_id)
    try:
        assessment = services.assessment_start(ctx=ctx, access=access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Version %(number)s of the assessment was started.") % {"number": assessment.number}
        )
    return redirect("assessments:case", case_id=access.case.pk)


@login_required
def assessment_history(request, case_id):
    _ctx, access = _access(request, case_id)
    return render(
        request,
        "assessments/history.html",
        {"access": access, "case": access.case, "versions": queries.assessment_list(access)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, case_id, assessment_id):
    """Write or edit my sector's contribution; a stale save shows the conflict, nothing is lost."""
    ctx, access = _access(request, case_id)
    assessment = queries.assessment_get(access, assessment_id)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    mine = services.my_sector(access)
    if mine is None:
        raise PermissionDenied(_("Only members of the team contribute to the assessment."))
    sector, organisation = mine
    existing = next((c for c in assessment.contributions.all() if c.sector == sector), None)
    if existing is not None and not access.sees(existing.sensitivity):
        raise PermissionDenied(_("Your sharing level does not cover this contribution."))
    conflict = None
    status = 200
    if request.method == "POST":
        form = ContributionForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_save(
                    ctx=ctx, access=access, assessment=assessment, entries=form.entries(),
                    expected_version=form.cleaned_data.get("version") or None,
                    sensitivity=form.cleaned_data["sensitivity"], sources=form.cleaned_data["sources"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict, status = exc, 409
                data = request.POST.copy()
                data["version"] = exc.current_version
                form = ContributionForm(data)
                form.is_valid()
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your sector's contribution was saved."))
                return redirect("assessments:detail", case_id=access.case.pk, assessment_id=assessment.pk)
    else:
        initial = ContributionForm.initial_from(existing)
        initial.setdefault("sensitivity", services.default_sensitivity(sector))
        form = ContributionForm(initial=initial)
    return render(
        request,
        "assessments/contribution_form.html",
        {
            "access": access, "case": access.case, "assessment": assessment, "form": form, "conflict": conflict,
            "sector_label": organisation.get_sector_display(), "organisation": organisation, "existing": existing,
        },
        status=status,
    )  # fmt: skip


def _meetings(case):
    from zaedno.meetings.queries import held_meetings

    return held_meetings(case)


@login_required
@require_http_methods(["GET", "POST"])
def formulation_edit(request, case_id, assessment_id):
    """Write the formulation; the case lead or a manager records that it was agreed at a meeting."""
    ctx, access = _access(request, case_id)
    assessment = queries.assessment_get(access, assessment_id)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    meetings = _meetings(access.case)
    conflict = None
    status = 200
    if request.method == "POST":
        form = FormulationForm(request.POST, meetings=meetings)
        if form.is_valid():
            agree = request.POST.get("action") == "agree"
            meeting = form.cleaned_data.get("meeting")
            if agree and meeting is None:
                form.add_error("meeting", _("Choose the meeting at which the formulation was agreed."))
            else:
                try:
                    services.formulation_save(
                        ctx=ctx, access=access, assessment=assessment,
                        expected_version=form.cleaned_data["version"],
                        meeting=meeting if agree else None,
                        **{f: form.cleaned_data[f] for f in services.FORMULATION_FIELDS},
                    )  # fmt: skip
                except ConflictError as exc:
                    conflict, status = exc, 409
                    data = request.POST.copy()
                    data["version"] = exc.current_version
                    form = FormulationForm(data, meetings=meetings)
                    form.is_valid()
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("The formulation was agreed.") if agree else _("The formulation was saved."),
                    )
                    return redirect("assessments:detail", case_id=access.case.pk, assessment_id=assessment.pk)
    else:
        form = FormulationForm(
            initial={
                "version": assessment.version,
                **{f: getattr(assessment, f) for f in services.FORMULATION_FIELDS},
            },
            meetings=meetings,
        )
    return render(
        request,
        "assessments/formulation_form.html",
        {
            "access": access, "case": access.case, "assessment": assessment, "form": form, "conflict": conflict,
            "can_lead": services.can_lead(access),
        },
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def assessment_complete(request, case_id, assessment_id):
    ctx, access = _access(request, case_id)
    assessment = queries.assessment_get(access, assessment_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("assessments:detail", case_id=access.case.pk, assessment_id=assessment.pk)
    try:
        services.assessment_complete(
            ctx=ctx, access=access, assessment=assessment, expected_version=form.cleaned_data["version"]
        )
    except ConflictError:
        messages.error(
            request, _("Someone changed the assessment in the meantime; check it and complete it again.")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assessment was completed."))
    return redirect("assessments:detail", case_id=access.case.pk, assessment_id=assessment.pk)


def _print_context(request, access, assessment) -> dict:
    matrix = queries.assessment_matrix(access, assessment)
    signers = [
        {
            "name": str(c.author),
            "role": c.author.get_profession_display(),
            "organisation": str(c.organisation),
        }
        for c, _visible in matrix.contributions
    ]
    lead = access.case.lead
    if all(s["name"] != str(lead) for s in signers):
        signers.insert(
            0, {"name": str(lead), "role": _("case lead"), "organisation": str(access.case.lead_organisation)}
        )
    return {
        "access": access, "case": access.case, "child": access.case.child, "assessment": assessment,
        "matrix": matrix, "signers": signers, "blank_rows": "x",
    }  # fmt: skip


@login_required
def assessment_print(request, case_id, assessment_id):
    _ctx, access = _access(request, case_id, action="assessment.print")
    assessment = queries.assessment_get(access, assessment_id)
    return render(request, "assessments/print.html", _print_context(request, access, assessment))


@login_required
def assessment_pdf(request, case_id, assessment_id):
    _ctx, access = _access(request, case_id, action="assessment.pdf")
    assessment = queries.assessment_get(access, assessment_id)
    return pdf_response(
        "assessments/print.html",
        _print_context(request, access, assessment),
        request=request,
        filename=pdf_filename("assessment", access.case.number, f"v{assessment.number}"),
    )
