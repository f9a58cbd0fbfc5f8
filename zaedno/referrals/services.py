"""Writes of referrals: send, accept, decline, withdraw, complete.

Each function checks permission, validates, moves the state with a guarded ``UPDATE … WHERE
status = …`` (so two people answering at once cannot both win), adds the timeline entry and the
audit event in the same transaction, and notifies. The database constraints hold each state's
required fields (a declined referral has a reason, an accepted one its professional).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess, Via
from zaedno.cases.models import CaseStatus, Sensitivity, TeamMember, TimelineKind
from zaedno.cases.services import team_member_add, timeline_add
from zaedno.core.errors import require as _require
from zaedno.notifications.services import notification_send
from zaedno.protocols.calendar import deadline_for
from zaedno.referrals.models import (
    RESPONSE_DEADLINES,
    SECTION_SENSITIVITY,
    LegalBasis,
    Referral,
    ReferralStatus,
    SharedSection,
    Urgency,
)
from zaedno.referrals.sections import build_snapshot
from zaedno.resources.models import Service

# Timeline messages (msgids); each reader sees them in their language.
MSG_SENT = gettext_noop("Referral sent to %(service)s (%(org)s), urgency: %(urgency)s")
MSG_ACCEPTED = gettext_noop("Referral to %(service)s accepted; %(name)s will work with the child")
MSG_DECLINED = gettext_noop("Referral to %(service)s declined: %(reason)s")
MSG_WITHDRAWN = gettext_noop("Referral to %(service)s withdrawn: %(reason)s")
MSG_COMPLETED = gettext_noop("Referral to %(service)s completed: %(outcome)s")
MSG_ESCALATED = gettext_noop("No answer from %(service)s by %(due)s: referral escalated")

# Roles of a receiving organisation that see and answer its incoming referrals (not IT administrators).
RECEIVING_ROLES = (Role.PRACTITIONER, Role.MANAGER)
# Reasons, declines and outcomes speak of the child's situation: the standard level of the timeline.
TEXT_SENSITIVITY = Sensitivity.STANDARD


def receiving_member_ids(organisation_id: int, *, managers_only: bool = False) -> list[int]:
    roles = (Role.MANAGER,) if managers_only else RECEIVING_ROLES
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=roles, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def is_receiver(user, referral: Referral) -> bool:
    return user.pk in receiving_member_ids(referral.organisation_id)


def default_due(sent_at: dt.datetime, urgency: str) -> dt.datetime:
    """The response deadline for an urgency (see ``RESPONSE_DEADLINES``)."""
    return deadline_for(sent_at, RESPONSE_DEADLINES[urgency])


def _sender_organisation(access: CaseAccess):
    if access.membership is not None:
        return access.membership.organisation
    if access.via in (Via.LEAD, Via.MANAGER):
        return access.case.lead_organisation
    return None


def _case_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.case_id, referral.pk])


def _incoming_url(referral: Referral) -> str:
    return reverse("referrals:incoming_detail", args=[referral.pk])


def _notify(user_ids, *, referral: Referral, kind: str, title: str, params: dict, url: str, case_id=None):
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=set(user_ids), is_active=True):
        notification_send(user=user, kind=kind, title=title, params=params, url=url, case_id=case_id)


@transaction.atomic
def referral_send(
    *, ctx: AuditContext, access: CaseAccess, service: Service, reason: str, urgency: str,
    sections: list[str], legal_basis: str, consent_given_by: str = "", consent_given_on: dt.date | None = None,
    sharing_level: int = Sensitivity.STANDARD, response_due_at: dt.datetime | None = None,
) -> Referral:  # fmt: skip
    """Refer the child to a service, sharing the chosen sections as they stand now."""
    _require(access.can_write, _("Emergency access is read-only."))
    case = access.case
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    consent_given_by = (consent_given_by or "").strip()
    sections = list(dict.fromkeys(sections or []))
    if case.status == CaseStatus.CLOSED:
        errors["__all__"] = [_("The case is closed: reopen it to refer the child.")]
    if not service.is_active:
        errors["service"] = [_("This service is no longer active on the resource map.")]
    if not reason:
        errors["reason"] = [_("Say why you refer the child and what you ask the service to do.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    unknown = [s for s in sections if s not in SharedSection.values]
    above = [s for s in sections if s in SharedSection.values and not access.sees(SECTION_SENSITIVITY[s])]
    if not sections:
        errors["sections"] = [
            _(
                "Choose at least one section to share: the service needs to know whom and what the referral is about."
            )
        ]
    elif unknown:
        errors["sections"] = [_("Unknown section.")]
    elif above:
        errors["sections"] = [
            _("Your sharing level does not cover: %(sections)s. You can share only what you may see.")
            % {"sections": ", ".join(str(SharedSection(s).label) for s in above)}
        ]
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [_("Choose the consent or the legal basis for sharing the information.")]
    elif legal_basis == LegalBasis.CONSENT:
        if not consent_given_by:
            errors["consent_given_by"] = [_("Write who gave the consent (name and relation to the child).")]
        if consent_given_on is None:
            errors["consent_given_on"] = [_("Give the date of the consent.")]
        elif consent_given_on > timezone.localdate(now):
            errors["consent_given_on"] = [_("The consent cannot be dated in the future.")]
    if int(sharing_level) not in Sensitivity.values:
        errors["sharing_level"] = [_("Unknown sharing level.")]
    elif not access.sees(int(sharing_level)):
        errors["sharing_level"] = [_("You cannot give a sharing level above your own.")]
    if response_due_at is not None and response_due_at <= now:
        errors["response_due_at"] = [_("The answer deadline must be in the future.")]
    if errors:
        raise ValidationError(errors)
    if legal_basis != LegalBasis.CONSENT:
        consent_given_by, consent_given_on = "", None
    sender_org = _sender_organisation(access)
    _require(sender_org is not None, _("Only the case team can send a referral."))
    referral = Referral(
        case=case, service=service, organisation_id=service.organisation_id, sent_by=ctx.actor,
        sent_by_organisation=sender_org, sent_at=now, reason=reason, urgency=urgency, sections=sections,
        snapshot=build_snapshot(case, sections, level=access.level), legal_basis=legal_basis, consent_given_by=consent_given_by,
        consent_given_on=consent_given_on, sharing_level=int(sharing_level),
        response_due_at=response_due_at or default_due(now, urgency),
    )  # fmt: skip
    referral.full_clean()
    referral.save()
    org = service.organisation
    timeline_add(
        case=case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=MSG_SENT,
        params={"service": service.name, "org": org, "urgency": str(Urgency(urgency).label)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="referral.send", case_id=case.pk, object_type="referral", object_id=referral.pk,
        reason=legal_basis,
        details={
            "service": service.pk, "organisation": org.pk, "urgency": urgency, "sections": sections,
            "legal_basis": legal_basis, "sharing_level": int(sharing_level),
            "response_due_at": referral.response_due_at.isoformat(),
        },
    )  # fmt: skip
    # The notice names no child (it is e-mailed): the service opens the referral in Zaedno.
    _notify(
        receiving_member_ids(org.pk), referral=referral, kind="referral.received",
        title=gettext_noop("New referral to %(service)s from %(org)s (%(urgency)s), answer by %(due)s"),
        params={
            "service": service.name, "org": str(sender_org), "urgency": str(Urgency(urgency).label),
            "due": timezone.localtime(referral.response_due_at).strftime("%d.%m.%Y %H:%M"),
        },
        url=_incoming_url(referral),
    )  # fmt: skip
    return referral


def _move(referral: Referral, *, from_states, **changes) -> Referral:
    """Change state only if the referral is still in one of ``from_states`` (first answer wins)."""
    rows = Referral.objects.filter(pk=referral.pk, status__in=from_states).update(
        version=F("version") + 1, **changes
    )
    if rows == 0:
        raise ValidationError({"__all__": [_("This referral has already been answered or closed.")]})
    referral.refresh_from_db()
    return referral


def _answer_notice(referral: Referral, *, title: str, params: dict) -> None:
    case = referral.case
    _notify(
        [referral.sent_by_id, case.lead_id], referral=referral, kind="referral.answered", title=title,
        params={"service": referral.service.name, "number": case.number, **params}, url=_case_url(referral),
        case_id=case.pk,
    )  # fmt: skip


@transaction.atomic
def referral_accept(*, ctx: AuditContext, referral: Referral, professional) -> Referral:
    """The receiving organisation accepts and names who works with the child; they join the team.

    The sender chose the sharing level when referring; the case lead's authority to form the team
    is exercised through the referral (audited as the acceptor's act, ``via: referral``).
    """
    actor = ctx.actor
    _require(is_receiver(actor, referral), _("Only the receiving organisation can answer this referral."))
    if referral.status != ReferralStatus.SENT:
        raise ValidationError({"__all__": [_("This referral has already been answered or closed.")]})
    if professional is None or professional.pk not in receiving_member_ids(referral.organisation_id):
        raise ValidationError(
            {"professional": [_("Name a professional of %(org)s.") % {"org": referral.organisation}]}
        )
    now = timezone.now()
    case = referral.case
    _move(
        referral, from_states=[ReferralStatus.SENT], status=ReferralStatus.ACCEPTED, answered_at=now,
        answered_by=actor, professional=professional,
    )  # fmt: skip
    member = TeamMember.objects.filter(case=case, user=professional, left_at__isnull=True).first()
    if member is None:
        # The case lead's authority to form the team, delegated by the referral.
        lead_access = CaseAccess(case, case.lead, Sensitivity.SENSITIVE, Via.LEAD)
        member = team_member_add(
            ctx=ctx, access=lead_access, user=professional, organisation=referral.organisation,
            sharing_level=referral.sharing_level,
        )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(team_member=member)
    referral.team_member = member
    timeline_add(
        case=case, kind=TimelineKind.UPDATED, actor=actor, at=now, message=MSG_ACCEPTED,
        params={"service": referral.service.name, "name": professional},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="referral.accept", case_id=case.pk, object_type="referral", object_id=referral.pk,
        details={"professional": professional.pk, "team_member": member.pk, "via": "referral"},
    )  # fmt: skip
    _answer_notice(
        referral,
        title=gettext_noop("Referral to %(service)s accepted (case %(number)s): %(name)s takes the child on"),
        params={"name": str(professional)},
    )
    return referral


@transaction.atomic
def referral_decline(*, ctx: AuditContext, referral: Referral, reason: str) -> Referral:
    """The receiving organisation declines — always with a reason the team can act on."""
    actor = ctx.actor
    _require(is_receiver(actor, referral), _("Only the receiving organisation can answer this referral."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Say why the service cannot take the child, so the team can look elsewhere.")]}
        )
    if referral.status != ReferralStatus.SENT:
        raise ValidationError({"__all__": [_("This referral has already been answered or closed.")]})
    now = timezone.now()
    _move(
        referral, from_states=[ReferralStatus.SENT], status=ReferralStatus.DECLINED, answered_at=now,
        answered_by=actor, decline_reason=reason,
    )  # fmt: skip
    timeline_add(
        case=referral.case, kind=TimelineKind.UPDATED, actor=actor, at=now, message=MSG_DECLINED,
        params={"service": referral.service.name, "reason": reason[:200]}, sensitivity=TEXT_SENSITIVITY,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="referral.decline", case_id=referral.case_id, object_type="referral",
        object_id=referral.pk, reason=reason,
    )  # fmt: skip
    _answer_notice(
        referral, title=gettext_noop("Referral to %(service)s declined (case %(number)s)"), params={}
    )
    return referral


def can_withdraw(access: CaseAccess, referral: Referral) -> bool:
    return access.can_write and (referral.sent_by_id == access.user.pk or access.can_manage_team)


@transaction.atomic
def referral_withdraw(*, ctx: AuditContext, access: CaseAccess, referral: Referral, reason: str) -> Referral:
    """The sender (or the case lead, a manager) withdraws a referral no longer needed, with a reason."""
    _require(referral.case_id == access.case.pk, _("This referral is for another case."))
    _require(
        can_withdraw(access, referral),
        _("Only the sender, the case lead or a manager of the lead organisation can withdraw a referral."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the referral is withdrawn.")]})
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        raise ValidationError({"__all__": [_("Only a referral still open can be withdrawn.")]})
    now = timezone.now()
    was = referral.status
    _move(
        referral, from_states=[ReferralStatus.SENT, ReferralStatus.ACCEPTED], status=ReferralStatus.WITHDRAWN,
        withdrawn_at=now, withdrawn_by=ctx.actor, withdraw_reason=reason,
    )  # fmt: skip
    timeline_add(
        case=access.case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=MSG_WITHDRAWN,
        params={"service": referral.service.name, "reason": reason[:200]}, sensitivity=TEXT_SENSITIVITY,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="referral.withdraw", case_id=access.case.pk, object_type="referral",
        object_id=referral.pk, reason=reason, details={"was": was},
    )  # fmt: skip
    recipients = receiving_member_ids(referral.organisation_id) if was == ReferralStatus.SENT else []
    if referral.professional_id:
        recipients.append(referral.professional_id)
    _notify(
        [u for u in recipients if u != ctx.actor.pk], referral=referral, kind="referral.withdrawn",
        title=gettext_noop("A referral to %(service)s was withdrawn by %(org)s"),
        params={"service": referral.service.name, "org": str(referral.sent_by_organisation)},
        url=_incoming_url(referral),
    )  # fmt: skip
    return referral


@transaction.atomic
def referral_complete(*, ctx: AuditContext, access: CaseAccess, referral: Referral, outcome: str) -> Referral:
    """The team records the outcome of the service's work with the child."""
    _require(referral.case_id == access.case.pk, _("This referral is for another case."))
    _require(access.can_write, _("Emergency access is read-only."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": [_("Write the outcome: what the service did and what changed.")]})
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError({"__all__": [_("Only an accepted referral can be completed.")]})
    now = timezone.now()
    _move(
        referral, from_states=[ReferralStatus.ACCEPTED], status=ReferralStatus.COMPLETED, completed_at=now,
        completed_by=ctx.actor, outcome=outcome,
    )  # fmt: skip
    timeline_add(
        case=access.case, kind=TimelineKind.UPDATED, actor=ctx.actor, at=now, message=MSG_COMPLETED,
        params={"service": referral.service.name, "outcome": outcome[:200]}, sensitivity=TEXT_SENSITIVITY,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="referral.complete", case_id=access.case.pk, object_type="referral",
        object_id=referral.pk,
    )  # fmt: skip
    return referral
