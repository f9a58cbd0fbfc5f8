"""Pages of imports: the organisation's imports with the upload form, one job's progress and result,
the progress bar alone (polled by htmx every second) and the templates to download.

A job is seen only by the members of its organisation (``queries.job_for_user``: 404 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zaedno.audit.services import AuditContext
from zaedno.cases.forms import apply_service_errors
from zaedno.imports import queries, samples, services
from zaedno.imports.columns import COLUMNS
from zaedno.imports.forms import UploadForm
from zaedno.imports.models import ImportStatus

PAGE_SIZE = 30


def progress_context(job) -> dict:
    """What the progress bar shows: the phase and how many rows of how many."""
    return {"job": job, "processed": queries.processed_rows(job), "finished": job.is_finished}


@login_required
@require_http_methods(["GET", "POST"])
def job_list(request):
    """The imports of my organisations, newest first, and the form to upload a file."""
    organisations = services.import_organisations(request.user)
    can_upload = organisations.exists()
    form = None
    if can_upload:
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES, organisations=organisations)
            if form.is_valid():
                try:
                    job = services.import_start(
                        ctx=AuditContext.from_request(request),
                        organisation=form.cleaned_data["organisation"],
                        upload=form.cleaned_data["file"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("The file was uploaded; it is checked row by row now."))
                    return redirect("imports:detail", job_id=job.pk)
        else:
            form = UploadForm(organisations=organisations)
    elif request.method == "POST":
        raise PermissionDenied(_("You can import only into an organisation whose entries you keep."))
    page = Paginator(queries.jobs_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/job_list.html",
        {"page": page, "form": form, "columns": COLUMNS, "language": samples.template_language()},
    )


@login_required
@require_GET
def job_detail(request, job_id):
    """One import: its progress while it runs; then the bad rows, or the entries it created."""
    job = queries.job_for_user(request.user, job_id)
    context = progress_context(job)
    context["created"] = queries.created_services(job) if job.status == ImportStatus.DONE else []
    context["file_errors"] = [e for e in job.errors if not e.get("line")]
    context["row_errors"] = [e for e in job.errors if e.get("line")]
    context["bad_lines"] = len({e["line"] for e in context["row_errors"]})
    return render(request, "imports/job_detail.html", context)


@login_required
@require_GET
def job_progress(request, job_id):
    """The progress bar alone. When the job has finished, htmx reloads the whole page to show the result."""
    job = queries.job_for_user(request.user, job_id)
    response = render(request, "imports/_progress.html", progress_context(job))
    if job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def template_download(request, fmt):
    """The template of an import file, with the header and one example row."""
    if fmt == "csv":
        body, content_type = samples.template_csv(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = samples.template_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    name = "uslugi-shablon" if samples.template_language() == "bg" else "services-template"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
