"""Discussion tools (инструменти за обсъждане) of a case: list, start, read, save a new version.

Through ``case_for_user`` (404 for missing and not allowed alike); every read is audited; writes
go through ``zaedno.tools.services`` (timeline and audit in the same transaction). A version
above the caller's sharing level is listed with ``restricted: true`` and ``data: null``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_tools import (
    ToolCreateSerializer,
    ToolDetailOutSerializer,
    ToolListItemOutSerializer,
    ToolVersionCreateSerializer,
    ToolVersionOutSerializer,
)
from zaedno.api.views.base import E409, READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, case_access
from zaedno.tools import queries, services

TAGS = ["tools"]
ENVELOPE = {"kind", "title", "meeting", "sensitivity", "expected_version"}


def _errors(exc: DjangoValidationError) -> ValidationError:
    """The service's errors in the API's format: the tool's own fields under ``data.``."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    out: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        if key in ENVELOPE:
            out[key] = messages
        elif key == "__all__":
            out.setdefault("data", []).extend(messages)
        else:
            out[f"data.{key}"] = messages
    return ValidationError(out)


def _meeting(access, meeting_id):
    if meeting_id is None:
        return None
    meeting = queries.case_meetings(access).filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationError({"meeting": ["No such meeting in this case."]})
    return meeting


def _detail(access, document) -> dict:
    document.versions_list = queries.tool_versions(access, document)
    document.latest = document.versions_list[-1]
    return ToolDetailOutSerializer(document, context={"access": access}).data


def _audit_read(request, access, document, version, action):
    queries.audit_tool_read(api_ctx(request), access, document, version, action)


class CaseToolsView(InputFormsMixin, APIView):
    input_serializers = {"POST": ToolCreateSerializer}

    @extend_schema(
        operation_id="cases_tools_list",
        summary="The case's discussion tools, each with its latest version (without content)",
        responses={200: ToolListItemOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="tool.list")
        documents = [d for d in queries.case_tools(access) if d.latest is not None]
        return Response(ToolListItemOutSerializer(documents, many=True, context={"access": access}).data)

    @extend_schema(
        operation_id="cases_tools_create",
        summary="Start a tool on the case with its first version",
        description=(
            "Team members (emergency access is read-only). `sensitivity` may not be above your own "
            "sharing level. Errors in the tool's fields are keyed `data.<field>` or "
            "`data.<list>.<row>.<field>`."
        ),
        request=ToolCreateSerializer,
        responses={201: ToolDetailOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = ToolCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        try:
            version = services.tool_create(
                ctx=api_ctx(request), access=access, kind=data["kind"], title=data.get("title", ""),
                data=data["data"], meeting=_meeting(access, data.get("meeting")),
                sensitivity=int(data["sensitivity"]),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(_detail(access, version.document), status=status.HTTP_201_CREATED)


class CaseToolDetailView(APIView):
    @extend_schema(
        operation_id="cases_tools_retrieve",
        summary="A tool: its latest version (content up to your sharing level) and all its versions",
        responses={200: ToolDetailOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, tool_id: int):
        access = case_access(request, case_id, audit=False)
        document = queries.tool_document(access, tool_id)
        out = _detail(access, document)
        _audit_read(request, access, document, document.latest, "tool.view")
        return Response(out)


class CaseToolVersionsView(InputFormsMixin, APIView):
    input_serializers = {"POST": ToolVersionCreateSerializer}

    @extend_schema(
        operation_id="cases_tools_versions_create",
        summary="Save the tool again as a new version (never overwrites)",
        description=(
            "`expected_version` is the version you started from; if someone saved after it, the "
            "answer is 409 with what differs, and nothing is saved."
        ),
        request=ToolVersionCreateSerializer,
        responses={201: ToolDetailOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, tool_id: int):
        access = case_access(request, case_id, audit=False)
        document = queries.tool_document(access, tool_id)
        s = ToolVersionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        try:
            services.tool_version_add(
                ctx=api_ctx(request), access=access, document=document,
                expected_version=data["expected_version"], data=data["data"],
                meeting=_meeting(access, data.get("meeting")),
                sensitivity=int(data["sensitivity"]) if "sensitivity" in data else None,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(_detail(access, document), status=status.HTTP_201_CREATED)


class CaseToolVersionView(APIView):
    @extend_schema(
        operation_id="cases_tools_version_retrieve",
        summary="One version of a tool (content up to your sharing level)",
        responses={200: ToolVersionOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, tool_id: int, number: int):
        access = case_access(request, case_id, audit=False)
        document = queries.tool_document(access, tool_id)
        version = queries.tool_version(access, document, number)
        _audit_read(request, access, document, version, "tool.version.view")
        return Response(ToolVersionOutSerializer(version, context={"access": access}).data)
