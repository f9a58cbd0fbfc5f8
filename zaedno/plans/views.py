"""Plan pages: the current plan, a version, editing a draft, agreeing, confirming, reviews,
action status, printing and PDF, and long-term follow-up check-ins.

Thin views: every case is read through ``case_for_user`` (404 for missing and not allowed
alike), objects through ``queries`` (filtered on the case), every change through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.authority import lead_authority_names
from zaedno.cases.forms import apply_service_errors
from zaedno.core.errors import ConflictError
from zaedno.documents.pdf import pdf_filename, pdf_response
from zaedno.plans import forms, queries, services
from zaedno.plans.charts import line_chart
from zaedno.plans.models import MEASURE_SCALES, CheckInStatus, Measure, PlanKind, PlanStatus


def _access(request, case_id, *, action="plan.view"):
    """Access for a plan page: a GET is an audited read, a POST is audited by the service."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action=action, audit=request.method == "GET")
    return ctx, access


def _require_write(access):
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))


def _require_lead(access):
    _require_write(access)
    if not access.can_manage_team:
        # Say who can, so the member knows whom to ask (issue 12, item 10).
        raise PermissionDenied(
            _(
                "Only the case lead or a manager of the lead organisation can do this with the plan — %(names)s"
            )
            % {"names": lead_authority_names(access.case)}
        )


def charts(access) -> list[dict]:
    """One chart per outcome measure that has values, with the points listed under it."""
    out = []
    for measure, points in queries.outcome_series(access).items():
        if not points:
            continue
        low, high = MEASURE_SCALES[measure]
        label = Measure(measure).label
        unit = "%" if measure == Measure.SCHOOL_ATTENDANCE else ""
        out.append(
            {
                "measure": measure,
                "label": label,
                "svg": line_chart(points, low=low, high=high, title=str(label), unit=unit),
                "points": points,
            }
        )
    return out


def _plan_context(request, access, plan, plans):
    today = timezone.localdate()
    context = {
        "access": access,
        "case": access.case,
        "today": today,
        "now": timezone.now(),
        "plans": plans,
        "kinds": [k for k in PlanKind if any(p.kind == k for p in plans)],
        "start_form": forms.StartForm() if access.can_manage_team and access.can_write else None,
        "followups": queries.case_followups(access),
        "charts": charts(access) if queries.can_read(access) else [],
        "can_read": queries.can_read(access),
        "plan": plan,
    }
    if plan is not None:
        detail = queries.plan_detail(access, plan)
        context["detail"] = detail
        context["versions"] = [p for p in plans if p.kind == plan.kind]
        context["has_draft"] = any(p.kind == plan.kind and p.status == PlanStatus.DRAFT for p in plans)
        context["draft"] = next((p for p in context["versions"] if p.status == PlanStatus.DRAFT), None)
        pending_ids = {m.user_id for m in detail.confirmations["pending"]}
        context["i_confirm"] = (
            plan.status == PlanStatus.AGREED and request.user.pk in pending_ids and access.can_write
        )
    return context


@login_required
def plan_page(request, case_id):
    """The current plan of the case (the agreed version, else the draft); ``?kind=`` another kind."""
    _ctx, access = _access(request, case_id)
    plans = queries.case_plans(access)
    kind = request.GET.get("kind")
    plan = queries.current_of(plans, kind if kind in PlanKind.values else None)
    return render(request, "plans/plan.html", _plan_context(request, access, plan, plans))


@login_required
def plan_detail(request, case_id, plan_id):
    """One version of the plan (a superseded version stays readable)."""
    _ctx, access = _access(request, case_id)
    plan = queries.plan_for(access, plan_id)
    plans = queries.case_plans(access)
    return render(request, "plans/plan.html", _plan_context(request, access, plan, plans))


@login_required
@require_POST
def plan_start(request, case_id):
    """Start a plan: its first version, or a new version copied from the current one."""
    ctx, access = _access(request, case_id)
    _require_lead(access)
    form = forms.StartForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else PlanKind.CASE_PLAN
    return _start(request, ctx, access, kind)


