"""The case page: child, signals, notes by section, team, timeline, who looked; adding notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaedno.accounts.models import User
from zaedno.audit.services import AuditContext
from zaedno.cases import queries, services
from zaedno.cases.access import Via, case_for_user
from zaedno.cases.forms import (
    BreakGlassReviewForm,
    NoteForm,
    apply_service_errors,
)
from zaedno.cases.models import SECTION_SENSITIVITY, NoteSection, Sensitivity
from zaedno.core.panels import case_panels
from zaedno.protocols.queries import case_protocol_summary
from zaedno.signals.queries import case_signals

VIEWERS_SHOWN = 50


def _notes_by_section(access, notes) -> dict:
    """Sections with their notes, the visible sections still empty, and those restricted."""
    grouped = {s.value: [] for s in NoteSection}
    for note in notes:
        grouped[note.section].append(note)
    out = {"with_notes": [], "empty": [], "restricted": []}
    for section in NoteSection:
        if not access.sees(SECTION_SENSITIVITY[section]):
            out["restricted"].append(section)
        elif grouped[section.value]:
            sensitive = SECTION_SENSITIVITY[section] == Sensitivity.SENSITIVE
            out["with_notes"].append({"section": section, "sensitive": sensitive, "notes": grouped[section]})
        else:
            out["empty"].append(section)
    return out


def _notes_context(access, note_form=None):
    return {
        "access": access,
        "case": access.case,
        "sections": _notes_by_section(access, queries.case_notes(access)),
        "note_form": note_form or (NoteForm(access=access) if access.can_write else None),
    }


def _viewers(access):
    """The audit's reads of the case and the refused attempts, newest first; repeated views in a
    row by the same person through the same access are shown as one line with a count."""
    events = queries.case_viewers(access, limit=VIEWERS_SHOWN)
    names = {}
    ids = {e.actor_id for e in events if e.actor_id}
    if ids:
        names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=ids)}
    rows: list[dict] = []
    for e in events:
        via = (e.details or {}).get("via", "")
        last = rows[-1] if rows else None
        if (
            last
            and last["event"].actor_id == e.actor_id
            and last["via"] == via
            and last["event"].kind == e.kind
            and last["event"].reason == e.reason
        ):
            last["count"] += 1
            last["first_at"] = e.at
            continue
        rows.append(
            {
                "event": e,
                "name": names.get(e.actor_id, e.actor_username or "—"),
                "via": via,
                "count": 1,
                "first_at": e.at,
            }
        )
    return rows


def _case_page(request, access, *, note_form=None, status=200):
    case = access.case
    team = queries.case_team(access)
    signals = case_signals(access)
    context = {
        **_notes_context(access, note_form),
        "child": case.child,
        "sees_sensitive": access.sees(Sensitivity.SENSITIVE),
        "signals": signals,
        "team_active": [m for m in team if m.left_at is None],
        "team_former": [m for m in team if m.left_at is not None],
        "timeline": queries.case_timeline(access),
        "viewers": _viewers(access) if access.can_see_audit else [],
        "pending_grants": queries.case_break_glass_pending(access),
        "handover": queries.pending_handover(access) if access.can_manage_team else None,
        "review_form": BreakGlassReviewForm(),
        "emergency": access.via == Via.BREAK_GLASS,
        "now": timezone.now(),
        "protocol": case_protocol_summary(access),
        "panels": case_panels(access, timezone.now()),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request, case_id):
    """The case page: child, signals, notes by section, team, timeline, who looked."""
    access = case_for_user(request.user, case_id, ctx=AuditContext.from_request(request))
    return _case_page(request, access)


@login_required
@require_POST
def note_add(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    form = NoteForm(request.POST, access=access)
    if form.is_valid():
        try:
            services.case_note_add(
                ctx=ctx, access=access, section=form.cleaned_data["section"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if request.htmx:
                context = _notes_context(access)
                context["timeline"] = queries.case_timeline(access)
                context["oob"] = True
                return render(request, "cases/_notes.html", context)
            messages.success(request, _("The note was added."))
            return redirect("cases:detail", case_id=access.case.pk)
    if request.htmx:
        return render(request, "cases/_notes.html", _notes_context(access, form))
    return _case_page(request, access, note_form=form, status=400)
