"""Pages of the resource map: the list with filters, the map, an entry, and the forms with which
an organisation's members keep its entries current; the export of the current filter."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.forms import apply_service_errors
from zaedno.core.errors import ConflictError
from zaedno.places.models import Settlement
from zaedno.resources import export, queries
from zaedno.resources.forms import HOME_OBLAST, ServiceFilterForm, ServiceForm, service_initial
from zaedno.resources.services import (
    can_edit_services,
    editable_organisations,
    is_stale,
    service_confirm,
    service_create,
    service_update,
    stale_before,
)

PAGE_SIZE = 25


def _filtered(request):
    form = ServiceFilterForm(request.GET or None)
    return form, queries.service_search(form.filters(), user=request.user)


def _list_context(request, form, services) -> dict:
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    editable = set(editable_organisations(request.user).values_list("pk", flat=True))
    return {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "stale_before": stale_before(),
        "editable": editable,
        "settlements": _settlements(),
        "stale_days": settings.ZAEDNO_RESOURCE_STALE_DAYS,
    }


def _settlements():
    """The settlement picker's options (Veliko Tarnovo oblast)."""
    return Settlement.objects.filter(municipality__oblast_id=HOME_OBLAST).only("ekatte", "kind", "name")


@login_required
def service_list(request):
    """The resource map as a list (карта на ресурсите): filters, search, last confirmation."""
    form, services = _filtered(request)
    context = _list_context(request, form, services)
    if request.htmx and request.htmx.target == "service-results":
        return render(request, "resources/_service_rows.html", context)
    return render(request, "resources/service_list.html", context)


@login_required
def service_map(request):
    """The same entries on a map (Leaflet, vendored); the list below works without the map."""
    form, services = _filtered(request)
    context = _list_context(request, form, services)
    context |= {
        "markers": queries.markers(services),
        "tiles_url": settings.ZAEDNO_MAP_TILES_URL,
        "tiles_attribution": settings.ZAEDNO_MAP_TILES_ATTRIBUTION,
    }
    if request.htmx and request.htmx.target == "service-results":
        return render(request, "resources/_service_rows.html", context)
    return render(request, "resources/service_map.html", context)


def _service_or_404(service_id: int):
    service = queries.service_get(service_id)
    if service is None:
        raise Http404
    return service


@login_required
def service_detail(request, service_id: int):
    service = _service_or_404(service_id)
    return render(
        request,
        "resources/service_detail.html",
        {
            "service": service,
            "stale": is_stale(service),
            "can_edit": can_edit_services(request.user, service.organisation_id),
            "stale_days": settings.ZAEDNO_RESOURCE_STALE_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request):
    """Add an entry for one of the user's organisations (its practitioners and managers only)."""
    organisations = list(editable_organisations(request.user).select_related("municipality"))
    if not organisations:
        raise PermissionDenied(_("Only practitioners and managers of an organisation can add its entries."))
    chosen = organisations[0]
    if len(organisations) > 1:
        wanted = request.POST.get("organisation") or request.GET.get("organisation")
        chosen = next((o for o in organisations if str(o.pk) == wanted), organisations[0])
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                service = service_create(
                    ctx=AuditContext.from_request(request), organisation=chosen, data=form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The entry was added to the resource map."))
                return redirect("resources:detail", service_id=service.pk)
    else:
        form = ServiceForm(initial={"is_free": True, "is_active": True})
    return render(
        request,
        "resources/service_form.html",
        {
            "form": form,
            "organisations": organisations,
            "organisation": chosen,
            "settlements": _settlements(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, service_id: int):
    service = _service_or_404(service_id)
    if not can_edit_services(request.user, service.organisation_id):
        raise PermissionDenied(
            _("Only the organisation's own practitioners and managers can change its entries.")
        )
    conflict = None
    version = service.version
    if request.method == "POST":
        form = ServiceForm(request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = service.version
        if form.is_valid():
            try:
                service_update(
                    ctx=AuditContext.from_request(request),
                    service=service,
                    data=form.cleaned_data,
                    expected_version=version,
                )
            except ConflictError as exc:
                conflict = exc
                version = exc.current_version
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The entry was saved and confirmed as current."))
                return redirect("resources:detail", service_id=service.pk)
    else:
        form = ServiceForm(initial=service_initial(service))
    return render(
        request,
        "resources/service_form.html",
        {
            "form": form,
            "service": service,
            "organisation": service.organisation,
            "version": version,
            "conflict": conflict,
            "settlements": _settlements(),
        },
    )


@login_required
@require_POST
def service_confirm_view(request, service_id: int):
    """Confirm "still right as it stands": the entry's last confirmation becomes today."""
    service = _service_or_404(service_id)
    if not can_edit_services(request.user, service.organisation_id):
        raise PermissionDenied(
            _("Only the organisation's own practitioners and managers can confirm its entries.")
        )
    service_confirm(ctx=AuditContext.from_request(request), service=service)
    messages.success(
        request,
        _("“%(name)s” is confirmed as current on %(date)s.")
        % {"name": service.name, "date": timezone.localdate().strftime("%d.%m.%Y")},
    )
    target = request.POST.get("next", "")
    if target.startswith("/resources/") and "//" not in target:
        return redirect(target)
    return redirect("resources:detail", service_id=service.pk)


@login_required
def service_export(request, fmt: str):
    """The entries of the current filter as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    _form, services = _filtered(request)
    if fmt == "xlsx":
        return export.xlsx_response(services)
    return export.csv_response(services)
