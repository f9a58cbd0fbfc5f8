"""Writes of cases: open from a signal, team, notes, status, emergency access.

Each function validates, writes, adds the timeline entry and the audit event in one
transaction, and sends notifications after commit. Permission is checked here too (through
the access layer), so the API, the web UI and commands cannot disagree.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F as models_F
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.accounts.models import Membership
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import (
    SECTION_SENSITIVITY,
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseStatus,
    HandoverKind,
    HandoverStatus,
    LeadHandover,
    Sensitivity,
    TeamMember,
    TeamRole,
    TimelineEntry,
    TimelineKind,
    render_timeline_message,
)
from zaedno.core.concurrency import save_versioned
from zaedno.core.errors import require as _require
from zaedno.notifications.services import notification_send
from zaedno.protocols import engine as protocol_engine

# Timeline messages (msgids); each reader sees them in their language.
MSG_OPENED = gettext_noop("Case opened")
MSG_LEAD_JOINED = gettext_noop("%(name)s (%(org)s) joined as case lead")
MSG_MEMBER_JOINED = gettext_noop("%(name)s (%(org)s) joined the team as %(role)s")
MSG_MEMBER_LEFT = gettext_noop("%(name)s left the team")
MSG_NOTE = gettext_noop("Note (%(section)s): %(text)s")


def timeline_add(
    *, case: Case, kind: str, actor, message: str, params: dict | None = None,
    sensitivity: int = Sensitivity.BASIC, at=None,
) -> TimelineEntry:  # fmt: skip
    """Add a timeline entry. ``message`` is a gettext_noop msgid with %-style ``params``: each
    reader sees it in their language; ``summary`` keeps it in the default language."""
    params = {k: str(v) for k, v in (params or {}).items()}
    with translation.override(settings.LANGUAGE_CODE):
        summary = render_timeline_message(message, params)
    return TimelineEntry.objects.create(
        case=case, kind=kind, actor=actor, summary=summary[:300], message=message, params=params,
        sensitivity=sensitivity, at=at or timezone.now(),
    )  # fmt: skip


def _profile_refresh(*, ctx: AuditContext, case: Case, trigger: str) -> None:
    """Recompute the difficult-case profile (imported late: profiles builds on cases)."""
    from zaedno.profiles.services import profile_refresh

    profile_refresh(ctx=ctx, case=case, trigger=trigger)


def _user_orgs(user) -> set[int]:
    return set(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))


def next_case_number(municipality, year: int) -> str:
    """Human-readable number, e.g. ``VTR04-2026-00012``, unique per municipality and year."""
    prefix = f"{municipality.code}-{year}-"
    last = Case.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def case_open(
    *, ctx: AuditContext, child, lead, lead_organisation, municipality, summary: str = "", opened_at=None
) -> Case:
    """Open a case with its lead as the first member of the team.

    Called by the signals app when the department decides a signal (``signal_decide``), which then
    puts the signal on the case and starts its protocols: a case always comes from a signal.
    """
    actor = ctx.actor
    now = opened_at or timezone.now()
    if lead_organisation.pk not in _user_orgs(lead):
        raise ValidationError({"lead": [_("The case lead must work in the lead organisation.")]})
    _require(
        actor.pk == lead.pk or lead_organisation.pk in _user_orgs(actor),
        _("Only a professional of the lead organisation can open a case for it."),
    )
    case = Case(
        child=child,
        lead=lead,
        lead_organisation=lead_organisation,
        municipality=municipality,
        summary=summary,
        opened_at=now,
    )
    case.full_clean(exclude=["number"])
    for attempt in range(5):
        # Two cases opened at the same moment may compute the same number: retry the next one.
        case.number = next_case_number(municipality, timezone.localtime(now).year)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            case.pk = None
            if attempt == 4 or not Case.objects.filter(number=case.number).exists():
                raise
    TeamMember.objects.create(
        case=case, user=lead, organisation=lead_organisation, role=TeamRole.LEAD,
        sharing_level=Sensitivity.SENSITIVE, joined_at=now, added_by=actor,
    )  # fmt: skip
    timeline_add(case=case, kind=TimelineKind.OPENED, actor=actor, at=now, message=MSG_OPENED)
    timeline_add(
        case=case, kind=TimelineKind.MEMBER_JOINED, actor=actor, at=now,
        message=MSG_LEAD_JOINED,
        params={"name": lead, "org": lead_organisation},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.open", case_id=case.pk, object_type="case", object_id=case.pk,
        details={"child": child.pk, "lead": lead.pk, "lead_organisation": lead_organisation.pk},
    )  # fmt: skip
    return case


@transaction.atomic
def team_member_add(
    *, ctx: AuditContext, access: CaseAccess, user, organisation, role: str = TeamRole.MEMBER,
    sharing_level: int = Sensitivity.STANDARD,
) -> TeamMember:  # fmt: skip
    """Add a professional from any organisation to the team around the child."""
    _require(
        access.can_manage_team,
        _("Only the case lead or a manager of the lead organisation can change the team."),
    )
    case = access.case
    errors: dict[str, list[str]] = {}
    if role == TeamRole.LEAD:
        errors["role"] = [_("Change the case lead with “hand over the case lead”, not by adding a member.")]
    elif role == TeamRole.DEPUTY:
        errors["role"] = [_("Name the deputy lead with “name a deputy”, not by adding a member.")]
    if organisation.pk not in _user_orgs(user):
        errors["organisation"] = [
            _("%(user)s does not work in %(org)s.") % {"user": user, "org": organisation}
        ]
    if TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).exists():
        errors["user"] = [_("%(user)s is already in the team.") % {"user": user}]
    if not user.is_active:
        errors["user"] = [_("This account is not active.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    member = TeamMember(
        case=case, user=user, organisation=organisation, role=role, sharing_level=sharing_level,
        joined_at=now, added_by=ctx.actor,
    )  # fmt: skip
    member.full_clean()
    member.save()
    timeline_add(
        case=case, kind=TimelineKind.MEMBER_JOINED, actor=ctx.actor, at=now,
        message=MSG_MEMBER_JOINED,
        params={"name": user, "org": organisation, "role": role},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="team.add", case_id=case.pk, object_type="team_member", object_id=member.pk,
        details={"user": user.pk, "organisation": organisation.pk, "role": role, "sharing_level": int(sharing_level)},
    )  # fmt: skip
    protocol_engine.steps_reassign(ctx=ctx, case=case)
    _profile_refresh(ctx=ctx, case=case, trigger="team_changed")
    notification_send(
        user=user, kind="team.added", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
        title=gettext_noop("You were added to the team of case %(number)s"), params={"number": case.number},
    )  # fmt: skip
    return member


@transaction.atomic
def team_member_remove(
    *, ctx: AuditContext, access: CaseAccess, member: TeamMember, reason: str
) -> TeamMember:
    """End a membership (history is kept); the case lead cannot be removed, only replaced."""
    _require(
        access.can_manage_team,
        _("Only the case lead or a manager of the lead organisation can change the team."),
    )
    if member.case_id != access.case.pk or member.left_at is not None:
        raise ValidationError({"member": [_("This person is not an active member of the team.")]})
    if member.role == TeamRole.LEAD or member.user_id == access.case.lead_id:
        raise ValidationError(
            {"member": [_("The case lead cannot leave the team; appoint a new case lead first.")]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why this person leaves the team.")]})
    now = timezone.now()
    rows = TeamMember.objects.filter(pk=member.pk, left_at__isnull=True).update(
        left_at=now, removed_by=ctx.actor, leave_reason=reason.strip()
    )
    if rows == 0:
        raise ValidationError({"member": [_("This person has already left the team.")]})
    member.refresh_from_db()
    timeline_add(
        case=access.case, kind=TimelineKind.MEMBER_LEFT, actor=ctx.actor, at=now,
        message=MSG_MEMBER_LEFT, params={"name": member.user},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="team.remove", case_id=access.case.pk, object_type="team_member", object_id=member.pk,
        reason=reason.strip(),
    )  # fmt: skip
    protocol_engine.steps_reassign(ctx=ctx, case=access.case)
    _profile_refresh(ctx=ctx, case=access.case, trigger="team_changed")
    return member


@transaction.atomic
def case_note_add(*, ctx: AuditContext, access: CaseAccess, section: str, text: str) -> CaseNote:
    """Add a note in a section; sensitive sections are visible only at the sensitive level."""
    _require(access.can_write, _("Emergency access is read-only."))
    sensitivity = SECTION_SENSITIVITY[section]
    _require(access.sees(sensitivity), _("Your sharing level does not cover this section."))
    if not text.strip():
        raise ValidationError({"text": [_("The note is empty.")]})
    now = timezone.now()
    note = CaseNote(
        case=access.case,
        section=section,
        sensitivity=sensitivity,
        text=text.strip(),
        author=ctx.actor,
        created_at=now,
    )
    note.full_clean()
    note.save()
    timeline_add(
        case=access.case, kind=TimelineKind.NOTE, actor=ctx.actor, at=now, sensitivity=sensitivity,
        message=MSG_NOTE, params={"section": section, "text": text.strip()[:200]},
    )  # fmt: skip
    audit_record(ctx=ctx, action="note.add", case_id=access.case.pk, object_type="note", object_id=note.pk)
    return note


@transaction.atomic
def case_update(*, ctx: AuditContext, access: CaseAccess, expected_version: int, summary: str) -> Case:
    """Edit the case summary; a stale edit is refused with what changed."""
    _require(access.can_write, _("Emergency access is read-only."))
    case = access.case
    save_versioned(case, expected_version=expected_version, changes={"summary": summary}, record="case")
    timeline_add(
        case=case,
        kind=TimelineKind.UPDATED,
        actor=ctx.actor,
        message=gettext_noop("Case summary updated"),
        sensitivity=Sensitivity.STANDARD,
    )
    audit_record(
        ctx=ctx,
        action="case.update",
        case_id=case.pk,
        object_type="case",
        object_id=case.pk,
        details={"fields": ["summary"]},
    )
    return case


STATUS_MESSAGES = {
    CaseStatus.CLOSED: gettext_noop("Case closed: %(reason)s"),
    CaseStatus.FOLLOW_UP: gettext_noop("Case moved to follow-up: %(reason)s"),
    CaseStatus.OPEN: gettext_noop("Case reopened: %(reason)s"),
}


@transaction.atomic
def case_change_status(
    *, ctx: AuditContext, access: CaseAccess, status: str, reason: str, expected_version: int
) -> Case:
    """Close a case, move it to long-term follow-up, or reopen it — always with a reason."""
    _require(
        access.can_change_status,
        _("Only the case lead or a manager of the lead organisation can close or reopen a case."),
    )
    case = access.case
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for this change.")]})
    if status == case.status:
        raise ValidationError({"status": [_("The case already has this status.")]})
    if status not in CaseStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    now = timezone.now()
    was_closed = case.status == CaseStatus.CLOSED
    closed_at = None if status == CaseStatus.OPEN else (case.closed_at or now)
    save_versioned(
        case, expected_version=expected_version, record="case",
        changes={"status": status, "closed_at": closed_at, "status_reason": reason.strip()},
    )  # fmt: skip
    timeline_add(
        case=case, kind=TimelineKind.STATUS, actor=ctx.actor, at=now,
        message=STATUS_MESSAGES[CaseStatus(status)], params={"reason": reason.strip()[:200]},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action=f"case.status.{status}", case_id=case.pk, object_type="case", object_id=case.pk,
        reason=reason.strip(),
    )  # fmt: skip
    if was_closed:
        protocol_engine.case_reopened(ctx=ctx, case=case)
    if status == CaseStatus.FOLLOW_UP:
        protocol_engine.protocol_event(ctx=ctx, case=case, event="follow_up_started", at=now)
    elif status == CaseStatus.CLOSED:
        protocol_engine.protocol_event(ctx=ctx, case=case, event="case_closed", at=now)
    return case


def break_glass_allowed(user) -> bool:
    """Professionals of the organisations that act in emergencies may open a case they are not in."""
    kinds = settings.ZAEDNO_BREAK_GLASS_KINDS
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__kind__in=kinds)
        .exclude(role="administrator")
        .exists()
    )


@transaction.atomic
def break_glass_open(*, ctx: AuditContext, case: Case, reason: str) -> BreakGlassAccess:
    """Grant time-limited emergency access with a written reason; notify the lead; flag for review."""
    user = ctx.actor
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ValidationError(
            {"reason": [_("Write the reason in a full sentence (at least 20 characters): it is reviewed.")]}
        )
    _require(break_glass_allowed(user), _("Your organisation has no emergency access to cases."))
    now = timezone.now()
    grant = BreakGlassAccess(
        case=case,
        user=user,
        reason=reason,
        granted_at=now,
        expires_at=now + dt.timedelta(hours=settings.ZAEDNO_BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    timeline_add(
        case=case, kind=TimelineKind.BREAK_GLASS, actor=user, at=now,
        message=gettext_noop("Emergency access by %(name)s until %(until)s"),
        params={"name": user, "until": timezone.localtime(grant.expires_at).strftime("%d.%m.%Y %H:%M")},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.break_glass", kind=AuditKind.ACCESS, case_id=case.pk, object_type="break_glass",
        object_id=grant.pk, reason=reason, details={"expires_at": grant.expires_at.isoformat()},
    )  # fmt: skip
    notification_send(
        user=case.lead, kind="case.break_glass", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
        title=gettext_noop("Emergency access to case %(number)s by %(name)s"),
        # Not the reason itself: it may name the child and what happened, and this goes out by e-mail.
        body=gettext_noop("A reason was given: read it in Zaedno and review this access."),
        params={"number": case.number, "name": str(user)},
    )  # fmt: skip
    return grant


@transaction.atomic
def break_glass_review(
    *, ctx: AuditContext, access: CaseAccess, grant: BreakGlassAccess, outcome: str, note: str = ""
) -> BreakGlassAccess:
    """The lead (or a manager) reviews an emergency access as justified or not."""
    _require(access.can_see_audit, _("Only the case lead or a manager can review emergency access."))
    if grant.case_id != access.case.pk:
        raise ValidationError({"grant": [_("This access is for another case.")]})
    if grant.reviewed_at is not None:
        raise ValidationError({"grant": [_("This access has already been reviewed.")]})
    now = timezone.now()
    BreakGlassAccess.objects.filter(pk=grant.pk).update(
        reviewed_at=now, reviewed_by=ctx.actor, review_outcome=outcome, review_note=note
    )
    grant.refresh_from_db()
    audit_record(
        ctx=ctx, action="case.break_glass.review", case_id=access.case.pk, object_type="break_glass", object_id=grant.pk,
        details={"outcome": outcome},
    )  # fmt: skip
    return grant


# --- the case lead: handover, reassignment, deputy -------------------------------------------

MSG_HANDOVER_PROPOSED = gettext_noop("Handover of the case lead to %(name)s (%(org)s) proposed")
MSG_HANDOVER_DECLINED = gettext_noop("%(name)s declined to take over as case lead")
MSG_HANDOVER_WITHDRAWN = gettext_noop("The proposed handover of the case lead to %(name)s was withdrawn")
MSG_LEAD_CHANGED = gettext_noop("%(name)s (%(org)s) is now the case lead, taking over from %(old)s")
MSG_DEPUTY = gettext_noop("%(name)s (%(org)s) is the deputy case lead")
MSG_DEPUTY_CLEARED = gettext_noop("%(name)s is no longer the deputy case lead")


def lead_refusal_for(case: Case, organisation) -> str:
    """Why ``organisation`` may not lead ``case`` under the protocols ("" when it may)."""
    from zaedno.protocols.rules import lead_refusal

    return lead_refusal(protocol_engine.case_facts(case), organisation)


def _new_lead_organisation(case: Case, user, organisation):
    """The organisation the new lead would lead from: the one given, or the first of theirs the
    protocols allow (the lead's own organisation first)."""
    orgs = list(
        Membership.objects.filter(user=user, is_active=True)
        .exclude(role="administrator")
        .select_related("organisation")
        .order_by("id")
    )
    if organisation is not None:
        return organisation if any(m.organisation_id == organisation.pk for m in orgs) else None
    orgs.sort(key=lambda m: m.organisation_id != case.lead_organisation_id)
    for m in orgs:
        if not lead_refusal_for(case, m.organisation):
            return m.organisation
    return orgs[0].organisation if orgs else None


def _check_new_lead(case: Case, user, organisation, reason: str) -> None:
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the case lead changes.")]
    if user is None or not user.is_active:
        errors["to_user"] = [_("Choose an active professional.")]
    elif user.pk == case.lead_id:
        errors["to_user"] = [_("%(user)s is already the case lead.") % {"user": user}]
    elif organisation is None:
        errors["to_organisation"] = [_("%(user)s does not work in that organisation.") % {"user": user}]
    elif refusal := lead_refusal_for(case, organisation):
        errors["to_organisation"] = [refusal]
    if case.status == CaseStatus.CLOSED:
        errors["__all__"] = [_("The case is closed: reopen it to change its lead.")]
    if errors:
        raise ValidationError(errors)


def _notify_lead_change(*, users, case: Case, title: str, params: dict, url: str | None = None) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification_send(
            user=user, kind="case.lead", case_id=case.pk, url=url or reverse("cases:detail", args=[case.pk]),
            title=title, params={"number": case.number, **params},
        )  # fmt: skip


@transaction.atomic
def lead_handover_propose(
    *, ctx: AuditContext, access: CaseAccess, to_user, reason: str, to_organisation=None
) -> LeadHandover:
    """The case lead proposes another professional as lead; the new lead accepts or declines."""
    _require(
        access.is_lead and access.can_write,
        _("Only the case lead hands the case over; a manager of the lead organisation can reassign it."),
    )
    case = access.case
    organisation = _new_lead_organisation(case, to_user, to_organisation) if to_user else None
    _check_new_lead(case, to_user, organisation, reason)
    if LeadHandover.objects.filter(case=case, status=HandoverStatus.PENDING).exists():
        raise ValidationError(
            {"__all__": [_("A handover is already waiting for an answer; withdraw it first.")]}
        )
    now = timezone.now()
    handover = LeadHandover(
        case=case, kind=HandoverKind.HANDOVER, status=HandoverStatus.PENDING, from_user=case.lead,
        from_organisation=case.lead_organisation, to_user=to_user, to_organisation=organisation,
        reason=reason.strip(), proposed_by=ctx.actor, proposed_at=now,
    )  # fmt: skip
    handover.full_clean()
    handover.save()
    timeline_add(
        case=case, kind=TimelineKind.LEAD_HANDOVER, actor=ctx.actor, at=now, message=MSG_HANDOVER_PROPOSED,
        params={"name": to_user, "org": organisation},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.lead.propose", case_id=case.pk, object_type="lead_handover", object_id=handover.pk,
        reason=reason.strip(), details={"to_user": to_user.pk, "to_organisation": organisation.pk},
    )  # fmt: skip
    _notify_lead_change(
        users=[to_user], case=case, url=reverse("cases:lead_answer", args=[case.pk]),
        title=gettext_noop("%(name)s asks you to take over case %(number)s as case lead"),
        params={"name": str(case.lead)},
    )  # fmt: skip
    return handover


def _answerable(handover: LeadHandover, actor) -> None:
    _require(handover.to_user_id == actor.pk, _("Only the professional asked to take over can answer."))
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"__all__": [_("This handover has already been answered or withdrawn.")]})


