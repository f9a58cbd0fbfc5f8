"""Forms on a case for its lead and managers: summary, status, team, emergency-access review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases import queries, services
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import (
    BreakGlassReviewForm,
    CaseEditForm,
    StatusForm,
    TeamAddForm,
    TeamRemoveForm,
    apply_service_errors,
    membership_search,
)
from zaedno.core.errors import ConflictError


def _manage_access(request, case_id, *, audit_get=True):
    """Access for a form page of the case: GET is a read (audited), POST is audited by the service."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=audit_get and request.method == "GET")
    return ctx, access


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    """Edit the case summary; a stale save shows what changed instead of overwriting."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    conflict = None
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(
                    ctx=ctx,
                    access=access,
                    expected_version=form.cleaned_data["version"],
                    summary=form.cleaned_data["summary"],
                )
            except ConflictError as exc:
                conflict = exc
                form = CaseEditForm(
                    initial={"summary": form.cleaned_data["summary"], "version": exc.current_version}
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The summary was saved."))
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = CaseEditForm(initial={"summary": case.summary, "version": case.version})
    return render(
        request,
        "cases/case_edit.html",
        {"access": access, "case": case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request, case_id):
    """Close, move to long-term follow-up, or reopen — always with a reason."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_change_status:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can close or reopen a case.")
        )
    conflict = None
    if request.method == "POST":
        form = StatusForm(request.POST, current_status=case.status)
        if form.is_valid():
            try:
                services.case_change_status(
                    ctx=ctx,
                    access=access,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as exc:
                conflict = exc
                case.refresh_from_db()
                form = StatusForm(
                    initial={"reason": form.cleaned_data["reason"], "version": exc.current_version},
                    current_status=case.status,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The status of the case was changed."))
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = StatusForm(initial={"version": case.version}, current_status=case.status)
    return render(
        request,
        "cases/case_status.html",
        {"access": access, "case": case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request, case_id):
    """Add a professional from any organisation to the team around the child."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_manage_team:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can change the team.")
        )
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = TeamAddForm(request.POST)
        if form.is_valid():
            m = form.cleaned_data["membership"]
            try:
                services.team_member_add(
                    ctx=ctx,
                    access=access,
                    user=m.user,
                    organisation=m.organisation,
                    role=form.cleaned_data["role"],
                    sharing_level=form.cleaned_data["sharing_level"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s (%(org)s) joined the team.") % {"name": m.user, "org": m.organisation},
                )
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = TeamAddForm()
    active_ids = [m.user_id for m in queries.case_team(access, include_former=False)]
    selected = form["membership"].value() if form.is_bound else None
    results = membership_search(query, exclude_user_ids=active_ids) if query else []
    return render(
        request,
        "cases/team_add.html",
        {
            "access": access,
            "case": case,
            "form": form,
            "query": query,
            "results": results,
            "selected": str(selected or ""),
        },
    )


@login_required
def team_search(request, case_id):
    """htmx: professionals matching a name, across all organisations (not case data: not audited)."""
    access = case_for_user(request.user, case_id, ctx=AuditContext.from_request(request), audit=False)
    if not access.can_manage_team:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    if request.GET.get("for") == "lead":  # a new case lead may already be in the team
        exclude = [access.case.lead_id]
    else:
        exclude = [m.user_id for m in queries.case_team(access, include_former=False)]
    results = membership_search(query, exclude_user_ids=exclude) if len(query) >= 2 else []
    return render(request, "cases/_professional_options.html", {"results": results, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def team_remove(request, case_id, member_id):
    """End a membership with a reason; the history stays on the case."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_manage_team:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can change the team.")
        )
    member = next(
        (m for m in queries.case_team(access, include_former=False) if m.pk == member_id),
        None,
    )
    if member is None:
        raise Http404
    if request.method == "POST":
        form = TeamRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.team_member_remove(
                    ctx=ctx, access=access, member=member, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s left the team.") % {"name": member.user})
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = TeamRemoveForm()
    return render(
        request, "cases/team_remove.html", {"access": access, "case": case, "member": member, "form": form}
    )


@login_required
@require_POST
def break_glass_review(request, case_id, grant_id):
    """The lead (or a manager) marks an emergency access as justified or not."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    grant = next((g for g in queries.case_break_glass_pending(access) if g.pk == grant_id), None)
    if grant is None:
        raise Http404
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass_review(
                ctx=ctx,
                access=access,
                grant=grant,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The emergency access was reviewed."))
    else:
        messages.error(request, _("Choose whether the emergency access was justified."))
    return redirect("cases:detail", case_id=access.case.pk)
