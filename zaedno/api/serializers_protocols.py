"""Input and output serializers of the protocol endpoints: definitions, a case's steps, my work,
notifications.

As in :mod:`zaedno.api.serializers`: inputs only check the shape of a request (the engine holds
the rules); outputs never call the database — the views hand them steps whose protocol version,
owner, completer and record (artefact) the queries layer already fetched. What a step shows may
depend on the reader, so step serializers take the caller's ``access`` and ``now`` in their
context.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import ChildRefSerializer, OrganisationRefSerializer, UserRefSerializer
from zaedno.cases.models import Sensitivity
from zaedno.protocols.engine import MANUAL_EVENTS, can_complete, step_title, text
from zaedno.protocols.models import Compliance, StepStatus
from zaedno.protocols.vocabulary import OWNERS

# Step statuses, for the schema. Not a ChoiceField: drf-spectacular would name its enum after
# the field (``status``), which the case status already uses in several components — a naming
# collision that ``--fail-on-warn`` refuses without an ENUM_NAME_OVERRIDES entry in settings.
STEP_STATUSES = ", ".join(f"`{value}`" for value in StepStatus.values)

# --- definitions (reference data) -----------------------------------------------------------------


class BilingualTextSerializer(serializers.Serializer):
    bg = serializers.CharField()
    en = serializers.CharField()


class ProtocolVersionSummarySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    loaded_at = serializers.DateTimeField()
    shipped = serializers.BooleanField(help_text="Shipped with Zaedno (false: a local version).")
    stage_count = serializers.IntegerField()
    step_count = serializers.IntegerField()


class ProtocolListItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = BilingualTextSerializer()
    current_version = serializers.IntegerField(help_text="The version new cases start on (the highest).")
    versions = ProtocolVersionSummarySerializer(many=True, help_text="Every loaded version, oldest first.")


class ProtocolVersionOutSerializer(ProtocolVersionSummarySerializer):
    code = serializers.CharField(source="definition.code")
    title = serializers.SerializerMethodField()
    current = serializers.BooleanField(help_text="Whether new cases start on this version.")
    source_name = serializers.CharField(help_text="The file it was loaded from.")
    sha256 = serializers.CharField(help_text="SHA-256 of the loaded file.")
    body = serializers.DictField(
        help_text="The definition exactly as loaded: the YAML file as JSON (format in docs/protocols.md)."
    )

    @extend_schema_field(BilingualTextSerializer)
    def get_title(self, version) -> dict:
        return {"bg": version.definition.title_bg, "en": version.definition.title_en}


# --- a case's steps -------------------------------------------------------------------------------


class StepOwnerSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=list(OWNERS), source="owner_role", help_text="The owner in the protocol: a role."
    )
    user = UserRefSerializer(
        source="owner_user", allow_null=True, help_text="The team member in that role; null if none yet."
    )
    organisation = OrganisationRefSerializer(source="owner_organisation", allow_null=True)


def _stage_title(version, stage_code: str) -> str:
    for stage in version.body["stages"]:
        if stage["code"] == stage_code:
            return text(stage["title"])
    return ""


class StepOutSerializer(serializers.Serializer):
    """One step of a protocol on a case. Context: ``access`` (the caller's) and ``now``."""

    id = serializers.IntegerField()
    protocol = serializers.CharField(source="case_protocol.version.definition.code")
    stage = serializers.CharField(source="stage_code")
    stage_title = serializers.SerializerMethodField()
    code = serializers.CharField(source="step_code")
    title = serializers.SerializerMethodField()
    occurrence = serializers.IntegerField(help_text="1, then 2, 3… for a step that repeats (reviews).")
    owner = StepOwnerSerializer(source="*")
    starts_on = serializers.CharField(help_text="The event that starts the clock, or step_done:<code>.")
    completed_by = serializers.CharField(
        help_text="The record that completes the step: artefact[kind], e.g. meeting_held[case_conference]."
    )
    status = serializers.CharField(help_text=f"One of {STEP_STATUSES}.")
    compliance = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(allow_null=True, help_text="When the clock started.")
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by_user = UserRefSerializer(allow_null=True, help_text="Who marked it done.")
    evidence = serializers.SerializerMethodField()
    not_applicable_reason = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back with done / not-applicable (stale → 409).")
    can_complete = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_stage_title(self, step) -> str:
        return _stage_title(step.case_protocol.version, step.stage_code)

    @extend_schema_field(serializers.CharField(help_text="In the language of the request (Accept-Language)."))
    def get_title(self, step) -> str:
        return step_title(step)

    @extend_schema_field(serializers.ChoiceField(choices=Compliance.choices))
    def get_compliance(self, step) -> str:
        return step.compliance(self.context["now"])

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="What shows the step is done; only from the standard sharing level up, null otherwise.",
        )
    )
    def get_evidence(self, step) -> str | None:
        if step.artefact_id is None or not self.context["access"].sees(Sensitivity.STANDARD):
            return None
        return step.artefact.evidence

    @extend_schema_field(
        serializers.BooleanField(help_text="Whether you may mark this step done (or not applicable) now.")
    )
    def get_can_complete(self, step) -> bool:
        return step.status in (StepStatus.OPEN, StepStatus.WAITING) and can_complete(
            self.context["access"], step
        )


