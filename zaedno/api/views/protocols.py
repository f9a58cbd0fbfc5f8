"""Protocols (протоколи): the loaded definitions, a case's steps, events, and my work.

Definitions are reference data (no case in them): any signed-in professional reads them, and
the reads are not audited. A case's steps are case data: they go through ``case_for_user``
(404 for missing and not allowed alike) and ``zaedno.protocols.queries``, reads are audited,
writes go through ``zaedno.protocols.engine``, which checks the caller's rights again and writes
the timeline and the audit in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_protocols import (
    CaseEventCreateSerializer,
    CaseProtocolOutSerializer,
    MyWorkOutSerializer,
    ProtocolListItemSerializer,
    ProtocolVersionOutSerializer,
    StepDoneSerializer,
    StepNotApplicableSerializer,
    StepOutSerializer,
)
from zaedno.api.views.base import E401, E404, E409, READ_ERRORS, WRITE_ERRORS, api_ctx, case_access
from zaedno.cases.queries import audit_case_list
from zaedno.core.errors import ConflictError, FieldChange
from zaedno.protocols import engine, queries
from zaedno.protocols.models import ProtocolVersion, StepStatus

TAGS = ["protocols"]
STEP_TAGS = ["cases"]


# --- definitions ----------------------------------------------------------------------------------


def _version_out(version: ProtocolVersion, *, current: bool) -> dict:
    version.current = current
    return ProtocolVersionOutSerializer(version).data


class ProtocolListView(APIView):
    @extend_schema(
        operation_id="protocols_list",
        summary="Loaded protocols and their versions",
        description="Reference data, the same for everyone; not paginated (there are a few).",
        responses={200: ProtocolListItemSerializer(many=True), 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        protocols: dict[str, dict] = {}
        for version in queries.protocol_versions():  # by code, then version
            definition = version.definition
            item = protocols.setdefault(
                definition.code,
                {
                    "code": definition.code,
                    "title": {"bg": definition.title_bg, "en": definition.title_en},
                    "versions": [],
                },
            )
            item["versions"].append(version)
            item["current_version"] = version.version
        return Response(ProtocolListItemSerializer(protocols.values(), many=True).data)


class ProtocolDetailView(APIView):
    @extend_schema(
        operation_id="protocols_retrieve",
        summary="A protocol's current version: the whole definition",
        responses={200: ProtocolVersionOutSerializer, 401: E401, 404: E404},
        tags=TAGS,
    )
    def get(self, request, code: str):
        version = queries.protocol_current(code)
        if version is None:
            raise Http404
        return Response(_version_out(version, current=True))


class ProtocolVersionView(APIView):
    @extend_schema(
        operation_id="protocols_version_retrieve",
        summary="One version of a protocol: the whole definition",
        description="The version a case follows may be older than the current one.",
        responses={200: ProtocolVersionOutSerializer, 401: E401, 404: E404},
        tags=TAGS,
    )
    def get(self, request, code: str, version: int):
        found = (
            ProtocolVersion.objects.select_related("definition")
            .filter(definition__code=code, version=version)
            .first()
        )
        if found is None:
            raise Http404
        newer = ProtocolVersion.objects.filter(definition_id=found.definition_id, version__gt=version)
        return Response(_version_out(found, current=not newer.exists()))


# --- a case's steps -------------------------------------------------------------------------------


def _step_context(access) -> dict:
    return {"access": access, "now": timezone.now()}


def _fresh_steps(access, step_ids: list[int]) -> list:
    """The steps with ``step_ids`` as the steps list shows them (owner, completer, record loaded)."""
    by_id = {s.pk: s for cp in queries.case_protocols(access) for s in cp.step_list}
    return [by_id[pk] for pk in step_ids if pk in by_id]


def _conflict_on_stale_version(
    exc: DjangoValidationError, access, step, *, sent_version: int | None, wanted: str
) -> Exception:
    """A stale ``version`` is a conflict (409) in the API's one format; other refusals stay a 400.

    Stale whatever the engine found first (it may say "already done" before it looks at the
    version): someone saved the step after you read it. A step's version moves only when it is
    done or marked not applicable, so what changed is its status: the status you asked for
    against the one it has now.
    """
    stale_by_engine = hasattr(exc, "error_dict") and "version" in exc.error_dict
    if sent_version is None and not stale_by_engine:
        return exc
    current = queries.case_step(access, step.pk)
    if current.version == sent_version and not stale_by_engine:
        return exc
    return ConflictError(
        record="step",
        current_version=current.version,
        changes=[FieldChange("status", _("status"), wanted, current.status)],
    )


class CaseStepsView(APIView):
    @extend_schema(
        operation_id="cases_steps_list",
        summary="The protocols this case follows and their steps",
        description=(
            "Each protocol on the version the case started on, its steps in order with owner, "
            "clock and compliance. Titles follow Accept-Language. `evidence` is given from the "
            "standard sharing level up (null below it). The read is audited."
        ),
        responses={200: CaseProtocolOutSerializer(many=True), **READ_ERRORS},
        tags=STEP_TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="case.steps.view")
        protocols = queries.case_protocols(access)
        return Response(CaseProtocolOutSerializer(protocols, many=True, context=_step_context(access)).data)


class StepDoneView(APIView):
    @extend_schema(
        operation_id="cases_steps_done",
        summary="Mark a step done, saying what shows it",
        description=(
            "The step's owner, anyone from the owning organisation, the case lead or a manager; "
            "for a step of the whole team, every team member. Emergency access is read-only."
        ),
        request=StepDoneSerializer,
        responses={200: StepOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=STEP_TAGS,
    )
    def post(self, request, case_id: int, step_id: int):
        access = case_access(request, case_id, audit=False)
        step = queries.case_step(access, step_id)
        s = StepDoneSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        try:
            step = engine.step_complete(
                ctx=api_ctx(request),
                access=access,
                step=step,
                evidence=data["evidence"],
                at=data.get("at"),
                expected_version=data.get("version"),
            )
        except DjangoValidationError as exc:
            raise _conflict_on_stale_version(
                exc, access, step, sent_version=data.get("version"), wanted=StepStatus.DONE
            ) from exc
        [step] = _fresh_steps(access, [step.pk])
        return Response(StepOutSerializer(step, context=_step_context(access)).data)


class StepNotApplicableView(APIView):
    @extend_schema(
        operation_id="cases_steps_not_applicable",
        summary="Mark a step not applicable to this case, with a reason (case lead and managers)",
        request=StepNotApplicableSerializer,
        responses={200: StepOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=STEP_TAGS,
    )
    def post(self, request, case_id: int, step_id: int):
        access = case_access(request, case_id, audit=False)
        step = queries.case_step(access, step_id)
        s = StepNotApplicableSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        try:
            step = engine.step_not_applicable(
                ctx=api_ctx(request),
                access=access,
                step=step,
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except DjangoValidationError as exc:
            raise _conflict_on_stale_version(
                exc, access, step, sent_version=data.get("version"), wanted=StepStatus.NOT_APPLICABLE
            ) from exc
        [step] = _fresh_steps(access, [step.pk])
        return Response(StepOutSerializer(step, context=_step_context(access)).data)


class CaseEventView(APIView):
    @extend_schema(
        operation_id="cases_events_create",
        summary="Record an event the case cannot know by itself; returns the steps whose clock started",
        description=(
            "`crisis_identified` starts the crisis-intervention step; `service_started` starts the "
            "social service protocol. The other events come from the case itself. Team members; "
            "emergency access is read-only."
        ),
        request=CaseEventCreateSerializer,
        responses={201: StepOutSerializer(many=True), **WRITE_ERRORS},
        tags=STEP_TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = CaseEventCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        started = engine.event_record(ctx=api_ctx(request), access=access, **s.validated_data)
        steps = _fresh_steps(access, [step.pk for step in started])
        return Response(
            StepOutSerializer(steps, many=True, context=_step_context(access)).data,
            status=status.HTTP_201_CREATED,
        )


# --- my work --------------------------------------------------------------------------------------


class MyWorkView(APIView):
    @extend_schema(
        operation_id="me_work_retrieve",
        summary="Your open steps, and what others owe on the cases you lead — most urgent first",
        description=(
            "Open steps only, each list by due time (overdue first). The read is audited with the "
            "ids of the cases shown."
        ),
        responses={200: MyWorkOutSerializer, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        work = queries.my_work(request.user, timezone.now())
        cases = {item.step.case_id: item.step.case for item in [*work.own, *work.others]}
        audit_case_list(api_ctx(request), cases.values(), action="work.list")
        return Response(MyWorkOutSerializer(work).data)
