"""Reads of join requests: what I sent, what I am asked to answer, one request (404 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from zaedno.accounts.models import Membership, Role
from zaedno.audit.denials import denial_record
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import access_for
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus


def _decider_q(user) -> Q:
    """Requests on cases the user leads, or whose lead organisation the user manages (one
    query: the managed organisations are a subquery)."""
    managed = Membership.objects.filter(user=user, role=Role.MANAGER, is_active=True).values(
        "organisation_id"
    )
    return Q(case__lead=user) | Q(case__lead_organisation_id__in=managed)


def received_requests(user) -> QuerySet[JoinRequest]:
    if not getattr(user, "is_authenticated", False):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(_decider_q(user)).select_related(
        "case", "child", "requester", "organisation", "decided_by"
    )


def sent_requests(user) -> QuerySet[JoinRequest]:
    if not getattr(user, "is_authenticated", False):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(requester=user).select_related(
        "case", "case__lead_organisation", "organisation", "decided_by"
    )


def pending_received_count(user) -> int:
    return received_requests(user).filter(status=JoinRequestStatus.PENDING).count()


@dataclass
class RequestView:
    """One request and the reader's part in it: the deciding lead (with the case access) or the
    requester (who sees the case only once accepted and in the team)."""

    request: JoinRequest
    access: object | None  # the CaseAccess of a decider, else None
    sees_case: bool
    is_requester: bool

    @property
    def is_decider(self) -> bool:
        return self.access is not None


def request_for_user(user, request_id, *, ctx: AuditContext, audit: bool = True) -> RequestView:
    """The request if the user sent it or may answer it; 404 for anyone else, as for a missing one."""
    try:
        req = JoinRequest.objects.select_related(
            "case",
            "case__lead",
            "case__lead_organisation",
            "child",
            "requester",
            "organisation",
            "decided_by",
        ).get(pk=int(request_id))
    except (JoinRequest.DoesNotExist, ValueError, TypeError):
        denial_record(
            ctx=ctx,
            action="join_request.view",
            object_type="join_request",
            object_id=request_id,
            reason="not_found",
        )
        raise Http404 from None
    access = access_for(user, req.case)
    decider = access is not None and access.can_manage_team
    is_requester = req.requester_id == getattr(user, "pk", None)
    if not (decider or is_requester):
        denial_record(
            ctx=ctx, action="join_request.view", object_type="join_request", object_id=req.pk,
            case_id=req.case_id, reason="no_access",
        )  # fmt: skip
        raise Http404
    if audit:
        audit_record(
            ctx=ctx, action="join_request.view", kind=AuditKind.READ, case_id=req.case_id if decider else None,
            object_type="join_request", object_id=req.pk,
        )  # fmt: skip
    return RequestView(
        request=req,
        access=access if decider else None,
        sees_case=access is not None,
        is_requester=is_requester,
    )
