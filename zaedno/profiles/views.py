"""Pages of the difficult-case profile: a case's profile and indicators, and the criteria.

The profile page starts from ``case_for_user`` (404 for a missing case and for one the user may
not see alike). The criteria page is reference data for every signed-in professional, so the
definition of a difficult case can be read, debated and revised.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.profiles import queries, services
from zaedno.profiles.criteria import load_criteria
from zaedno.profiles.forms import IndicatorForm, WithdrawForm


def _profile_context(access, *, form=None):
    criteria = load_criteria()
    profile = queries.profile_of(access)
    history = queries.profile_history(access)
    labels = {c.code: c.label_in(get_language() or "bg") for c in criteria.criteria}
    for change in history:
        change.added_labels = [labels.get(c, c) for c in change.added]
        change.removed_labels = [labels.get(c, c) for c in change.removed]
        change.met_labels = [labels.get(c, c) for c in change.criteria_met]
    return {
        "access": access,
        "case": access.case,
        "criteria": criteria,
        "profile": profile,
        "rows": queries.criteria_view(profile, criteria),
        "met_count": len(profile.criteria_met),
        "history": history,
        "indicators": queries.indicator_list(access),
        "form": form or IndicatorForm(),
        "withdraw_form": WithdrawForm(),
    }


@login_required
def profile_case(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action="profile.view")
    return render(request, "profiles/profile.html", _profile_context(access))


@login_required
@require_POST
def indicator_add(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_record(
                ctx=ctx, access=access, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            from zaedno.cases.forms import apply_service_errors

            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The indicator was recorded."))
            return redirect("profiles:case", case_id=access.case.pk)
    return render(request, "profiles/profile.html", _profile_context(access, form=form), status=400)


@login_required
@require_POST
def indicator_withdraw(request, case_id, indicator_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    indicator = queries.indicator_get(access, indicator_id)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the indicator no longer holds."))
    else:
        try:
            services.indicator_withdraw(
                ctx=ctx, access=access, indicator=indicator, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The indicator was withdrawn."))
    return redirect("profiles:case", case_id=access.case.pk)


@login_required
def criteria_page(request):
    """The criteria in force, as written in the file, so the definition can be debated."""
    criteria = load_criteria()
    lang = get_language() or "bg"
    rows = [
        {"criterion": c, "label": c.label_in(lang), "description": c.description_in(lang),
         "rule_text": queries.rule_text(c)}
        for c in criteria.criteria
    ]  # fmt: skip
    return render(
        request,
        "profiles/criteria.html",
        {
            "criteria": criteria, "rows": rows, "title": criteria.title_in(lang),
            "introduction": criteria.introduction_in(lang),
        },
    )  # fmt: skip
