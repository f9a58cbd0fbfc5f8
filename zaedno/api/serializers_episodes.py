"""Input and output serializers of the service and school history (episodes and moves).

Inputs only check the shape of a request (the services hold the move rule). Outputs never query
the database: the views hand them what the queries layer fetched. A move's decision text is
shown only to a reader whose sharing level reaches the decision's (``access`` in the context).
Enumerations are plain strings with their values in the help text.
"""

from __future__ import annotations

from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.episodes.models import DecidedBy, EndReason, EpisodeKind, Family, PlacementType
from zaedno.episodes.services import EMERGENCY_REASON_MIN, TEXT_LIMIT


def _values(choices) -> str:
    return ", ".join(f"`{v}`" for v in choices.values)


class EpisodeServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()


class EpisodeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(help_text="The case through which it was recorded.")
    kind = serializers.CharField(help_text=f"One of {_values(EpisodeKind)}.")
    family = serializers.CharField(
        help_text=f"One of {_values(Family)}: episodes of one family replace each other."
    )
    placement_type = serializers.CharField(help_text=f"Empty, or one of {_values(PlacementType)}.")
    place = serializers.CharField(help_text="Where: the name given, or the service's, or the organisation's.")
    service = EpisodeServiceSerializer(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)
    name = serializers.CharField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(help_text=f"Empty while current, or one of {_values(EndReason)}.")
    end_note = serializers.CharField()
    decided_by = serializers.CharField(help_text=f"Empty, or one of {_values(DecidedBy)}.")
    decided_by_user = UserRefSerializer(allow_null=True)
    decided_by_organisation = OrganisationRefSerializer(allow_null=True)
    decided_by_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = UserRefSerializer()


class DecisionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.SerializerMethodField(help_text="Null when the decision is above your sharing level.")
    due_on = serializers.DateField()

    def get_text(self, obj) -> str | None:
        return obj.text if self.context["access"].sees(obj.sensitivity) else None


class MoveOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(help_text="The case through which it was recorded.")
    family = serializers.CharField(help_text=f"One of {_values(Family)}.")
    moved_on = serializers.DateField()
    from_episode = EpisodeOutSerializer()
    to_episode = EpisodeOutSerializer()
    decision = DecisionRefSerializer(allow_null=True)
    emergency_reason = serializers.CharField()
    plan_reason = serializers.CharField(
        help_text="Why the move went ahead against an agreed goal of the plan."
    )
    explicit = serializers.BooleanField(
        help_text="Recorded as a move in one step, rather than found from the dates."
    )
    was_difficult = serializers.BooleanField(
        help_text="The child's case was marked as a difficult case then."
    )
    recorded_at = serializers.DateTimeField()


class MovesOutSerializer(serializers.Serializer):
    count_12_months = serializers.IntegerField(help_text="Moves of the child in the last 12 months.")
    repeated = serializers.BooleanField(help_text="At least `threshold` moves in the last 12 months.")
    threshold = serializers.IntegerField()
    moves = MoveOutSerializer(many=True, help_text="All moves of the child, newest first.")


class _JustifySerializer(serializers.Serializer):
    decision_id = serializers.IntegerField(
        required=False, allow_null=True,
        help_text=(
            "The team's decision about the move: a decision of this case of kind `move` (naming from where to "
            "where), taken at a held meeting whose minutes record the child's and the parents' views. Required "
            "for a difficult case, unless an emergency."
        ),
    )  # fmt: skip
    emergency_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_LIMIT,
        help_text=f"When there was no time for a team decision: what happened (at least {EMERGENCY_REASON_MIN} characters).",
    )  # fmt: skip
    plan_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_LIMIT,
        help_text="Required when the move goes against an agreed goal of the plan (e.g. “stays in his school”): why.",
    )  # fmt: skip


class EpisodeFieldsSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=f"One of {_values(EpisodeKind)}.")
    placement_type = serializers.CharField(required=False, allow_blank=True, default="",
                                           help_text=f"For a placement: one of {_values(PlacementType)}.")  # fmt: skip
    service_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="A service on the resource map."
    )
    organisation_id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    started_on = serializers.DateField()


class EpisodeInSerializer(EpisodeFieldsSerializer, _JustifySerializer):
    """Start an episode; if the child left one of the same family within the gap, it is a move."""


class EndFieldsSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    end_reason = serializers.CharField(help_text=f"One of {_values(EndReason)}.")
    end_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    decided_by = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text=f"Empty, or one of {_values(DecidedBy)}.")  # fmt: skip
    decided_by_user_id = serializers.IntegerField(required=False, allow_null=True,
                                                  help_text="A member of the team (for `professional`).")  # fmt: skip
    decided_by_organisation_id = serializers.IntegerField(required=False, allow_null=True)
    decided_by_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)


class EpisodeEndInSerializer(EndFieldsSerializer, _JustifySerializer):
    """End an episode; if the child started one of the same family within the gap, it is a move."""


class MoveInSerializer(_JustifySerializer):
    from_episode_id = serializers.IntegerField(help_text="The current episode the child leaves.")
    end = EndFieldsSerializer()
    to = EpisodeFieldsSerializer()


class PlannedMoveOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(help_text="The case through which it was recorded.")
    from_episode_id = serializers.IntegerField(help_text="The current episode the child would leave.")
    kind = serializers.CharField(help_text=f"One of {_values(EpisodeKind)}.")
    place = serializers.CharField(help_text="Where the child would go.")
    planned_on = serializers.DateField()
    proposed_by = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField(help_text="`proposed`, `carried_out` or `withdrawn`.")
    decision = DecisionRefSerializer(allow_null=True)
    move_id = serializers.IntegerField(allow_null=True, help_text="The move recorded when it happened.")
    withdraw_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PlannedMoveInSerializer(serializers.Serializer):
    from_episode_id = serializers.IntegerField(help_text="The current episode the child would leave.")
    to = EpisodeFieldsSerializer(
        help_text="Where the child would go; `started_on` is the planned date (today or later)."
    )
    proposed_by = serializers.CharField(
        max_length=200, help_text="Who proposes it, e.g. the school and who there."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    decision_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="The team's decision about the move, if already taken."
    )


class PlannedMoveConfirmInSerializer(_JustifySerializer):
    moved_on = serializers.DateField(required=False, allow_null=True, help_text="Default: the planned date.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
