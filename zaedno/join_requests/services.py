"""Writes of join requests: send (to the lead of each open case), accept, decline, withdraw.

The requester found the child through a duplicate check and may not see the case: nothing
written to them (pages, notifications, e-mails) names the case, its number or its content
until a lead accepts. Accepting adds them to the team through ``team_member_add`` with the
deciding lead's access, so the team rules (organisation membership, one active membership)
hold as for any member.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.accounts.models import Membership
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Case, Sensitivity, TeamMember
from zaedno.cases.services import team_member_add
from zaedno.children.models import Child
from zaedno.children.queries import ACTIVE_CASE_STATUSES, recently_matched, visible_children
from zaedno.core.errors import require as _require
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus
from zaedno.notifications.services import notification_send


def joinable_cases(user, child: Child):
    """The child's open cases whose team ``user`` is not in and has no pending request for."""
    return (
        Case.objects.filter(child=child, status__in=ACTIVE_CASE_STATUSES)
        .exclude(lead=user)
        .exclude(team__user=user, team__left_at__isnull=True)
        .exclude(join_requests__requester=user, join_requests__status=JoinRequestStatus.PENDING)
        .select_related("lead", "lead_organisation")
        .order_by("opened_at", "id")
    )


@transaction.atomic
def join_request_send(
    *, ctx: AuditContext, child_id: int, organisation, message: str, child_label: str = ""
) -> list[JoinRequest]:
    """Ask the lead of each open case of a child found by a duplicate check to join its team.

    Only a child the requester found in a recent duplicate check (or may see) can be asked
    about, so ids cannot be guessed to learn which organisations work with which child.
    """
    actor = ctx.actor
    child = Child.objects.filter(pk=child_id, merged_into__isnull=True).first()
    if child is None or not (
        recently_matched(actor, child.pk) or visible_children(actor).filter(pk=child.pk).exists()
    ):
        raise ValidationError(
            {"child": [_("Look the child up first: a request goes to a record you found.")]}
        )
    errors: dict[str, list[str]] = {}
    if not Membership.objects.filter(user=actor, organisation=organisation, is_active=True).exists():
        errors["organisation"] = [_("You do not work in this organisation.")]
    if not (message or "").strip():
        errors["message"] = [_("Say why you ask to join: your role with the child and what you can bring.")]
    if errors:
        raise ValidationError(errors)
    cases = list(joinable_cases(actor, child))
    if not cases:
        raise ValidationError(
            {
                "child": [
                    _(
                        "There is no open case of this child you could ask to join (or you have asked "
                        "already). Contact the organisation that registered the child."
                    )
                ]
            }
        )
    now = timezone.now()
    sent = []
    for case in cases:
        req = JoinRequest(
            case=case, child=child, requester=actor, organisation=organisation, message=message.strip(),
            child_label=(child_label or "").strip()[:200], created_at=now,
        )  # fmt: skip
        req.full_clean()
        req.save()
        audit_record(
            ctx=ctx, action="join_request.send", case_id=case.pk, object_type="join_request", object_id=req.pk,
            details={"child": child.pk, "organisation": organisation.pk},
        )  # fmt: skip
        notification_send(
            user=case.lead, kind="join_request.received", case_id=case.pk,
            url=reverse("join_requests:detail", args=[req.pk]),
            title=gettext_noop("%(name)s (%(org)s) asks to join the team of case %(number)s"),
            body=gettext_noop("Their reason: %(message)s"),
            params={"name": str(actor), "org": str(organisation), "number": case.number, "message": req.message},
        )  # fmt: skip
        sent.append(req)
    return sent


def _locked_pending(request: JoinRequest) -> JoinRequest:
    req = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if req.status != JoinRequestStatus.PENDING:
        raise ValidationError({"status": [_("This request has already been answered or withdrawn.")]})
    return req


def _check_decider(access: CaseAccess, request: JoinRequest) -> None:
    _require(
        access.can_manage_team,
        _("Only the case lead or a manager of the lead organisation can answer a request to join the team."),
    )
    if request.case_id != access.case.pk:
        raise ValidationError({"request": [_("This request is for another case.")]})


@transaction.atomic
def join_request_accept(
    *, ctx: AuditContext, access: CaseAccess, request: JoinRequest, sharing_level: int = Sensitivity.STANDARD
) -> JoinRequest:
    """Accept: the requester joins the team at the chosen sharing level and is told so."""
    _check_decider(access, request)
    req = _locked_pending(request)
    if int(sharing_level) not in Sensitivity.values:
        raise ValidationError({"sharing_level": [_("Choose a sharing level.")]})
    already = TeamMember.objects.filter(case=access.case, user=req.requester, left_at__isnull=True).exists()
    if not already:
        team_member_add(
            ctx=ctx,
            access=access,
            user=req.requester,
            organisation=req.organisation,
            sharing_level=int(sharing_level),
        )
    now = timezone.now()
    req.status, req.decided_at, req.decided_by = JoinRequestStatus.ACCEPTED, now, ctx.actor
    req.sharing_level = int(sharing_level)
    req.version += 1
    req.save(update_fields=["status", "decided_at", "decided_by", "sharing_level", "version"])
    audit_record(
        ctx=ctx, action="join_request.accept", case_id=req.case_id, object_type="join_request", object_id=req.pk,
        details={"user": req.requester_id, "sharing_level": int(sharing_level), "already_member": already},
    )  # fmt: skip
    notification_send(
        user=req.requester, kind="join_request.accepted", case_id=req.case_id,
        url=reverse("cases:detail", args=[req.case_id]),
        title=gettext_noop("Your request to join the team was accepted: case %(number)s"),
        params={"number": access.case.number},
    )  # fmt: skip
    return req


@transaction.atomic
def join_request_decline(
    *, ctx: AuditContext, access: CaseAccess, request: JoinRequest, reason: str
) -> JoinRequest:
    """Decline with a reason; the requester's notification names neither the case nor the reason
    (they read the reason on their request's page, which shows nothing else of the case)."""
    _check_decider(access, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Give the reason for declining: the professional will read it.")]}
        )
    req = _locked_pending(request)
    req.status, req.decided_at, req.decided_by = JoinRequestStatus.DECLINED, timezone.now(), ctx.actor
    req.decline_reason = reason
    req.version += 1
    req.save(update_fields=["status", "decided_at", "decided_by", "decline_reason", "version"])
    audit_record(
        ctx=ctx, action="join_request.decline", case_id=req.case_id, object_type="join_request", object_id=req.pk,
        reason=reason,
    )  # fmt: skip
    notification_send(
        user=req.requester, kind="join_request.declined",
        url=reverse("join_requests:detail", args=[req.pk]),
        title=gettext_noop("Your request to join a case team was declined by %(org)s"),
        params={"org": str(access.case.lead_organisation)},
    )  # fmt: skip
    return req


@transaction.atomic
def join_request_withdraw(*, ctx: AuditContext, request: JoinRequest) -> JoinRequest:
    """The requester takes back a request not yet answered."""
    _require(request.requester_id == ctx.actor.pk, _("Only who sent the request can withdraw it."))
    req = _locked_pending(request)
    req.status, req.decided_at, req.decided_by = JoinRequestStatus.WITHDRAWN, timezone.now(), ctx.actor
    req.version += 1
    req.save(update_fields=["status", "decided_at", "decided_by", "version"])
    audit_record(
        ctx=ctx,
        action="join_request.withdraw",
        case_id=req.case_id,
        object_type="join_request",
        object_id=req.pk,
    )
    return req
