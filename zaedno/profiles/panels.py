"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from zaedno.profiles.models import CaseProfile
from zaedno.profiles.queries import criterion_labels


def case_panel(access, now):
    """The "difficult case" badge and the criteria met (or how many are met, when not flagged)."""
    profile = CaseProfile.objects.filter(case=access.case).first()
    if profile is None:
        return None
    return {
        "template": "profiles/_case_panel.html",
        "case": access.case,
        "flagged": profile.flagged,
        "since": profile.flagged_since,
        "threshold": profile.threshold,
        "labels": criterion_labels(profile.criteria_met),
    }
