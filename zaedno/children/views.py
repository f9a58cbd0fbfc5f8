"""Child pages: register a child, the child's record with relatives, edit with a version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.forms import apply_service_errors
from zaedno.children import services
from zaedno.children.duplicates import find_duplicates, query_from_child
from zaedno.children.forms import ChildEditForm, ChildForm, MergeForm, RelativeForm
from zaedno.children.merge import child_merge, merge_allowed
from zaedno.children.models import Child
from zaedno.children.queries import child_for_user, child_rights, duplicate_hints, merged_target_for_user
from zaedno.core.errors import ConflictError
from zaedno.places.models import Settlement

SETTLEMENT_LIMIT = 20


def _identity(data: dict) -> dict:
    """Empty identifiers are stored as NULL (a child may have neither ЕГН nor ЛНЧ)."""
    return {
        k: (v.strip() or None) if k in ("egn", "lnch") and isinstance(v, str) else v for k, v in data.items()
    }


DUPLICATE_FIELDS = ("first_name", "middle_name", "last_name", "birth_date", "egn", "lnch")


def _duplicate_query(data: dict):
    """The duplicate check of what was typed on the registration form (None if too little)."""
    try:
        return services.clean_duplicate_query(**{f: data.get(f) for f in DUPLICATE_FIELDS})
    except ValidationError:
        return None


def _typed_label(data: dict) -> str:
    """How the user described the child (their own words, shown back on a join request)."""
    name = " ".join(p for p in (data.get("first_name"), data.get("middle_name"), data.get("last_name")) if p)
    birth = data.get("birth_date")
    return f"{name}, {birth:%d.%m.%Y}" if birth else name


@login_required
@require_http_methods(["GET", "POST"])
def child_register(request):
    """Register a child (регистриране на дете); the ЕГН is checked against birth date and sex.

    Before saving, likely existing records are shown (the same ЕГН; or the name in either
    alphabet, with a typo, and the birth date): the user asks to join that child's team, or
    confirms that this is a different child and registers anyway.
    """
    form = ChildForm(request.POST or None)
    hints = []
    ctx = AuditContext.from_request(request)
    if request.method == "POST" and form.is_valid():
        data = _identity(form.cleaned_data)
        confirmed = request.POST.get("different_child") == "1"
        query = _duplicate_query(data)
        if query is not None:
            hints = services.duplicate_check(ctx=ctx, query=query)
        if hints and not confirmed:
            for field in ("egn", "lnch"):
                if any(h.fields.get(field) for h in hints):
                    form.add_error(
                        field,
                        _(
                            "A child with this number is already registered. Ask to join the case team instead."
                        ),
                    )
            form.add_error(
                None,
                _(
                    "This child may already be registered. Check the records below: ask to join the "
                    "team of the child's case, or confirm that this is a different child."
                ),
            )
        else:
            try:
                child = services.child_register(
                    ctx=ctx, **data, distinct_from=[h.child_id for h in hints] if confirmed else []
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s was registered. You can now open a case from a signal.")
                    % {"name": child.full_name},
                )
                return redirect("children:detail", child_id=child.pk)
    context = {
        "form": form,
        "selected": form.selected_settlement(),
        "hints": hints,
        "typed_label": _typed_label(form.cleaned_data) if hints else "",
        "can_register_anyway": bool(hints)
        and not any(h.fields.get("egn") or h.fields.get("lnch") for h in hints),
    }
    return render(request, "children/child_form.html", context)


def _child_page(request, child, *, relative_form=None, status=200):
    rights = child_rights(request.user, child)
    context = {
        "child": child,
        "can_merge": merge_allowed(request.user, child),
        **vars(rights),
        "relatives": list(child.relatives.all()) if rights.sees_relatives else [],
        "relative_form": relative_form or RelativeForm(),
    }
    return render(request, "children/child_detail.html", context, status=status)


@login_required
def child_detail(request, child_id):
    """The child's record; a record merged into another leads to the surviving one."""
    try:
        child = child_for_user(request.user, child_id, ctx=AuditContext.from_request(request))
    except Http404:
        target = merged_target_for_user(request.user, child_id)
        if target is None:
            raise
        messages.info(request, _("This record was merged into the record below: the same child."))
        return redirect("children:detail", child_id=target.pk)
    return _child_page(request, child)


