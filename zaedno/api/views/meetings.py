"""Meetings (срещи) and decisions (решения) of a case, and the decisions I am responsible for.

Reads go through ``case_for_user`` (404 for missing and not allowed alike, audited) and
``zaedno.meetings.queries``; writes through ``zaedno.meetings.services``, which check the
caller's rights again and write the audit event in the same transaction. The minutes and a
decision's words follow the reader's sharing level (``null`` and ``restricted`` when hidden).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.accounts.models import User
from zaedno.api.serializers_meetings import (
    DecisionCreateSerializer,
    DecisionDetailOutSerializer,
    DecisionDueChangeInSerializer,
    DecisionOutSerializer,
    DecisionProgressInSerializer,
    DecisionQuerySerializer,
    MeetingAttendanceInSerializer,
    MeetingCancelInSerializer,
    MeetingCreateSerializer,
    MeetingListItemSerializer,
    MeetingOutSerializer,
    MinutesAddendumInSerializer,
    MinutesAddendumOutSerializer,
    MinutesInSerializer,
    MyDecisionsOutSerializer,
)
from zaedno.api.views.base import (
    E401,
    E409,
    READ_ERRORS,
    WRITE_ERRORS,
    InputFormsMixin,
    api_ctx,
    case_access,
    query_params,
)
from zaedno.cases.queries import audit_case_list
from zaedno.meetings import queries, services
from zaedno.meetings.models import Decision
from zaedno.organisations.models import Organisation

TAGS = ["meetings"]


def _meeting_out(access, meeting_id) -> dict:
    meeting = queries.case_meeting(access, meeting_id)
    meeting.decision_list = queries.meeting_decisions(access, meeting)
    meeting.addendum_list = queries.meeting_addenda(meeting) if meeting.minutes_visible else []
    return MeetingOutSerializer(meeting).data


def _users(ids) -> list:
    """Users by id (in the order given); an unknown id is left out and the service refuses."""
    found = {u.pk: u for u in User.objects.filter(pk__in=list(ids))}
    return [found[i] for i in ids if i in found]


def _input(serializer_class, request) -> dict:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class MeetingListView(InputFormsMixin, APIView):
    input_serializers = {"POST": MeetingCreateSerializer}

    @extend_schema(
        operation_id="cases_meetings_list",
        summary="The case's meetings, newest first",
        responses={200: MeetingListItemSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="meeting.list")
        return Response(MeetingListItemSerializer(queries.case_meetings(access), many=True).data)

    @extend_schema(
        operation_id="cases_meetings_create",
        summary="Schedule a meeting and send the invitations (e-mail with an .ics file)",
        description=(
            "The chair and the invited members must be in the team; guests are people who are not "
            "users (a parent, the child, a relative). Team members, the case lead and managers; "
            "emergency access is read-only."
        ),
        request=MeetingCreateSerializer,
        responses={201: MeetingOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        data = _input(MeetingCreateSerializer, request)
        [chair] = _users([data["chair"]]) or [None]
        meeting = services.meeting_schedule(
            ctx=api_ctx(request), access=access, kind=data["kind"], title=data["title"],
            starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"], agenda=data["agenda"],
            chair=chair, members=_users(data["members"]),
            guests=[services.Guest(**g) for g in data["guests"]],
        )  # fmt: skip
        return Response(_meeting_out(access, meeting.pk), status=status.HTTP_201_CREATED)


class MeetingDetailView(APIView):
    @extend_schema(
        operation_id="cases_meetings_retrieve",
        summary="One meeting: participants, attendance, minutes (by sharing level), decisions, addenda",
        responses={200: MeetingOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, meeting_id: int):
        access = case_access(request, case_id, action="meeting.view")
        return Response(_meeting_out(access, meeting_id))


class _MeetingAction(InputFormsMixin, APIView):
    """A POST on one meeting that calls one service and answers with the meeting."""

    def meeting(self, request, case_id, meeting_id):
        access = case_access(request, case_id, audit=False)
        return access, queries.case_meeting(access, meeting_id)


class MeetingAttendanceView(_MeetingAction):
    input_serializers = {"POST": MeetingAttendanceInSerializer}

    @extend_schema(
        operation_id="cases_meetings_attendance",
        summary="Record attendance: present, excused or absent, with a note",
        request=MeetingAttendanceInSerializer,
        responses={200: MeetingOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        data = _input(MeetingAttendanceInSerializer, request)
        entries = {e["participant"]: (e["attendance"], e["note"]) for e in data["entries"]}
        services.meeting_attendance_record(
            ctx=api_ctx(request), access=access, meeting=meeting, entries=entries
        )
        return Response(_meeting_out(access, meeting.pk))


class MeetingMinutesView(_MeetingAction):
    input_serializers = {"POST": MinutesInSerializer}

    @extend_schema(
        operation_id="cases_meetings_minutes",
        summary="Write the minutes and how the child's and parents' views were heard (until locked)",
        description="Send the `version` you read: a stale one is a 409. A change takes back earlier confirmations.",
        request=MinutesInSerializer,
        responses={200: MeetingOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        data = _input(MinutesInSerializer, request)
        services.meeting_minutes_save(
            ctx=api_ctx(request), access=access, meeting=meeting, expected_version=data["version"],
            minutes=data["minutes"], child_views=data["child_views"], parents_views=data["parents_views"],
            sensitivity=data["sensitivity"],
        )  # fmt: skip
        return Response(_meeting_out(access, meeting.pk))


class MeetingHoldView(_MeetingAction):
    @extend_schema(
        operation_id="cases_meetings_hold",
        summary="Mark the meeting held (attendance recorded for everyone); completes the protocol step",
        request=None,
        responses={200: MeetingOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        services.meeting_hold(ctx=api_ctx(request), access=access, meeting=meeting)
        return Response(_meeting_out(access, meeting.pk))


class MeetingConfirmView(_MeetingAction):
    @extend_schema(
        operation_id="cases_meetings_confirm",
        summary="Confirm the minutes (a professional who was present); the last confirmation locks them",
        request=None,
        responses={200: MeetingOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        services.minutes_confirm(ctx=api_ctx(request), access=access, meeting=meeting)
        return Response(_meeting_out(access, meeting.pk))


class MeetingAddendumView(_MeetingAction):
    input_serializers = {"POST": MinutesAddendumInSerializer}

    @extend_schema(
        operation_id="cases_meetings_addenda_create",
        summary="Add an addendum to locked minutes (corrections are never edits)",
        request=MinutesAddendumInSerializer,
        responses={201: MinutesAddendumOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        data = _input(MinutesAddendumInSerializer, request)
        addendum = services.addendum_add(
            ctx=api_ctx(request), access=access, meeting=meeting, text=data["text"]
        )
        return Response(MinutesAddendumOutSerializer(addendum).data, status=status.HTTP_201_CREATED)


class MeetingCancelView(_MeetingAction):
    input_serializers = {"POST": MeetingCancelInSerializer}

    @extend_schema(
        operation_id="cases_meetings_cancel",
        summary="Cancel a scheduled meeting with a reason; calendars get METHOD:CANCEL",
        request=MeetingCancelInSerializer,
        responses={200: MeetingOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        data = _input(MeetingCancelInSerializer, request)
        services.meeting_cancel(ctx=api_ctx(request), access=access, meeting=meeting, reason=data["reason"])
        return Response(_meeting_out(access, meeting.pk))


class MeetingDecisionView(_MeetingAction):
    input_serializers = {"POST": DecisionCreateSerializer}

    @extend_schema(
        operation_id="cases_meetings_decisions_create",
        summary="Record a decision of the meeting: what, who is responsible, by when",
        description=(
            "`responsible_user` for a professional of the team, `responsible_organisation` for an "
            "organisation, `responsible_name` for a parent, the child or someone else. Refused once "
            "the minutes are locked."
        ),
        request=DecisionCreateSerializer,
        responses={201: DecisionOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, meeting_id: int):
        access, meeting = self.meeting(request, case_id, meeting_id)
        data = _input(DecisionCreateSerializer, request)
        users = _users([data["responsible_user"]]) if data["responsible_user"] else []
        organisation = (
            Organisation.objects.filter(pk=data["responsible_organisation"]).first()
            if data["responsible_organisation"]
            else None
        )
        supersedes = list(
            Decision.objects.filter(case=access.case, pk__in=data["supersedes"]).select_related("meeting")
        )
        if len(supersedes) != len(set(data["supersedes"])):
            raise ValidationError(
                {"supersedes": [_("Only a decision of an earlier meeting of this case can be superseded.")]}
            )
        decision = services.decision_record(
            ctx=api_ctx(request), access=access, meeting=meeting, text=data["text"], kind=data["kind"],
            responsible_kind=data["responsible_kind"], responsible_user=users[0] if users else None,
            responsible_organisation=organisation, responsible_name=data["responsible_name"],
            due_on=data["due_on"], sensitivity=data["sensitivity"], supersedes=supersedes,
            move_from=data["move_from"], move_to=data["move_to"],
        )  # fmt: skip
        decision = queries.case_decision(access, decision.pk)
        return Response(DecisionOutSerializer(decision).data, status=status.HTTP_201_CREATED)


# --- decisions ------------------------------------------------------------------------------------


class DecisionListView(APIView):
    @extend_schema(
        operation_id="cases_decisions_list",
        summary="All decisions of the case by due date; filter by status or `overdue`",
        parameters=[DecisionQuerySerializer],
        responses={200: DecisionOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="decision.list")
        params = query_params(DecisionQuerySerializer, request)
        decisions = queries.case_decisions(access, status=params["status"])
        return Response(DecisionOutSerializer(decisions, many=True).data)


class DecisionDetailView(APIView):
    @extend_schema(
        operation_id="cases_decisions_retrieve",
        summary="One decision with its progress notes",
        responses={200: DecisionDetailOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, decision_id: int):
        access = case_access(request, case_id, action="decision.view")
        return Response(DecisionDetailOutSerializer(queries.case_decision(access, decision_id)).data)


class DecisionProgressView(InputFormsMixin, APIView):
    input_serializers = {"POST": DecisionProgressInSerializer}

    @extend_schema(
        operation_id="cases_decisions_progress",
        summary="A progress note and/or a new status (not done needs a reason)",
        description=(
            "The responsible professional, the case lead, managers and team members. With "
            "`meeting`, the note is the decision's review at that later meeting."
        ),
        request=DecisionProgressInSerializer,
        responses={201: DecisionDetailOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, decision_id: int):
        access = case_access(request, case_id, audit=False)
        decision = queries.case_decision(access, decision_id)
        data = _input(DecisionProgressInSerializer, request)
        meeting = queries.case_meeting(access, data["meeting"]) if data["meeting"] else None
        services.decision_progress(
            ctx=api_ctx(request), access=access, decision=decision, text=data["text"], status=data["status"],
            reason=data["reason"], meeting=meeting, expected_version=data["version"],
        )  # fmt: skip
        decision = queries.case_decision(access, decision_id)
        return Response(DecisionDetailOutSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionDueChangeView(InputFormsMixin, APIView):
    input_serializers = {"POST": DecisionDueChangeInSerializer}

    @extend_schema(
        operation_id="cases_decisions_due_change",
        summary="Move the due date of an open decision, with the reason",
        description=(
            "Only the responsible professional, the case lead or a manager of the lead organisation (403 "
            "otherwise). Never before the meeting that took the decision. The change is kept on the decision "
            "(`due_changes`), put on the timeline and audited; allowed after the minutes are locked."
        ),
        request=DecisionDueChangeInSerializer,
        responses={201: DecisionDetailOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, decision_id: int):
        access = case_access(request, case_id, audit=False)
        decision = queries.case_decision(access, decision_id)
        data = _input(DecisionDueChangeInSerializer, request)
        services.decision_due_change(
            ctx=api_ctx(request), access=access, decision=decision, due_on=data["due_on"], reason=data["reason"],
            expected_version=data["version"],
        )  # fmt: skip
        decision = queries.case_decision(access, decision_id)
        return Response(DecisionDetailOutSerializer(decision).data, status=status.HTTP_201_CREATED)


class MyDecisionsView(APIView):
    @extend_schema(
        operation_id="me_decisions_retrieve",
        summary="Decisions you are responsible for (overdue, due soon, upcoming) and, on cases you lead, "
        "overdue decisions others owe",
        description="The read is audited with the ids of the cases shown.",
        responses={200: MyDecisionsOutSerializer, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        work = queries.my_decisions(request.user, timezone.now())
        for d in [*work.own, *work.others_overdue]:
            # The reader is responsible for, or leads the case of, each of these.
            d.visible = True
        cases = {d.case_id: d.case for d in [*work.own, *work.others_overdue]}
        audit_case_list(api_ctx(request), cases.values(), action="decision.work")
        return Response(MyDecisionsOutSerializer(work).data)
