"""The difficult-case profile (профил на труден случай) of a case, its indicators, the criteria.

A case's profile goes through ``case_for_user`` (404 for missing and not allowed alike; reads
audited); indicators are written through ``zaedno.profiles.services``. The criteria are reference
data for every signed-in professional (not audited).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_assessments import (
    CriteriaOutSerializer,
    IndicatorInSerializer,
    IndicatorOutSerializer,
    IndicatorWithdrawSerializer,
    ProfileOutSerializer,
)
from zaedno.api.views.base import E401, READ_ERRORS, WRITE_ERRORS, api_ctx, case_access
from zaedno.profiles import queries, services
from zaedno.profiles.criteria import load_criteria

TAGS = ["profiles"]


def _profile_data(access) -> dict:
    criteria = load_criteria()
    profile = queries.profile_of(access)
    rows = queries.criteria_view(profile, criteria)
    return {
        "flagged": profile.flagged,
        "flagged_since": profile.flagged_since,
        "threshold": profile.threshold,
        "criteria_version": profile.criteria_version,
        "refreshed_at": profile.refreshed_at,
        "criteria": [
            {
                "code": r.criterion.code,
                "label": r.label,
                "met": r.met,
                "why": r.why,
                "facts": profile.details.get(r.criterion.code, {}).get("facts", []),
            }  # fmt: skip
            for r in rows
        ],
        "history": queries.profile_history(access),
        "indicators": queries.indicator_list(access),
    }


class ProfileView(APIView):
    @extend_schema(
        operation_id="cases_profile_retrieve",
        summary="The case's difficult-case profile: criteria met and why, the flag, its history, indicators",
        description="Labels and explanations follow Accept-Language. The read is audited.",
        responses={200: ProfileOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="profile.view")
        return Response(ProfileOutSerializer(_profile_data(access), context={"access": access}).data)


class IndicatorsView(APIView):
    @extend_schema(
        operation_id="cases_indicators_create",
        summary="Record an indicator (refusal of help, conflict with the law, violence suspected, …)",
        description="Any team member; the profile is computed again at once.",
        request=IndicatorInSerializer,
        responses={201: IndicatorOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = IndicatorInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        indicator = services.indicator_record(ctx=api_ctx(request), access=access, **s.validated_data)
        return Response(
            IndicatorOutSerializer(indicator, context={"access": access}).data, status=status.HTTP_201_CREATED
        )


class IndicatorWithdrawView(APIView):
    @extend_schema(
        operation_id="cases_indicators_withdraw",
        summary="Withdraw an indicator that no longer holds, saying why (history is kept)",
        request=IndicatorWithdrawSerializer,
        responses={200: IndicatorOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, indicator_id: int):
        access = case_access(request, case_id, audit=False)
        indicator = queries.indicator_get(access, indicator_id)
        s = IndicatorWithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        indicator = services.indicator_withdraw(
            ctx=api_ctx(request), access=access, indicator=indicator, note=s.validated_data["note"]
        )
        return Response(IndicatorOutSerializer(indicator, context={"access": access}).data)


class CriteriaView(APIView):
    @extend_schema(
        operation_id="difficult_case_criteria_retrieve",
        summary="The difficult-case criteria in force (the YAML file as JSON)",
        description="Reference data, the same for everyone; see docs/difficult-cases.md.",
        responses={200: CriteriaOutSerializer, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        c = load_criteria()
        data = {
            "version": c.version, "date": c.date, "threshold": c.threshold, "title": c.title,
            "criteria": [
                {"code": x.code, "rule": x.rule, "params": x.params, "label": x.label, "description": x.description}
                for x in c.criteria
            ],
        }  # fmt: skip
        return Response(CriteriaOutSerializer(data).data)
