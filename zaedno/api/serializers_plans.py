"""Input and output serializers of the plan endpoints: versions, content, agreement,
confirmations, reviews, outcome measures and follow-up check-ins.

As elsewhere in the API, inputs only check the shape of a request (the services hold the rules)
and outputs never call the database: the views hand them objects the queries already loaded.
Coded values (kinds, statuses, domains, measures) are plain strings listed in the field's help:
drf-spectacular would name a choice enum after its field (``status``, ``kind``), which other
components already use.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.plans.models import ActionStatus, CheckInStatus, Measure, PlanKind, PlanStatus, Progress, Who
from zaedno.plans.services import DEVELOPMENT_DOMAINS


def _values(choices) -> str:
    return ", ".join(f"`{v}`" for v in choices)


KINDS = _values(PlanKind.values)
PLAN_STATUSES = _values(PlanStatus.values)
ACTION_STATUSES = _values(ActionStatus.values)
WHO = _values(Who.values)
DOMAINS = _values(DEVELOPMENT_DOMAINS)
PROGRESS = _values(Progress.values)
MEASURES = _values(Measure.values)
CHECKIN_STATUSES = _values(CheckInStatus.values)


# --- output ---------------------------------------------------------------------------------------


class PlanSummaryOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=f"One of {KINDS}.")
    kind_label = serializers.CharField(source="get_kind_display")
    number = serializers.IntegerField(help_text="The version number: 1, 2, …")
    status = serializers.CharField(help_text=f"One of {PLAN_STATUSES}.")
    created_at = serializers.DateTimeField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
    previous_id = serializers.IntegerField(allow_null=True, help_text="The version this one was copied from.")
    version = serializers.IntegerField(help_text="Send it back with a change (stale → 409).")


class WaymarkOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    target_on = serializers.DateField(allow_null=True)
    achieved_on = serializers.DateField(allow_null=True)


class GoalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    domain = serializers.CharField(help_text=f"A domain of the child's development: {DOMAINS}.")
    domain_label = serializers.CharField(source="get_domain_display")
    text = serializers.CharField()
    waymarks = WaymarkOutSerializer(many=True, source="waymarks.all")


class ActionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    goal_id = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    who_kind = serializers.CharField(help_text=f"One of {WHO}.")
    who_user = UserRefSerializer(allow_null=True)
    who_organisation = OrganisationRefSerializer(allow_null=True)
    who_name = serializers.CharField(help_text="The parent's or the community resource's name.")
    who = serializers.CharField(source="who_display", help_text="Who does it, in words.")
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text=f"One of {ACTION_STATUSES}.")
    status_reason = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, action) -> bool:
        return bool(action.is_open and action.due_on and action.due_on < timezone.localdate())


class ConfirmationRowSerializer(serializers.Serializer):
    user = UserRefSerializer(source="member.user")
    organisation = OrganisationRefSerializer(source="member.organisation")
    confirmed_at = serializers.DateTimeField(
        source="confirmation.confirmed_at", allow_null=True, default=None
    )


class ConfirmationsOutSerializer(serializers.Serializer):
    confirmed_by_team = serializers.BooleanField(
        source="by_team", help_text="Every active member of the team has confirmed the agreed plan."
    )
    confirmed_count = serializers.IntegerField()
    member_count = serializers.IntegerField()
    members = ConfirmationRowSerializer(many=True, source="rows")


class GoalProgressOutSerializer(serializers.Serializer):
    goal_id = serializers.IntegerField()
    progress = serializers.CharField(help_text=f"One of {PROGRESS}.")
    note = serializers.CharField()


class MeasurementOutSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text=f"One of {MEASURES}.")
    value = serializers.FloatField()
    measured_on = serializers.DateField()
    source = serializers.CharField()


class ReviewOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan_id = serializers.IntegerField()
    held_on = serializers.DateField()
    meeting_id = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    created_by = UserRefSerializer()
    created_at = serializers.DateTimeField()
    progress = GoalProgressOutSerializer(many=True, source="progress.all")
    measurements = MeasurementOutSerializer(many=True, source="measurements.all")


class PlanOutSerializer(PlanSummaryOutSerializer):
    """One version of the plan with its whole content. Built from ``queries.plan_detail``."""

    purpose = serializers.CharField(source="plan.purpose")
    child_words = serializers.CharField(
        source="plan.child_words", help_text="The child's own words, verbatim."
    )
    parents_words = serializers.CharField(source="plan.parents_words", help_text="The parents' own words.")
    next_review_on = serializers.DateField(source="plan.next_review_on", allow_null=True)
    agreed_meeting_id = serializers.IntegerField(source="plan.agreed_meeting_id", allow_null=True)
    agreed_by = UserRefSerializer(source="plan.agreed_by", allow_null=True)
    goals = GoalOutSerializer(many=True)
    actions = ActionOutSerializer(many=True)
    confirmations = ConfirmationsOutSerializer()
    reviews = ReviewOutSerializer(many=True)

    def to_representation(self, detail):
        data = PlanSummaryOutSerializer(detail.plan).data
        data.update(
            {
                "purpose": detail.plan.purpose,
                "child_words": detail.plan.child_words,
                "parents_words": detail.plan.parents_words,
                "next_review_on": detail.plan.next_review_on.isoformat()
                if detail.plan.next_review_on
                else None,
                "agreed_meeting_id": detail.plan.agreed_meeting_id,
                "agreed_by": UserRefSerializer(detail.plan.agreed_by).data if detail.plan.agreed_by else None,
                "goals": GoalOutSerializer(detail.goals, many=True).data,
                "actions": ActionOutSerializer(detail.actions, many=True).data,
                "confirmations": ConfirmationsOutSerializer(detail.confirmations).data,
                "reviews": ReviewOutSerializer(detail.reviews, many=True).data,
            }
        )
        return data


class OutcomePointOutSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text=f"One of {MEASURES}.")
    date = serializers.DateField()
    value = serializers.FloatField()
    source = serializers.CharField()
    from_map = serializers.BooleanField(
        help_text="A mean safety-scale rating from a Signs-of-Safety map, not from a plan review."
    )
    ratings = serializers.DictField(
        child=serializers.IntegerField(), help_text="For a safety map: each participant's rating by name."
    )


class CheckInOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    responsible = UserRefSerializer()
    status = serializers.CharField(help_text=f"One of {CHECKIN_STATUSES}.")
    done_on = serializers.DateField(allow_null=True)
    child_status = serializers.CharField(help_text="How the child is.")
    concern = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, checkin) -> bool:
        return checkin.status == CheckInStatus.SCHEDULED and checkin.due_on < timezone.localdate()


# --- input ----------------------------------------------------------------------------------------


class PlanCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(
        default=PlanKind.CASE_PLAN,
        help_text=f"One of {KINDS}. The first version, or a new draft copied from the latest version.",
    )


class WaymarkInSerializer(serializers.Serializer):
    text = serializers.CharField()
    target_on = serializers.DateField(required=False, allow_null=True, default=None)
    achieved_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalInSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text=f"One of {DOMAINS}.")
    text = serializers.CharField()
    waymarks = WaymarkInSerializer(many=True, required=False, default=list)


class ActionInSerializer(serializers.Serializer):
    goal = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        help_text="The goal it serves: its position (from 1) in `goals` of this request; null for none.",
    )  # fmt: skip
    text = serializers.CharField()
    who_kind = serializers.CharField(help_text=f"One of {WHO}.")
    who_user_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="For `professional`: a member of the team."
    )
    who_organisation_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    who_name = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.CharField(
        required=False, default=ActionStatus.PLANNED, help_text=f"One of {ACTION_STATUSES}."
    )
    status_reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanContentSerializer(serializers.Serializer):
    """The whole content of a draft; goals, waymarks and actions are replaced (their ids renewed)."""

    version = serializers.IntegerField(help_text="The version you read (stale → 409).")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    child_words = serializers.CharField(required=False, allow_blank=True, default="")
    parents_words = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    goals = GoalInSerializer(many=True, required=False, default=list)
    actions = ActionInSerializer(many=True, required=False, default=list)


class AgreeSerializer(serializers.Serializer):
    meeting_id = serializers.IntegerField(
        allow_null=True,
        help_text="The meeting of this case (held, or with locked minutes) where it was agreed.",
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProgressInSerializer(serializers.Serializer):
    goal_id = serializers.IntegerField()
    progress = serializers.CharField(help_text=f"One of {PROGRESS}.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MeasureInSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text=f"One of {MEASURES}.")
    value = serializers.DecimalField(max_digits=5, decimal_places=1)
    measured_on = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReviewCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    meeting_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    summary = serializers.CharField()
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    progress = ProgressInSerializer(many=True, required=False, default=list)
    measures = MeasureInSerializer(many=True, required=False, default=list)


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=f"One of {ACTION_STATUSES}.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for `not_done`."
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class FollowUpScheduleSerializer(serializers.Serializer):
    first_on = serializers.DateField()
    every_months = serializers.IntegerField(default=3, min_value=1, max_value=12)
    count = serializers.IntegerField(default=4, min_value=1, max_value=12)
    responsible_id = serializers.IntegerField(help_text="A member of the team.")


class FollowUpDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    child_status = serializers.CharField(help_text="How the child is.")
    concern = serializers.CharField(required=False, allow_blank=True, default="")
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
