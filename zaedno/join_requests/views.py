"""Join-request pages: ask from a duplicate match, the list (sent and received), one request
with accept / decline for the lead and withdraw for the requester. Anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.forms import apply_service_errors
from zaedno.children.duplicates import Match
from zaedno.children.queries import child_found_by, duplicate_hints
from zaedno.join_requests import queries, services
from zaedno.join_requests.forms import AcceptForm, DeclineForm, JoinRequestForm
from zaedno.join_requests.models import JoinRequestStatus

LIST_LIMIT = 100


@login_required
def request_list(request):
    """Requests I sent, and those I am asked to answer (as case lead or manager)."""
    received = list(queries.received_requests(request.user).order_by("-created_at")[:LIST_LIMIT])
    received.sort(key=lambda r: (r.status != JoinRequestStatus.PENDING, -r.created_at.timestamp()))
    sent = list(queries.sent_requests(request.user)[:LIST_LIMIT])
    audit_record(
        ctx=AuditContext.from_request(request), action="join_request.list", kind=AuditKind.READ,
        object_type="join_request", details={"received": [r.pk for r in received], "sent": [r.pk for r in sent]},
    )  # fmt: skip
    return render(request, "join_requests/request_list.html", {"received": received, "sent": sent})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """Ask to join the team of a child found among the likely duplicates."""
    child = child_found_by(request.user, request.GET.get("child") or request.POST.get("child"))
    hint = duplicate_hints(request.user, [Match(child.pk, "", 0, {})])[0]
    initial = {"child_label": (request.GET.get("label") or "")[:200]}
    form = JoinRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.join_request_send(
                ctx=AuditContext.from_request(request), child_id=child.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request was sent to the case lead. You will be told when they answer.")
                if len(sent) == 1
                else _(
                    "Your request was sent to the leads of the child's open cases. You will be told when they answer."
                ),
            )
            return redirect("join_requests:list")
    return render(
        request, "join_requests/request_form.html",
        {"form": form, "child_id": child.pk, "hint": hint, "label": form["child_label"].value()},
    )  # fmt: skip


def _detail(request, view, *, accept_form=None, decline_form=None, status=200):
    return render(
        request,
        "join_requests/request_detail.html",
        {
            "view": view,
            "req": view.request,
            "accept_form": accept_form or AcceptForm(),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@login_required
def request_detail(request, request_id):
    view = queries.request_for_user(request.user, request_id, ctx=AuditContext.from_request(request))
    return _detail(request, view)


def _decider_view(request, request_id):
    ctx = AuditContext.from_request(request)
    view = queries.request_for_user(request.user, request_id, ctx=ctx, audit=False)
    if not view.is_decider:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can answer this request.")
        )
    return ctx, view


@login_required
@require_POST
def request_accept(request, request_id):
    ctx, view = _decider_view(request, request_id)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_accept(
                ctx=ctx,
                access=view.access,
                request=view.request,
                sharing_level=form.cleaned_data["sharing_level"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s joined the team.") % {"name": view.request.requester})
            return redirect("join_requests:detail", request_id=view.request.pk)
    return _detail(request, view, accept_form=form, status=400)


@login_required
@require_POST
def request_decline(request, request_id):
    ctx, view = _decider_view(request, request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_decline(
                ctx=ctx, access=view.access, request=view.request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The request was declined; the professional was told."))
            return redirect("join_requests:detail", request_id=view.request.pk)
    return _detail(request, view, decline_form=form, status=400)


@login_required
@require_POST
def request_withdraw(request, request_id):
    ctx = AuditContext.from_request(request)
    view = queries.request_for_user(request.user, request_id, ctx=ctx, audit=False)
    if not view.is_requester:
        raise PermissionDenied(_("Only who sent the request can withdraw it."))
    try:
        services.join_request_withdraw(ctx=ctx, request=view.request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("join_requests:detail", request_id=view.request.pk)
