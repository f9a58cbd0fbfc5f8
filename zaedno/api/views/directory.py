"""Who and where: organisations, professionals and the caller — for picking team members.

Readable by every signed-in professional; nothing here says anything about a case or a child.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.accounts.models import Membership, User
from zaedno.api.serializers import (
    MeOutSerializer,
    OrganisationOutSerializer,
    OrganisationQuerySerializer,
    ProfessionalOutSerializer,
    ProfessionalQuerySerializer,
)
from zaedno.api.views.base import E400, E401, InputFormsMixin, query_params
from zaedno.cases.services import break_glass_allowed
from zaedno.organisations.models import Organisation

TAGS = ["directory"]


def _word_variants(word: str) -> set[str]:
    # SQLite's LIKE folds case only for ASCII: try the usual spellings of a Cyrillic word too.
    return {word, word.lower(), word.capitalize(), word.upper()}


def _words_filter(query: str, fields: tuple[str, ...]) -> Q:
    condition = Q()
    for word in (query or "").split()[:5]:
        any_field = Q()
        for field in fields:
            for variant in _word_variants(word):
                any_field |= Q(**{f"{field}__icontains": variant})
        condition &= any_field
    return condition


def _active_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(is_active=True).select_related("organisation").order_by("id"),
        to_attr="active_memberships",
    )


class OrganisationListView(InputFormsMixin, GenericAPIView):
    @extend_schema(
        operation_id="organisations_list",
        summary="Organisations (for picking a team member's organisation)",
        parameters=[OrganisationQuerySerializer],
        responses={200: OrganisationOutSerializer(many=True), 400: E400, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(OrganisationOutSerializer(page, many=True).data)

    def get_queryset(self):
        params = query_params(OrganisationQuerySerializer, self.request)
        qs = Organisation.objects.filter(is_active=True).select_related("municipality")
        if params.get("q"):
            qs = qs.filter(_words_filter(params["q"], ("name", "short_name")))
        for field in ("sector", "kind"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        if params.get("municipality"):
            qs = qs.filter(municipality_id=params["municipality"])
        return qs.order_by("name", "id")


class ProfessionalListView(InputFormsMixin, GenericAPIView):
    @extend_schema(
        operation_id="professionals_list",
        summary="Professionals (for picking team members)",
        parameters=[ProfessionalQuerySerializer],
        responses={200: ProfessionalOutSerializer(many=True), 400: E400, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProfessionalOutSerializer(page, many=True).data)

    def get_queryset(self):
        params = query_params(ProfessionalQuerySerializer, self.request)
        active = Membership.objects.filter(is_active=True)
        if params.get("organisation"):
            active = active.filter(organisation_id=params["organisation"])
        qs = User.objects.filter(is_active=True, pk__in=active.values("user_id"))
        if params.get("q"):
            qs = qs.filter(_words_filter(params["q"], ("first_name", "last_name", "username")))
        return qs.prefetch_related(_active_memberships()).order_by("last_name", "first_name", "id")


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="You: your account and your organisations",
        responses={200: MeOutSerializer, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        user = User.objects.prefetch_related(_active_memberships()).get(pk=request.user.pk)
        user.can_break_glass = break_glass_allowed(user)
        return Response(MeOutSerializer(user).data)
