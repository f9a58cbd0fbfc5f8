"""The resource map (карта на ресурсите) through the API: list, entry, add, correct, confirm.

The map holds no case data: every signed-in professional reads it, and reads are not audited.
Writes go through ``zaedno.resources.services``, which check that the caller is a practitioner
or manager of the entry's organisation (403 otherwise) and write the audit event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from zaedno.api.serializers_resources import (
    ServiceInSerializer,
    ServiceOutSerializer,
    ServicePatchSerializer,
    ServiceQuerySerializer,
)
from zaedno.api.views.base import E400, E401, E403, E404, E409, InputFormsMixin, api_ctx, query_params
from zaedno.resources import queries
from zaedno.resources.services import (
    editable_organisations,
    service_confirm,
    service_create,
    service_update,
    stale_before,
)

TAGS = ["resources"]


def _out(services, request, *, many: bool = False):
    """Entries with their ``stale`` and ``can_edit`` flags (one query for the caller's rights)."""
    limit = stale_before()
    editable = set(editable_organisations(request.user).values_list("pk", flat=True))
    items = list(services) if many else [services]
    for s in items:
        s.stale = s.last_confirmed_on < limit
        s.can_edit = s.organisation_id in editable
    return ServiceOutSerializer(items, many=True).data if many else ServiceOutSerializer(items[0]).data


def _service(service_id: int):
    service = queries.service_get(service_id)
    if service is None:
        raise Http404
    return service


class ServiceListView(InputFormsMixin, GenericAPIView):
    input_serializers = {"POST": ServiceInSerializer}

    @extend_schema(
        operation_id="services_list",
        summary="The resource map: services and community resources",
        description=(
            "Filtered like the list page; `q` matches the name or the organisation in Cyrillic or "
            "Latin letters. Active entries only, unless `mine` (your organisations' entries)."
        ),
        parameters=[ServiceQuerySerializer],
        responses={200: ServiceOutSerializer(many=True), 400: E400, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        params = query_params(ServiceQuerySerializer, request)
        page = self.paginate_queryset(queries.service_search(params, user=request.user))
        return self.get_paginated_response(_out(page, request, many=True))

    @extend_schema(
        operation_id="services_create",
        summary="Add an entry for your organisation",
        description="Only practitioners and managers of the organisation; the entry counts as confirmed today.",
        request=ServiceInSerializer,
        responses={201: ServiceOutSerializer, 400: E400, 401: E401, 403: E403},
        tags=TAGS,
    )
    def post(self, request):
        s = ServiceInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        wanted = data.pop("organisation", None)
        organisations = list(editable_organisations(request.user))
        if wanted is not None:
            organisation = next((o for o in organisations if o.pk == wanted), None)
        elif len(organisations) == 1:
            organisation = organisations[0]
        elif organisations:
            raise ValidationError({"organisation": [_("You are in several organisations: say which one.")]})
        else:
            organisation = None
        if organisation is None:
            raise PermissionDenied(
                _("Only the organisation's own practitioners and managers can change its entries.")
            )
        service = service_create(
            ctx=api_ctx(request), organisation=organisation, data=data, actor_can_manage=True
        )
        return Response(_out(_service(service.pk), request), status=status.HTTP_201_CREATED)


class ServiceDetailView(InputFormsMixin, GenericAPIView):
    input_serializers = {"PATCH": ServicePatchSerializer}

    @extend_schema(
        operation_id="services_retrieve",
        summary="One entry of the resource map",
        responses={200: ServiceOutSerializer, 401: E401, 404: E404},
        tags=TAGS,
    )
    def get(self, request, service_id: int):
        return Response(_out(_service(service_id), request))

    @extend_schema(
        operation_id="services_partial_update",
        summary="Correct an entry (it is then confirmed as current)",
        description="Send the `version` you read: a stale one is a 409. Only the organisation's members.",
        request=ServicePatchSerializer,
        responses={200: ServiceOutSerializer, 400: E400, 401: E401, 403: E403, 404: E404, 409: E409},
        tags=TAGS,
    )
    def patch(self, request, service_id: int):
        service = _service(service_id)
        s = ServicePatchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version")
        service_update(ctx=api_ctx(request), service=service, data=data, expected_version=version)
        return Response(_out(_service(service.pk), request))


class ServiceConfirmView(GenericAPIView):
    @extend_schema(
        operation_id="services_confirm",
        summary="Confirm the entry is current as it stands",
        description="Sets its last confirmation to today; does not change its version.",
        request=None,
        responses={200: ServiceOutSerializer, 401: E401, 403: E403, 404: E404},
        tags=TAGS,
    )
    def post(self, request, service_id: int):
        service = _service(service_id)
        service_confirm(ctx=api_ctx(request), service=service)
        return Response(_out(service, request))
