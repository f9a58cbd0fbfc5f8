"""Writes of cases: open from a signal, team, notes, status, emergency access.

Each function validates, writes, adds the timeline entry and the audit event in one
transaction, and sends notifications after commit. Permission is checked here too (through
the access layer), so the API, the web UI and commands cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
    Sensitivity,
    Signal,
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
MSG_SIGNAL = gettext_noop("Signal received: %(category)s, from %(reporter)s")
MSG_OPENED = gettext_noop("Case opened")
MSG_LEAD_JOINED = gettext_noop("%(name)s (%(org)s) joined as case lead")
MSG_MEMBER_JOINED = gettext_noop("%(name)s (%(org)s) joined the team as %(role)s")
MSG_MEMBER_LEFT = gettext_noop("%(name)s left the team")
MSG_NOTE = gettext_noop("Note (%(section)s): %(text)s")


@dataclass(frozen=True)
class SignalData:
    """What a signal (сигнал) says: who reported, from which sector, about what, when."""

    category: str
    source_sector: str
    reporter_name: str
    received_at: dt.datetime
    description: str
    reporter_organisation: object | None = None


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
    *, ctx: AuditContext, child, signal: SignalData, lead, lead_organisation, municipality, summary: str = ""
) -> Case:
    """Open a case from a signal, with its lead as the first member of the team."""
    actor = ctx.actor
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if signal.received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The signal cannot have been received in the future.")]
    if not signal.description.strip():
        errors["description"] = [_("Describe the signal: what was reported and by whom.")]
    if lead_organisation.pk not in _user_orgs(lead):
        errors["lead"] = [_("The case lead must work in the lead organisation.")]
    if errors:
        raise ValidationError(errors)
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
        case.number = next_case_number(municipality, now.year)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            case.pk = None
            if attempt == 4 or not Case.objects.filter(number=case.number).exists():
                raise
    sig = Signal(
        case=case,
        category=signal.category,
        source_sector=signal.source_sector,
        reporter_name=signal.reporter_name,
        reporter_organisation=signal.reporter_organisation,
        received_at=signal.received_at,
        description=signal.description,
        received_by=actor,
    )
    sig.full_clean()
    sig.save()
    TeamMember.objects.create(
        case=case, user=lead, organisation=lead_organisation, role=TeamRole.LEAD,
        sharing_level=Sensitivity.SENSITIVE, joined_at=now, added_by=actor,
    )  # fmt: skip
    timeline_add(
        case=case, kind=TimelineKind.SIGNAL, actor=actor, at=signal.received_at,
        message=MSG_SIGNAL,
        params={"category": sig.category, "reporter": signal.reporter_name},
    )  # fmt: skip
    timeline_add(case=case, kind=TimelineKind.OPENED, actor=actor, at=now, message=MSG_OPENED)
    timeline_add(
        case=case, kind=TimelineKind.MEMBER_JOINED, actor=actor, at=now,
        message=MSG_LEAD_JOINED,
        params={"name": lead, "org": lead_organisation},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="case.open", case_id=case.pk, object_type="case", object_id=case.pk,
        details={"child": child.pk, "signal": sig.pk, "category": signal.category},
    )  # fmt: skip
    protocol_engine.case_started(ctx=ctx, case=case, signal_at=sig.received_at, opened_at=now)
    _profile_refresh(ctx=ctx, case=case, trigger="case_opened")
    if lead.pk != actor.pk:
        notification_send(
            user=lead, kind="case.assigned", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
            title=gettext_noop("You are the case lead of %(number)s"), params={"number": case.number},
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
        errors["role"] = [_("Change the case lead with “change case lead”, not by adding a member.")]
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
    save_versioned(case, expected_version=expected_version, changes={"summary": summary}, label=_("The case"))
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
        case, expected_version=expected_version, label=_("The case"),
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
        body=gettext_noop("Reason given: %(reason)s. Please review this access."),
        params={"number": case.number, "name": str(user), "reason": reason},
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
