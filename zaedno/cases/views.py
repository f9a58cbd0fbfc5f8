"""Case pages: my cases, export, the case page and its forms, emergency access.

Views are thin: every case is read through ``access.case_for_user`` or ``queries`` (which start
from the access layer and audit the read), every change goes through ``services``.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.accounts.models import User
from zaedno.audit.services import AuditContext
from zaedno.cases import queries, services
from zaedno.cases.access import Via, access_for, case_exists_for_break_glass, case_for_user
from zaedno.cases.forms import (
    BreakGlassReviewForm,
    CaseEditForm,
    CaseSearchForm,
    EmergencyForm,
    NoteForm,
    OpenCaseForm,
    StatusForm,
    TeamAddForm,
    TeamRemoveForm,
    apply_service_errors,
    membership_search,
)
from zaedno.cases.models import SECTION_SENSITIVITY, NoteSection, Sensitivity
from zaedno.children.queries import child_for_user, search_children, visible_children
from zaedno.core.errors import ConflictError

PAGE_SIZE = 25
VIEWERS_SHOWN = 50


# --- My cases -------------------------------------------------------------------------------


def _filtered_cases(request):
    form = CaseSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    return form, query, status, queries.case_list(request.user, query=query, status=status)


@login_required
def case_list(request):
    """My cases (моите случаи): searchable by name in either alphabet, ЕГН or case number."""
    form, query, status, cases = _filtered_cases(request)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    queries.audit_case_list(AuditContext.from_request(request), page.object_list, query=query)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query": query, "status": status, "params": params.urlencode()}
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "cases/_case_rows.html", context)
    return render(request, "cases/case_list.html", context)


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def case_export(request):
    """The visible cases (same filters as the list) as CSV, for the user's own reporting."""
    from zaedno.cases.templatetags.zaedno_ui import age

    _form, query, _status, cases = _filtered_cases(request)
    rows = list(cases)
    queries.audit_case_list(AuditContext.from_request(request), rows, action="case.export", query=query)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="zaedno-cases-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Case number"),
            _("Child"),
            _("Birth date"),
            _("Age"),
            _("Status"),
            _("Case lead"),
            _("Lead organisation"),
            _("Municipality"),
            _("Opened"),
            _("Team size"),
        ]
    )
    for c in rows:
        writer.writerow(
            [
                _csv_cell(c.number),
                _csv_cell(c.child.full_name),
                c.child.birth_date.strftime("%d.%m.%Y"),
                age(c.child.birth_date),
                c.get_status_display(),
                _csv_cell(c.lead.get_full_name() or c.lead.username),
                _csv_cell(c.lead_organisation),
                _csv_cell(c.municipality),
                timezone.localtime(c.opened_at).strftime("%d.%m.%Y"),
                c.team_size,
            ]
        )
    return response


# --- The case page --------------------------------------------------------------------------


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
    """The audit's reads of the case, newest first; repeated views in a row by the same person
    through the same access are shown as one line with a count."""
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
    signals = queries.case_signals(access)
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
        "review_form": BreakGlassReviewForm(),
        "emergency": access.via == Via.BREAK_GLASS,
        "now": timezone.now(),
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


# --- Forms on their own pages ---------------------------------------------------------------