def _close_handover(handover: LeadHandover, *, status: str, note: str = "") -> None:
    rows = LeadHandover.objects.filter(pk=handover.pk, status=HandoverStatus.PENDING).update(
        status=status, answered_at=timezone.now(), answer_note=note
    )
    if rows == 0:
        raise ValidationError({"__all__": [_("This handover has already been answered or withdrawn.")]})
    handover.refresh_from_db()


@transaction.atomic
def lead_handover_accept(*, ctx: AuditContext, handover: LeadHandover, note: str = "") -> LeadHandover:
    """The proposed lead accepts: from now on they lead the case; the old lead stays in the team."""
    _answerable(handover, ctx.actor)
    case = Case.objects.select_for_update().get(pk=handover.case_id)
    _check_new_lead(case, handover.to_user, handover.to_organisation, handover.reason)
    _close_handover(handover, status=HandoverStatus.ACCEPTED, note=(note or "").strip())
    _change_lead(ctx, case, handover.to_user, handover.to_organisation, handover)
    return handover


@transaction.atomic
def lead_handover_decline(*, ctx: AuditContext, handover: LeadHandover, note: str) -> LeadHandover:
    """The proposed lead declines, saying why; the case keeps its lead."""
    _answerable(handover, ctx.actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": [_("Say why you cannot take over the case, so the lead can look elsewhere.")]}
        )
    _close_handover(handover, status=HandoverStatus.DECLINED, note=note)
    case = handover.case
    timeline_add(
        case=case, kind=TimelineKind.LEAD_HANDOVER, actor=ctx.actor, message=MSG_HANDOVER_DECLINED,
        params={"name": handover.to_user},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.lead.decline", case_id=case.pk, object_type="lead_handover", object_id=handover.pk,
        reason=note,
    )  # fmt: skip
    _notify_lead_change(
        users=[handover.proposed_by, case.lead], case=case,
        title=gettext_noop("%(name)s declined to take over case %(number)s"), params={"name": str(handover.to_user)},
    )  # fmt: skip
    return handover


