"""Signal pages: record a signal, my signals, the department's intake queue, one signal with its
check and decision, finding the child, intake duty.

Reads go through ``signals.queries`` (404 alike for missing and not allowed, audited); every
change goes through ``signals.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.accounts.models import Membership, Role
from zaedno.accounts.services import duty_set
from zaedno.audit.services import AuditContext
from zaedno.cases.access import access_for
from zaedno.cases.forms import apply_service_errors
from zaedno.children import services as child_services
from zaedno.children.forms import ChildForm
from zaedno.children.queries import child_for_user, child_found_by
from zaedno.organisations.models import Organisation
from zaedno.resources.models import Service
from zaedno.signals import forms, queries, services
from zaedno.signals.access import (
    access_for_signal,
    assigners,
    department_ids,
    department_members,
    intake_department_ids,
)
from zaedno.signals.choices import Decision, ReporterKind, SignalStatus
from zaedno.signals.models import RouteStatus


def _ctx(request) -> AuditContext:
    return AuditContext.from_request(request)


# ---- recording --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def signal_new(request):
    """Record a signal about a child at risk (подаване на сигнал): for any professional."""
    ctx = _ctx(request)
    child = None
    child_id = request.GET.get("child") or request.POST.get("child")
    if child_id:
        child = child_for_user(request.user, child_id, ctx=ctx)
    form = forms.SignalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reporter = data["reporter"]
        try:
            signal = services.signal_record(
                ctx=ctx,
                data=services.SignalInput(
                    kind=data["kind"], category=data["category"], description=data["description"],
                    received_at=data["received_at"], occurred=data["occurred"], learned_at=data["learned_at"],
                    learned_how=data["learned_how"], urgency=data["urgency"], immediate_danger=data["immediate_danger"],
                    child=child, child_first_name=data["child_first_name"], child_middle_name=data["child_middle_name"],
                    child_last_name=data["child_last_name"], child_birth_date=data["child_birth_date"],
                    child_age=data["child_age"], child_sex=data["child_sex"], child_egn=data["child_egn"],
                    child_settlement=data["settlement"], child_address=data["child_address"],
                    child_school=data["child_school"],
                    reporter_kind=ReporterKind.PROFESSIONAL if reporter in ("me", "professional") else reporter,
                    reporter_is_me=reporter == "me", reporter_name=data["reporter_name"],
                    reporter_contact=data["reporter_contact"], reporter_organisation=data["reporter_organisation"],
                ),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if signal.recipient_id:
                messages.success(
                    request,
                    _("Signal %(number)s was sent to %(org)s.")
                    % {"number": signal.number, "org": signal.recipient},
                )
            else:
                messages.error(
                    request,
                    _("Signal %(number)s was recorded, but no department could be found for it.")
                    % {"number": signal.number},
                )
            return redirect("signals:detail", signal_id=signal.pk)
    return render(
        request,
        "signals/signal_form.html",
        {"form": form, "child": child, "selected": form.selected_settlement()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def signal_list(request):
    """The signals I recorded and what became of them."""
    rows = queries.my_signals(request.user)
    queries.audit_signal_list(_ctx(request), rows, action="signal.list")
    return render(request, "signals/signal_list.html", {"signals": rows, "now": timezone.now()})


# ---- the department's queue -------------------------------------------------------------------


@login_required
def incoming(request):
    """Входящи сигнали: the department's signals with their clocks, newest urgent first."""
    ids = intake_department_ids(request.user)
    if not ids:
        raise Http404
    now = timezone.now()
    orgs = Organisation.objects.in_bulk(ids)
    waiting = queries.queue(request.user, departments=orgs)
    decided = queries.queue(request.user, decided=True, limit=30, departments=orgs)
    queries.audit_signal_list(_ctx(request), waiting + decided, action="signal.queue")
    for s in waiting + decided:
        s.clocks = queries.signal_clocks(s, now)
        s.failed_routes = [r for r in s.routes.all() if r.status == RouteStatus.FAILED]
    departments = _departments(request.user, sorted(orgs.values(), key=lambda o: o.name))
    return render(
        request,
        "signals/incoming.html",
        {"waiting": waiting, "decided": decided, "now": now, "departments": departments},
    )


def _departments(user, orgs) -> list[dict]:
    """The user's departments with who is on duty; for their managers, every professional with
    the duty switch (two queries each, whatever the size of the department)."""
    out = []
    for org in orgs:
        mine = Membership.objects.filter(organisation=org, user=user, is_active=True).first()
        is_manager = mine is not None and mine.role == Role.MANAGER
        members = department_members(org.pk) if is_manager else []
        on_duty = (
            [m for m in members if m.on_duty]
            if is_manager
            else list(
                Membership.objects.filter(
                    organisation=org, is_active=True, on_duty=True, user__is_active=True
                )
                .select_related("user")
                .order_by("id")
            )
        )
        out.append({"organisation": org, "members": members, "on_duty": on_duty, "is_manager": is_manager})
    return out