def _manage_access(request, case_id, *, audit_get=True):
    """Access for a form page of the case: GET is a read (audited), POST is audited by the service."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=audit_get and request.method == "GET")
    return ctx, access


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    """Edit the case summary; a stale save shows what changed instead of overwriting."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    conflict = None
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(
                    ctx=ctx,
                    access=access,
                    expected_version=form.cleaned_data["version"],
                    summary=form.cleaned_data["summary"],
                )
            except ConflictError as exc:
                conflict = exc
                form = CaseEditForm(
                    initial={"summary": form.cleaned_data["summary"], "version": exc.current_version}
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The summary was saved."))
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = CaseEditForm(initial={"summary": case.summary, "version": case.version})
    return render(
        request,
        "cases/case_edit.html",
        {"access": access, "case": case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request, case_id):
    """Close, move to long-term follow-up, or reopen — always with a reason."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_change_status:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can close or reopen a case.")
        )
    conflict = None
    if request.method == "POST":
        form = StatusForm(request.POST, current_status=case.status)
        if form.is_valid():
            try:
                services.case_change_status(
                    ctx=ctx,
                    access=access,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as exc:
                conflict = exc
                case.refresh_from_db()
                form = StatusForm(
                    initial={"reason": form.cleaned_data["reason"], "version": exc.current_version},
                    current_status=case.status,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The status of the case was changed."))
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = StatusForm(initial={"version": case.version}, current_status=case.status)
    return render(
        request,
        "cases/case_status.html",
        {"access": access, "case": case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request, case_id):
    """Add a professional from any organisation to the team around the child."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_manage_team:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can change the team.")
        )
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = TeamAddForm(request.POST)
        if form.is_valid():
            m = form.cleaned_data["membership"]
            try:
                services.team_member_add(
                    ctx=ctx,
                    access=access,
                    user=m.user,
                    organisation=m.organisation,
                    role=form.cleaned_data["role"],
                    sharing_level=form.cleaned_data["sharing_level"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s (%(org)s) joined the team.") % {"name": m.user, "org": m.organisation},
                )
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = TeamAddForm()
    active_ids = [m.user_id for m in queries.case_team(access, include_former=False)]
    selected = form["membership"].value() if form.is_bound else None
    results = membership_search(query, exclude_user_ids=active_ids) if query else []
    return render(
        request,
        "cases/team_add.html",
        {
            "access": access,
            "case": case,
            "form": form,
            "query": query,
            "results": results,
            "selected": str(selected or ""),
        },
    )


@login_required
def team_search(request, case_id):
    """htmx: professionals matching a name, across all organisations (not case data: not audited)."""
    access = case_for_user(request.user, case_id, ctx=AuditContext.from_request(request), audit=False)
    if not access.can_manage_team:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    active_ids = [m.user_id for m in queries.case_team(access, include_former=False)]
    results = membership_search(query, exclude_user_ids=active_ids) if len(query) >= 2 else []
    return render(request, "cases/_professional_options.html", {"results": results, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def team_remove(request, case_id, member_id):
    """End a membership with a reason; the history stays on the case."""
    ctx, access = _manage_access(request, case_id)
    case = access.case
    if not access.can_manage_team:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can change the team.")
        )
    member = next(
        (m for m in queries.case_team(access, include_former=False) if m.pk == member_id),
        None,
    )
    if member is None:
        raise Http404
    if request.method == "POST":
        form = TeamRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.team_member_remove(
                    ctx=ctx, access=access, member=member, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s left the team.") % {"name": member.user})
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = TeamRemoveForm()
    return render(
        request, "cases/team_remove.html", {"access": access, "case": case, "member": member, "form": form}
    )


@login_required
@require_POST
def break_glass_review(request, case_id, grant_id):
    """The lead (or a manager) marks an emergency access as justified or not."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    grant = next((g for g in queries.case_break_glass_pending(access) if g.pk == grant_id), None)
    if grant is None:
        raise Http404
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass_review(
                ctx=ctx,
                access=access,
                grant=grant,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The emergency access was reviewed."))
    else:
        messages.error(request, _("Choose whether the emergency access was justified."))
    return redirect("cases:detail", case_id=access.case.pk)


# --- Open a case ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    """Open a case from a signal about a child (откриване на случай по сигнал)."""
    ctx = AuditContext.from_request(request)
    child_id = request.GET.get("child") or request.POST.get("child")
    if not child_id:
        query = request.GET.get("q", "").strip()
        children = []
        if query:
            children = list(
                search_children(visible_children(request.user), query).select_related("settlement")[:20]
            )
        return render(request, "cases/case_open_pick.html", {"query": query, "children": children})
    child = child_for_user(request.user, child_id, ctx=ctx)
    if request.method == "POST":
        form = OpenCaseForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_open(
                    ctx=ctx,
                    child=child,
                    signal=services.SignalData(
                        category=data["category"],
                        source_sector=data["source_sector"],
                        reporter_name=data["reporter_name"],
                        received_at=data["received_at"],
                        description=data["description"],
                        reporter_organisation=data["reporter_organisation"],
                    ),
                    lead=data["lead"],
                    lead_organisation=data["lead_organisation"],
                    municipality=data["municipality"] or data["lead_organisation"].municipality,
                    summary=data["summary"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
                return redirect("cases:detail", case_id=case.pk)
    else:
        form = OpenCaseForm(user=request.user)
    no_organisation = not form.fields["lead_organisation"].queryset.exists()
    return render(
        request, "cases/case_open.html", {"form": form, "child": child, "no_organisation": no_organisation}
    )


# --- Emergency access -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def emergency(request):
    """Break-the-glass: open a case one is not in, by its exact number, with a written reason."""
    allowed = services.break_glass_allowed(request.user)
    form = EmergencyForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        case = case_exists_for_break_glass(form.cleaned_data["number"])
        if case is None:
            form.add_error("number", _("No case has this number. Check it and type it exactly."))
        else:
            current = access_for(request.user, case)
            if current is not None and current.via != Via.BREAK_GLASS:
                messages.info(request, _("You already have access to this case."))
                return redirect("cases:detail", case_id=case.pk)
            try:
                services.break_glass_open(
                    ctx=AuditContext.from_request(request), case=case, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.warning(
                    request,
                    _("Emergency access granted. The case lead has been informed and will review it."),
                )
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/emergency.html", {"form": form, "allowed": allowed})