@transaction.atomic
def lead_handover_withdraw(*, ctx: AuditContext, access: CaseAccess, handover: LeadHandover) -> LeadHandover:
    """The lead (or a manager) withdraws a proposed handover still waiting for an answer."""
    _require(
        access.can_manage_team and access.can_write, _("Only the case lead or a manager can withdraw it.")
    )
    if handover.case_id != access.case.pk:
        raise ValidationError({"__all__": [_("This handover is for another case.")]})
    _close_handover(handover, status=HandoverStatus.WITHDRAWN)
    timeline_add(
        case=access.case, kind=TimelineKind.LEAD_HANDOVER, actor=ctx.actor, message=MSG_HANDOVER_WITHDRAWN,
        params={"name": handover.to_user},
    )  # fmt: skip
    audit_record(
        ctx=ctx,
        action="case.lead.withdraw",
        case_id=access.case.pk,
        object_type="lead_handover",
        object_id=handover.pk,
    )
    return handover


def is_manager_of(user, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role="manager", is_active=True
    ).exists()


@transaction.atomic
def lead_reassign(*, ctx: AuditContext, access: CaseAccess, to_user, reason: str) -> LeadHandover:
    """A manager of the lead organisation gives the case to another of its professionals at once
    (the lead is away for long, or left the job): the new lead is told, no answer is needed."""
    case = access.case
    _require(
        is_manager_of(ctx.actor, case.lead_organisation_id) and access.can_write,
        _("Only a manager of the lead organisation can reassign the case."),
    )
    organisation = case.lead_organisation
    if (
        to_user is not None
        and not Membership.objects.filter(user=to_user, organisation=organisation, is_active=True).exists()
    ):
        raise ValidationError({"to_user": [_("Choose a professional of %(org)s.") % {"org": organisation}]})
    _check_new_lead(case, to_user, organisation, reason)
    now = timezone.now()
    pending = LeadHandover.objects.filter(case=case, status=HandoverStatus.PENDING).first()
    if pending is not None:
        _close_handover(pending, status=HandoverStatus.WITHDRAWN, note=_("Superseded by a reassignment."))
    handover = LeadHandover.objects.create(
        case=case, kind=HandoverKind.REASSIGN, status=HandoverStatus.ACCEPTED, from_user=case.lead,
        from_organisation=organisation, to_user=to_user, to_organisation=organisation, reason=reason.strip(),
        proposed_by=ctx.actor, proposed_at=now, answered_at=now,
    )  # fmt: skip
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _change_lead(ctx, locked, to_user, organisation, handover)
    return handover


