"""The rules the criteria file may use, evaluated on one case (see ``criteria.RULES``).

Each rule looks at facts about the child gathered once (the current assessment's significant
needs and the sectors that recorded a need, the indicators the team recorded, the signals, the
moves) and says whether its criterion is met, with the facts that made it so — the "why" the
profile page shows. Facts are stored as codes (``domain:health``, ``sector:education``,
``indicator:refusal_of_help``, ``signal:violence``) and translated when shown.

Who is in the team is not a fact about the child, and no rule reads it (``criteria.RULE_SOURCES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zaedno.cases.models import Case
from zaedno.organisations.models import Sector
from zaedno.profiles.criteria import Criteria, Criterion
from zaedno.profiles.models import Indicator
from zaedno.signals.models import Signal


def moves_in_last_12_months(case: Case) -> int:
    """Moves of the child between services, schools and placements in the last 12 months.

    Counted by the episodes app (the child's service and school history, see
    zaedno/episodes/services.py for what a move is); imported late, as episodes build on profiles.
    """
    from zaedno.episodes.queries import moves_in_last_12_months as count_moves

    return count_moves(case)


@dataclass
class CaseFacts:
    """What the rules look at, read once per case."""

    significant_domains: list[str]
    need_sectors: list[str]
    indicators: list[str]
    signal_categories: list[str]
    moves: int


def need_sectors(case: Case) -> list[str]:
    """Sectors whose contribution to the case's current completed assessment records a need of the
    child (some or significant) in at least one domain, in the order of ``Sector``.

    As ``significant_need_domains``: computed for the whole team, whatever the contribution's
    sensitivity (only sector codes leave this function). A sector that joined the team and saw no
    need does not count.
    """
    from zaedno.assessments.models import AssessmentStatus, DomainEntry, NeedLevel

    rows = (
        DomainEntry.objects.filter(
            contribution__assessment__case=case,
            contribution__assessment__status=AssessmentStatus.COMPLETED,
            level__in=[NeedLevel.SOME, NeedLevel.SIGNIFICANT],
        )
        .values_list("contribution__sector", flat=True)
        .distinct()
    )
    order = list(Sector.values)
    return sorted(set(rows), key=order.index)


def case_facts(case: Case) -> CaseFacts:
    from zaedno.assessments.queries import significant_need_domains

    return CaseFacts(
        significant_domains=significant_need_domains(case),
        need_sectors=need_sectors(case),
        indicators=sorted(
            Indicator.objects.filter(case=case, withdrawn_at__isnull=True).values_list("kind", flat=True)
        ),
        signal_categories=sorted(set(Signal.objects.filter(case=case).values_list("category", flat=True))),
        moves=moves_in_last_12_months(case),
    )


@dataclass
class Result:
    met: bool
    value: int = 0
    facts: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"met": self.met, "value": self.value, "facts": self.facts}


def _matching_indicators(facts: CaseFacts, wanted: list[str]) -> list[str]:
    return [f"indicator:{k}" for k in facts.indicators if k in wanted]


def evaluate_criterion(criterion: Criterion, facts: CaseFacts) -> Result:
    p = criterion.params
    rule = criterion.rule
    if rule == "significant_needs":
        n = len(facts.significant_domains)
        return Result(n >= p["min_domains"], n, [f"domain:{d}" for d in facts.significant_domains])
    if rule == "needs_by_sectors":
        n = len(facts.need_sectors)
        return Result(n >= p["min_sectors"], n, [f"sector:{s}" for s in facts.need_sectors])
    if rule == "indicator":
        found = _matching_indicators(facts, p["indicators"])
        return Result(bool(found), len(found), found)
    if rule == "signal_or_indicator":
        found = [f"signal:{c}" for c in facts.signal_categories if c in p["categories"]]
        found += _matching_indicators(facts, p["indicators"])
        return Result(bool(found), len(found), found)
    if rule == "moves_between_services":
        return Result(facts.moves >= p["min_moves"], facts.moves, [])
    raise ValueError(f"unknown rule {rule}")  # the file is validated when loaded


def evaluate(case: Case, criteria: Criteria) -> dict[str, Result]:
    """Each criterion's result on the case, in the file's order."""
    facts = case_facts(case)
    return {c.code: evaluate_criterion(c, facts) for c in criteria.criteria}
