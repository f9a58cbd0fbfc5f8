"""The case lead (водещ на случая): handover by the lead, reassignment by a manager, the new lead's
answer, and the deputy lead."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext
from zaedno.cases import queries, services
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors, membership_search
from zaedno.cases.models import LeadHandover


class HandoverForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=gettext_lazy("New case lead"),
        queryset=Membership.objects.filter(is_active=True).select_related("user", "organisation"),
        error_messages={
            "required": gettext_lazy("Search for the professional by name and choose them from the list."),
            "invalid_choice": gettext_lazy(
                "Search for the professional by name and choose them from the list."
            ),
        },
    )
    reason = forms.CharField(label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(label=gettext_lazy("New case lead"), queryset=None, empty_label=None)
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("e.g. the lead is on long leave, or left the department."),
    )  # fmt: skip

    def __init__(self, *args, organisation, exclude, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.accounts.models import User

        ids = Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=[Role.PRACTITIONER, Role.MANAGER]
        ).values("user_id")
        self.fields["to_user"].queryset = User.objects.filter(pk__in=ids, is_active=True).exclude(pk=exclude)


class DeputyForm(forms.Form):
    member = forms.IntegerField(label=gettext_lazy("Deputy lead"), required=False)


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _page(request, access, *, handover_form=None, reassign_form=None, status=200):
    case = access.case
    query = request.GET.get("q", "").strip()
    team = queries.case_team(access, include_former=False)
    is_manager = services.is_manager_of(request.user, case.lead_organisation_id)
    context = {
        "access": access,
        "case": case,
        "pending": queries.pending_handover(access),
        "history": list(
            LeadHandover.objects.filter(case=case).select_related("from_user", "to_user", "to_organisation")[
                :20
            ]
        ),
        "handover_form": handover_form or (HandoverForm() if access.is_lead else None),
        "reassign_form": reassign_form
        or (ReassignForm(organisation=case.lead_organisation, exclude=case.lead_id) if is_manager else None),
        "query": query,
        "results": membership_search(query, exclude_user_ids=[case.lead_id])
        if query and access.is_lead
        else [],
        "selected": "",
        "deputy": next((m for m in team if m.role == "deputy"), None),
        "team": [m for m in team if m.user_id != case.lead_id],
    }
    return render(request, "cases/case_lead.html", context, status=status)


def _lead_access(request, case_id, *, audit=True):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=audit and request.method == "GET")
    if not (access.can_manage_team and access.can_write):
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can change the case lead.")
        )
    return ctx, access


@login_required
@require_http_methods(["GET", "POST"])
def case_lead(request, case_id):
    """Hand over the case lead (the lead), or reassign it at once (a manager)."""
    ctx, access = _lead_access(request, case_id)
    if request.method == "GET":
        return _page(request, access)
    if request.POST.get("action") == "reassign":
        form = ReassignForm(
            request.POST, organisation=access.case.lead_organisation, exclude=access.case.lead_id
        )
        if form.is_valid():
            try:
                services.lead_reassign(
                    ctx=ctx,
                    access=access,
                    to_user=form.cleaned_data["to_user"],
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The case has a new lead; they are informed."))
                return redirect("cases:detail", case_id=access.case.pk)
        return _page(request, access, reassign_form=form, status=400)
    form = HandoverForm(request.POST)
    if form.is_valid():
        m = form.cleaned_data["membership"]
        try:
            services.lead_handover_propose(
                ctx=ctx, access=access, to_user=m.user, to_organisation=m.organisation,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is asked to take over the case. You lead it until they accept.")
                % {"name": m.user},
            )
            return redirect("cases:detail", case_id=access.case.pk)
    return _page(request, access, handover_form=form, status=400)


@login_required
@require_POST
def lead_withdraw(request, case_id):
    ctx, access = _lead_access(request, case_id, audit=False)
    handover = queries.pending_handover(access)
    if handover is None:
        raise Http404
    try:
        services.lead_handover_withdraw(ctx=ctx, access=access, handover=handover)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The handover was withdrawn."))
    return redirect("cases:lead", case_id=access.case.pk)


@login_required
@require_POST
def deputy(request, case_id):
    """Name the deputy lead from the team, or clear it."""
    ctx, access = _lead_access(request, case_id, audit=False)
    form = DeputyForm(request.POST)
    if not form.is_valid():
        raise Http404
    member_id = form.cleaned_data["member"]
    try:
        if member_id:
            member = next(
                (m for m in queries.case_team(access, include_former=False) if m.pk == member_id), None
            )
            if member is None:
                raise Http404
            services.case_deputy_set(ctx=ctx, access=access, user=member.user)
            messages.success(request, _("%(name)s is the deputy case lead.") % {"name": member.user})
        else:
            services.case_deputy_clear(ctx=ctx, access=access)
            messages.success(request, _("The case has no deputy lead now."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:lead", case_id=access.case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def lead_answer(request, case_id):
    """The professional asked to take over answers: accept (they lead the case from now) or decline."""
    handover = queries.handover_to_answer(request.user, case_id)
    ctx = AuditContext.from_request(request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("answer") == "accept":
                services.lead_handover_accept(ctx=ctx, handover=handover, note=form.cleaned_data["note"])
            else:
                services.lead_handover_decline(ctx=ctx, handover=handover, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if request.POST.get("answer") == "accept":
                messages.success(request, _("You are now the case lead."))
                return redirect("cases:detail", case_id=handover.case_id)
            messages.success(request, _("You declined; the case lead is informed."))
            return redirect("protocols:my_work")
    return render(
        request, "cases/lead_answer.html", {"handover": handover, "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip
