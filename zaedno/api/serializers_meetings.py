"""Input and output serializers of the meeting and decision endpoints.

As in :mod:`zaedno.api.serializers`: inputs only check the shape of a request (the services hold
the rules); outputs never call the database — views hand them meetings and decisions the queries
layer already fetched. What the minutes and a decision's words show depends on the reader's
sharing level: hidden text is ``null`` with ``restricted: true``.

Codes (kind, status, attendance, role) are plain strings with their values in the help text:
as ChoiceFields drf-spectacular would name their enums after the field (``kind``, ``status``),
names other components already use (see ``STEP_STATUSES`` in serializers_protocols).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.cases.models import Sensitivity
from zaedno.meetings.models import (
    Attendance,
    DecisionKind,
    DecisionStatus,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
    ResponsibleKind,
)


def _values(choices) -> str:
    return ", ".join(f"`{v}`" for v in choices.values if v)


def code_field(choices, *, help_text: str = "", allow_blank: bool = False, **kwargs) -> serializers.CharField:
    """A string restricted to the values of ``choices`` (listed in the schema's description)."""

    def check(value):
        if value not in choices.values:
            raise serializers.ValidationError(f"Unknown value. Allowed: {_values(choices)}.")

    return serializers.CharField(
        help_text=f"{help_text} One of {_values(choices)}.".strip(),
        validators=[] if kwargs.get("read_only") else [check],
        allow_blank=allow_blank,
        **kwargs,
    )


# --- outputs ------------------------------------------------------------------------------------


class ParticipantOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    user = UserRefSerializer(allow_null=True, help_text="Null for a person who is not a user.")
    organisation = OrganisationRefSerializer(allow_null=True)
    role = code_field(ParticipantRole, read_only=True)
    role_note = serializers.CharField(help_text="Role in the child's life or network.")
    attendance = code_field(Attendance, read_only=True)
    attendance_note = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True, help_text="When they confirmed the minutes.")


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = code_field(MeetingKind, read_only=True)
    starts_at = serializers.DateTimeField()


class MeetingListItemSerializer(MeetingRefSerializer):
    status = code_field(MeetingStatus, read_only=True)
    title = serializers.CharField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    chair = UserRefSerializer()
    held_at = serializers.DateTimeField(allow_null=True)
    locked_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    ics_sequence = serializers.IntegerField(help_text="The calendar SEQUENCE: grows with each change sent.")
    version = serializers.IntegerField()


class DecisionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    meeting = MeetingRefSerializer()
    number = serializers.IntegerField(help_text="Its number in the meeting.")
    restricted = serializers.SerializerMethodField(help_text="True when your sharing level hides its words.")
    text = serializers.SerializerMethodField()
    kind = code_field(DecisionKind, read_only=True, help_text="Empty for a general decision.")
    move_from = serializers.SerializerMethodField(
        help_text="For a decision about a move: where the child leaves."
    )
    move_to = serializers.SerializerMethodField(
        help_text="For a decision about a move: where the child goes."
    )
    responsible_kind = code_field(ResponsibleKind, read_only=True)
    responsible_user = UserRefSerializer(allow_null=True)
    responsible_organisation = OrganisationRefSerializer(allow_null=True)
    responsible_name = serializers.CharField()
    due_on = serializers.DateField()
    status = code_field(DecisionStatus, read_only=True)
    status_reason = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(help_text="Open or in progress and due before today (Europe/Sofia).")
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    version = serializers.IntegerField()

    def get_restricted(self, decision) -> bool:
        return not decision.visible

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_move_from(self, decision) -> str | None:
        return decision.move_from if decision.visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_move_to(self, decision) -> str | None:
        return decision.move_to if decision.visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_text(self, decision) -> str | None:
        return decision.text if decision.visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_reason(self, decision) -> str | None:
        return decision.status_reason if decision.visible else None


class DecisionNoteOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status_from = serializers.CharField(help_text="Empty when the status did not change.")
    status_to = serializers.CharField()
    author = UserRefSerializer()
    created_at = serializers.DateTimeField()
    meeting = serializers.IntegerField(
        source="meeting_id", allow_null=True, help_text="Reviewed at this meeting."
    )


class DecisionDueChangeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    old_due_on = serializers.DateField()
    new_due_on = serializers.DateField()
    reason = serializers.CharField()
    changed_by = UserRefSerializer()
    changed_at = serializers.DateTimeField()


class DecisionDetailOutSerializer(DecisionOutSerializer):
    notes = serializers.SerializerMethodField()
    due_changes = serializers.SerializerMethodField(
        help_text="Each move of the due date: from, to, who, why."
    )

    @extend_schema_field(DecisionDueChangeOutSerializer(many=True, allow_null=True))
    def get_due_changes(self, decision):
        if not decision.visible:
            return None
        return DecisionDueChangeOutSerializer(decision.due_changes.all(), many=True).data

    @extend_schema_field(DecisionNoteOutSerializer(many=True, allow_null=True))
    def get_notes(self, decision):
        if not decision.visible:
            return None
        return DecisionNoteOutSerializer(decision.notes.all(), many=True).data


class MinutesAddendumOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = UserRefSerializer()
    created_at = serializers.DateTimeField()


class MeetingOutSerializer(MeetingListItemSerializer):
    agenda = serializers.CharField()
    cancel_reason = serializers.CharField()
    participants = ParticipantOutSerializer(many=True, source="participants.all")
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, help_text="Who may read the minutes.")
    minutes_restricted = serializers.SerializerMethodField(
        help_text="True when your level hides the minutes."
    )
    minutes = serializers.SerializerMethodField()
    child_views = serializers.SerializerMethodField()
    parents_views = serializers.SerializerMethodField()
    addenda = serializers.SerializerMethodField()
    decisions = DecisionOutSerializer(many=True, source="decision_list")

    def get_minutes_restricted(self, meeting) -> bool:
        return not meeting.minutes_visible

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_minutes(self, meeting):
        return meeting.minutes if meeting.minutes_visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_child_views(self, meeting):
        return meeting.child_views if meeting.minutes_visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parents_views(self, meeting):
        return meeting.parents_views if meeting.minutes_visible else None

    @extend_schema_field(MinutesAddendumOutSerializer(many=True, allow_null=True))
    def get_addenda(self, meeting):
        if not meeting.minutes_visible:
            return None
        return MinutesAddendumOutSerializer(meeting.addendum_list, many=True).data


class DecisionCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class MyDecisionSerializer(DecisionOutSerializer):
    case_ref = DecisionCaseRefSerializer(source="case")


class MyDecisionsOutSerializer(serializers.Serializer):
    overdue = MyDecisionSerializer(many=True)
    due_soon = MyDecisionSerializer(many=True)
    upcoming = MyDecisionSerializer(many=True)
    others_overdue = MyDecisionSerializer(
        many=True, help_text="On the cases you lead: overdue decisions someone else is responsible for."
    )
    truncated = serializers.BooleanField()


# --- inputs -------------------------------------------------------------------------------------


class MeetingGuestInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    role = code_field(ParticipantRole, help_text="Their role.")
    role_note = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class MeetingCreateSerializer(serializers.Serializer):
    kind = code_field(MeetingKind)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    chair = serializers.IntegerField(help_text="User id of the chair: a member of the team.")
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="User ids of team members."
    )
    guests = MeetingGuestInSerializer(many=True, required=False, default=list)


class MeetingAttendanceEntrySerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    attendance = code_field(Attendance)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MeetingAttendanceInSerializer(serializers.Serializer):
    entries = MeetingAttendanceEntrySerializer(many=True)


class MinutesInSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True)
    child_views = serializers.CharField(required=False, allow_blank=True, default="")
    parents_views = serializers.CharField(required=False, allow_blank=True, default="")
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    version = serializers.IntegerField(help_text="The meeting's version you read; a stale one is a 409.")


class MinutesAddendumInSerializer(serializers.Serializer):
    text = serializers.CharField()


class MeetingCancelInSerializer(serializers.Serializer):
    reason = serializers.CharField()


class DecisionCreateSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = code_field(DecisionKind, required=False, allow_blank=True, default="", help_text="Empty: general.")
    move_from = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="Required for `kind` `move`: the school, service or placement the child leaves.",
    )  # fmt: skip
    move_to = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="Required for `kind` `move`: where the child goes.",
    )  # fmt: skip
    responsible_kind = code_field(ResponsibleKind)
    responsible_user = serializers.IntegerField(required=False, allow_null=True, default=None)
    responsible_organisation = serializers.IntegerField(required=False, allow_null=True, default=None)
    responsible_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    due_on = serializers.DateField()
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    supersedes = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list,
        help_text="Ids of open decisions of earlier meetings that this one replaces.",
    )  # fmt: skip


class DecisionDueChangeInSerializer(serializers.Serializer):
    due_on = serializers.DateField(
        help_text="The new due date: not before the meeting that took the decision."
    )
    reason = serializers.CharField(max_length=2000, help_text="Why the due date moves (required).")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class DecisionProgressInSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=f"A new status, or empty for a note only. One of {_values(DecisionStatus)}; "
        "`not_done` needs `reason`; `superseded` comes only from a decision recorded in a later meeting.",
    )  # fmt: skip
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    meeting = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Reviewed at this later meeting of the case."
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate_status(self, value):
        if value and value not in DecisionStatus.values:
            raise serializers.ValidationError(f"Unknown value. Allowed: {_values(DecisionStatus)}.")
        return value


class DecisionQuerySerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=f"One of {_values(DecisionStatus)}, or `overdue`.",
    )  # fmt: skip

    def validate_status(self, value):
        from zaedno.meetings.queries import DECISION_FILTERS

        if value and value not in DECISION_FILTERS:
            raise serializers.ValidationError("Unknown status.")
        return value
