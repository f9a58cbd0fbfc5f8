"""Requests to join a case team (искане за включване в екипа): list, send, one request,
accept, decline, withdraw.

Reads go through ``zaedno.join_requests.queries`` (404 for anyone who neither sent nor may
answer a request, as for a missing one); writes through ``zaedno.join_requests.services``. The
requester never gets the case's id or number before acceptance.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_join_requests import (
    JoinRequestAcceptSerializer,
    JoinRequestCreateSerializer,
    JoinRequestDeclineSerializer,
    JoinRequestOutSerializer,
    JoinRequestQuerySerializer,
)
from zaedno.api.views.base import READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, query_params
from zaedno.audit.models import AuditKind
from zaedno.audit.services import audit_record
from zaedno.join_requests import queries, services
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus
from zaedno.organisations.models import Organisation

TAGS = ["join requests"]
LIST_LIMIT = 200


def _out(req: JoinRequest, *, decider: bool, sees_case: bool = False) -> dict:
    case = None
    if decider or (sees_case and req.status == JoinRequestStatus.ACCEPTED):
        case = {"id": req.case_id, "number": req.case.number}
    return {
        "id": req.pk,
        "role": "decider" if decider else "requester",
        "status": req.status,
        "child_label": req.child_label,
        "lead_organisation": str(req.case.lead_organisation),
        "requester": req.requester,
        "organisation": req.organisation,
        "message": req.message,
        "created_at": req.created_at,
        "decided_at": req.decided_at,
        "decline_reason": req.decline_reason,
        "sharing_level": req.sharing_level if (decider or req.status == JoinRequestStatus.ACCEPTED) else None,
        "case": case,
        "child": {"id": req.child_id, "full_name": req.child.full_name} if decider else None,
    }


def _view_out(view) -> dict:
    return JoinRequestOutSerializer(
        _out(view.request, decider=view.is_decider, sees_case=view.sees_case)
    ).data


class JoinRequestListView(InputFormsMixin, APIView):
    input_serializers = {"POST": JoinRequestCreateSerializer}

    @extend_schema(
        operation_id="join_requests_list",
        summary="Join requests I sent and those I may answer",
        parameters=[JoinRequestQuerySerializer],
        responses={200: JoinRequestOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        box = query_params(JoinRequestQuerySerializer, request).get("box") or "all"
        out: list[dict] = []
        if box in ("all", "received"):
            received = queries.received_requests(request.user).select_related("case__lead_organisation")
            out += [_out(r, decider=True) for r in received.order_by("-created_at")[:LIST_LIMIT]]
        if box in ("all", "sent"):
            seen = {r["id"] for r in out}
            sent = queries.sent_requests(request.user).select_related("requester", "child")
            sent_list = [r for r in sent.order_by("-created_at")[:LIST_LIMIT] if r.pk not in seen]
            member_cases = set(
                request.user.case_memberships.filter(
                    left_at__isnull=True, case_id__in=[r.case_id for r in sent_list]
                ).values_list("case_id", flat=True)
            )
            out += [_out(r, decider=False, sees_case=r.case_id in member_cases) for r in sent_list]
        audit_record(
            ctx=api_ctx(request), action="join_request.list", kind=AuditKind.READ, object_type="join_request",
            details={"ids": [r["id"] for r in out][:LIST_LIMIT]},
        )  # fmt: skip
        return Response(JoinRequestOutSerializer(out, many=True).data)

    @extend_schema(
        operation_id="join_requests_create",
        summary="Ask to join the team of a child found by the duplicate check",
        description="One request per open case of the child goes to its case lead. The child must "
        "have come up in your duplicate check in the last 7 days (or be visible to you).",
        request=JoinRequestCreateSerializer,
        responses={201: JoinRequestOutSerializer(many=True), **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        s = JoinRequestCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        organisation = Organisation.objects.filter(pk=data.pop("organisation")).first()
        if organisation is None:
            raise ValidationError({"organisation": [_("You do not work in this organisation.")]})
        sent = services.join_request_send(
            ctx=api_ctx(request), child_id=data.pop("child"), organisation=organisation, **data
        )
        return Response(
            JoinRequestOutSerializer([_out(r, decider=False) for r in sent], many=True).data,
            status=status.HTTP_201_CREATED,
        )


class JoinRequestDetailView(APIView):
    @extend_schema(
        operation_id="join_requests_retrieve",
        summary="A join request (yours, or one you may answer)",
        responses={200: JoinRequestOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, request_id: int):
        view = queries.request_for_user(request.user, request_id, ctx=api_ctx(request))
        return Response(_view_out(view))


def _decider(request, request_id):
    view = queries.request_for_user(request.user, request_id, ctx=api_ctx(request), audit=False)
    if not view.is_decider:
        raise PermissionDenied(
            _("Only the case lead or a manager of the lead organisation can answer this request.")
        )
    return view


class JoinRequestAcceptView(InputFormsMixin, APIView):
    input_serializers = {"POST": JoinRequestAcceptSerializer}

    @extend_schema(
        operation_id="join_requests_accept",
        summary="Accept: the requester joins the team at the sharing level given",
        request=JoinRequestAcceptSerializer,
        responses={200: JoinRequestOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, request_id: int):
        view = _decider(request, request_id)
        s = JoinRequestAcceptSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.join_request_accept(
            ctx=api_ctx(request), access=view.access, request=view.request,
            sharing_level=int(s.validated_data["sharing_level"]),
        )  # fmt: skip
        view.request.refresh_from_db()
        return Response(_view_out(view))


class JoinRequestDeclineView(InputFormsMixin, APIView):
    input_serializers = {"POST": JoinRequestDeclineSerializer}

    @extend_schema(
        operation_id="join_requests_decline",
        summary="Decline with a reason (read by the requester)",
        request=JoinRequestDeclineSerializer,
        responses={200: JoinRequestOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, request_id: int):
        view = _decider(request, request_id)
        s = JoinRequestDeclineSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.join_request_decline(
            ctx=api_ctx(request), access=view.access, request=view.request, reason=s.validated_data["reason"]
        )
        view.request.refresh_from_db()
        return Response(_view_out(view))


class JoinRequestWithdrawView(APIView):
    @extend_schema(
        operation_id="join_requests_withdraw",
        summary="Withdraw your request not yet answered",
        request=None,
        responses={200: JoinRequestOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, request_id: int):
        view = queries.request_for_user(request.user, request_id, ctx=api_ctx(request), audit=False)
        if not view.is_requester:
            raise PermissionDenied(_("Only who sent the request can withdraw it."))
        services.join_request_withdraw(ctx=api_ctx(request), request=view.request)
        view.request.refresh_from_db()
        return Response(_view_out(view))