def _change_lead(ctx: AuditContext, case: Case, to_user, to_organisation, handover: LeadHandover) -> None:
    """Put the new lead on the case and in the team; the old lead stays in the team as a member."""
    old = case.lead
    now = timezone.now()
    rows = Case.objects.filter(pk=case.pk, lead_id=old.pk).update(
        lead=to_user, lead_organisation=to_organisation, version=case.version + 1
    )
    if rows == 0:
        raise ValidationError({"__all__": [_("The case lead changed meanwhile; reload the page.")]})
    TeamMember.objects.filter(case=case, user=old, left_at__isnull=True, role=TeamRole.LEAD).update(
        role=TeamRole.MEMBER, version=models_F("version") + 1
    )
    member = TeamMember.objects.filter(case=case, user=to_user, left_at__isnull=True).first()
    if member is None:
        TeamMember.objects.create(
            case=case, user=to_user, organisation=to_organisation, role=TeamRole.LEAD,
            sharing_level=Sensitivity.SENSITIVE, joined_at=now, added_by=ctx.actor,
        )  # fmt: skip
    else:
        TeamMember.objects.filter(pk=member.pk).update(
            role=TeamRole.LEAD, organisation=to_organisation, sharing_level=Sensitivity.SENSITIVE,
            version=models_F("version") + 1,
        )  # fmt: skip
    case.refresh_from_db()
    timeline_add(
        case=case, kind=TimelineKind.LEAD_CHANGED, actor=ctx.actor, at=now, message=MSG_LEAD_CHANGED,
        params={"name": to_user, "org": to_organisation, "old": old},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.lead.change", case_id=case.pk, object_type="lead_handover", object_id=handover.pk,
        reason=handover.reason,
        details={"kind": handover.kind, "from": old.pk, "to": to_user.pk, "organisation": to_organisation.pk},
    )  # fmt: skip
    protocol_engine.steps_reassign(ctx=ctx, case=case)
    _profile_refresh(ctx=ctx, case=case, trigger="team_changed")
    _notify_lead_change(
        users=[to_user, old, handover.proposed_by], case=case,
        title=gettext_noop("%(name)s is now the case lead of %(number)s"), params={"name": str(to_user)},
    )  # fmt: skip


