"""Reads of the discussion tools, with access checks (see zaedno/cases/access.py).

Every function takes the reader's ``CaseAccess`` (from ``case_for_user``, which already refused
outsiders with a 404) and only looks inside ``access.case``: a tool of another case is a 404 too.
Content is given only up to the reader's sharing level; below it the reader sees that a version
exists (who saved it, when) but not what it says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.http import Http404
from django.utils import timezone

from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.meetings.queries import linkable_meetings
from zaedno.tools.kinds import KINDS
from zaedno.tools.models import ToolDocument, ToolKind, ToolVersion
from zaedno.tools.safety import SafetyViews, safety_views


def _versions():
    return ToolVersion.objects.select_related("author", "meeting")


def case_tools(access: CaseAccess) -> list[ToolDocument]:
    """The case's tools, each with ``latest`` (its newest version) loaded: two queries."""
    documents = list(ToolDocument.objects.filter(case=access.case).select_related("created_by"))
    latest = {
        v.document_id: v
        for v in _versions().filter(document__case=access.case, number=F("document__version"))
    }
    for doc in documents:
        doc.latest = latest.get(doc.pk)
    documents.sort(key=lambda d: (d.kind, -(d.latest.created_at.timestamp() if d.latest else 0), -d.pk))
    return documents


@dataclass
class KindGroup:
    """One kind of tool on the list page: what it is for, and the case's documents of that kind."""

    code: str
    label: str
    purpose: str
    documents: list[ToolDocument]


def tools_by_kind(access: CaseAccess) -> list[KindGroup]:
    documents = case_tools(access)
    return [
        KindGroup(code, str(kind.label), str(kind.purpose), [d for d in documents if d.kind == code])
        for code, kind in KINDS.items()
    ]


def tool_document(access: CaseAccess, tool_id) -> ToolDocument:
    """A tool of this case, or 404 (also for a tool of another case)."""
    try:
        return ToolDocument.objects.select_related("created_by").get(pk=int(tool_id), case=access.case)
    except (ToolDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tool_versions(access: CaseAccess, document: ToolDocument) -> list[ToolVersion]:
    """Every version of the tool, oldest first (all listed; content only where ``sees``)."""
    if document.case_id != access.case.pk:
        raise Http404
    return list(_versions().filter(document=document).order_by("number"))


def tool_version(access: CaseAccess, document: ToolDocument, number=None) -> ToolVersion:
    """One version of the tool (the latest when ``number`` is None), or 404."""
    if document.case_id != access.case.pk:
        raise Http404
    try:
        n = document.version if number is None else int(number)
        return _versions().get(document=document, number=n)
    except (ToolVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def sees(access: CaseAccess, version: ToolVersion) -> bool:
    return access.sees(version.sensitivity)


def case_meetings(access: CaseAccess):
    """The meetings of the case a tool may be linked to (not the cancelled ones), newest first."""
    return linkable_meetings(access.case)


def audit_tool_read(
    ctx: AuditContext, access: CaseAccess, document: ToolDocument, version: ToolVersion | None, action: str
) -> None:
    """Record that the reader opened a tool (which version, and whether its content was shown)."""
    details = {"kind": document.kind}
    if version is not None:
        details.update({"version": version.number, "content_shown": sees(access, version)})
    audit_record(
        ctx=ctx, action=action, kind=AuditKind.READ, case_id=access.case.pk,
        object_type="tool_document", object_id=document.pk, details=details,
    )  # fmt: skip


def _local_date(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


@dataclass
class SafetyPoint:
    """One safety map version on the scale over time: its date and its ratings read as views."""

    date: dt.date
    views: SafetyViews


def safety_scale_points(access) -> list[SafetyPoint]:
    """The Signs-of-Safety safety scale (0–10) over time on ``access.case``: for each saved map,
    its date and its ratings as views (each person, each side, the spread; see ``tools.safety``).

    Every version of every safety map the reader may see counts (a map saved again at the next
    conference is the next point); versions without ratings are left out. The date is the
    meeting's when the version is linked to one, else the day it was saved.
    """
    versions = (
        ToolVersion.objects.filter(
            document__case=access.case,
            document__kind=ToolKind.SAFETY_MAP,
            sensitivity__lte=access.level,
        )
        .select_related("meeting")
        .order_by("created_at", "pk")
    )
    points = []
    for v in versions:
        views = safety_views(v.data.get("ratings") or [])
        if views is None:
            continue
        when = v.meeting.starts_at if v.meeting_id else v.created_at
        points.append((when, v.pk, SafetyPoint(_local_date(when), views)))
    points.sort(key=lambda p: (p[0], p[1]))
    return [p for _when, _pk, p in points]


def safety_scale_series(access) -> list[tuple[dt.date, float, dict[str, int]]]:
    """The safety scale as (date, mean of all ratings, each rating by name): what plan reviews'
    outcome charts plot beside their own measures. Pages of the tools show the views instead
    (``safety_scale_points``): a mean alone hides the gap between the team and the family."""
    out = []
    for point in safety_scale_points(access):
        ratings: dict[str, int] = {}
        for row in point.views.people:
            name = str(row.get("name") or "?").strip()
            key, n = name, 2
            while key in ratings:  # two people with the same name on one map
                key, n = f"{name} ({n})", n + 1
            ratings[key] = row["rating"]
        out.append((point.date, round(sum(ratings.values()) / len(ratings), 1), ratings))
    return out
