"""Cases (случаи): list, open from a signal, read, edit, status, team, timeline, notes, access log.

Reads go through ``zaedno.cases.access.case_for_user`` (404 for missing and not allowed alike,
audited) and ``zaedno.cases.queries``; writes through ``zaedno.cases.services``, which check
the caller's rights again and write the audit event in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers import (
    AccessLogEntryOutSerializer,
    CaseCreateSerializer,
    CaseDetailOutSerializer,
    CaseListItemSerializer,
    CaseOutSerializer,
    CaseQuerySerializer,
    CaseStatusSerializer,
    CaseUpdateSerializer,
    EmergencyAccessCreateSerializer,
    EmergencyAccessOutSerializer,
    NoteCreateSerializer,
    NoteOutSerializer,
    TeamMemberCreateSerializer,
    TeamMemberOutSerializer,
    TeamMemberRemoveSerializer,
    TimelineEntryOutSerializer,
)
from zaedno.api.views.base import (
    E403,
    E409,
    READ_ERRORS,
    WRITE_ERRORS,
    InputFormsMixin,
    api_ctx,
    case_access,
    query_params,
    remap_errors,
)
from zaedno.cases import queries
from zaedno.cases.access import (
    DENIED_BREAK_GLASS_NOT_ALLOWED,
    break_glass_refused,
    case_exists_for_break_glass,
)
from zaedno.cases.services import (
    break_glass_allowed,
    break_glass_open,
    case_change_status,
    case_note_add,
    case_update,
    team_member_add,
    team_member_remove,
)
from zaedno.signals.queries import case_signals
from zaedno.signals.services import SignalInput, case_open_direct

TAGS = ["cases"]
SIGNAL_FIELDS = (
    "category",
    "source_sector",
    "reporter_kind",
    "reporter_name",
    "reporter_organisation",
    "received_at",
    "description",
    "urgency",
    "immediate_danger",
)


class _CaseDetail:
    """A case together with the sections the reader may see, for ``CaseDetailOutSerializer``."""

    def __init__(self, access, **sections):
        self._case = access.case
        self.access = access
        self.__dict__.update(sections)

    def __getattr__(self, name):
        return getattr(self._case, name)


class CaseListView(InputFormsMixin, GenericAPIView):
    """Cases you may see, newest first; outsiders' cases never appear, not even in the count."""

    input_serializers = {"POST": CaseCreateSerializer}

    def get_queryset(self):
        params = query_params(CaseQuerySerializer, self.request)
        return queries.case_list(
            self.request.user, query=params.get("q", ""), status=params.get("status", "")
        )

    @extend_schema(
        operation_id="cases_list",
        summary="List and search your cases",
        parameters=[CaseQuerySerializer],
        responses={200: CaseListItemSerializer(many=True), 400: WRITE_ERRORS[400], **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        page = queries.with_team_sizes(self.paginate_queryset(self.get_queryset()))
        query = query_params(CaseQuerySerializer, request).get("q", "")
        queries.audit_case_list(api_ctx(request), page, action="case.list", query=query)
        return self.get_paginated_response(CaseListItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="Record a signal and open a case in one step (organisations that may lead it)",
        description=(
            "For an organisation the protocol allows to lead a case of this kind: the Child "
            "Protection Department (ОЗД) that received a signal by phone; a school, a social service "
            "or the municipality for a support case. Anyone else answers 403 and records a signal "
            "for the ОЗД at `POST /api/v1/signals/` instead. The lead defaults to you; the lead must "
            "work in `lead_organisation`, and you must be the lead or work there yourself. The lead "
            "becomes the first member of the team; the signal is routed to the police and ДАЗД as "
            "the protocol says."
        ),
        request=CaseCreateSerializer,
        responses={201: CaseOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        s = CaseCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        data = s.validated_data
        sig = data["signal"]
        try:
            case = case_open_direct(
                ctx=api_ctx(request),
                child=data["child"],
                signal=SignalInput(
                    category=sig["category"], description=sig["description"], received_at=sig["received_at"],
                    urgency=sig.get("urgency", "routine"), immediate_danger=sig.get("immediate_danger", False),
                    reporter_kind=sig.get("reporter_kind", "professional"), reporter_is_me=False,
                    reporter_name=sig.get("reporter_name", ""), reporter_organisation=sig.get("reporter_organisation"),
                    source_sector=sig.get("source_sector", ""),
                ),
                lead=data.get("lead") or request.user,
                lead_organisation=data["lead_organisation"],
                municipality=data["municipality"],
                summary=data.get("summary", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise remap_errors(exc, dict.fromkeys(SIGNAL_FIELDS, "signal")) from exc
        return Response(CaseOutSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="A case: child, lead, team, signals, notes — up to your sharing level",
        description=(
            "Signal descriptions and who reported are given only at the sensitive level (null below "
            "it); notes of sections above your level are left out. The read is audited."
        ),
        responses={200: CaseDetailOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id)
        detail = _CaseDetail(
            access,
            team=queries.case_team(access, include_former=False),
            signals=case_signals(access),
            notes=queries.case_notes(access),
        )
        return Response(CaseDetailOutSerializer(detail).data)

    @extend_schema(
        operation_id="cases_partial_update",
        summary="Edit the case summary",
        request=CaseUpdateSerializer,
        responses={200: CaseOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def patch(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = CaseUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = case_update(
            ctx=api_ctx(request),
            access=access,
            expected_version=s.validated_data["version"],
            summary=s.validated_data["summary"],
        )
        return Response(CaseOutSerializer(case).data)


class CaseStatusView(APIView):
    @extend_schema(
        operation_id="cases_status_create",
        summary="Close, move to follow-up, or reopen a case (with a reason)",
        request=CaseStatusSerializer,
        responses={200: CaseOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = CaseStatusSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = case_change_status(
            ctx=api_ctx(request),
            access=access,
            status=s.validated_data["status"],
            reason=s.validated_data["reason"],
            expected_version=s.validated_data["version"],
        )
        return Response(CaseOutSerializer(case).data)


class TeamView(APIView):
    @extend_schema(
        operation_id="cases_team_list",
        summary="The team around the child, former members included",
        responses={200: TeamMemberOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="case.team.view")
        return Response(TeamMemberOutSerializer(queries.case_team(access), many=True).data)

    @extend_schema(
        operation_id="cases_team_create",
        summary="Add a professional to the team (case lead and managers)",
        request=TeamMemberCreateSerializer,
        responses={201: TeamMemberOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = TeamMemberCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        member = team_member_add(ctx=api_ctx(request), access=access, **s.validated_data)
        return Response(TeamMemberOutSerializer(member).data, status=status.HTTP_201_CREATED)


class TeamMemberRemoveView(APIView):
    @extend_schema(
        operation_id="cases_team_remove",
        summary="End a membership, with a reason (history is kept)",
        request=TeamMemberRemoveSerializer,
        responses={200: TeamMemberOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, member_id: int):
        access = case_access(request, case_id, audit=False)
        member = next((m for m in queries.case_team(access) if m.pk == member_id), None)
        if member is None:
            raise Http404
        s = TeamMemberRemoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        member = team_member_remove(
            ctx=api_ctx(request), access=access, member=member, reason=s.validated_data["reason"]
        )
        return Response(TeamMemberOutSerializer(member).data)


class TimelineView(APIView):
    @extend_schema(
        operation_id="cases_timeline_list",
        summary="Timeline of the case, oldest first, up to your sharing level",
        responses={200: TimelineEntryOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="case.timeline.view")
        return Response(TimelineEntryOutSerializer(queries.case_timeline(access), many=True).data)


class NotesView(APIView):
    @extend_schema(
        operation_id="cases_notes_list",
        summary="Notes of the case, up to your sharing level",
        responses={200: NoteOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="case.notes.view")
        return Response(NoteOutSerializer(queries.case_notes(access), many=True).data)

    @extend_schema(
        operation_id="cases_notes_create",
        summary="Add a note in a section your sharing level covers",
        request=NoteCreateSerializer,
        responses={201: NoteOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = NoteCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        note = case_note_add(ctx=api_ctx(request), access=access, **s.validated_data)
        return Response(NoteOutSerializer(note).data, status=status.HTTP_201_CREATED)


class AccessLogView(APIView):
    @extend_schema(
        operation_id="cases_access_log_list",
        summary="Who looked at this case (case lead and managers only)",
        responses={200: AccessLogEntryOutSerializer(many=True), **READ_ERRORS, 403: E403},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="case.access_log.view")
        if not access.can_see_audit:
            raise PermissionDenied(
                _("Only the case lead and the managers of the lead organisation see this.")
            )
        return Response(AccessLogEntryOutSerializer(queries.case_viewers(access), many=True).data)


class EmergencyAccessView(APIView):
    @extend_schema(
        operation_id="cases_emergency_access_create",
        summary="Emergency access (break-the-glass) to a case you are not in",
        description=(
            "For professionals on duty in organisations that act in emergencies (ОЗД, police, "
            "hospital, crisis centre). Needs the exact case number and a written reason; the access "
            "is time-limited, the case lead is notified and the access is reviewed."
        ),
        request=EmergencyAccessCreateSerializer,
        responses={201: EmergencyAccessOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        s = EmergencyAccessCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        # Refuse before looking the number up, so that no one learns which numbers exist.
        if not break_glass_allowed(request.user):
            break_glass_refused(ctx=api_ctx(request), reason=DENIED_BREAK_GLASS_NOT_ALLOWED)
            raise PermissionDenied(_("Your organisation has no emergency access to cases."))
        case = case_exists_for_break_glass(s.validated_data["case_number"], ctx=api_ctx(request))
        if case is None:
            raise Http404
        grant = break_glass_open(ctx=api_ctx(request), case=case, reason=s.validated_data["reason"])
        return Response(EmergencyAccessOutSerializer(grant).data, status=status.HTTP_201_CREATED)
