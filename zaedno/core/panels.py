"""Panels other apps contribute to shared pages (the case page, "my work", compliance).

The case page, "my work" and the compliance page belong to the cases and protocols apps, but
meetings, decisions, plans and tools have something to show there. Instead of those pages
importing every app (and growing with each), each app offers small functions that return a panel
— a dict with the ``template`` to include and its data — or ``None`` when it has nothing to show.
The pages include the panels in the order listed here.
"""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

# (access, now) -> panel | None: cards on the case page (right-hand column).
CASE_PANELS = [
    "zaedno.profiles.panels.case_panel",
    "zaedno.meetings.panels.case_panel",
    "zaedno.plans.panels.case_panel",
    "zaedno.assessments.panels.case_panel",
    "zaedno.tools.panels.case_panel",
    "zaedno.documents.panels.case_panel",
    "zaedno.episodes.panels.case_panel",
    "zaedno.referrals.panels.case_panel",
]
# (user, now) -> panel | None: sections of "my work" below the protocol steps.
WORK_PANELS = [
    "zaedno.signals.panels.work_panel",
    "zaedno.cases.panels.work_panel",
    "zaedno.meetings.panels.work_panel",
    "zaedno.plans.panels.work_panel",
    "zaedno.referrals.panels.work_panel",
    "zaedno.episodes.panels.work_panel",
    "zaedno.join_requests.panels.work_panel",
]
# (user, organisations: dict[id, Organisation], municipalities: dict[id, Municipality], now)
# -> panel | None: sections of the compliance page.
COMPLIANCE_PANELS = [
    "zaedno.signals.panels.compliance_panel",
    "zaedno.meetings.panels.compliance_panel",
]

# (access) -> list of {"title", "date", "url", "pdf_url"}: the case's printable documents, listed
# on its documents page (minutes, assessments, plans, tools, the family sheet).
DOCUMENT_SOURCES = [
    "zaedno.meetings.panels.documents",
    "zaedno.assessments.panels.documents",
    "zaedno.plans.panels.documents",
    "zaedno.tools.panels.documents",
]


@cache
def _load(paths: tuple[str, ...]):
    return [import_string(p) for p in paths]


def _collect(paths: list[str], *args) -> list[dict]:
    return [panel for fn in _load(tuple(paths)) if (panel := fn(*args))]


def case_panels(access, now) -> list[dict]:
    return _collect(CASE_PANELS, access, now)


def work_panels(user, now) -> list[dict]:
    return _collect(WORK_PANELS, user, now)


def compliance_panels(user, organisations, municipalities, now) -> list[dict]:
    return _collect(COMPLIANCE_PANELS, user, organisations, municipalities, now)


def case_documents(access) -> list[dict]:
    out: list[dict] = []
    for fn in _load(tuple(DOCUMENT_SOURCES)):
        out.extend(fn(access) or [])
    return out
