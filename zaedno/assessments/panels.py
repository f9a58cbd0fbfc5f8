"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zaedno.assessments import queries
from zaedno.assessments.models import Assessment, AssessmentStatus


def case_panel(access, now):
    """The assessment's state and the domains where a sector saw a significant need (two queries)."""
    assessment = queries.assessment_current_summary(access)
    return {
        "template": "assessments/_case_panel.html",
        "case": access.case,
        "assessment": assessment,
        "significant": queries.significant_visible_domains(access, assessment) if assessment else [],
        "contribution_count": assessment.contribution_count if assessment else 0,
    }


def documents(access) -> list[dict]:
    """Printable documents of the case: {"title", "date", "url", "pdf_url"}."""
    out = []
    for a in Assessment.objects.filter(case=access.case).order_by("-number"):
        if a.status == AssessmentStatus.DRAFT:
            title = _("Shared assessment, version %(number)s (in progress)") % {"number": a.number}
        else:
            title = _("Shared assessment, version %(number)s") % {"number": a.number}
        out.append(
            {
                "title": title,
                "date": a.completed_at or a.started_at,
                "url": reverse("assessments:print", args=[access.case.pk, a.pk]),
                "pdf_url": reverse("assessments:pdf", args=[access.case.pk, a.pk]),
            }
        )
    return out
