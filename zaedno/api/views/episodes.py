"""The child's service and school history (история на услугите и училищата) through the API:
episodes started and ended, moves recorded in one call, and the moves with their 12-month count.

Every endpoint goes through ``case_for_user`` (404 for a missing case and one the caller may not
see alike; reads audited) and writes through ``zaedno.episodes.services``, where the move rule
lives: for a child whose case is marked as a difficult case, a move needs ``decision_id`` (a
decision of this case) or an ``emergency_reason``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.accounts.models import User
from zaedno.api.serializers_episodes import (
    EpisodeEndInSerializer,
    EpisodeInSerializer,
    EpisodeOutSerializer,
    MoveInSerializer,
    MoveOutSerializer,
    MovesOutSerializer,
    PlannedMoveConfirmInSerializer,
    PlannedMoveInSerializer,
    PlannedMoveOutSerializer,
)
from zaedno.api.views.base import READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx, case_access
from zaedno.episodes import queries, services
from zaedno.organisations.models import Organisation
from zaedno.resources.models import Service

TAGS = ["episodes"]

# Service field names → the API's.
EPISODE_FIELDS = {"service": "service_id", "organisation": "organisation_id"}
END_FIELDS = {
    "reason": "end_reason", "note": "end_note", "decided_by_user": "decided_by_user_id",
    "decided_by_organisation": "decided_by_organisation_id",
}  # fmt: skip
JUSTIFY_FIELDS = {"decision": "decision_id", "episode": "from_episode_id"}
END_KEYS = {
    "ended_on",
    "reason",
    "note",
    "decided_by",
    "decided_by_user",
    "decided_by_organisation",
    "decided_by_name",
}
TO_KEYS = {"kind", "placement_type", "service", "organisation", "name", "started_on"}


def _api_errors(exc: DjangoValidationError, *, move: bool = False) -> ValidationError:
    """A service's field errors under the API's field names (and, for a move, under ``end``/``to``)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    out: dict = {}
    for field, messages in exc.message_dict.items():
        if move and field in END_KEYS:
            out.setdefault("end", {})[END_FIELDS.get(field, field)] = messages
        elif move and field in TO_KEYS:
            out.setdefault("to", {})[EPISODE_FIELDS.get(field, field)] = messages
        else:
            name = {**EPISODE_FIELDS, **END_FIELDS, **JUSTIFY_FIELDS}.get(field, field)
            out[name] = messages
    return ValidationError(out)


def _lookup(model_qs, pk, field: str, message: str):
    if pk is None:
        return None
    obj = model_qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [message]})
    return obj


def _episode_data(d: dict) -> services.EpisodeData:
    return services.EpisodeData(
        kind=d["kind"], started_on=d["started_on"], name=d.get("name", ""), placement_type=d.get("placement_type", ""),
        service=_lookup(Service.objects.filter(is_active=True), d.get("service_id"), "service_id", _("Unknown service.")),
        organisation=_lookup(Organisation.objects.filter(is_active=True), d.get("organisation_id"), "organisation_id",
                             _("Unknown organisation.")),
    )  # fmt: skip


def _end_data(access, d: dict) -> services.EndData:
    team = User.objects.filter(case_memberships__case=access.case, case_memberships__left_at__isnull=True)
    return services.EndData(
        ended_on=d["ended_on"], reason=d["end_reason"], note=d.get("end_note", ""), decided_by=d.get("decided_by", ""),
        decided_by_user=_lookup(team.distinct(), d.get("decided_by_user_id"), "decided_by_user_id",
                                _("Choose a member of the team.")),
        decided_by_organisation=_lookup(Organisation.objects.filter(is_active=True), d.get("decided_by_organisation_id"),
                                        "decided_by_organisation_id", _("Unknown organisation.")),
        decided_by_name=d.get("decided_by_name", ""),
    )  # fmt: skip


def _decision(access, d: dict):
    decision_id = d.get("decision_id")
    if decision_id is None:
        return None
    decision = queries.decision_of_case(access, decision_id)
    if decision is None:
        raise ValidationError({"decision_id": [_("Choose a decision of this case.")]})
    return decision