@transaction.atomic
def case_deputy_set(*, ctx: AuditContext, access: CaseAccess, user, organisation=None) -> TeamMember:
    """Name a deputy lead, who receives the lead's deadline notices while the lead is away; a
    deputy not yet in the team joins it at the sensitive sharing level."""
    _require(
        access.can_manage_team and access.can_write,
        _("Only the case lead or a manager of the lead organisation names the deputy."),
    )
    case = access.case
    if user is None or not user.is_active:
        raise ValidationError({"user": [_("Choose an active professional.")]})
    if user.pk == case.lead_id:
        raise ValidationError({"user": [_("The case lead cannot be their own deputy.")]})
    TeamMember.objects.filter(case=case, role=TeamRole.DEPUTY, left_at__isnull=True).update(
        role=TeamRole.MEMBER
    )
    member = TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).first()
    now = timezone.now()
    if member is None:
        orgs = _user_orgs(user)
        if organisation is None:
            organisation = case.lead_organisation if case.lead_organisation_id in orgs else None
            if organisation is None and orgs:
                from zaedno.organisations.models import Organisation

                organisation = Organisation.objects.filter(pk__in=orgs).order_by("pk").first()
        if organisation is None or organisation.pk not in orgs:
            raise ValidationError(
                {"organisation": [_("%(user)s does not work in that organisation.") % {"user": user}]}
            )
        member = TeamMember.objects.create(
            case=case, user=user, organisation=organisation, role=TeamRole.DEPUTY,
            sharing_level=Sensitivity.SENSITIVE, joined_at=now, added_by=ctx.actor,
        )  # fmt: skip
        protocol_engine.steps_reassign(ctx=ctx, case=case)
        _profile_refresh(ctx=ctx, case=case, trigger="team_changed")
    else:
        TeamMember.objects.filter(pk=member.pk).update(role=TeamRole.DEPUTY, version=models_F("version") + 1)
        member.refresh_from_db()
    timeline_add(
        case=case, kind=TimelineKind.LEAD_CHANGED, actor=ctx.actor, at=now, message=MSG_DEPUTY,
        params={"name": user, "org": member.organisation},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.deputy.set", case_id=case.pk, object_type="team_member", object_id=member.pk,
        details={"user": user.pk},
    )  # fmt: skip
    if user.pk != ctx.actor.pk:
        _notify_lead_change(
            users=[user],
            case=case,
            title=gettext_noop("You are the deputy lead of case %(number)s"),
            params={},
        )
    return member


@transaction.atomic
def case_deputy_clear(*, ctx: AuditContext, access: CaseAccess) -> TeamMember | None:
    """The case has no deputy any more; the former deputy stays in the team as a member."""
    _require(
        access.can_manage_team and access.can_write,
        _("Only the case lead or a manager of the lead organisation names the deputy."),
    )
    member = (
        TeamMember.objects.filter(case=access.case, role=TeamRole.DEPUTY, left_at__isnull=True)
        .select_related("user")
        .first()
    )
    if member is None:
        return None
    TeamMember.objects.filter(pk=member.pk).update(role=TeamRole.MEMBER, version=models_F("version") + 1)
    timeline_add(
        case=access.case, kind=TimelineKind.LEAD_CHANGED, actor=ctx.actor, message=MSG_DEPUTY_CLEARED,
        params={"name": member.user},
    )  # fmt: skip
    audit_record(
        ctx=ctx,
        action="case.deputy.clear",
        case_id=access.case.pk,
        object_type="team_member",
        object_id=member.pk,
    )
    return member