@login_required
@require_POST
def duty(request):
    """A manager puts a professional on intake duty or takes them off it."""
    form = forms.DutyForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = Membership.objects.filter(pk=form.cleaned_data["membership"]).select_related("user").first()
    if membership is None or membership.organisation_id not in department_ids(request.user):
        raise Http404
    try:
        duty_set(ctx=_ctx(request), membership=membership, on_duty=form.cleaned_data["on_duty"])
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        name = membership.user.get_full_name() or membership.user.username
        messages.success(
            request,
            (_("%(name)s is on intake duty.") if membership.on_duty else _("%(name)s is off intake duty."))
            % {"name": name},
        )
    return redirect("signals:incoming")


# ---- one signal -------------------------------------------------------------------------------


def _signal(request, signal_id, *, audit=True):
    return queries.signal_for_user(request.user, signal_id, ctx=_ctx(request), audit=audit)


def _services_for(signal):
    qs = Service.objects.filter(is_active=True).select_related("organisation")
    if signal.municipality_id:
        qs = qs.filter(organisation__municipality_id=signal.municipality_id)
    return qs.order_by("name")[:300]


def _detail_context(request, access, **forms_in) -> dict:
    signal = access.signal
    now = timezone.now()
    members = department_members(signal.recipient_id) if access.in_department else []
    open_cases = services.open_cases_of(signal.child) if signal.child_id and access.in_department else []
    for case in open_cases:
        case.visible = access_for(request.user, case) is not None
    case_visible = bool(signal.case_id) and access_for(request.user, signal.case) is not None
    context = {
        "access": access,
        "signal": signal,
        "now": now,
        "clocks": queries.signal_clocks(signal, now),
        "routes": list(signal.routes.all()),
        "failed_routes": [r for r in signal.routes.all() if r.status == RouteStatus.FAILED],
        "case_visible": case_visible,
        "open_cases": open_cases,
        "assign_form": forms_in.get("assign")
        or (
            forms.AssignForm(members=members, initial={"assignee": request.user.pk})
            if access.can_assign
            else None
        ),
        "check_form": forms_in.get("check")
        or (
            forms.CheckForm(
                initial={
                    "actions": signal.check_actions,
                    "findings": signal.check_findings,
                    "checked_at": timezone.localtime(signal.checked_at).strftime(forms.DATETIME_FORMATS[0])
                    if signal.checked_at
                    else "",
                }
            )
            if access.can_work
            else None
        ),  # fmt: skip
        "decide_form": forms_in.get("decide")
        or (
            forms.DecideForm(
                members=members, services=_services_for(signal), initial={"lead": request.user.pk}
            )
            if access.can_work
            else None
        ),
        "forward_form": forms_in.get("forward") or (forms.ForwardForm() if access.can_forward else None),
        "can_take": access.can_assign and signal.assigned_to_id != request.user.pk,
        "lead_refusal": services.lead_refusal(services.facts_of(signal), signal.recipient)
        if access.can_work and signal.recipient_id
        else "",
        "decisions": Decision,
        "statuses": SignalStatus,
        "assigners": assigners(members) if access.in_department else [],
    }
    return context


@login_required
def signal_detail(request, signal_id):
    """One signal, as the reader may see it: the department works it; an informed institution reads
    it without who reported; the reporter sees its state; the case team sees it up to their level."""
    access = _signal(request, signal_id)
    return render(request, "signals/signal_detail.html", _detail_context(request, access))


def _page_with(request, access, status=400, **forms_in):
    return render(
        request, "signals/signal_detail.html", _detail_context(request, access, **forms_in), status=status
    )


@login_required
@require_POST
def signal_assign(request, signal_id):
    access = _signal(request, signal_id, audit=False)
    members = department_members(access.signal.recipient_id) if access.in_department else []
    if request.POST.get("take") == "1":
        assignee = request.user
        form = None
    else:
        form = forms.AssignForm(request.POST, members=members)
        if not form.is_valid():
            return _page_with(request, access, assign=form)
        assignee = form.cleaned_data["assignee"]
    try:
        services.signal_assign(ctx=_ctx(request), signal=access.signal, assignee=assignee)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        form = form or forms.AssignForm(members=members)
        apply_service_errors(form, exc)
        return _page_with(request, access, assign=form)
    else:
        name = assignee.get_full_name() or assignee.username
        messages.success(request, _("%(name)s checks this signal.") % {"name": name})
    return redirect("signals:detail", signal_id=access.signal.pk)


