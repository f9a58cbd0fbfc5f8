"""Referral pages: the case's referrals (send, withdraw, complete) and the incoming referrals of a
receiving organisation (accept, decline).

The case side reads through ``case_for_user`` (404 for missing and not allowed alike); the
receiving side through ``queries.incoming_for`` (only referrals to the reader's organisations, and
only their snapshot — never the case). Every change goes through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import access_for, case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.referrals import forms, queries, services
from zaedno.referrals.models import ReferralStatus
from zaedno.referrals.sections import visible_snapshot


def _access(request, case_id, *, action="referral.list"):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action=action, audit=request.method == "GET")
    return ctx, access


@login_required
def case_referrals(request, case_id):
    """The case's referrals, and the form to send one (with a search over the services on the map)."""
    ctx, access = _access(request, case_id)
    search = forms.ServiceSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = None
    if access.can_write:
        services_qs = forms.service_choices(query)
        if request.method == "POST":
            services_qs = forms.service_choices()
        form = forms.SendForm(request.POST or None, access=access, services=services_qs)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_send(
                    ctx=ctx, access=access, service=data["service"], reason=data["reason"],
                    urgency=data["urgency"], sections=data["sections"], legal_basis=data["legal_basis"],
                    consent_given_by=data["consent_given_by"], consent_given_on=data["consent_given_on"],
                    sharing_level=data["sharing_level"], response_due_at=form.response_due_at(),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The referral was sent. The service is notified."))
                return redirect("referrals:detail", case_id=access.case.pk, referral_id=referral.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Emergency access is read-only."))
    now = timezone.now()
    referrals = queries.case_referrals(access)
    return render(
        request,
        "referrals/case_referrals.html",
        {
            "access": access, "case": access.case, "referrals": referrals, "form": form, "search": search,
            "query": query, "now": now, "service_count": form.fields["service"].queryset.count() if form else 0,
        },
    )  # fmt: skip


@login_required
def referral_detail(request, case_id, referral_id):
    """One referral as the case team sees it: the shared sections up to the reader's level."""
    ctx, access = _access(request, case_id, action="referral.view")
    referral = queries.referral_for(access, referral_id)
    return render(request, "referrals/detail.html", _detail_context(access, referral))


def _detail_context(access, referral, *, withdraw_form=None, complete_form=None):
    can_withdraw = referral.is_open and services.can_withdraw(access, referral)
    can_complete = referral.status == ReferralStatus.ACCEPTED and access.can_write
    return {
        "access": access,
        "case": access.case,
        "referral": referral,
        "side": "case",
        "snapshot": visible_snapshot(referral.snapshot, access.level),
        "hidden_sections": len(referral.snapshot) - len(visible_snapshot(referral.snapshot, access.level)),
        "sees_text": access.sees(services.TEXT_SENSITIVITY),
        "now": timezone.now(),
        "withdraw_form": (withdraw_form or forms.WithdrawForm()) if can_withdraw else None,
        "complete_form": (complete_form or forms.CompleteForm()) if can_complete else None,
    }


def _sender_step(request, case_id, referral_id, *, form_class, field: str, service, form_key: str, done: str):
    """Withdraw or complete a referral from the case's side: one text field, the service, the
    detail page again with the error (400) or a message."""
    ctx, access = _access(request, case_id)
    referral = queries.referral_for(access, referral_id)
    form = form_class(request.POST)
    form.is_valid()  # optional free text: always valid; the service says what is missing
    try:
        service(ctx=ctx, access=access, referral=referral, **{field: form.cleaned_data[field]})
    except ValidationError as exc:
        apply_service_errors(form, exc)
        context = _detail_context(access, referral, **{form_key: form})
        return render(request, "referrals/detail.html", context, status=400)
    messages.success(request, done)
    return redirect("referrals:detail", case_id=access.case.pk, referral_id=referral.pk)


@login_required
@require_POST
def referral_withdraw(request, case_id, referral_id):
    return _sender_step(
        request, case_id, referral_id, form_class=forms.WithdrawForm, field="reason",
        service=services.referral_withdraw, form_key="withdraw_form", done=_("The referral was withdrawn."),
    )  # fmt: skip


@login_required
@require_POST
def referral_complete(request, case_id, referral_id):
    return _sender_step(
        request, case_id, referral_id, form_class=forms.CompleteForm, field="outcome",
        service=services.referral_complete, form_key="complete_form",
        done=_("The outcome of the referral was recorded."),
    )  # fmt: skip


# ---- the receiving organisation ------------------------------------------------------------


@login_required
def incoming_list(request):
    """Incoming referrals of my organisations: waiting for an answer (overdue first), and answered."""
    ctx = AuditContext.from_request(request)
    waiting = list(queries.incoming(request.user, answered=False)[:500])
    answered = list(queries.incoming(request.user, answered=True)[:100])
    queries.audit_incoming_list(ctx, waiting + answered)
    for r in waiting + answered:
        r.child_name = queries.child_name(r)
    return render(
        request, "referrals/incoming.html", {"waiting": waiting, "answered": answered, "now": timezone.now()}
    )


def _professionals(referral):
    return get_user_model().objects.filter(pk__in=services.receiving_member_ids(referral.organisation_id))


def _incoming_context(request, referral, *, accept_form=None, decline_form=None):
    waiting = referral.status == ReferralStatus.SENT
    return {
        "referral": referral,
        "side": "incoming",
        "snapshot": referral.snapshot,
        "sees_text": True,
        "now": timezone.now(),
        "in_team": referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
        and access_for(request.user, referral.case) is not None,
        "accept_form": (
            accept_form
            or forms.AcceptForm(
                professionals=_professionals(referral), initial={"professional": request.user.pk}
            )
        )
        if waiting
        else None,
        "decline_form": (decline_form or forms.DeclineForm()) if waiting else None,
    }


@login_required
def incoming_detail(request, referral_id):
    """An incoming referral: only what the sender shared, and the answer forms."""
    referral = queries.incoming_for(request.user, referral_id)
    queries.audit_incoming_read(AuditContext.from_request(request), referral)
    return render(request, "referrals/detail.html", _incoming_context(request, referral))


@login_required
@require_POST
def incoming_accept(request, referral_id):
    referral = queries.incoming_for(request.user, referral_id)
    form = forms.AcceptForm(request.POST, professionals=_professionals(referral))
    if form.is_valid():
        try:
            services.referral_accept(
                ctx=AuditContext.from_request(request), referral=referral,
                professional=form.cleaned_data["professional"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The referral was accepted; the professional joined the team."))
            return redirect("referrals:incoming_detail", referral_id=referral.pk)
    return render(
        request, "referrals/detail.html", _incoming_context(request, referral, accept_form=form), status=400
    )


@login_required
@require_POST
def incoming_decline(request, referral_id):
    referral = queries.incoming_for(request.user, referral_id)
    form = forms.DeclineForm(request.POST)
    form.is_valid()
    try:
        services.referral_decline(
            ctx=AuditContext.from_request(request), referral=referral, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return render(
            request,
            "referrals/detail.html",
            _incoming_context(request, referral, decline_form=form),
            status=400,
        )
    messages.success(request, _("The referral was declined; the sender is notified."))
    return redirect("referrals:incoming_detail", referral_id=referral.pk)