@login_required
@require_POST
def plan_new_version(request, case_id, plan_id):
    ctx, access = _access(request, case_id)
    _require_lead(access)
    plan = queries.plan_for(access, plan_id)
    return _start(request, ctx, access, plan.kind)


def _start(request, ctx, access, kind):
    try:
        plan = services.plan_start(ctx=ctx, access=access, kind=kind)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("plans:case", args=[access.case.pk]) + f"?kind={kind}")
    messages.success(
        request,
        _("Draft %(version)s started. Write it, then agree it at a meeting.") % {"version": plan.label},
    )
    return redirect("plans:edit", case_id=access.case.pk, plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, case_id, plan_id):
    """Edit a draft: the purpose, the child's and parents' words, goals, waymarks and actions."""
    ctx, access = _access(request, case_id, action="plan.edit")
    _require_write(access)
    plan = queries.plan_for(access, plan_id)
    if plan.status != PlanStatus.DRAFT:
        messages.error(
            request, _("Only a draft can be changed. Start a new version to change an agreed plan.")
        )
        return redirect("plans:detail", case_id=access.case.pk, plan_id=plan.pk)
    members = services.active_members(access.case)
    conflict = None
    added = None
    if request.method == "POST" and request.POST.get("add_row") in forms.ROW_PREFIXES:
        # "Add a row": the page comes back with what was typed and one more empty row, unsaved
        # (with htmx only the form is swapped; without JS the same button reloads the page).
        added = request.POST["add_row"]
        data = forms.with_added_row(request.POST, added)
        plan_form, goals, waymarks, actions = _edit_forms(data, None, members)
        first_field = {"goals": "domain", "waymarks": "goal", "actions": "text"}[added]
        new_row = {"goals": goals, "waymarks": waymarks, "actions": actions}[added].forms[-1]
        new_row.fields[first_field].widget.attrs["autofocus"] = True
    elif request.method == "POST":
        plan_form, goals, waymarks, actions = _edit_forms(request.POST, None, members)
        if all([plan_form.is_valid(), goals.is_valid(), waymarks.is_valid(), actions.is_valid()]):
            content = forms.draft_content(plan_form, goals, waymarks, actions)
            try:
                services.plan_draft_save(
                    ctx=ctx, access=access, plan=plan, expected_version=plan_form.cleaned_data["version"],
                    content=content,
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = exc.current_version
                plan_form = forms.PlanForm(data)
                plan_form.is_valid()
            except ValidationError as exc:
                apply_service_errors(plan_form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                if "save_and_stay" in request.POST:
                    return redirect("plans:edit", case_id=access.case.pk, plan_id=plan.pk)
                return redirect("plans:detail", case_id=access.case.pk, plan_id=plan.pk)
    else:
        content = services.content_of(plan)
        initial = {
            "purpose": plan.purpose, "child_words": plan.child_words, "parents_words": plan.parents_words,
            "next_review_on": plan.next_review_on, "version": plan.version,
        }  # fmt: skip
        plan_form, goals, waymarks, actions = _edit_forms(
            None, (initial, *forms.initial_of(content)), members
        )
    context = {
        "access": access, "case": access.case, "plan": plan, "form": plan_form, "goals": goals,
        "waymarks": waymarks, "actions": actions, "conflict": conflict, "added": added,
    }  # fmt: skip
    if added and request.htmx:
        return render(request, "plans/_edit_form.html", context)
    return render(request, "plans/edit.html", context, status=409 if conflict else 200)


def _edit_forms(data, initial, members):
    """The plan form and the three formsets of the draft page, bound to ``data`` or with
    ``initial`` = (plan, goals, waymarks, actions). Waymarks and actions are offered the goal rows
    of the same page by number and words, so a goal added in this edit can be chosen at once."""
    if data is not None:
        plan_form = forms.PlanForm(data)
        goals = forms.GoalFormSet(data, prefix="goals")
        labels = forms.goal_labels(goals)
        waymarks = forms.WaymarkFormSet(data, prefix="waymarks", form_kwargs={"goal_labels": labels})
        actions = forms.ActionFormSet(
            data, prefix="actions", form_kwargs={"goal_labels": labels, "members": members}
        )
        return plan_form, goals, waymarks, actions
    p, g, w, a = initial
    plan_form = forms.PlanForm(initial=p)
    goals = forms.GoalFormSet(initial=g, prefix="goals")
    labels = forms.goal_labels(goals)
    waymarks = forms.WaymarkFormSet(initial=w, prefix="waymarks", form_kwargs={"goal_labels": labels})
    actions = forms.ActionFormSet(
        initial=a, prefix="actions", form_kwargs={"goal_labels": labels, "members": members}
    )
    return plan_form, goals, waymarks, actions


@login_required
@require_http_methods(["GET", "POST"])
def plan_agree(request, case_id, plan_id):
    """Record that the draft was agreed at a meeting (case lead or manager)."""
    ctx, access = _access(request, case_id, action="plan.agree.view")
    _require_lead(access)
    plan = queries.plan_for(access, plan_id)
    meetings = queries.agreeing_meetings(access)
    conflict = None
    if request.method == "POST":
        form = forms.AgreeForm(request.POST, meetings=meetings)
        if form.is_valid():
            try:
                services.plan_agree(
                    ctx=ctx, access=access, plan=plan, meeting=form.cleaned_data["meeting"],
                    expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                form = forms.AgreeForm(initial={"version": exc.current_version}, meetings=meetings)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The plan was agreed. The team members are asked to confirm it."))
                return redirect("plans:detail", case_id=access.case.pk, plan_id=plan.pk)
    else:
        form = forms.AgreeForm(initial={"version": plan.version}, meetings=meetings)
    context = {"access": access, "case": access.case, "plan": plan, "form": form, "meetings": meetings,
               "conflict": conflict}  # fmt: skip
    return render(request, "plans/agree.html", context, status=409 if conflict else 200)


@login_required
@require_POST
def plan_confirm(request, case_id, plan_id):
    """A team member confirms the agreed plan."""
    ctx, access = _access(request, case_id)
    plan = queries.plan_for(access, plan_id)
    try:
        services.plan_confirm(ctx=ctx, access=access, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You confirmed the plan."))
    return redirect("plans:detail", case_id=access.case.pk, plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request, case_id, plan_id):
    """Record a review of the agreed plan: progress of each goal and the outcome measures."""
    ctx, access = _access(request, case_id, action="plan.review.view")
    _require_write(access)
    plan = queries.plan_for(access, plan_id)
    goals = list(plan.goals.all())
    meetings = queries.case_meetings(access)
    if request.method == "POST":
        form = forms.ReviewForm(request.POST, meetings=meetings, goals=goals)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.plan_review_record(
                    ctx=ctx, access=access, plan=plan, held_on=d["held_on"], summary=d["summary"],
                    meeting=d.get("meeting"), progress=form.progress(), measures=form.measures(),
                    next_review_on=d.get("next_review_on"),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The review was recorded."))
                return redirect("plans:detail", case_id=access.case.pk, plan_id=plan.pk)
    else:
        form = forms.ReviewForm(meetings=meetings, goals=goals)
    context = {"access": access, "case": access.case, "plan": plan, "form": form}
    return render(request, "plans/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_status(request, case_id, plan_id, action_id):
    """Say how an action of the agreed plan stands."""
    ctx, access = _access(request, case_id, action="plan.action.view")
    _require_write(access)
    plan = queries.plan_for(access, plan_id)
    action = queries.action_for(access, plan, action_id)
    conflict = None
    if request.method == "POST":
        form = forms.ActionStatusForm(request.POST)
        if form.is_valid():
            try:
                services.action_status_set(
                    ctx=ctx, access=access, action=action, status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = exc.current_version
                form = forms.ActionStatusForm(data)
                form.is_valid()
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The status of the action was saved."))
                return redirect(
                    reverse("plans:detail", args=[access.case.pk, plan.pk]) + f"#action-{action.pk}"
                )
    else:
        form = forms.ActionStatusForm(
            initial={"status": action.status, "reason": action.status_reason, "version": action.version}
        )
    context = {"access": access, "case": access.case, "plan": plan, "action": action, "form": form,
               "conflict": conflict}  # fmt: skip
    return render(request, "plans/action_status.html", context, status=409 if conflict else 200)


def _print_context(access, plan) -> dict:
    detail = queries.plan_detail(access, plan)
    members = services.active_members(access.case)
    signers = [
        {"name": m.user.get_full_name() or m.user.username, "role": m.user.get_profession_display(),
         "organisation": str(m.organisation)}
        for m in members
    ]  # fmt: skip
    return {
        "access": access, "case": access.case, "child": access.case.child, "plan": plan, "detail": detail,
        "charts": charts(access), "signers": signers, "now": timezone.now(),
    }  # fmt: skip


@login_required
def plan_print(request, case_id, plan_id):
    """The plan as a printable page (the same template as the PDF)."""
    _ctx, access = _access(request, case_id, action="plan.print")
    plan = queries.plan_for(access, plan_id)
    return render(request, "plans/print.html", _print_context(access, plan))


@login_required
def plan_pdf(request, case_id, plan_id):
    _ctx, access = _access(request, case_id, action="plan.pdf")
    plan = queries.plan_for(access, plan_id)
    return pdf_response(
        "plans/print.html",
        _print_context(access, plan),
        request=request,
        filename=pdf_filename("plan", access.case.number, plan.label),
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_schedule(request, case_id):
    """Schedule long-term follow-up check-ins (case lead or manager)."""
    ctx, access = _access(request, case_id, action="plan.followup.view")
    _require_lead(access)
    if not queries.can_read(access):
        raise Http404
    members = services.active_members(access.case)
    if request.method == "POST":
        form = forms.FollowUpScheduleForm(request.POST, members=members)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.followup_schedule(
                    ctx=ctx, access=access, first_on=d["first_on"], responsible=d["responsible"],
                    every_months=d["every_months"], count=d["count"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The follow-up check-ins were scheduled."))
                return redirect(reverse("plans:case", args=[access.case.pk]) + "#follow-up")
    else:
        form = forms.FollowUpScheduleForm(
            initial={
                "first_on": services.add_months(timezone.localdate(), 3),
                "responsible": access.case.lead_id,
            },
            members=members,
        )
    return render(
        request, "plans/followup_schedule.html", {"access": access, "case": access.case, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_done(request, case_id, checkin_id):
    """Record a follow-up check-in: how the child is, any concern, the next check-in."""
    ctx, access = _access(request, case_id, action="plan.followup.view")
    _require_write(access)
    checkin = queries.checkin_for(access, checkin_id)
    if checkin.status != CheckInStatus.SCHEDULED:
        messages.info(request, _("This check-in has already been recorded."))
        return redirect(reverse("plans:case", args=[access.case.pk]) + "#follow-up")
    conflict = None
    if request.method == "POST":
        form = forms.FollowUpDoneForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.followup_complete(
                    ctx=ctx, access=access, checkin=checkin, done_on=d["done_on"], child_status=d["child_status"],
                    concern=d["concern"], next_due_on=d.get("next_due_on"), expected_version=d["version"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The check-in was recorded."))
                return redirect(reverse("plans:case", args=[access.case.pk]) + "#follow-up")
    else:
        form = forms.FollowUpDoneForm(initial={"done_on": timezone.localdate(), "version": checkin.version})
    context = {"access": access, "case": access.case, "checkin": checkin, "form": form, "conflict": conflict}
    return render(request, "plans/followup_done.html", context, status=409 if conflict else 200)