@login_required
@require_POST
def signal_check(request, signal_id):
    access = _signal(request, signal_id, audit=False)
    form = forms.CheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.signal_check(
                ctx=_ctx(request), signal=access.signal, actions=data["actions"], findings=data["findings"],
                checked_at=data["checked_at"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("signals:detail", signal_id=access.signal.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The check was recorded. Now decide on the signal."))
            return redirect(f"{_url(access.signal)}#decide")
    return _page_with(request, access, check=form)


@login_required
@require_POST
def signal_decide(request, signal_id):
    access = _signal(request, signal_id, audit=False)
    signal = access.signal
    members = department_members(signal.recipient_id) if access.in_department else []
    form = forms.DecideForm(request.POST, members=members, services=Service.objects.filter(is_active=True))
    if form.is_valid():
        data = form.cleaned_data
        case = None
        if data["decision"] == Decision.ATTACH and data.get("case"):
            case = (
                next((c for c in services.open_cases_of(signal.child) if c.pk == data["case"]), None)
                if signal.child_id
                else None
            )
            if case is None:
                form.add_error(None, _("Choose one of the child's open cases."))
                return _page_with(request, access, decide=form)
        try:
            decided = services.signal_decide(
                ctx=_ctx(request), signal=signal, decision=data["decision"], lead=data.get("lead"),
                summary=data["summary"], add_reporter=data["add_reporter"], reporter_level=data["reporter_level"],
                case=case, reason=data["reason"], service=data["service"], reporter_note=data["reporter_note"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("signals:detail", signal_id=signal.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if decided.decision == Decision.OPEN_CASE:
                messages.success(request, _("Case %(number)s was opened.") % {"number": decided.case.number})
                if access_for(request.user, decided.case) is not None:
                    return redirect("cases:detail", case_id=decided.case_id)
            elif decided.decision == Decision.ATTACH:
                messages.success(
                    request, _("The signal was attached to the child's open case; its lead is informed.")
                )
            else:
                messages.success(request, _("Decided: no case needed. The reporter is informed."))
            return redirect("signals:detail", signal_id=signal.pk)
    return _page_with(request, access, decide=form)


@login_required
@require_POST
def signal_forward(request, signal_id):
    access = _signal(request, signal_id, audit=False)
    form = forms.ForwardForm(request.POST)
    if form.is_valid():
        try:
            services.signal_forward(
                ctx=_ctx(request), signal=access.signal, organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("signals:detail", signal_id=access.signal.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("The signal was sent to %(org)s.") % {"org": form.cleaned_data["organisation"]}
            )
            access.signal.refresh_from_db()
            if access_for_signal(request.user, access.signal) is None:
                return redirect("signals:incoming" if intake_department_ids(request.user) else "signals:list")
            return redirect("signals:detail", signal_id=access.signal.pk)
    return _page_with(request, access, forward=form)


def _url(signal) -> str:
    from django.urls import reverse

    return reverse("signals:detail", args=[signal.pk])


# ---- the child of a signal --------------------------------------------------------------------


def _child_initial(signal) -> dict:
    return {
        "first_name": signal.child_first_name, "middle_name": signal.child_middle_name,
        "last_name": signal.child_last_name, "birth_date": signal.child_birth_date, "sex": signal.child_sex,
        "egn": signal.child_egn, "settlement": signal.child_settlement_id, "address": signal.child_address,
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def signal_child(request, signal_id):
    """Find the child of a signal among the registered children (the duplicate finder) and link
    the record, or register the child from what the check established."""
    ctx = _ctx(request)
    access = _signal(request, signal_id, audit=request.method == "GET")
    signal = access.signal
    if not access.can_work:
        raise PermissionDenied(
            _("Only the professional assigned to the signal can say which child it is about.")
        )
    action = request.POST.get("action", "")
    hints = []
    form = ChildForm(request.POST or None, initial=_child_initial(signal))
    if action == "link":
        child = child_found_by(request.user, request.POST.get("child"))
        try:
            services.signal_link_child(ctx=ctx, signal=signal, child=child)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("signals:child", signal_id=signal.pk)
        messages.success(request, _("The signal is now about the registered child."))
        return redirect(f"{_url(signal)}#decide")
    if action in ("search", "register") and form.is_valid():
        data = {
            k: (v.strip() or None) if k in ("egn", "lnch") and isinstance(v, str) else v
            for k, v in form.cleaned_data.items()
        }
        try:
            query = child_services.clean_duplicate_query(
                **{
                    f: data.get(f)
                    for f in ("first_name", "middle_name", "last_name", "birth_date", "egn", "lnch")
                }
            )
        except ValidationError:
            query = None
        if query is not None:
            hints = child_services.duplicate_check(ctx=ctx, query=query)
        if action == "register" and (not hints or request.POST.get("different_child") == "1"):
            try:
                child = child_services.child_register(
                    ctx=ctx, **data, distinct_from=[h.child_id for h in hints]
                )
                services.signal_link_child(ctx=ctx, signal=signal, child=child)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s was registered; the signal is about this child.") % {"name": child.full_name},
                )
                return redirect(f"{_url(signal)}#decide")
    return render(
        request,
        "signals/signal_child.html",
        {
            "access": access, "signal": signal, "form": form, "hints": hints, "searched": action in ("search", "register"),
            "selected": form.selected_settlement(),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )  # fmt: skip