class EpisodesView(InputFormsMixin, APIView):
    input_serializers = {"POST": EpisodeInSerializer}

    @extend_schema(
        operation_id="cases_episodes_list",
        summary="The child's episodes in services, schools and placements (current first)",
        description="The history is the child's: the same in each of the child's cases. The read is audited.",
        responses={200: EpisodeOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="episodes.view")
        return Response(EpisodeOutSerializer(queries.history(access), many=True).data)

    @extend_schema(
        operation_id="cases_episodes_create",
        summary="Record that the child started in a service, a school or a placement",
        description=(
            f"If the child left an episode of the same family within {services.MOVE_GAP_DAYS} days, this is a "
            "move: for a difficult case give `decision_id` or `emergency_reason`, or it is refused (400)."
        ),
        request=EpisodeInSerializer,
        responses={201: EpisodeOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = EpisodeInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        data, decision = _episode_data(d), _decision(access, d)
        try:
            episode = services.episode_start(
                ctx=api_ctx(request), access=access, data=data, decision=decision,
                emergency_reason=d.get("emergency_reason", ""), plan_reason=d.get("plan_reason", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(EpisodeOutSerializer(episode).data, status=status.HTTP_201_CREATED)


class EpisodeEndView(InputFormsMixin, APIView):
    input_serializers = {"POST": EpisodeEndInSerializer}

    @extend_schema(
        operation_id="cases_episodes_end",
        summary="Record that an episode ended: when, why, who decided",
        description=(
            f"If the child started an episode of the same family within {services.MOVE_GAP_DAYS} days, this is a "
            "move (see creating an episode)."
        ),
        request=EpisodeEndInSerializer,
        responses={200: EpisodeOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, episode_id: int):
        access = case_access(request, case_id, audit=False)
        episode = queries.episode_get(access, episode_id)
        s = EpisodeEndInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        data, decision = _end_data(access, d), _decision(access, d)
        try:
            episode = services.episode_end(
                ctx=api_ctx(request), access=access, episode=episode, data=data, decision=decision,
                emergency_reason=d.get("emergency_reason", ""), plan_reason=d.get("plan_reason", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(EpisodeOutSerializer(episode).data)


class MovesView(InputFormsMixin, APIView):
    input_serializers = {"POST": MoveInSerializer}

    @extend_schema(
        operation_id="cases_moves_list",
        summary="The child's moves, with how many fall in the last 12 months",
        description="The read is audited.",
        responses={200: MovesOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="episodes.moves")
        count = queries.moves_in_last_12_months(access.case)
        data = {
            "count_12_months": count, "repeated": count >= queries.REPEATED_MOVES,
            "threshold": queries.REPEATED_MOVES, "moves": queries.case_moves(access),
        }  # fmt: skip
        return Response(MovesOutSerializer(data, context={"access": access}).data)

    @extend_schema(
        operation_id="cases_moves_create",
        summary="Record a move in one call: end the current episode and start the next",
        description=(
            "Both episodes are of the same family (services, schools, placements). For a child whose case is "
            "marked as a difficult case, `decision_id` or `emergency_reason` is required (400 otherwise). The "
            "teams of the child's open cases are notified and their difficult-case profiles recomputed."
        ),
        request=MoveInSerializer,
        responses={201: MoveOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = MoveInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            episode = queries.episode_get(access, d["from_episode_id"])
        except Http404:
            raise ValidationError(
                {"from_episode_id": [_("Choose a current episode of the child.")]}
            ) from None
        end, to, decision = _end_data(access, d["end"]), _episode_data(d["to"]), _decision(access, d)
        try:
            move = services.move_record(
                ctx=api_ctx(request), access=access, episode=episode, end=end, to=to, decision=decision,
                emergency_reason=d.get("emergency_reason", ""), plan_reason=d.get("plan_reason", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _api_errors(exc, move=True) from None
        return Response(
            MoveOutSerializer(move, context={"access": access}).data, status=status.HTTP_201_CREATED
        )


class PlannedMovesView(InputFormsMixin, APIView):
    input_serializers = {"POST": PlannedMoveInSerializer}

    @extend_schema(
        operation_id="cases_planned_moves_list",
        summary="The child's planned moves (open first)",
        description="The read is audited.",
        responses={200: PlannedMoveOutSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        access = case_access(request, case_id, action="episodes.planned")
        rows = queries.planned_moves(access)
        return Response(PlannedMoveOutSerializer(rows, many=True, context={"access": access}).data)

    @extend_schema(
        operation_id="cases_planned_moves_create",
        summary="Record a move proposed before it happens (e.g. by the school)",
        description=(
            "Nothing enters the history yet: the proposal goes on the timeline and to the team as needing the "
            "team's decision about the move. Confirm it on or after its date."
        ),
        request=PlannedMoveInSerializer,
        responses={201: PlannedMoveOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = PlannedMoveInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            episode = queries.episode_get(access, d["from_episode_id"])
        except Http404:
            raise ValidationError(
                {"from_episode_id": [_("Choose a current episode of the child.")]}
            ) from None
        try:
            planned = services.move_plan(
                ctx=api_ctx(request), access=access, episode=episode, to=_episode_data(d["to"]),
                proposed_by=d["proposed_by"], note=d.get("note", ""), decision=_decision(access, d),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _api_errors(exc, move=True) from None
        planned = queries.planned_get(access, planned.pk)
        return Response(
            PlannedMoveOutSerializer(planned, context={"access": access}).data, status=status.HTTP_201_CREATED
        )


class PlannedMoveConfirmView(InputFormsMixin, APIView):
    input_serializers = {"POST": PlannedMoveConfirmInSerializer}

    @extend_schema(
        operation_id="cases_planned_moves_confirm",
        summary="Confirm that a planned move happened: the move is recorded under the move rule",
        description="On or after the planned date; `decision_id` defaults to the decision linked to the proposal.",
        request=PlannedMoveConfirmInSerializer,
        responses={201: MoveOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, case_id: int, planned_id: int):
        access = case_access(request, case_id, audit=False)
        planned = queries.planned_get(access, planned_id)
        s = PlannedMoveConfirmInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            move = services.planned_move_carry_out(
                ctx=api_ctx(request), access=access, planned=planned, moved_on=d.get("moved_on"),
                decision=_decision(access, d), emergency_reason=d.get("emergency_reason", ""),
                plan_reason=d.get("plan_reason", ""), note=d.get("note", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _api_errors(exc, move=True) from None
        move = next(m for m in queries.case_moves(access) if m.pk == move.pk)
        return Response(
            MoveOutSerializer(move, context={"access": access}).data, status=status.HTTP_201_CREATED
        )
