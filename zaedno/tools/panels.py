"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from django.urls import reverse

from zaedno.tools import queries
from zaedno.tools.models import ToolKind, ToolVersion

PANEL_TOOLS = 5


def case_panel(access, now):
    """The case page's card: the latest tools, and the latest safety scale the reader may see."""
    documents = queries.case_tools(access)
    series = queries.safety_scale_points(access)
    latest = sorted((d for d in documents if d.latest), key=lambda d: d.latest.created_at, reverse=True)[
        :PANEL_TOOLS
    ]
    return {
        "template": "tools/_case_panel.html",
        "case": access.case,
        "tools": latest,
        "count": len(documents),
        "safety": series[-1] if series else None,
        "safety_views": series[-1].views if series else None,
        "safety_previous": series[-2] if len(series) > 1 else None,
        "can_write": access.can_write,
    }


def documents(access) -> list[dict]:
    """Printable documents of the case: {"title", "date", "url", "pdf_url"} — each tool's latest
    version the reader may read (a tool whose every version is above the reader is left out)."""
    docs = {d.pk: d for d in queries.case_tools(access)}
    if not docs:
        return []
    readable: dict[int, ToolVersion] = {}
    for v in ToolVersion.objects.filter(document_id__in=docs, sensitivity__lte=access.level).order_by(
        "number"
    ):
        readable[v.document_id] = v  # the highest number wins
    out = []
    for doc_id, v in readable.items():
        doc = docs[doc_id]
        args = [access.case.pk, doc.pk, v.number]
        out.append(
            {
                "title": f"{ToolKind(doc.kind).label}: {doc.title}"
                if doc.title != ToolKind(doc.kind).label
                else doc.title,
                "date": v.created_at,
                "url": reverse("tools:print", args=args),
                "pdf_url": reverse("tools:pdf", args=args),
            }
        )
    out.sort(key=lambda d: d["date"], reverse=True)
    return out
