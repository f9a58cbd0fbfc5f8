"""The protocol as a picture: every protocol, one version's flow diagram, and a case on it.

Definitions are reference data — any professional who is logged in may read them, and they
carry no case data. The case diagram is case data: it goes through the access layer (404 for
outsiders, the read audited) and shows each step on the version the case started on.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from zaedno.audit.services import AuditContext
from zaedno.cases.access import Via, case_for_user
from zaedno.protocols import queries
from zaedno.protocols.diagram import case_progress, condition_words, layout, state_counts, state_legend
from zaedno.protocols.engine import text


def _by_code() -> dict[str, list]:
    """Every loaded version grouped by protocol code, lowest version first (a handful of rows)."""
    out: dict[str, list] = {}
    for version in queries.protocol_versions():
        out.setdefault(version.definition.code, []).append(version)
    return out


def _about(version) -> dict:
    """A version's title, description and conditions in the active language."""
    body = version.body
    return {
        "version": version,
        "title": text(body["title"]),
        "description": text(body.get("description")),
        "applies": condition_words(body.get("applies_when")),
    }


@login_required
def protocol_list(request):
    """Each protocol on its current version, with every loaded version and a link to its diagram."""
    protocols = [{**_about(versions[-1]), "versions": versions} for versions in _by_code().values()]
    return render(request, "protocols/protocol_list.html", {"protocols": protocols})


@login_required
def protocol_diagram(request, code, version=None):
    """One version's flow diagram: the current one, or the version named in the address."""
    versions = _by_code().get(code)
    if not versions:
        raise Http404
    current = versions[-1]
    shown = current if version is None else next((v for v in versions if v.version == version), None)
    if shown is None:
        raise Http404
    context = {**_about(shown), "current": current, "versions": versions, "layout": layout(shown.body)}
    return render(request, "protocols/diagram.html", context)


@login_required
def case_diagram(request, case_id):
    """The case's progress drawn on the diagram of each protocol it follows, on the case's own
    version: the steps' states, owners, due and done dates."""
    access = case_for_user(
        request.user, case_id, ctx=AuditContext.from_request(request), action="case.protocol_diagram.view"
    )
    now = timezone.now()
    current = {v.definition_id: v for v in queries.protocol_versions()}  # the highest of each wins
    diagrams = []
    for cp in queries.case_protocols(access):
        shape = layout(cp.version.body)
        progress = case_progress(cp.step_list, now)
        diagrams.append(
            {
                **_about(cp.version),
                "cp": cp,
                "current": current.get(cp.version.definition_id, cp.version),
                "layout": shape,
                "progress": progress,
                "counts": state_counts(progress, shape.boxes.values()),
            }
        )
    context = {
        "access": access,
        "case": access.case,
        "diagrams": diagrams,
        "legend": state_legend(),
        "emergency": access.via == Via.BREAK_GLASS,
        "now": now,
    }
    return render(request, "protocols/diagram_case.html", context)
