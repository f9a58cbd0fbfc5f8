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


def safety_scale_series(access) -> list[tuple[dt.date, float, dict[str, int]]]:
    """The Signs-of-Safety safety scale (0–10) over time on ``access.case``: for each saved map,
    its date, the mean rating and each participant's rating by name. Used by plan reviews' charts.

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
        ratings: dict[str, int] = {}
        for row in v.data.get("ratings") or []:
            if not isinstance(row.get("rating"), int):
                continue
            name = str(row.get("name") or "?").strip()
            key, n = name, 2
            while key in ratings:  # two people with the same name on one map
                key, n = f"{name} ({n})", n + 1
            ratings[key] = row["rating"]
        if not ratings:
            continue
        when = v.meeting.starts_at if v.meeting_id else v.created_at
        mean = round(sum(ratings.values()) / len(ratings), 1)
        points.append((_local_date(when), when, v.pk, mean, ratings))
    points.sort(key=lambda p: (p[1], p[2]))
    return [(date, mean, ratings) for date, _when, _pk, mean, ratings in points]
