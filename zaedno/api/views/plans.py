"""Plans (планове) through the API: versions, draft content, agreement, confirmation, reviews,
outcome measures, action status, and long-term follow-up check-ins.

Every endpoint goes through ``case_access`` (404 for a missing case and for one you may not
see alike), reads are audited, objects are fetched by filtering on the case
(``zaedno.plans.queries``), and writes go through ``zaedno.plans.services``, which check the
caller's rights again and audit in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.accounts.models import User
from zaedno.api.serializers_plans import (
    ActionOutSerializer,
    ActionStatusSerializer,
    AgreeSerializer,
    CheckInOutSerializer,
    FollowUpDoneSerializer,
    FollowUpScheduleSerializer,
    OutcomePointOutSerializer,
    PlanContentSerializer,
    PlanCreateSerializer,
    PlanOutSerializer,
    PlanSummaryOutSerializer,
    ReviewCreateSerializer,
    ReviewOutSerializer,
)
from zaedno.api.views.base import E409, READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, case_access
from zaedno.meetings.models import Meeting
from zaedno.organisations.models import Organisation
from zaedno.plans import queries, services
from zaedno.plans.models import PlanReview
from zaedno.plans.services import ActionData, DraftContent, GoalData, MeasureData, WaymarkData

TAGS = ["plans"]


def _detail(access, plan) -> dict:
    return PlanOutSerializer(queries.plan_detail(access, queries.plan_for(access, plan.pk))).data


def _meeting(access, meeting_id, field="meeting_id"):
    if meeting_id is None:
        return None
    meeting = Meeting.objects.filter(pk=meeting_id, case=access.case).first()
    if meeting is None:
        raise DjangoValidationError({field: ["No such meeting on this case."]})
    return meeting


def _content(data: dict) -> DraftContent:
    """The request's content for the service; users and organisations looked up by id."""
    user_ids = {a["who_user_id"] for a in data["actions"] if a.get("who_user_id")}
    org_ids = {a["who_organisation_id"] for a in data["actions"] if a.get("who_organisation_id")}
    users = User.objects.in_bulk(list(user_ids))
    orgs = Organisation.objects.in_bulk(list(org_ids))
    goals = [
        GoalData(
            domain=g["domain"], text=g["text"], key=str(i),
            waymarks=[WaymarkData(w["text"], w.get("target_on"), w.get("achieved_on")) for w in g["waymarks"]],
        )
        for i, g in enumerate(data["goals"], start=1)
    ]  # fmt: skip
    actions = []
    for a in data["actions"]:
        if a.get("goal") and a["goal"] > len(goals):
            raise DjangoValidationError(
                {"actions": ["An action points at a goal that is not in the request."]}
            )
        actions.append(
            ActionData(
                text=a["text"], who_kind=a["who_kind"], who_user=users.get(a.get("who_user_id")),
                who_organisation=orgs.get(a.get("who_organisation_id")), who_name=a.get("who_name", ""),
                due_on=a.get("due_on"), goal_key=str(a["goal"]) if a.get("goal") else "",
                status=a.get("status"), status_reason=a.get("status_reason", ""),
            )
        )  # fmt: skip
    return DraftContent(
        purpose=data["purpose"], child_words=data["child_words"], parents_words=data["parents_words"],
        next_review_on=data.get("next_review_on"), goals=goals, actions=actions,
    )  # fmt: skip


