"""Reads of shared assessments, always through a case access (``zaedno.cases.access``).

A contribution above the reader's sharing level shows only that it exists (sector, organisation,
author, date): its domains, texts and levels are left out, and so are its levels in the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404

from zaedno.assessments.domains import DOMAINS_BY_SIDE, Domain, Side
from zaedno.assessments.models import (
    FORMULATION_SENSITIVITY,
    NEED_ORDER,
    Assessment,
    AssessmentStatus,
    Contribution,
    DomainEntry,
    NeedLevel,
)
from zaedno.cases.access import CaseAccess


def assessment_list(access: CaseAccess) -> list[Assessment]:
    """All versions of the case's assessment, newest first, with their number of contributions."""
    return list(
        Assessment.objects.filter(case=access.case)
        .select_related("started_by", "completed_by", "formulation_meeting")
        .annotate(contribution_count=Count("contributions"))
        .order_by("-number")
    )


def _with_contributions(qs):
    return qs.select_related(
        "started_by", "completed_by", "formulation_meeting", "formulation_agreed_by"
    ).prefetch_related(
        Prefetch(
            "contributions",
            queryset=Contribution.objects.select_related(
                "organisation", "author", "updated_by"
            ).prefetch_related(Prefetch("entries", queryset=DomainEntry.objects.order_by("id"))),
        )
    )


def assessment_get(access: CaseAccess, assessment_id) -> Assessment:
    """One version of the case's assessment, contributions loaded; 404 if not of this case."""
    try:
        return _with_contributions(Assessment.objects.filter(case=access.case)).get(pk=int(assessment_id))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assessment_current(access: CaseAccess) -> Assessment | None:
    """The version in progress, or else the current completed one, or None."""
    qs = _with_contributions(
        Assessment.objects.filter(
            case=access.case, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.COMPLETED]
        )
    )
    found = {a.status: a for a in qs}
    return found.get(AssessmentStatus.DRAFT) or found.get(AssessmentStatus.COMPLETED)


def assessment_current_summary(access: CaseAccess) -> Assessment | None:
    """The current assessment (in progress first) with its number of contributions, one query."""
    rows = (
        Assessment.objects.filter(
            case=access.case, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.COMPLETED]
        )
        .annotate(contribution_count=Count("contributions"))
        .order_by("-number")[:2]
    )
    found = {a.status: a for a in rows}
    return found.get(AssessmentStatus.DRAFT) or found.get(AssessmentStatus.COMPLETED)


@dataclass
class DomainRef:
    domain: str
    label: str


def significant_visible_domains(access: CaseAccess, assessment: Assessment) -> list[DomainRef]:
    """Domains with a significant need in the contributions the reader may see, one query."""
    codes = set(
        DomainEntry.objects.filter(
            contribution__assessment=assessment, contribution__sensitivity__lte=access.level,
            level=NeedLevel.SIGNIFICANT,
        ).values_list("domain", flat=True)
    )  # fmt: skip
    return [DomainRef(d, Domain(d).label) for d in Domain.values if d in codes]


def assessment_completed(access: CaseAccess) -> Assessment | None:
    return Assessment.objects.filter(case=access.case, status=AssessmentStatus.COMPLETED).first()


@dataclass
class Cell:
    contribution: Contribution
    visible: bool
    entry: DomainEntry | None = None


@dataclass
class Row:
    domain: str
    label: str
    cells: list[Cell] = field(default_factory=list)
    level: str = ""  # the highest level any visible contribution gives

    @property
    def significant(self) -> bool:
        return self.level == NeedLevel.SIGNIFICANT

    @property
    def level_label(self) -> str:
        return NeedLevel(self.level).label if self.level else ""


@dataclass
class SideBlock:
    side: str
    label: str
    rows: list[Row]


@dataclass
class Matrix:
    """The assessment as the reader may see it: domains × sectors."""

    assessment: Assessment
    contributions: list[tuple[Contribution, bool]]  # (contribution, visible to the reader)
    sides: list[SideBlock]
    sees_formulation: bool

    @property
    def significant_domains(self) -> list[Row]:
        return [row for block in self.sides for row in block.rows if row.significant]

    @property
    def restricted_count(self) -> int:
        return sum(1 for _c, visible in self.contributions if not visible)


def assessment_matrix(access: CaseAccess, assessment: Assessment) -> Matrix:
    """Build the matrix from an assessment fetched with ``assessment_get``/``assessment_current``
    (no further queries)."""
    contributions = [(c, access.sees(c.sensitivity)) for c in assessment.contributions.all()]
    by_contribution = {
        c.pk: {e.domain: e for e in c.entries.all()} for c, visible in contributions if visible
    }
    sides = []
    for side in Side:
        rows = []
        for domain in DOMAINS_BY_SIDE[side]:
            row = Row(domain=domain, label=Domain(domain).label)
            for c, visible in contributions:
                entry = by_contribution[c.pk].get(domain) if visible else None
                row.cells.append(Cell(contribution=c, visible=visible, entry=entry))
                if entry is not None and (not row.level or NEED_ORDER[entry.level] > NEED_ORDER[row.level]):
                    row.level = entry.level
            rows.append(row)
        sides.append(SideBlock(side=side, label=Side(side).label, rows=rows))
    return Matrix(
        assessment=assessment,
        contributions=contributions,
        sides=sides,
        sees_formulation=access.sees(FORMULATION_SENSITIVITY),
    )


def significant_need_domains(case) -> list[str]:
    """Domains where any sector saw a significant need in the case's current completed assessment.

    For the difficult-case profile, which the system computes for the whole team: every
    contribution counts, whatever its sensitivity (only domain codes leave this function).
    """
    rows = (
        DomainEntry.objects.filter(
            contribution__assessment__case=case,
            contribution__assessment__status=AssessmentStatus.COMPLETED,
            level=NeedLevel.SIGNIFICANT,
        )
        .values_list("domain", flat=True)
        .distinct()
    )
    order = list(Domain.values)
    return sorted(set(rows), key=order.index)
