"""The shared multisector assessment (обща мултисекторна оценка) of a case.

Every endpoint goes through ``case_for_user`` (404 for missing and not allowed alike); reads are
audited, writes go through ``zaedno.assessments.services`` (rights, timeline, audit, protocol
artefacts). A contribution above the caller's sharing level shows only that it exists.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_assessments import (
    AssessmentListItemSerializer,
    AssessmentOutSerializer,
    ContributionInSerializer,
    ContributionOutSerializer,
    FormulationInSerializer,
    VersionInSerializer,
)
from zaedno.api.views.base import E409, READ_ERRORS, WRITE_ERRORS, api_ctx, case_access
from zaedno.assessments import queries, services
from zaedno.organisations.models import Sector

TAGS = ["assessments"]


def _out(access, assessment, *, code=status.HTTP_200_OK) -> Response:
    assessment = queries.assessment_get(access, assessment.pk)  # fresh, contributions loaded
    matrix = queries.assessment_matrix(access, assessment)
    data = AssessmentOutSerializer(assessment, context={"access": access, "matrix": matrix}).data
    return Response(data, status=code)


class AssessmentListView(APIView):
    @extend_schema(
        operation_id="cases_assessments_list",
        summary="Versions of the case's shared assessment, newest first",
        responses={200: AssessmentListItemSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="assessment.list")
        return Response(AssessmentListItemSerializer(queries.assessment_list(access), many=True).data)

    @extend_schema(
        operation_id="cases_assessments_start",
        summary="Start a new version (the current one's contributions are carried over)",
        request=None,
        responses={201: AssessmentOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        assessment = services.assessment_start(ctx=api_ctx(request), access=access)
        return _out(access, assessment, code=status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    @extend_schema(
        operation_id="cases_assessments_retrieve",
        summary="One version: contributions by sector, levels of need by domain, formulation",
        description=(
            "A contribution above your sharing level has `restricted: true` and no `sources` or "
            "`entries`; the levels in `domains` count only the contributions you may read."
        ),
        responses={200: AssessmentOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, assessment_id: int):
        access = case_access(request, case_id, action="assessment.view")
        return _out(access, queries.assessment_get(access, assessment_id))


class ContributionView(APIView):
    @extend_schema(
        operation_id="cases_assessments_contribution_put",
        summary="Write or edit my sector's contribution",
        description=(
            "`sector` must be your own (your team membership's organisation). Send the `version` "
            "you edited; a stale version is a 409 and nothing is saved. The entries replace the "
            "previous ones."
        ),
        request=ContributionInSerializer,
        responses={200: ContributionOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def put(self, request, case_id: int, assessment_id: int, sector: str):
        access = case_access(request, case_id, audit=False)
        assessment = queries.assessment_get(access, assessment_id)
        if sector not in Sector.values:
            raise Http404
        s = ContributionInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        mine = services.my_sector(access)
        if mine is None or mine[0] != sector:
            raise PermissionDenied("You can only write your own sector's contribution.")
        contribution = services.contribution_save(
            ctx=api_ctx(request), access=access, assessment=assessment, sector=sector,
            entries=[services.EntryData(**e) for e in data["entries"]],
            expected_version=data.get("version") or None, sensitivity=data.get("sensitivity"),
            sources=data["sources"],
        )  # fmt: skip
        assessment = queries.assessment_get(access, assessment_id)
        fresh = next(c for c in assessment.contributions.all() if c.pk == contribution.pk)
        return Response(ContributionOutSerializer(fresh, context={"access": access}).data)


class FormulationView(APIView):
    @extend_schema(
        operation_id="cases_assessments_formulation",
        summary="Write the formulation; with `meeting`, record that it was agreed there",
        description=(
            "The shared understanding of the problem behind the behaviour. Recording agreement "
            "(case lead or manager) needs a held meeting of this case and completes the protocol "
            "step waiting for `formulation_agreed`."
        ),
        request=FormulationInSerializer,
        responses={200: AssessmentOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, assessment_id: int):
        access = case_access(request, case_id, audit=False)
        assessment = queries.assessment_get(access, assessment_id)
        s = FormulationInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        meeting = None
        if data.get("meeting"):
            from zaedno.meetings.models import Meeting

            meeting = Meeting.objects.filter(case=access.case, pk=data["meeting"]).first()
            if meeting is None:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"meeting": ["No such meeting on this case."]})
        services.formulation_save(
            ctx=api_ctx(request), access=access, assessment=assessment, expected_version=data["version"],
            meeting=meeting, **{f: data[f] for f in services.FORMULATION_FIELDS},
        )  # fmt: skip
        return _out(access, assessment)


class CompleteView(APIView):
    @extend_schema(
        operation_id="cases_assessments_complete",
        summary="Complete this version (case lead or manager)",
        description=(
            "It becomes the current assessment; the previous one is superseded; the protocol steps "
            "waiting for `assessment_done[multisector]` and `assessment_done[needs]` are done."
        ),
        request=VersionInSerializer,
        responses={200: AssessmentOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, assessment_id: int):
        access = case_access(request, case_id, audit=False)
        assessment = queries.assessment_get(access, assessment_id)
        s = VersionInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.assessment_complete(
            ctx=api_ctx(request),
            access=access,
            assessment=assessment,
            expected_version=s.validated_data["version"],
        )
        return _out(access, assessment)
