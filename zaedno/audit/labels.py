"""What an audit action means, in words a case lead reads on "who looked at this case".

The audit stores stable codes (``tool.view``, ``referral.incoming.view``); people read what the
person did. Every code written anywhere in the code base has a label here (a test walks the code
for them); a code without one still reads as words, never as the raw code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # absences and duty
    "absence.add": _("recorded an absence"),
    "absence.cases": _("looked at the cases covered during an absence"),
    "absence.end": _("ended an absence"),
    "duty.set": _("changed who is on intake duty"),
    # assessment
    "assessment.start": _("started a new version of the assessment"),
    "assessment.contribution.add": _("added a sector's contribution to the assessment"),
    "assessment.contribution.update": _("changed a sector's contribution to the assessment"),
    "assessment.formulation": _("wrote the shared understanding (formulation)"),
    "assessment.complete": _("completed the assessment"),
    "assessment.list": _("looked at the assessments"),
    "assessment.view": _("looked at the assessment"),
    "assessment.print": _("printed the assessment"),
    "assessment.pdf": _("downloaded the assessment as PDF"),
    # the case
    "case.open": _("opened the case"),
    "case.update": _("changed the case summary"),
    "case.view": _("looked at the case"),
    "case.list": _("saw the case in a list"),
    "case.export": _("exported the case in a list (CSV)"),
    "case.notes.view": _("read the notes"),
    "case.team.view": _("looked at the team"),
    "case.timeline.view": _("read the timeline"),
    "case.steps.view": _("looked at the protocol steps"),
    "case.protocol_diagram.view": _("looked at the protocol diagram"),
    "case.access_log.view": _("looked at who looked at the case"),
    "case.break_glass": _("opened the case with emergency access"),
    "case.break_glass.review": _("reviewed an emergency access"),
    "case.break_glass.refused": _("was refused emergency access"),
    "access.probe": _("was refused many cases in a short time (managers alerted)"),
    "case.child_merged": _("merged duplicate records of the child"),
    "case.deputy.set": _("named the deputy case lead"),
    "case.deputy.clear": _("removed the deputy case lead"),
    "case.lead.view": _("looked at the case lead"),
    "case.lead.propose": _("proposed a new case lead"),
    "case.lead.change": _("changed the case lead"),
    "case.lead.decline": _("declined to become the case lead"),
    "case.lead.withdraw": _("withdrew a handover of the case lead"),
    "case.status.open": _("reopened the case"),
    "case.status.follow_up": _("moved the case to follow-up"),
    "case.status.closed": _("closed the case"),
    "note.add": _("added a note"),
    "team.add": _("added someone to the team"),
    "team.remove": _("removed someone from the team"),
    # the child
    "child.register": _("registered the child"),
    "child.update": _("changed the child's record"),
    "child.view": _("looked at the child's record"),
    "child.list": _("saw the child in a list"),
    "child.duplicate_check": _("searched for existing records of a child"),
    "child.merge": _("merged duplicate records of the child"),
    "relative.add": _("added a relative or significant adult"),
    # meetings and decisions
    "meeting.schedule": _("scheduled a meeting"),
    "meeting.schedule.form": _("opened the form to schedule a meeting"),
    "meeting.reschedule": _("moved a meeting"),
    "meeting.cancel": _("cancelled a meeting"),
    "meeting.invite": _("invited people to a meeting"),
    "meeting.ics": _("downloaded a meeting invitation (calendar)"),
    "meeting.list": _("looked at the meetings"),
    "meeting.view": _("looked at a meeting"),
    "meeting.hold": _("marked a meeting as held"),
    "meeting.attendance": _("recorded who attended a meeting"),
    "meeting.minutes": _("wrote the minutes"),
    "meeting.minutes.form": _("opened the minutes to write them"),
    "meeting.minutes.print": _("printed the minutes"),
    "meeting.minutes.pdf": _("downloaded the minutes as PDF"),
    "meeting.confirm": _("confirmed the minutes"),
    "meeting.confirm.oral": _("recorded a confirmation of the minutes given orally"),
    "meeting.lock": _("locked the minutes"),
    "meeting.addendum": _("added an addendum to the minutes"),
    "meeting.decision.form": _("opened the form to record a decision"),
    "decision.record": _("recorded a decision"),
    "decision.edit": _("changed a decision"),
    "decision.due_change": _("moved the due date of a decision"),
    "decision.progress": _("recorded progress on a decision"),
    "decision.list": _("looked at the decisions"),
    "decision.view": _("looked at a decision"),
    "decision.work": _("looked at the decisions to do"),
    "decision.remind": _("reminder sent: a decision is due"),
    "decision.overdue": _("notice sent: a decision is overdue"),
    # documents
    "documents.list": _("looked at the documents"),
    "documents.family_sheet": _("opened the family information sheet"),
    # episodes (the child's places and moves)
    "episode.start": _("recorded where the child is (school, service, placement)"),
    "episode.end": _("recorded that the child left a place"),
    "episode.move": _("recorded a move of the child"),
    "episode.move_plan": _("proposed a planned move of the child"),
    "episode.move_plan_decision": _("linked the team's decision to a planned move"),
    "episode.move_plan_done": _("recorded that a planned move happened"),
    "episode.move_plan_withdraw": _("withdrew a planned move"),
    "episodes.view": _("looked at the child's history of places"),
    "episodes.moves": _("looked at the child's moves"),
    "episodes.planned": _("looked at the child's planned moves"),
    # imports and the resource map
    "import.create": _("started an import of services"),
    "import.done": _("finished an import of services"),
    "import.failed": _("an import of services failed"),
    "service.create": _("added an entry to the resource map"),
    "service.update": _("changed an entry of the resource map"),
    "service.confirm": _("confirmed an entry of the resource map"),
    "service.stale_flagged": _("an entry of the resource map was marked as not confirmed for long"),
    # join requests
    "join_request.send": _("asked to join the team"),
    "join_request.accept": _("accepted a request to join the team"),
    "join_request.decline": _("declined a request to join the team"),
    "join_request.withdraw": _("withdrew a request to join the team"),
    "join_request.list": _("looked at the requests to join a team"),
    "join_request.view": _("looked at a request to join the team"),
    # plans
    "plan.draft": _("started a plan"),
    "plan.edit": _("opened the plan to edit it"),
    "plan.update": _("changed the plan"),
    "plan.agree": _("recorded that the plan was agreed"),
    "plan.agree.view": _("opened the agreement of the plan"),
    "plan.confirm": _("confirmed the plan"),
    "plan.list": _("looked at the plans"),
    "plan.view": _("looked at the plan"),
    "plan.print": _("printed the plan"),
    "plan.pdf": _("downloaded the plan as PDF"),
    "plan.outcomes": _("looked at the outcomes of the plan"),
    "plan.review": _("reviewed the plan"),
    "plan.review.view": _("opened the review of the plan"),
    "plan.action.status": _("changed the state of a plan action"),
    "plan.action.view": _("looked at a plan action"),
    "plan.followup.schedule": _("scheduled follow-up check-ins"),
    "plan.followup.done": _("recorded a follow-up check-in"),
    "plan.followup.list": _("looked at the follow-up check-ins"),
    "plan.followup.view": _("looked at a follow-up check-in"),
    "plan.family_sheet.choose": _("chose what goes on the family information sheet"),
    # the difficult-case profile
    "profile.view": _("looked at the difficult-case profile"),
    "profile.change": _("the difficult-case profile changed"),
    "profile.indicator.record": _("recorded an indicator of the profile"),
    "profile.indicator.withdraw": _("withdrew an indicator of the profile"),
    # protocols
    "protocol.load": _("loaded a protocol definition"),
    "protocol.attach": _("started a protocol on the case"),
    "protocol.event": _("a protocol step was recorded"),
    "protocol.artefact": _("a record completed a protocol step"),
    "protocol.owners": _("changed who owns the protocol steps"),
    "protocol.step.done": _("marked a protocol step as done"),
    "protocol.step.not_applicable": _("marked a protocol step as not applicable"),
    "protocol.step.waits": _("a protocol step waits for the step before it"),
    "protocol.step.remind": _("reminder sent: a protocol step is due"),
    "protocol.step.due": _("notice sent: a protocol step is due today"),
    "protocol.step.escalate": _("a protocol step was escalated as overdue"),
    # referrals
    "referral.send": _("sent a referral"),
    "referral.accept": _("accepted a referral"),
    "referral.decline": _("declined a referral"),
    "referral.withdraw": _("withdrew a referral"),
    "referral.complete": _("recorded that a referral was completed"),
    "referral.escalate": _("a referral was escalated as unanswered"),
    "referral.list": _("looked at the referrals"),
    "referral.view": _("looked at a referral"),
    "referral.incoming.list": _("looked at the referrals received by the service"),
    "referral.incoming.view": _("read a referral received by the service"),
    # signals
    "signal.record": _("recorded a signal"),
    "signal.assign": _("assigned a signal"),
    "signal.forward": _("forwarded a signal"),
    "signal.check": _("recorded the check of a signal"),
    "signal.child": _("linked a signal to the child's record"),
    "signal.decide": _("decided on a signal"),
    "signal.list": _("looked at the signals"),
    "signal.queue": _("looked at the queue of signals"),
    "signal.view": _("read a signal"),
    "signal.escalate.assign": _("a signal nobody took was escalated"),
    "signal.escalate.check": _("a signal not checked in time was escalated"),
    # discussion tools
    "tool.new": _("opened the form for a new discussion tool"),
    "tool.create": _("started a discussion tool"),
    "tool.edit": _("opened a discussion tool to edit it"),
    "tool.version.create": _("saved a new version of a discussion tool"),
    "tool.list": _("looked at the discussion tools"),
    "tool.view": _("looked at a discussion tool"),
    "tool.version.view": _("looked at an earlier version of a discussion tool"),
    # my work, tokens
    "work.list": _("looked at their work list"),
    "work.moves": _("looked at the cases with repeated moves"),
    "work.plans": _("looked at the plan actions to do"),
    "token.create": _("created an API token"),
}

# Codes made of a stem and a changing part (``case.status.<status>``): the stem's words.
PREFIX_LABELS = {
    "case.status.": _("changed the status of the case"),
    "decision.": _("a decision was followed up"),
    "protocol.step.": _("a protocol step was followed up"),
    "signal.escalate.": _("a signal was escalated"),
}

READ_ENDINGS = ("view", "list", "print", "pdf", "form", "ics", "cases", "moves", "plans", "export")


# Why an access was refused (the ``reason`` of a ``denied`` event).
DENIAL_LABELS = {
    "no_access": _("not in the team and no other access"),
    "not_found": _("no such record"),
    "not_allowed": _("the organisation has no emergency access"),
    "no_such_number": _("no case has the number typed"),
    "probe": _("many refused attempts in a short time"),
}


def denial_label(code: str) -> str:
    """Words for why an access was refused; an unknown code still reads as words."""
    return str(DENIAL_LABELS.get(code) or _("access refused"))


def action_label(code: str) -> str:
    """Words for an audit action code, in the active language; never the raw code."""
    label = ACTION_LABELS.get(code)
    if label is None:
        label = next((v for k, v in PREFIX_LABELS.items() if code.startswith(k)), None)
    if label is None:
        # A code written after this list: say at least whether something was read or changed.
        label = _("looked at a record") if code.rsplit(".", 1)[-1] in READ_ENDINGS else _("changed a record")
    return str(label)
