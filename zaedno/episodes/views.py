"""Pages of the child's service and school history (история на услугите и училищата).

Every page starts from ``case_for_user`` (404 for a missing case and for one the user may not see
alike) and shows the episodes of the case's child, whichever case recorded them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.episodes import queries, services
from zaedno.episodes.forms import (
    EpisodeEndForm,
    EpisodeStartForm,
    MoveForm,
    PlannedConfirmForm,
    PlannedDecisionForm,
    PlannedMoveForm,
    PlannedWithdrawForm,
)


def _writable(access) -> None:
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))


def _history_context(access, *, form=None) -> dict:
    today = timezone.localdate()
    episodes = queries.history(access)
    moves_12 = queries.recent_moves(access.case, today)
    planned = queries.planned_moves(access)
    return {
        "planned": planned,
        "decide_form": PlannedDecisionForm(access=access) if access.can_write else None,
        "access": access,
        "case": access.case,
        "episodes": episodes,
        "has_current": any(e.is_current for e in episodes),
        "moves_12": moves_12,
        "repeated": len(moves_12) >= queries.REPEATED_MOVES,
        "threshold": queries.REPEATED_MOVES,
        "gap_days": services.MOVE_GAP_DAYS,
        "form": form or (EpisodeStartForm(access=access) if access.can_write else None),
        "today": today,
    }


@login_required
def history(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action="episodes.view")
    return render(request, "episodes/history.html", _history_context(access))


@login_required
@require_POST
def start(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    _writable(access)
    form = EpisodeStartForm(request.POST, access=access)
    if form.is_valid():
        try:
            services.episode_start(
                ctx=ctx, access=access, data=form.episode_data(), decision=form.cleaned_data.get("decision"),
                emergency_reason=form.cleaned_data.get("emergency_reason", ""),
                plan_reason=form.cleaned_data.get("plan_reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The episode was recorded."))
            return redirect("episodes:case", case_id=access.case.pk)
    return render(request, "episodes/history.html", _history_context(access, form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def end(request, case_id, episode_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(
        request.user, case_id, ctx=ctx, action="episodes.view", audit=request.method == "GET"
    )
    episode = queries.episode_get(access, episode_id)
    _writable(access)
    form = EpisodeEndForm(request.POST or None, access=access, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_end(
                ctx=ctx, access=access, episode=episode, data=form.end_data(),
                decision=form.cleaned_data.get("decision"),
                emergency_reason=form.cleaned_data.get("emergency_reason", ""),
                plan_reason=form.cleaned_data.get("plan_reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The end of the episode was recorded."))
            return redirect("episodes:case", case_id=access.case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "episodes/end.html", {"case": access.case, "episode": episode, "form": form,
                                       "gap_days": services.MOVE_GAP_DAYS}, status=status,
    )  # fmt: skip


def _move_start(request, access) -> tuple[list, dict]:
    """The child's current episodes and the form's initial values for the one named by ``?from=``;
    no episodes (with a message saying so) when there is nothing to move from."""
    current = queries.current_episodes(access)
    if not current:
        messages.info(request, _("The child has no current service, school or placement to move from."))
        return [], {}
    chosen = request.GET.get("from") or ""
    episode = next((e for e in current if chosen.isdigit() and e.pk == int(chosen)), None)
    return current, ({"episode": episode.pk, "kind": episode.kind} if episode else {})


@login_required
@require_http_methods(["GET", "POST"])
def move(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(
        request.user, case_id, ctx=ctx, action="episodes.view", audit=request.method == "GET"
    )
    _writable(access)
    current, initial = _move_start(request, access)
    if not current:
        return redirect("episodes:case", case_id=access.case.pk)
    initial |= {"ended_on": timezone.localdate(), "started_on": timezone.localdate()}
    form = MoveForm(request.POST or None, access=access, current=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        episode = queries.episode_get(access, form.cleaned_data["episode"])
        try:
            services.move_record(
                ctx=ctx, access=access, episode=episode, end=form.end_data(), to=form.episode_data(),
                decision=form.cleaned_data.get("decision"),
                emergency_reason=form.cleaned_data.get("emergency_reason", ""),
                plan_reason=form.cleaned_data.get("plan_reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The move was recorded and the team was notified."))
            return redirect("episodes:case", case_id=access.case.pk)
    status = 400 if request.method == "POST" else 200
    from zaedno.profiles.queries import case_is_difficult

    return render(
        request, "episodes/move.html",
        {"case": access.case, "form": form, "difficult": case_is_difficult(access.case),
         "moves_count": queries.moves_in_last_12_months(access.case),
         "goals": queries.goals_against_move(access.case, current)},
        status=status,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_move(request, case_id):
    """Record a move proposed before it happens (e.g. by the school): a proposal to the team."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(
        request.user, case_id, ctx=ctx, action="episodes.view", audit=request.method == "GET"
    )
    _writable(access)
    current, initial = _move_start(request, access)
    if not current:
        return redirect("episodes:case", case_id=access.case.pk)
    form = PlannedMoveForm(request.POST or None, access=access, current=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        episode = queries.episode_get(access, form.cleaned_data["episode"])
        try:
            services.move_plan(
                ctx=ctx, access=access, episode=episode, to=form.episode_data(),
                proposed_by=form.cleaned_data["proposed_by"], note=form.cleaned_data.get("note", ""),
                decision=form.cleaned_data.get("decision"),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The proposed move was recorded and the team was told: it needs the team's decision."),
            )
            return redirect("episodes:case", case_id=access.case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "episodes/plan_move.html",
        {"case": access.case, "form": form, "goals": queries.goals_against_move(access.case, current)},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def planned_decide(request, case_id, planned_id):
    """Link the team's decision about a proposed move."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    _writable(access)
    planned = queries.planned_get(access, planned_id)
    form = PlannedDecisionForm(request.POST, access=access)
    if form.is_valid():
        try:
            services.planned_move_decide(
                ctx=ctx, access=access, planned=planned, decision=form.cleaned_data["decision"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The team's decision was linked to the proposed move."))
    else:
        messages.error(request, _("Choose the team's decision about the move."))
    return redirect("episodes:case", case_id=access.case.pk)


@login_required
@require_POST
def planned_withdraw(request, case_id, planned_id):
    """The proposed move is dropped, with the reason."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    _writable(access)
    planned = queries.planned_get(access, planned_id)
    form = PlannedWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.planned_move_withdraw(
                ctx=ctx, access=access, planned=planned, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The proposed move was withdrawn."))
    else:
        messages.error(request, _("Say why the proposed move is withdrawn."))
    return redirect("episodes:case", case_id=access.case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def planned_confirm(request, case_id, planned_id):
    """The planned move happened: the history records it now, under the move rule."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(
        request.user, case_id, ctx=ctx, action="episodes.view", audit=request.method == "GET"
    )
    _writable(access)
    planned = queries.planned_get(access, planned_id)
    initial = {"moved_on": planned.planned_on, "decision": planned.decision_id}
    form = PlannedConfirmForm(request.POST or None, access=access, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.planned_move_carry_out(
                ctx=ctx, access=access, planned=planned, moved_on=d["moved_on"], decision=d.get("decision"),
                emergency_reason=d.get("emergency_reason", ""), plan_reason=d.get("plan_reason", ""),
                note=d.get("note", ""),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The move was recorded and the team was notified."))
            return redirect("episodes:case", case_id=access.case.pk)
    from zaedno.profiles.queries import case_is_difficult

    status = 400 if request.method == "POST" else 200
    return render(
        request, "episodes/planned_confirm.html",
        {"case": access.case, "form": form, "planned": planned, "difficult": case_is_difficult(access.case),
         "goals": queries.goals_against_move(access.case, [planned.from_episode]),
         "today": timezone.localdate()},
        status=status,
    )  # fmt: skip
