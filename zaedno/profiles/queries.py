"""Reads of difficult-case profiles (through the access layer, except ``case_is_difficult``).

``case_is_difficult(case)`` is the one question other apps ask (e.g. whether a move of the child
between services needs more care); it reads the stored flag, so it costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zaedno.assessments.domains import Domain
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Case, SignalCategory
from zaedno.organisations.models import Sector
from zaedno.profiles.criteria import Criteria, Criterion, load_criteria
from zaedno.profiles.models import CaseProfile, Indicator, IndicatorKind, ProfileChange
from zaedno.profiles.rules import evaluate


def case_is_difficult(case: Case) -> bool:
    """Whether the case is flagged as a difficult case (профил на труден случай) now."""
    return CaseProfile.objects.filter(case_id=getattr(case, "pk", case), flagged=True).exists()


def profile_of(access: CaseAccess) -> CaseProfile:
    """The stored profile; for a case never computed (opened before profiles existed), the
    profile computed now and not stored — ``zaedno profiles refresh`` stores it."""
    profile = CaseProfile.objects.filter(case=access.case).first()
    if profile is not None:
        return profile
    criteria = load_criteria()
    results = evaluate(access.case, criteria)
    met = [c for c, r in results.items() if r.met]
    return CaseProfile(
        case=access.case, criteria_met=met, details={c: r.as_json() for c, r in results.items()},
        flagged=len(met) >= criteria.threshold, criteria_version=criteria.version, threshold=criteria.threshold,
        refreshed_at=timezone.now(),
    )  # fmt: skip


def profile_history(access: CaseAccess) -> list[ProfileChange]:
    return list(ProfileChange.objects.filter(case=access.case).select_related("actor").order_by("-at", "-id"))


def indicator_list(access: CaseAccess) -> list[Indicator]:
    """Indicators of the case, active first, newest first; notes above the reader's level are
    blanked (``note_visible`` False) unless the reader recorded it."""
    items = list(
        Indicator.objects.filter(case=access.case)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("withdrawn_at", "-recorded_at", "-id")
    )
    for item in items:
        item.note_visible = access.sees(item.sensitivity) or item.recorded_by_id == access.user.pk
    return items


def indicator_get(access: CaseAccess, indicator_id) -> Indicator:
    try:
        return Indicator.objects.get(case=access.case, pk=int(indicator_id))
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- explaining a criterion ---------------------------------------------------------------------------


def _fact_label(fact: str) -> str:
    kind, _sep, code = fact.partition(":")
    choices = {"domain": Domain, "sector": Sector, "indicator": IndicatorKind, "signal": SignalCategory}.get(
        kind
    )
    try:
        return str(choices(code).label) if choices else code
    except ValueError:
        return code


def _labels(facts: list[str], prefix: str) -> str:
    return ", ".join(_fact_label(f) for f in facts if f.startswith(prefix + ":"))


def explain(criterion: Criterion, result: dict) -> str:
    """Why a criterion is met or not, in the reader's language."""
    p = criterion.params
    facts = result.get("facts", [])
    n = result.get("value", 0)
    rule = criterion.rule
    if rule == "significant_needs":
        if not n:
            return _("No significant need in the latest completed assessment (needed: %(min)s domains).") % {
                "min": p["min_domains"]
            }
        return _("Significant needs in %(n)s domains: %(list)s (needed: %(min)s).") % {
            "n": n, "list": _labels(facts, "domain"), "min": p["min_domains"],
        }  # fmt: skip
    if rule == "needs_by_sectors":
        if not n:
            return _(
                "No sector recorded a need in the latest completed assessment (needed: %(min)s sectors)."
            ) % {"min": p["min_sectors"]}
        return _("Sectors that recorded a need in the latest completed assessment: %(n)s — %(list)s (needed: %(min)s).") % {
            "n": n, "list": _labels(facts, "sector"), "min": p["min_sectors"],
        }  # fmt: skip
    if rule == "moves_between_services":
        return _("%(n)s moves between services or schools in the last 12 months (needed: %(min)s).") % {
            "n": n,
            "min": p["min_moves"],
        }
    parts = []
    if signals := _labels(facts, "signal"):
        parts.append(_("signal: %(list)s") % {"list": signals})
    if indicators := _labels(facts, "indicator"):
        parts.append(_("recorded by the team: %(list)s") % {"list": indicators})
    if parts:
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."
    return _("Nothing recorded on the case meets this criterion.")


@dataclass
class CriterionView:
    criterion: Criterion
    label: str
    description: str
    met: bool
    why: str


def criteria_view(profile: CaseProfile, criteria: Criteria | None = None) -> list[CriterionView]:
    """The criteria in force, each with met / not met and why, for a case's profile."""
    criteria = criteria or load_criteria()
    lang = get_language() or "bg"
    out = []
    for c in criteria.criteria:
        result = profile.details.get(c.code, {"met": False, "value": 0, "facts": []})
        out.append(
            CriterionView(
                criterion=c,
                label=c.label_in(lang),
                description=c.description_in(lang),
                met=c.code in profile.criteria_met,
                why=explain(c, result),
            )  # fmt: skip
        )
    return out


def criterion_labels(codes: list[str], criteria: Criteria | None = None) -> list[str]:
    """Labels of criteria codes in the reader's language (a code no longer in the file as is)."""
    by_code = (criteria or load_criteria()).by_code()
    lang = get_language() or "bg"
    return [by_code[c].label_in(lang) if c in by_code else c for c in codes]


def _vocab(values: list[str], prefix: str) -> str:
    return ", ".join(_fact_label(f"{prefix}:{v}") for v in values)


def rule_text(criterion: Criterion) -> str:
    """The rule of a criterion with its parameters, in plain words (for the criteria page)."""
    p = criterion.params
    rule = criterion.rule
    if rule == "significant_needs":
        return _(
            "A significant need in at least %(n)s domains of the latest completed shared assessment."
        ) % {"n": p["min_domains"]}
    if rule == "needs_by_sectors":
        return _(
            "Needs of the child or the family recorded in the latest completed shared assessment by "
            "different sectors: at least %(n)s (who is in the team does not count)."
        ) % {"n": p["min_sectors"]}
    if rule == "indicator":
        return _("An indicator recorded by the team: %(list)s.") % {
            "list": _vocab(p["indicators"], "indicator")
        }
    if rule == "signal_or_indicator":
        return _("A signal of the category %(categories)s, or an indicator recorded by the team: %(list)s.") % {
            "categories": _vocab(p["categories"], "signal"), "list": _vocab(p["indicators"], "indicator"),
        }  # fmt: skip
    if rule == "moves_between_services":
        return _("At least %(n)s moves between services or schools in the last 12 months.") % {
            "n": p["min_moves"]
        }
    return rule
