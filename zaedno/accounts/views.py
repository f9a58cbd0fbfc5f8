"""A professional's own page: absences (while away, each case's deputy lead gets the notices)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zaedno.accounts.models import Absence
from zaedno.accounts.services import absence_add, absence_end
from zaedno.audit.services import AuditContext
from zaedno.cases.forms import apply_service_errors

DATE_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("From"), input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"placeholder": gettext_lazy("dd.mm.yyyy")}, format="%d.%m.%Y"),
    )  # fmt: skip
    ends_on = forms.DateField(
        label=gettext_lazy("Until (the last day away)"), input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"placeholder": gettext_lazy("dd.mm.yyyy")}, format="%d.%m.%Y"),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def absence(request):
    """Record my absence (leave, sick leave, training), or end one early."""
    ctx = AuditContext.from_request(request)
    form = AbsenceForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST" and request.POST.get("action") == "end":
        item = Absence.objects.filter(pk=request.POST.get("absence") or 0, user=request.user).first()
        if item is None:
            raise Http404
        absence_end(ctx=ctx, absence=item)
        messages.success(request, _("Welcome back: the absence is ended."))
        return redirect("accounts:absence")
    if request.method == "POST" and form.is_valid():
        try:
            absence_add(ctx=ctx, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded. While you are away, the deputy lead of each of your cases gets your notices."),
            )
            return redirect("accounts:absence")
    today = timezone.localdate()
    absences = Absence.objects.filter(user=request.user, ends_on__gte=today).order_by("starts_on")
    from zaedno.cases.access import visible_cases
    from zaedno.cases.models import CaseStatus, TeamMember, TeamRole

    led = visible_cases(request.user).filter(lead=request.user).exclude(status=CaseStatus.CLOSED)
    without_deputy = led.exclude(
        pk__in=TeamMember.objects.filter(role=TeamRole.DEPUTY, left_at__isnull=True).values("case_id")
    ).order_by("number")
    from zaedno.cases.queries import audit_case_list

    without_deputy = list(without_deputy[:100])
    audit_case_list(ctx, without_deputy, action="absence.cases")
    return render(
        request,
        "accounts/absence.html",
        {
            "form": form,
            "absences": list(absences),
            "today": today,
            "without_deputy": list(without_deputy[:100]),
        },
        status=400 if request.method == "POST" else 200,
    )