@login_required
@require_POST
def relative_add(request, child_id):
    """Record a relative or significant adult; htmx swaps the list, plain POST redirects."""
    ctx = AuditContext.from_request(request)
    child = child_for_user(request.user, child_id, ctx=ctx, audit=False)
    rights = child_rights(request.user, child)
    if not (rights.can_edit and rights.sees_relatives):
        raise PermissionDenied(_("Only the child's case team can change the child's record."))
    form = RelativeForm(request.POST)
    if form.is_valid():
        try:
            services.relative_add(ctx=ctx, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("The relative was added."))
                return redirect("children:detail", child_id=child.pk)
            form = RelativeForm()
    context = {
        "child": child,
        **vars(rights),
        "relatives": list(child.relatives.all()),
        "relative_form": form,
    }
    if request.htmx:
        return render(request, "children/_relatives.html", context)
    return _child_page(request, child, relative_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, child_id):
    """Edit the child's details; a stale save shows, field by field, yours and what is saved now."""
    ctx = AuditContext.from_request(request)
    child = child_for_user(request.user, child_id, ctx=ctx, audit=request.method == "GET")
    rights = child_rights(request.user, child)
    if not rights.can_edit:
        raise PermissionDenied(_("Only the child's case team can change the child's record."))
    with_ids = rights.sees_identity
    conflict = None
    if request.method == "POST":
        form = ChildEditForm(request.POST, with_identifiers=with_ids)
        if form.is_valid():
            data = _identity(form.cleaned_data)
            version = data.pop("version")
            try:
                services.child_update(ctx=ctx, child=child, expected_version=version, **data)
            except ConflictError as exc:
                conflict = exc
                child.refresh_from_db()
                form = ChildEditForm(
                    initial={**form.cleaned_data, "version": exc.current_version}, with_identifiers=with_ids
                )
            except ValidationError as exc:
                child.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The child's record was saved."))
                return redirect("children:detail", child_id=child.pk)
    else:
        initial = {f: getattr(child, f) for f in services.EDITABLE_CHILD_FIELDS}
        initial["settlement"] = child.settlement_id
        initial["version"] = child.version
        form = ChildEditForm(initial=initial, with_identifiers=with_ids)
    return render(
        request,
        "children/child_edit.html",
        {"child": child, "form": form, "conflict": conflict, "selected": form.selected_settlement()},
        status=409 if conflict else 200,
    )


@login_required
@require_GET
def settlement_search(request):
    """htmx: settlements (EKATTE) matching a name or code, with their municipality; at most 20."""
    query = (request.GET.get("q") or request.GET.get("settlement_q") or "").strip()
    results = []
    if len(query) >= 2:
        if query.isdigit():
            cond = Q(ekatte__startswith=query)
        else:
            # SQLite folds case only for ASCII: try the usual spellings of a Cyrillic name.
            cond = Q()
            for variant in {query, query.lower(), query.capitalize(), query.title(), query.upper()}:
                cond |= Q(name__startswith=variant) | Q(name__contains=" " + variant)
        results = list(
            Settlement.objects.filter(cond)
            .select_related("municipality", "municipality__oblast")
            .order_by("name", "ekatte")[:SETTLEMENT_LIMIT]
        )
    return render(request, "children/_settlement_options.html", {"results": results, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def child_merge_page(request, child_id):
    """Merge a confirmed duplicate into this record (managers of its organisations only).

    The candidates are the likely duplicates of this record, shown as to anyone else: a record
    the manager may not see appears without its name, with the fields that matched.
    """
    ctx = AuditContext.from_request(request)
    child = child_for_user(request.user, child_id, ctx=ctx, audit=request.method == "GET")
    if not merge_allowed(request.user, child):
        raise PermissionDenied(
            _(
                "Only a manager of the organisation that registered this child, or of the lead "
                "organisation of one of its cases, can merge duplicates into it."
            )
        )
    matches = find_duplicates(query_from_child(child), exclude_id=child.pk)
    hints = duplicate_hints(request.user, matches)
    form = MergeForm(request.POST or None, choices=[(h.child_id, h.child_id) for h in hints])
    if request.method == "POST" and form.is_valid():
        source = Child.objects.get(pk=form.cleaned_data["source"])
        try:
            child_merge(ctx=ctx, source=source, target=child, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("The duplicate record was merged into this one. Nothing was deleted.")
            )
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/child_merge.html", {"child": child, "hints": hints, "form": form})
