"""The fixed words a protocol definition may use: owners, clock-starting events, artefacts.

A definition is data a municipality can adapt, but the engine can only act on words it knows:
who owns a step (a role, resolved to a person on each case), which event starts its clock, and
which record completes it. Adding a word here is a code change with its engine support.
"""

from __future__ import annotations

from zaedno.organisations.models import OrganisationKind
from zaedno.signals.choices import SignalCategory, Urgency

# Who is responsible for a step. Roles, not organisations: the engine resolves each to the team
# member(s) of the case with that role or organisation kind.
OWNERS: dict[str, str] = {
    "case_lead": "the case lead (водещ на случая)",
    "signal_recipient": "the institution that received the signal",
    "ozd": "the Child Protection Department (ОЗД)",
    "dazd": "the State Agency for Child Protection (ДАЗД)",
    "school": "the school or kindergarten",
    "police": "the police (ДПС / районно управление)",
    "health": "the GP, paediatrician or hospital",
    "service_provider": "the social service provider",
    "municipality": "the municipality (child protection coordinator)",
    "child_commission": "the municipal child commission (Комисия за детето)",
    "mkbppmn": "the local commission for combating juvenile delinquency (МКБППМН)",
    "team": "the whole team around the child (екип около детето)",
}

# Events that start a step's clock. ``step_done:<code>`` (another step of the same protocol done)
# is also allowed; see ``STEP_DONE``.
EVENTS: dict[str, str] = {
    "signal_received": "a signal about the child is registered",
    "case_opened": "the case is opened",
    "team_formed": "the team around the child is formed",
    "plan_agreed": "the plan is agreed",
    "service_started": "the child starts using a social service",
    "crisis_identified": "the team identifies a need for crisis intervention",
    "follow_up_started": "the plan's goals are reached and long-term follow-up begins",
    "case_closed": "the case is closed",
}
STEP_DONE = "step_done:"

# Records that complete a step, each with the kinds it may be qualified with: ``meeting_held``
# or ``meeting_held[case_conference]``.
ARTEFACTS: dict[str, frozenset[str]] = {
    "signal_checked": frozenset(),
    "notification_sent": frozenset({"institutions", "dazd", "family", "team", "closure"}),
    "team_formed": frozenset(),
    "meeting_held": frozenset({"case_conference", "multidisciplinary_team", "network", "review", "closure"}),
    "assessment_done": frozenset({"multisector", "needs", "individual_needs"}),
    "formulation_agreed": frozenset(),
    "plan_agreed": frozenset({"case_plan", "action_plan", "individual_support_plan"}),
    # Every team member asked to confirm the agreed plan has confirmed it (подписан от екипа).
    "plan_signed": frozenset({"case_plan", "action_plan", "individual_support_plan"}),
    "decision_recorded": frozenset({"closure", "protection_measure", "crisis_intervention", "follow_up"}),
    "review_held": frozenset({"plan", "follow_up"}),
}

# Conditions under which a protocol or a step applies: field -> allowed values.
CONDITIONS: dict[str, list] = {
    "signal_category": list(SignalCategory.values),
    "urgency": list(Urgency.values),
    "immediate_danger": [True, False],
}

# Institutions a signal is routed to besides the Child Protection Department, which always
# receives it (``intake.notify`` in a definition).
NOTIFY_INSTITUTIONS: dict[str, str] = {
    "police": "the police (ДПС / районно управление)",
    "dazd": "the State Agency for Child Protection (ДАЗД)",
}

# Kinds of organisation a definition's ``lead`` rules may allow to lead a case.
LEAD_KINDS: list[str] = [k.value for k in OrganisationKind if k.value not in ("community", "dazd")]

DEADLINE_UNITS = ("hours", "days", "working_days")

# How an owner role is found on a case: the active team member whose organisation is of one of
# these kinds (the earliest to join wins). ``case_lead``, ``team`` and ``signal_recipient`` are
# resolved from the case itself (see ``zaedno.protocols.engine.resolve_owner``).
OWNER_ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    "ozd": ("ozd",),
    "dazd": (),  # a national agency: not a team member; the case lead records that it was informed
    "school": ("school", "kindergarten"),
    "police": ("dps", "police"),
    "health": ("gp", "hospital"),
    "service_provider": ("social_service", "cop", "csri", "crisis_centre", "ngo"),
    "municipality": ("municipality",),
    "child_commission": ("municipality",),
    "mkbppmn": ("mkbppmn",),
}

# The case events each artefact also raises when it is recorded (a plan agreed starts the
# review clock; the team formed starts the steps waiting for the team).
# Keys are ``artefact`` (any kind) or ``artefact[kind]``.
ARTEFACT_EVENTS: dict[str, str] = {
    "team_formed": "team_formed",
    "plan_agreed[case_plan]": "plan_agreed",
    "plan_agreed[action_plan]": "plan_agreed",
}

# Records that can only be made after another record of the same kind: a plan is signed by the
# team only once it has been agreed. The validator uses this to refuse a step whose record would
# always come before the record of the step it waits for (it could never be done after it).
# Keys and values are artefacts; the kind is the same on both sides.
ARTEFACT_COMES_AFTER: dict[str, tuple[str, ...]] = {
    "plan_signed": ("plan_agreed",),
}
