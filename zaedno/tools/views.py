"""Pages of the discussion tools: the case's tools, start one, read a version, save a new one,
print and PDF. Every page starts from ``case_for_user`` (404 for outsiders) and audits the read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.cases.models import TeamMember
from zaedno.core.errors import ConflictError
from zaedno.documents.pdf import pdf_filename, pdf_response
from zaedno.tools import kinds, queries, services
from zaedno.tools.forms import EnvelopeForm
from zaedno.tools.models import ToolKind
from zaedno.tools.safety import safety_views
from zaedno.tools.svg import network_map_svg, safety_chart_svg


def _access(request, case_id, *, action="tool.list", audit=True):
    ctx = AuditContext.from_request(request)
    return ctx, case_for_user(request.user, case_id, ctx=ctx, action=action, audit=audit)


def _kind(code: str) -> kinds.Kind:
    if code not in kinds.KINDS:
        raise Http404
    return kinds.KINDS[code]


def version_context(access, document, version) -> dict:
    """What the pages, the print view and the PDF show of one version (nothing of its content
    when the reader is below its sensitivity)."""
    visible = queries.sees(access, version)
    ctx = {
        "case": access.case,
        "document": document,
        "version": version,
        "visible": visible,
        "kind": kinds.kind_for(document.kind),
        "template_body": f"tools/kinds/_{document.kind}.html",
    }
    if visible:
        data = kinds.display(document.kind, version.data)
        ctx["data"] = data
        if document.kind == ToolKind.NETWORK_MAP:
            centre = data.get("centre") or access.case.child.first_name
            ctx["map_svg"] = mark_safe(network_map_svg(centre, data.get("people", []), title=document.title))  # noqa: S308 - built with every text escaped
        if document.kind == ToolKind.SAFETY_MAP:
            ctx["safety"] = safety_views(data.get("ratings", []))
    return ctx


@login_required
@require_GET
def tool_list(request, case_id):
    """The case's tools grouped by kind, with a button to start each."""
    ctx, access = _access(request, case_id, action="tool.list")
    series = queries.safety_scale_points(access)
    return render(
        request,
        "tools/tool_list.html",
        {
            "access": access,
            "case": access.case,
            "groups": queries.tools_by_kind(access),
            "safety_chart": mark_safe(safety_chart_svg(series)) if len(series) > 0 else "",  # noqa: S308 - escaped SVG
            "series": series,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_new(request, case_id, kind):
    """Start a tool: its fields, and the meeting and sensitivity of the first version."""
    ctx, access = _access(request, case_id, action="tool.new", audit=request.method == "GET")
    kind = _kind(kind)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    initial = {}
    if kind.code == ToolKind.NETWORK_MAP:
        initial["centre"] = access.case.child.first_name
    if kind.code == ToolKind.TEAM_AROUND_WORKER:
        initial["keyworker"] = access.case.lead.get_full_name()
    if request.method == "POST":
        envelope = EnvelopeForm(request.POST, access=access, with_title=True)
        tool = kinds.bind(kind, data=request.POST)
        if envelope.is_valid() & tool.is_valid():
            try:
                version = services.tool_create(
                    ctx=ctx, access=access, kind=kind.code, title=envelope.cleaned_data["title"],
                    data=tool.cleaned(), meeting=envelope.cleaned_data["meeting"],
                    sensitivity=envelope.cleaned_data["sensitivity"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(envelope, exc)
            else:
                messages.success(request, _("The tool was saved (version 1)."))
                return redirect("tools:detail", case_id=access.case.pk, tool_id=version.document_id)
    else:
        envelope = EnvelopeForm(
            access=access, with_title=True, initial={"title": kind.label, "sensitivity": 2}
        )
        tool = kinds.bind(kind, initial=initial)
    return render(
        request,
        "tools/tool_form.html",
        {"access": access, "case": access.case, "kind": kind, "envelope": envelope, "tool": tool},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request, case_id, tool_id):
    """Save the tool again as a new version, starting from the latest (never overwrites)."""
    ctx, access = _access(request, case_id, audit=False)
    document = queries.tool_document(access, tool_id)
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))
    latest = queries.tool_version(access, document)
    if not queries.sees(access, latest):
        raise PermissionDenied(
            _("The latest version of this tool is above your sharing level; you cannot save over it.")
        )
    kind = kinds.kind_for(document.kind)
    conflict = None
    status = 200
    if request.method == "POST":
        envelope = EnvelopeForm(request.POST, access=access, with_title=False)
        tool = kinds.bind(kind, data=request.POST)
        if envelope.is_valid() & tool.is_valid():
            expected = envelope.cleaned_data["expected_version"] or latest.number
            try:
                version = services.tool_version_add(
                    ctx=ctx, access=access, document=document, expected_version=expected,
                    data=tool.cleaned(), meeting=envelope.cleaned_data["meeting"],
                    sensitivity=envelope.cleaned_data["sensitivity"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict, status = exc, 409
                data = request.POST.copy()
                data["expected_version"] = str(exc.current_version)
                envelope = EnvelopeForm(data, access=access, with_title=False)
                envelope.is_valid()
            except ValidationError as exc:
                apply_service_errors(envelope, exc)
            else:
                messages.success(
                    request, _("The tool was saved as version %(number)s.") % {"number": version.number}
                )
                return redirect("tools:detail", case_id=access.case.pk, tool_id=document.pk)
    else:
        queries.audit_tool_read(ctx, access, document, latest, "tool.edit")
        envelope = EnvelopeForm(
            access=access,
            with_title=False,
            initial={
                "meeting": latest.meeting_id,
                "sensitivity": latest.sensitivity,
                "expected_version": latest.number,
            },
        )
        tool = kinds.bind(kind, initial=latest.data)
    return render(
        request,
        "tools/tool_form.html",
        {
            "access": access,
            "case": access.case,
            "kind": kind,
            "envelope": envelope,
            "tool": tool,
            "document": document,
            "latest": latest,
            "conflict": conflict,
        },  # fmt: skip
        status=status,
    )


@login_required
@require_GET
def tool_detail(request, case_id, tool_id, number=None):
    """One version of a tool (the latest by default) with the list of all its versions."""
    ctx, access = _access(request, case_id, audit=False)
    document = queries.tool_document(access, tool_id)
    version = queries.tool_version(access, document, number)
    queries.audit_tool_read(ctx, access, document, version, "tool.view")
    versions = queries.tool_versions(access, document)
    context = version_context(access, document, version)
    context.update(
        {
            "access": access,
            "versions": versions,
            "is_latest": version.number == document.version,
            "can_edit": access.can_write and queries.sees(access, versions[-1]),
        }
    )
    if document.kind == ToolKind.SAFETY_MAP:
        series = queries.safety_scale_points(access)
        context["safety_chart"] = mark_safe(safety_chart_svg(series))  # noqa: S308 - escaped SVG
    return render(request, "tools/tool_detail.html", context)


def _signers(access, version, data: dict) -> list[dict]:
    """Who signs the printed tool: whoever saved it, then the people who rated the safety scale."""
    author = version.author
    member = TeamMember.objects.filter(case=access.case, user=author).select_related("organisation").first()
    signers = [
        {
            "name": author.get_full_name() or author.username,
            "role": author.get_profession_display(),
            "organisation": member.organisation if member else "",
        }
    ]
    for row in data.get("ratings", []):
        signers.append({"name": row.get("name", ""), "role": row.get("role", ""), "organisation": ""})
    return signers


def _printable(request, case_id, tool_id, number, action):
    ctx, access = _access(request, case_id, audit=False)
    document = queries.tool_document(access, tool_id)
    version = queries.tool_version(access, document, number)
    if not queries.sees(access, version):
        raise PermissionDenied(_("This version is above your sharing level."))
    queries.audit_tool_read(ctx, access, document, version, action)
    context = version_context(access, document, version)
    context["signers"] = _signers(access, version, context.get("data") or {})
    context["now"] = timezone.now()
    return access, document, version, context


@login_required
@require_GET
def tool_print(request, case_id, tool_id, number):
    """The version as a printable page (the same template as the PDF)."""
    _a, _d, _v, context = _printable(request, case_id, tool_id, number, "tool.print")
    return render(request, "tools/tool_print.html", context)


@login_required
@require_GET
def tool_pdf(request, case_id, tool_id, number):
    """The version as a PDF (WeasyPrint), in the reader's language."""
    access, document, version, context = _printable(request, case_id, tool_id, number, "tool.pdf")
    return pdf_response(
        "tools/tool_print.html",
        context,
        request=request,
        filename=pdf_filename(document.kind, access.case.number, f"v{version.number}"),
    )
