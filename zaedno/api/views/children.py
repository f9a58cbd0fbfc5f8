"""Children (деца): list and search, register, read, edit."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from zaedno.api.serializers import (
    ChildCreateSerializer,
    ChildDetailOutSerializer,
    ChildOutSerializer,
    ChildQuerySerializer,
    ChildUpdateSerializer,
    DuplicateCheckInSerializer,
    DuplicateHintOutSerializer,
)
from zaedno.api.views.base import E409, READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, query_params
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.children.identifiers import mask_identifier
from zaedno.children.queries import child_for_user, child_rights, search_children, visible_children
from zaedno.children.services import (
    child_register,
    child_update,
    clean_duplicate_query,
    duplicate_check,
    search_term_for_audit,
)

LIST_AUDIT_MAX_IDS = 200


def audit_child_list(ctx: AuditContext, children, *, query: str = "") -> None:
    """One read event naming the children a list or search showed (as cases' ``audit_case_list``)."""
    audit_record(
        ctx=ctx,
        action="child.list",
        kind=AuditKind.READ,
        object_type="child",
        details={"child_ids": [c.pk for c in children][:LIST_AUDIT_MAX_IDS], **search_term_for_audit(query)},
    )


class _ChildDetail:
    """A child with the cases of that child the reader may see; identifiers masked below the
    sensitive level (as on the child's page)."""

    def __init__(self, child, rights):
        self._child, self.cases = child, rights.cases
        if not rights.sees_identity:
            self.egn, self.lnch = mask_identifier(child.egn) or None, mask_identifier(child.lnch) or None

    def __getattr__(self, name):
        return getattr(self._child, name)


def _child_detail(request, child):
    return ChildDetailOutSerializer(_ChildDetail(child, child_rights(request.user, child))).data


class _ChildListItem:
    """In lists the identifiers are always masked: a list is for finding, the detail for reading."""

    def __init__(self, child):
        self._child = child
        self.egn, self.lnch = mask_identifier(child.egn) or None, mask_identifier(child.lnch) or None

    def __getattr__(self, name):
        return getattr(self._child, name)


class ChildListView(InputFormsMixin, GenericAPIView):
    """Children you may see: those of your visible cases and those you registered."""

    input_serializers = {"POST": ChildCreateSerializer}

    def get_queryset(self):
        query = query_params(ChildQuerySerializer, self.request).get("q", "")
        qs = search_children(visible_children(self.request.user), query).select_related("settlement")
        return qs.order_by("last_name", "first_name", "id")

    @extend_schema(
        operation_id="children_list",
        summary="List and search children",
        parameters=[ChildQuerySerializer],
        responses={200: ChildOutSerializer(many=True), **READ_ERRORS, 400: WRITE_ERRORS[400]},
        tags=["children"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        audit_child_list(
            api_ctx(request), page, query=query_params(ChildQuerySerializer, request).get("q", "")
        )
        return self.get_paginated_response(
            ChildOutSerializer([_ChildListItem(c) for c in page], many=True).data
        )

    @extend_schema(
        operation_id="children_create",
        summary="Register a child",
        description="ЕГН/ЛНЧ are checked (check digit, birth date, sex); errors come under `egn`/`lnch`.",
        request=ChildCreateSerializer,
        responses={201: ChildDetailOutSerializer, **WRITE_ERRORS},
        tags=["children"],
    )
    def post(self, request):
        s = ChildCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data["egn"] = data.get("egn") or None
        data["lnch"] = data.get("lnch") or None
        child = child_register(ctx=api_ctx(request), **data)
        return Response(_child_detail(request, child), status=status.HTTP_201_CREATED)


class ChildDetailView(InputFormsMixin, GenericAPIView):
    pagination_class = None
    input_serializers = {"PATCH": ChildUpdateSerializer}

    @extend_schema(
        operation_id="children_retrieve",
        summary="A child",
        responses={200: ChildDetailOutSerializer, **READ_ERRORS},
        tags=["children"],
    )
    def get(self, request, child_id: int):
        child = child_for_user(request.user, child_id, ctx=api_ctx(request))
        return Response(_child_detail(request, child))

    @extend_schema(
        operation_id="children_partial_update",
        summary="Edit a child's details",
        description="Send `version` as read; a stale version is refused with 409 and what changed.",
        request=ChildUpdateSerializer,
        responses={200: ChildDetailOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=["children"],
    )
    def patch(self, request, child_id: int):
        ctx = api_ctx(request)
        child = child_for_user(request.user, child_id, ctx=ctx, audit=False)
        s = ChildUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        changes = dict(s.validated_data)
        version = changes.pop("version")
        for field in ("egn", "lnch"):
            if field in changes:
                changes[field] = changes[field] or None
        child = child_update(ctx=ctx, child=child, expected_version=version, **changes)
        return Response(_child_detail(request, child))


class DuplicateCheckView(InputFormsMixin, GenericAPIView):
    """Likely existing records of a child, before registering it (issue 5)."""

    pagination_class = None
    input_serializers = {"POST": DuplicateCheckInSerializer}

    @extend_schema(
        operation_id="children_duplicates",
        summary="Look for likely existing records of a child",
        description=(
            "Send the ЕГН or ЛНЧ, or the first and last name (Cyrillic or Latin) with the birth date. "
            "Records you may not see are returned without anything about them or their cases: only "
            "the match strength, which fields matched and how, whether there is an open case and whom "
            "to ask. Each check is audited (what you typed is kept only as a keyed hash)."
        ),
        request=DuplicateCheckInSerializer,
        responses={200: DuplicateHintOutSerializer(many=True), **WRITE_ERRORS},
        tags=["children"],
    )
    def post(self, request):
        s = DuplicateCheckInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        query = clean_duplicate_query(**s.validated_data)
        hints = duplicate_check(ctx=api_ctx(request), query=query)
        return Response(DuplicateHintOutSerializer(hints, many=True).data)
