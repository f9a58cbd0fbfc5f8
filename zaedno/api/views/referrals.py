"""Referrals (насочване) through the API: the case team sends, withdraws and completes; the receiving
organisation reads its incoming referrals and accepts or declines them.

The case side goes through ``case_for_user``; the incoming side through
``zaedno.referrals.queries.incoming_for`` — both answer 404 alike for missing and not allowed.
Every read is audited; writes go through ``zaedno.referrals.services``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_referrals import (
    AcceptInSerializer,
    IncomingReferralOutSerializer,
    OutcomeInSerializer,
    ReasonInSerializer,
    ReferralCreateSerializer,
    ReferralOutSerializer,
)
from zaedno.api.views.base import READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, case_access
from zaedno.referrals import queries, services
from zaedno.resources.models import Service

TAGS = ["referrals"]


def _case_out(access, referrals, *, many=False):
    context = {
        "now": timezone.now(),
        "level": access.level,
        "sees_text": access.sees(services.TEXT_SENSITIVITY),
    }
    return ReferralOutSerializer(referrals, many=many, context=context).data


def _incoming_out(referrals, *, many=False):
    return IncomingReferralOutSerializer(referrals, many=many, context={"now": timezone.now()}).data


class CaseReferralsView(InputFormsMixin, APIView):
    input_serializers = {"POST": ReferralCreateSerializer}

    @extend_schema(
        operation_id="cases_referrals_list",
        summary="The case's referrals to services, newest first",
        responses={200: ReferralOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="referral.list")
        return Response(_case_out(access, queries.case_referrals(access), many=True))

    @extend_schema(
        operation_id="cases_referrals_create",
        summary="Refer the child to a service, sharing the chosen sections as they stand now",
        description=(
            "Team members (emergency access is read-only). Each section has a sensitivity: you may "
            "share only sections your sharing level covers. With `legal_basis: consent`, "
            "`consent_given_by` and `consent_given_on` are required. The receiving organisation's "
            "professionals are notified."
        ),
        request=ReferralCreateSerializer,
        responses={201: ReferralOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = ReferralCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        service = (
            Service.objects.filter(pk=data["service"], is_active=True).select_related("organisation").first()
        )
        if service is None:
            raise ValidationError({"service": ["No such active service on the resource map."]})
        referral = services.referral_send(
            ctx=api_ctx(request), access=access, service=service, reason=data["reason"], urgency=data["urgency"],
            sections=data["sections"], legal_basis=data["legal_basis"], consent_given_by=data["consent_given_by"],
            consent_given_on=data["consent_given_on"], sharing_level=int(data["sharing_level"]),
            response_due_at=data["response_due_at"],
        )  # fmt: skip
        return Response(
            _case_out(access, queries.referral_for(access, referral.pk)), status=status.HTTP_201_CREATED
        )


class CaseReferralDetailView(APIView):
    @extend_schema(
        operation_id="cases_referrals_retrieve",
        summary="One referral of the case, with what was shared (up to your sharing level)",
        responses={200: ReferralOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, referral_id: int):
        access = case_access(request, case_id, action="referral.view")
        return Response(_case_out(access, queries.referral_for(access, referral_id)))


class CaseReferralWithdrawView(InputFormsMixin, APIView):
    input_serializers = {"POST": ReasonInSerializer}

    @extend_schema(
        operation_id="cases_referrals_withdraw",
        summary="Withdraw a referral still open (sent or accepted), with a reason",
        description="The sender, the case lead or a manager of the lead organisation.",
        request=ReasonInSerializer,
        responses={200: ReferralOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, referral_id: int):
        access = case_access(request, case_id, audit=False)
        referral = queries.referral_for(access, referral_id)
        s = ReasonInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.referral_withdraw(
            ctx=api_ctx(request), access=access, referral=referral, reason=s.validated_data["reason"]
        )
        return Response(_case_out(access, queries.referral_for(access, referral_id)))


class CaseReferralCompleteView(InputFormsMixin, APIView):
    input_serializers = {"POST": OutcomeInSerializer}

    @extend_schema(
        operation_id="cases_referrals_complete",
        summary="Record the outcome of an accepted referral",
        request=OutcomeInSerializer,
        responses={200: ReferralOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, referral_id: int):
        access = case_access(request, case_id, audit=False)
        referral = queries.referral_for(access, referral_id)
        s = OutcomeInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.referral_complete(
            ctx=api_ctx(request), access=access, referral=referral, outcome=s.validated_data["outcome"]
        )
        return Response(_case_out(access, queries.referral_for(access, referral_id)))


class IncomingReferralsView(APIView):
    @extend_schema(
        operation_id="referrals_incoming_list",
        summary="Referrals to my organisations' services: waiting first (by deadline), then answered",
        description="Only what each sender shared; nothing else of the cases.",
        responses={200: IncomingReferralOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        rows = list(queries.incoming(request.user, answered=False)[:500]) + list(
            queries.incoming(request.user, answered=True)[:200]
        )
        queries.audit_incoming_list(api_ctx(request), rows)
        return Response(_incoming_out(rows, many=True))


class IncomingReferralDetailView(APIView):
    @extend_schema(
        operation_id="referrals_incoming_retrieve",
        summary="One incoming referral, with the sections the sender shared",
        responses={200: IncomingReferralOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, referral_id: int):
        referral = queries.incoming_for(request.user, referral_id)
        queries.audit_incoming_read(api_ctx(request), referral)
        return Response(_incoming_out(referral))


class IncomingReferralAcceptView(InputFormsMixin, APIView):
    input_serializers = {"POST": AcceptInSerializer}

    @extend_schema(
        operation_id="referrals_incoming_accept",
        summary="Accept a referral and name the professional who works with the child",
        description="The professional joins the case team at the sharing level the sender chose.",
        request=AcceptInSerializer,
        responses={200: IncomingReferralOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, referral_id: int):
        referral = queries.incoming_for(request.user, referral_id)
        s = AcceptInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        professional = get_user_model().objects.filter(pk=s.validated_data["professional"]).first()
        services.referral_accept(ctx=api_ctx(request), referral=referral, professional=professional)
        return Response(_incoming_out(queries.incoming_for(request.user, referral_id)))


class IncomingReferralDeclineView(InputFormsMixin, APIView):
    input_serializers = {"POST": ReasonInSerializer}

    @extend_schema(
        operation_id="referrals_incoming_decline",
        summary="Decline a referral — a reason is required",
        request=ReasonInSerializer,
        responses={200: IncomingReferralOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, referral_id: int):
        referral = queries.incoming_for(request.user, referral_id)
        s = ReasonInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.referral_decline(ctx=api_ctx(request), referral=referral, reason=s.validated_data["reason"])
        return Response(_incoming_out(queries.incoming_for(request.user, referral_id)))
