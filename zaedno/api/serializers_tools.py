"""Input and output serializers of the discussion tools' API (see zaedno/api/views/tools.py).

A tool's ``data`` is an object whose fields depend on its kind; its shape is checked by the
tool's own forms in the service (``zaedno.tools.kinds``), and errors come back keyed
``data.<field>`` or ``data.<list>.<row>.<field>``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import UserRefSerializer
from zaedno.cases.models import Sensitivity
from zaedno.tools.models import ToolKind

DATA_HELP = (
    "The tool's fields: an object whose keys depend on `kind` (lists of people are lists of "
    "objects, e.g. `rows`, `people`, `supporters`, `ratings`). See the tool forms in the web UI."
)


@extend_schema_field(OpenApiTypes.OBJECT)
class ToolDataField(serializers.JSONField):
    """An object; its fields are checked by the tool's forms."""


@extend_schema_field(
    {"allOf": [{"type": "string", "enum": list(ToolKind.values)}], "description": "The tool."}
)
class ToolKindField(serializers.ChoiceField):
    """A tool kind. Its enum is kept inline (wrapped in ``allOf``) so the schema's enum naming
    does not collide with the other apps' fields named "kind" (no ENUM_NAME_OVERRIDES entry
    needed in the settings)."""

    def __init__(self, **kwargs):
        super().__init__(choices=ToolKind.choices, **kwargs)


class ToolVersionSummaryOutSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    author = UserRefSerializer()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    restricted = serializers.SerializerMethodField(
        help_text="True when the version is above your sharing level: it exists, its content is not given."
    )

    def get_restricted(self, version) -> bool:
        return not self.context["access"].sees(version.sensitivity)


class ToolVersionOutSerializer(ToolVersionSummaryOutSerializer):
    data = serializers.SerializerMethodField(help_text="null when `restricted`.")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, version):
        return version.data if self.context["access"].sees(version.sensitivity) else None


class ToolListItemOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = ToolKindField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = UserRefSerializer()
    version = serializers.IntegerField(help_text="The number of the latest version.")
    latest = ToolVersionSummaryOutSerializer()


class ToolDetailOutSerializer(ToolListItemOutSerializer):
    latest = ToolVersionOutSerializer()
    versions = ToolVersionSummaryOutSerializer(
        source="versions_list", many=True, help_text="Every version, oldest first."
    )


class ToolCreateSerializer(serializers.Serializer):
    kind = ToolKindField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    data = ToolDataField(help_text=DATA_HELP)
    meeting = serializers.IntegerField(required=False, allow_null=True, help_text="A meeting of this case.")
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, default=Sensitivity.STANDARD)


class ToolVersionCreateSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=1, help_text="The version you started from (the latest when you read it); 409 if stale."
    )
    data = ToolDataField(help_text=DATA_HELP)
    meeting = serializers.IntegerField(required=False, allow_null=True, help_text="A meeting of this case.")
    sensitivity = serializers.ChoiceField(
        choices=Sensitivity.choices, required=False, help_text="Without it, the latest version's is kept."
    )