class PlanListView(InputFormsMixin, APIView):
    input_serializers = {"POST": PlanCreateSerializer}

    @extend_schema(
        operation_id="cases_plans_list",
        summary="Every version of the case's plans, each kind newest first",
        description="Empty below the standard sharing level. The read is audited.",
        responses={200: PlanSummaryOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="plan.list")
        return Response(PlanSummaryOutSerializer(queries.case_plans(access), many=True).data)

    @extend_schema(
        operation_id="cases_plans_create",
        summary="Start a plan: the first version, or a new draft version copied from the latest",
        description="Case lead and managers. One draft of a kind at a time.",
        request=PlanCreateSerializer,
        responses={201: PlanOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = PlanCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = services.plan_start(ctx=api_ctx(request), access=access, kind=s.validated_data["kind"])
        return Response(_detail(access, plan), status=status.HTTP_201_CREATED)


class PlanDetailView(InputFormsMixin, APIView):
    input_serializers = {"PUT": PlanContentSerializer}

    @extend_schema(
        operation_id="cases_plans_retrieve",
        summary="One version of a plan: goals, waymarks, actions, words, confirmations, reviews",
        responses={200: PlanOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int, plan_id: int):
        access = case_access(request, case_id, action="plan.view")
        plan = queries.plan_for(access, plan_id)
        return Response(PlanOutSerializer(queries.plan_detail(access, plan)).data)

    @extend_schema(
        operation_id="cases_plans_update",
        summary="Save the whole content of a draft (with the version you read)",
        description=(
            "Goals, waymarks and actions are replaced by those sent (their ids are renewed). An "
            "action refers to a goal by its position in `goals`. A stale `version` is a 409."
        ),
        request=PlanContentSerializer,
        responses={200: PlanOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def put(self, request, case_id: int, plan_id: int):
        access = case_access(request, case_id, audit=False)
        plan = queries.plan_for(access, plan_id)
        s = PlanContentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.plan_draft_save(
            ctx=api_ctx(request), access=access, plan=plan, expected_version=s.validated_data["version"],
            content=_content(s.validated_data),
        )  # fmt: skip
        return Response(_detail(access, plan))


class PlanAgreeView(InputFormsMixin, APIView):
    input_serializers = {"POST": AgreeSerializer}

    @extend_schema(
        operation_id="cases_plans_agree",
        summary="Agree a draft at a meeting (case lead and managers)",
        description=(
            "The meeting must be of this case and held (or its minutes locked). Supersedes the "
            "previous agreed version, asks the team to confirm, and completes the protocol's plan step."
        ),
        request=AgreeSerializer,
        responses={200: PlanOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, plan_id: int):
        access = case_access(request, case_id, audit=False)
        plan = queries.plan_for(access, plan_id)
        s = AgreeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.plan_agree(
            ctx=api_ctx(request), access=access, plan=plan, meeting=_meeting(access, s.validated_data["meeting_id"]),
            expected_version=s.validated_data.get("version"),
        )  # fmt: skip
        return Response(_detail(access, plan))


class PlanConfirmView(APIView):
    @extend_schema(
        operation_id="cases_plans_confirm",
        summary="Confirm the agreed plan, as an active member of the team",
        request=None,
        responses={200: PlanOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, plan_id: int):
        access = case_access(request, case_id, audit=False)
        plan = queries.plan_for(access, plan_id)
        services.plan_confirm(ctx=api_ctx(request), access=access, plan=plan)
        return Response(_detail(access, plan))


class PlanReviewView(InputFormsMixin, APIView):
    input_serializers = {"POST": ReviewCreateSerializer}

    @extend_schema(
        operation_id="cases_plans_reviews_create",
        summary="Record a review of the agreed plan: progress of goals and outcome measures",
        description="Completes the protocol's regular review step (review_held[plan]).",
        request=ReviewCreateSerializer,
        responses={201: ReviewOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, plan_id: int):
        access = case_access(request, case_id, audit=False)
        plan = queries.plan_for(access, plan_id)
        s = ReviewCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        review = services.plan_review_record(
            ctx=api_ctx(request), access=access, plan=plan, held_on=d["held_on"], summary=d["summary"],
            meeting=_meeting(access, d.get("meeting_id")), next_review_on=d.get("next_review_on"),
            progress={p["goal_id"]: (p["progress"], p["note"]) for p in d["progress"]},
            measures=[MeasureData(m["measure"], m["value"], m.get("measured_on"), m["source"]) for m in d["measures"]],
        )  # fmt: skip
        review = (
            PlanReview.objects.select_related("created_by")
            .prefetch_related("progress", "measurements")
            .get(pk=review.pk)
        )
        return Response(ReviewOutSerializer(review).data, status=status.HTTP_201_CREATED)


class ActionStatusView(InputFormsMixin, APIView):
    input_serializers = {"POST": ActionStatusSerializer}

    @extend_schema(
        operation_id="cases_plans_actions_status",
        summary="Say how an action of the agreed plan stands (`not_done` needs a reason)",
        request=ActionStatusSerializer,
        responses={200: ActionOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, plan_id: int, action_id: int):
        access = case_access(request, case_id, audit=False)
        plan = queries.plan_for(access, plan_id)
        action = queries.action_for(access, plan, action_id)
        s = ActionStatusSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.action_status_set(
            ctx=api_ctx(request), access=access, action=action, status=s.validated_data["status"],
            reason=s.validated_data["reason"], expected_version=s.validated_data.get("version"),
        )  # fmt: skip
        return Response(ActionOutSerializer(queries.action_for(access, plan, action.pk)).data)


class OutcomesView(APIView):
    @extend_schema(
        operation_id="cases_outcomes_list",
        summary="The child's outcome measures over time, oldest first",
        description=(
            "Values recorded at plan reviews, and the Signs-of-Safety maps' mean safety-scale "
            "ratings (`from_map`). The read is audited."
        ),
        responses={200: OutcomePointOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="plan.outcomes")
        if not queries.can_read(access):
            return Response([])
        points = [
            {"measure": measure, **p}
            for measure, series in queries.outcome_series(access).items()
            for p in series
        ]
        points.sort(key=lambda p: (p["date"], p["measure"]))
        return Response(OutcomePointOutSerializer(points, many=True).data)


class FollowUpListView(InputFormsMixin, APIView):
    input_serializers = {"POST": FollowUpScheduleSerializer}

    @extend_schema(
        operation_id="cases_follow_ups_list",
        summary="Long-term follow-up check-ins of the case, by due date",
        responses={200: CheckInOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="plan.followup.list")
        return Response(CheckInOutSerializer(queries.case_followups(access), many=True).data)

    @extend_schema(
        operation_id="cases_follow_ups_schedule",
        summary="Schedule follow-up check-ins, e.g. every 3 months for a year (case lead and managers)",
        request=FollowUpScheduleSerializer,
        responses={201: CheckInOutSerializer(many=True), **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = FollowUpScheduleSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        checkins = services.followup_schedule(
            ctx=api_ctx(request), access=access, first_on=d["first_on"], every_months=d["every_months"],
            count=d["count"], responsible=User.objects.filter(pk=d["responsible_id"]).first(),
        )  # fmt: skip
        return Response(CheckInOutSerializer(checkins, many=True).data, status=status.HTTP_201_CREATED)


class FollowUpDoneView(InputFormsMixin, APIView):
    input_serializers = {"POST": FollowUpDoneSerializer}

    @extend_schema(
        operation_id="cases_follow_ups_done",
        summary="Record a check-in: how the child is, any concern, the next check-in",
        description="The responsible professional, the case lead or a manager. Completes review_held[follow_up].",
        request=FollowUpDoneSerializer,
        responses={200: CheckInOutSerializer, **WRITE_ERRORS, 409: E409},
        tags=TAGS,
    )
    def post(self, request, case_id: int, checkin_id: int):
        access = case_access(request, case_id, audit=False)
        checkin = queries.checkin_for(access, checkin_id)
        s = FollowUpDoneSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.followup_complete(
            ctx=api_ctx(request), access=access, checkin=checkin, done_on=d["done_on"],
            child_status=d["child_status"], concern=d["concern"], next_due_on=d.get("next_due_on"),
            expected_version=d.get("version"),
        )  # fmt: skip
        return Response(CheckInOutSerializer(queries.checkin_for(access, checkin.pk)).data)