class CaseProtocolOutSerializer(serializers.Serializer):
    code = serializers.CharField(source="version.definition.code")
    title = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        source="version.version", help_text="The version this case follows (kept when newer ones load)."
    )
    started_at = serializers.DateTimeField()
    started_by_event = serializers.CharField()
    steps = StepOutSerializer(source="step_list", many=True)

    @extend_schema_field(serializers.CharField(help_text="In the language of the request."))
    def get_title(self, cp) -> str:
        return text(cp.version.body["title"])


class StepDoneSerializer(serializers.Serializer):
    evidence = serializers.CharField(
        allow_blank=True,
        help_text="What shows the step is done, e.g. “minutes of the meeting of 12.03, signed, in the paper file”.",
    )
    at = serializers.DateTimeField(
        required=False, help_text="When it was done; default now. Not in the future."
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The step's version you read; stale → 409."
    )


class StepNotApplicableSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the step does not apply to this case, in a full sentence."
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The step's version you read; stale → 409."
    )


class CaseEventCreateSerializer(serializers.Serializer):
    event = serializers.ChoiceField(
        choices=list(MANUAL_EVENTS),
        help_text="crisis_identified: the team identified a need for crisis intervention; "
        "service_started: the child started using a social service.",
    )
    at = serializers.DateTimeField(required=False, help_text="When it happened; default now.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


# --- my work --------------------------------------------------------------------------------------


class WorkCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    child = ChildRefSerializer()


class WorkItemSerializer(serializers.Serializer):
    """One open step in a work list (a ``WorkItem``: the step with its compliance state)."""

    id = serializers.IntegerField(source="step.id", help_text="The step's id.")
    case = WorkCaseSerializer(source="step.case")
    protocol = serializers.CharField(source="step.case_protocol.version.definition.code")
    code = serializers.CharField(source="step.step_code")
    title = serializers.SerializerMethodField()
    owner = StepOwnerSerializer(source="step")
    due_at = serializers.DateTimeField(source="step.due_at")
    compliance = serializers.ChoiceField(
        source="state", choices=Compliance.choices, help_text="overdue, due_soon or on_track."
    )
    link = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="In the language of the request."))
    def get_title(self, item) -> str:
        return step_title(item.step)

    @extend_schema_field(serializers.CharField(help_text="The case's protocol page in the web UI."))
    def get_link(self, item) -> str:
        return reverse("protocols:case", args=[item.step.case_id])


class MyWorkOutSerializer(serializers.Serializer):
    own = WorkItemSerializer(
        many=True, help_text="Steps you owe (and, on cases you lead, steps no one in the team owns yet)."
    )
    others = WorkItemSerializer(many=True, help_text="What others owe on the cases you lead.")
    truncated = serializers.BooleanField(
        help_text="True when a list holds more than `limit` steps: only the most urgent `limit` are returned."
    )
    limit = serializers.IntegerField(help_text="The most steps returned in each list.")


# --- notifications --------------------------------------------------------------------------------


class NotificationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="e.g. case.assigned, team.added, protocol.remind, protocol.due")
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="Where it points in the web UI (a path), or empty.")
    case_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread ones")


class NotificationsReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="Which of your notifications to mark read; leave it out to mark all.",
    )


class NotificationsReadOutSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
