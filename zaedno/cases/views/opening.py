"""Opening a case directly (a signal and the decision in one step), and emergency access.

Opening directly is for the organisations the protocol allows to lead such a case — the ОЗД
that took a call, a school or a social service for a support case; everyone else records a
signal for the Child Protection Department (``signals``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zaedno.audit.services import AuditContext
from zaedno.cases import services
from zaedno.cases.access import (
    DENIED_BREAK_GLASS_NOT_ALLOWED,
    Via,
    access_for,
    break_glass_refused,
    case_exists_for_break_glass,
)
from zaedno.cases.forms import (
    EmergencyForm,
    OpenCaseForm,
    apply_service_errors,
)
from zaedno.children.queries import child_for_user, search_children, visible_children
from zaedno.signals.services import SignalInput, case_open_direct, may_lead_some_case


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    """Open a case from a signal about a child (откриване на случай по сигнал)."""
    if not may_lead_some_case(request.user):
        messages.info(
            request,
            _(
                "Your organisation does not lead cases: record a signal, and the Child Protection "
                "Department will check it and decide."
            ),
        )
        return redirect("signals:new")
    ctx = AuditContext.from_request(request)
    child_id = request.GET.get("child") or request.POST.get("child")
    if not child_id:
        query = request.GET.get("q", "").strip()
        children = []
        if query:
            children = list(
                search_children(visible_children(request.user), query).select_related("settlement")[:20]
            )
        return render(request, "cases/case_open_pick.html", {"query": query, "children": children})
    child = child_for_user(request.user, child_id, ctx=ctx)
    refused = False
    if request.method == "POST":
        form = OpenCaseForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_open_direct(
                    ctx=ctx,
                    child=child,
                    signal=SignalInput(
                        category=data["category"], urgency=data["urgency"], immediate_danger=data["immediate_danger"],
                        reporter_kind=data["reporter_kind"], reporter_is_me=False, source_sector=data["source_sector"],
                        reporter_name=data["reporter_name"], received_at=data["received_at"],
                        description=data["description"], reporter_organisation=data["reporter_organisation"],
                    ),
                    lead=data["lead"],
                    lead_organisation=data["lead_organisation"],
                    municipality=data["municipality"] or data["lead_organisation"].municipality,
                    summary=data["summary"],
                )  # fmt: skip
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                refused = True
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = OpenCaseForm(user=request.user)
    no_organisation = not form.fields["lead_organisation"].queryset.exists()
    return render(
        request,
        "cases/case_open.html",
        {"form": form, "child": child, "no_organisation": no_organisation, "refused": refused},
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency(request):
    """Break-the-glass: open a case one is not in, by its exact number, with a written reason."""
    allowed = services.break_glass_allowed(request.user)
    form = EmergencyForm(request.POST or None)
    if request.method == "POST" and not allowed:
        break_glass_refused(ctx=AuditContext.from_request(request), reason=DENIED_BREAK_GLASS_NOT_ALLOWED)
    if request.method == "POST" and allowed and form.is_valid():
        case = case_exists_for_break_glass(
            form.cleaned_data["number"], ctx=AuditContext.from_request(request)
        )
        if case is None:
            form.add_error("number", _("No case has this number. Check it and type it exactly."))
        else:
            current = access_for(request.user, case)
            if current is not None and current.via != Via.BREAK_GLASS:
                messages.info(request, _("You already have access to this case."))
                return redirect("cases:detail", case_id=case.pk)
            try:
                services.break_glass_open(
                    ctx=AuditContext.from_request(request), case=case, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.warning(
                    request,
                    _("Emergency access granted. The case lead has been informed and will review it."),
                )
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/emergency.html", {"form": form, "allowed": allowed})
