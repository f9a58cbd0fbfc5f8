"""A case's decisions: the list with its status filter (overdue highlighted), one decision with
its progress notes and the changes of its due date, moving the due date (with the reason), and
correcting a decision before its minutes are locked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.cases.forms import apply_service_errors
from zaedno.core.errors import ConflictError
from zaedno.meetings import queries, services
from zaedno.meetings.forms import DecisionEditForm, DecisionFilterForm, DueChangeForm, ProgressForm
from zaedno.meetings.models import DecisionKind, MeetingStatus
from zaedno.meetings.views.meetings import _access, _writer


@login_required
def decision_list(request, case_id):
    """All decisions of the case, by due date; filter by status or “overdue”."""
    _ctx, access = _access(request, case_id, action="decision.list")
    form = DecisionFilterForm(request.GET or None)
    status = form.status_value()
    decisions = queries.case_decisions(access, status=status)
    context = {
        "access": access,
        "case": access.case,
        "form": form,
        "status": status,
        "decisions": decisions,
        "counts": queries.decision_counts(access),
        "today": queries.today(),
    }
    return render(request, "meetings/decision_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request, case_id, decision_id):
    """One decision, its history of progress notes, and the form to add one or change the status."""
    ctx, access = _access(request, case_id, action="decision.view")
    decision = queries.case_decision(access, decision_id)
    can_update = decision.visible and decision.is_open and services.can_update_decision(access, decision)
    conflict = None
    form = None
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied(_("You may not update this decision."))
        form = ProgressForm(request.POST, decision=decision)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_progress(
                    ctx=ctx, access=access, decision=decision, text=data["text"], status=data["status"],
                    reason=data["reason"], expected_version=data.get("version"),
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                decision = queries.case_decision(access, decision_id)
                form = ProgressForm(decision=decision, initial={**data, "version": decision.version})
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The decision was updated."))
                return redirect("meetings:decision", case_id=access.case.pk, decision_id=decision.pk)
    elif can_update:
        form = ProgressForm(decision=decision, initial={"version": decision.version})
    may_move_due = decision.visible and decision.is_open and services.can_move_due_date(access, decision)
    context = {
        "access": access,
        "case": access.case,
        "decision": decision,
        "form": form,
        "due_form": DueChangeForm(initial={"due_on": decision.due_on, "version": decision.version})
        if may_move_due
        else None,
        "due_movers": []
        if may_move_due or not decision.is_open
        else services.who_may_move_due_date(access, decision),
        "conflict": conflict,
        "can_edit": access.can_write
        and decision.visible
        and decision.meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD),
        "now": timezone.now(),
    }
    status = 409 if conflict else (400 if form is not None and form.errors else 200)
    return render(request, "meetings/decision_detail.html", context, status=status)


@login_required
@require_POST
def decision_due_change(request, case_id, decision_id):
    """Move the due date of a decision: the new date and the reason; shown on the decision and
    on the timeline."""
    ctx, access = _access(request, case_id, action="decision.view")
    decision = queries.case_decision(access, decision_id)
    if not (decision.visible and services.can_move_due_date(access, decision)):
        raise PermissionDenied(
            _(
                "Only the responsible professional, the case lead or a manager of the lead organisation can move the due date."
            )
        )
    form = DueChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_due_change(
                ctx=ctx, access=access, decision=decision, due_on=data["due_on"], reason=data["reason"],
                expected_version=data.get("version"),
            )  # fmt: skip
        except ConflictError:
            messages.error(request, _("Someone changed the decision in the meantime: look at it again."))
            return redirect("meetings:decision", case_id=access.case.pk, decision_id=decision.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The due date was moved."))
            return redirect("meetings:decision", case_id=access.case.pk, decision_id=decision.pk)
    context = {
        "access": access, "case": access.case, "decision": decision, "form": None, "due_form": form,
        "due_movers": [], "conflict": None, "can_edit": False, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "meetings/decision_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request, case_id, decision_id):
    """Correct a decision's words, who or when — only until the minutes are locked."""
    ctx, access = _access(request, case_id, action="decision.view")
    _writer(access)
    decision = queries.case_decision(access, decision_id)
    if not decision.visible:
        raise PermissionDenied(_("Your sharing level does not cover this decision."))
    conflict = None
    if request.method == "POST":
        form = DecisionEditForm(request.POST, access=access, is_move=decision.kind == DecisionKind.MOVE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_edit(
                    ctx=ctx, access=access, decision=decision, expected_version=data["version"], text=data["text"],
                    responsible_kind=data["responsible_kind"], responsible_user=data["responsible_user"],
                    responsible_organisation=data["responsible_organisation"],
                    responsible_name=data["responsible_name"], move_from=data.get("move_from"),
                    move_to=data.get("move_to"),
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                form = DecisionEditForm(
                    initial={**data, "version": exc.current_version}, access=access,
                    is_move=decision.kind == DecisionKind.MOVE,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The decision was corrected."))
                return redirect("meetings:decision", case_id=access.case.pk, decision_id=decision.pk)
    else:
        form = DecisionEditForm(
            access=access, is_move=decision.kind == DecisionKind.MOVE,
            initial={"text": decision.text, "responsible_kind": decision.responsible_kind,
                     "responsible_user": decision.responsible_user_id,
                     "responsible_organisation": decision.responsible_organisation_id,
                     "responsible_name": decision.responsible_name, "move_from": decision.move_from,
                     "move_to": decision.move_to, "version": decision.version},
        )  # fmt: skip
    context = {"access": access, "case": access.case, "decision": decision, "form": form, "conflict": conflict,
               "meeting": decision.meeting, "editing": True}  # fmt: skip
    return render(request, "meetings/decision_form.html", context, status=409 if conflict else 200)
