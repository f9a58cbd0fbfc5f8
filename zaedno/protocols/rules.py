"""What the current protocol definitions say about a signal before any case, and about who may
lead a case: the intake terms, the institutions to inform, the organisations allowed to lead.

These rules are read from the *current* version of every protocol that applies to the facts
(the signal's category, urgency, immediate danger, the municipality): a signal has no case yet to
be bound to a version, and who may lead is the institutions' framework now, not a step a case
started under. The steps on a case stay on the version the case started with (``engine``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zaedno.protocols.calendar import deadline_for
from zaedno.protocols.engine import _current_versions, applies, steps_of, text

# When no loaded protocol says anything about a signal (an installation without definitions).
DEFAULT_ASSIGN = {"working_days": 1}
DEFAULT_CHECK = {"days": 7}


def signal_facts(
    *, category: str, urgency: str = "", immediate_danger: bool = False, municipality_id: str | None = None
) -> dict[str, set]:
    """The facts ``applies_when`` and the rules' ``when`` are tested against, for one signal."""
    facts: dict[str, set] = {
        "signal_category": {category},
        "urgency": {urgency} if urgency else set(),
        "immediate_danger": {bool(immediate_danger)},
    }
    if municipality_id:
        facts["municipality"] = {municipality_id}
    return facts


def applicable_versions(facts: dict[str, set]) -> list:
    """The current versions of the protocols that apply (a municipality's adapted version stands
    in for the one it replaces)."""
    versions = [v for v in _current_versions() if applies(v.body.get("applies_when"), facts)]
    replaced = {v.body["replaces"] for v in versions if v.body.get("replaces")}
    return [v for v in versions if v.definition.code not in replaced]


@dataclass(frozen=True)
class IntakeTerms:
    """The clocks of a signal: assign within, check (and decide) within, others informed within."""

    assign_due: dt.datetime
    check_due: dt.datetime
    informed_due: dt.datetime | None
    notify: frozenset[str]
    sources: list[dict] = field(default_factory=list)


def _first_rule(rules: list[dict], facts) -> dict | None:
    return next((r for r in rules if applies(r.get("when"), facts)), None)


def _step_deadline(version, facts, completed_by: str) -> dict | None:
    for sd in steps_of(version).values():
        if (
            sd.completed_by == completed_by
            and sd.starts_on == "signal_received"
            and applies(sd.body.get("applies_when"), facts)
        ):
            return sd.body["deadline"]
    return None


def intake_terms(facts: dict[str, set], received_at: dt.datetime) -> IntakeTerms:
    """The strictest terms of the protocols that apply: each protocol's first matching intake
    rule, the check term from the rule or from its ``signal_checked`` step; the earliest wins."""
    assign: list[dt.datetime] = []
    check: list[dt.datetime] = []
    informed: list[dt.datetime] = []
    notify: set[str] = set()
    sources: list[dict] = []
    for version in applicable_versions(facts):
        intake = version.body.get("intake") or {}
        rule = _first_rule(intake.get("terms") or [], facts) or {}
        check_term = rule.get("check") or _step_deadline(version, facts, "signal_checked")
        informed_term = _step_deadline(version, facts, "notification_sent[institutions]")
        if rule.get("assign"):
            assign.append(deadline_for(received_at, rule["assign"]))
        if check_term:
            check.append(deadline_for(received_at, check_term))
        if informed_term:
            informed.append(deadline_for(received_at, informed_term))
        for item in intake.get("notify") or []:
            if applies(item.get("when"), facts):
                notify.add(item["institution"])
        if rule or check_term or informed_term:
            sources.append(
                {
                    "protocol": version.definition.code, "version": version.version, "title": version.body["title"],
                    "assign": rule.get("assign"), "check": check_term, "informed": informed_term,
                }
            )  # fmt: skip
    if not assign:
        assign.append(deadline_for(received_at, DEFAULT_ASSIGN))
    if not check:
        check.append(deadline_for(received_at, DEFAULT_CHECK))
    check_due = min(check)
    return IntakeTerms(
        assign_due=min(min(assign), check_due),
        check_due=check_due,
        informed_due=min(informed) if informed else None,
        notify=frozenset(notify),
        sources=sources,
    )


@dataclass(frozen=True)
class LeadRule:
    """Which kinds of organisation may lead, and the protocols that say so."""

    kinds: frozenset[str] | None  # None: no protocol limits it
    reasons: list[str]

    def allows(self, organisation) -> bool:
        return self.kinds is None or organisation.kind in self.kinds


def lead_rule(facts: dict[str, set]) -> LeadRule:
    """The kinds of organisation every applicable protocol allows to lead (their intersection)."""
    kinds: set[str] | None = None
    reasons: list[str] = []
    for version in applicable_versions(facts):
        rule = _first_rule(version.body.get("lead") or [], facts)
        if rule is None:
            continue
        allowed = set(rule["organisation_kinds"])
        kinds = allowed if kinds is None else kinds & allowed
        note = text(rule.get("notes"))
        reasons.append(f"{text(version.body['title'])}: {note}" if note else text(version.body["title"]))
    return LeadRule(frozenset(kinds) if kinds is not None else None, reasons)


def lead_refusal(facts: dict[str, set], organisation) -> str:
    """Why ``organisation`` may not lead a case with these facts, in plain words ("" if it may)."""
    rule = lead_rule(facts)
    if rule.allows(organisation):
        return ""
    from zaedno.organisations.models import OrganisationKind

    allowed = ", ".join(str(OrganisationKind(k).label) for k in sorted(rule.kinds or ()))
    return _("%(org)s cannot lead this case. %(rules)s Who may lead: %(allowed)s.") % {
        "org": organisation,
        "rules": " ".join(r.rstrip(".") + "." for r in rule.reasons),
        "allowed": allowed or _("no one (check the protocol definitions)"),
    }
