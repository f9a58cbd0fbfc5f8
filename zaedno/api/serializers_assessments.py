"""Input and output serializers of the shared assessment and difficult-case profile endpoints.

Inputs only check the shape of a request (the services hold the rules). Outputs never query the
database: the views hand them what the queries layer fetched, and what a reader may see (a
contribution above their sharing level, a sensitive indicator's note) is decided with the
caller's ``access`` in the serializer context. Enumerations are plain strings with their values
in the help text (a ChoiceField named ``status`` or ``kind`` would collide in the schema with
other enums of the same field name).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.assessments.domains import SIDE_OF, Domain
from zaedno.assessments.models import AssessmentStatus, NeedLevel
from zaedno.assessments.services import TEXT_LIMIT
from zaedno.cases.models import Sensitivity
from zaedno.organisations.models import Sector
from zaedno.profiles.models import IndicatorKind, Trigger
from zaedno.profiles.services import NOTE_LIMIT


def _values(choices) -> str:
    return ", ".join(f"`{v}`" for v in choices.values)


DOMAINS = _values(Domain)
LEVELS = _values(NeedLevel)

# --- assessments ------------------------------------------------------------------------------------


class EntrySerializer(serializers.Serializer):
    domain = serializers.CharField(help_text=f"One of {DOMAINS}.")
    strengths = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    concerns = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    needs = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    level = serializers.CharField(required=False, default=NeedLevel.NONE, help_text=f"One of {LEVELS}.")


class ContributionInSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0,
        help_text="The version of the contribution you edited; omit (or 0) to create your sector's contribution.",
    )  # fmt: skip
    sensitivity = serializers.ChoiceField(
        choices=Sensitivity.choices, required=False, allow_null=True,
        help_text="Who may read it; default sensitive for health and police, standard for the others.",
    )  # fmt: skip
    sources = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    entries = EntrySerializer(
        many=True, help_text="The domains your sector speaks about; others are left out."
    )


class ContributionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    organisation = OrganisationRefSerializer()
    author = UserRefSerializer()
    updated_by = UserRefSerializer()
    updated_at = serializers.DateTimeField()
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    version = serializers.IntegerField()
    restricted = serializers.SerializerMethodField(
        help_text="True when the contribution is above your sharing level: only that it exists is shown."
    )
    sources = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    def _visible(self, obj) -> bool:
        return self.context["access"].sees(obj.sensitivity)

    def get_restricted(self, obj) -> bool:
        return not self._visible(obj)

    def get_sources(self, obj) -> str | None:
        return obj.sources if self._visible(obj) else None

    @extend_schema_field(EntrySerializer(many=True, allow_null=True))
    def get_entries(self, obj):
        if not self._visible(obj):
            return None
        return EntrySerializer(obj.entries.all(), many=True).data


class FormulationOutSerializer(serializers.Serializer):
    hypothesis = serializers.CharField()
    maintaining = serializers.CharField()
    communicating = serializers.CharField()
    protective = serializers.CharField()
    meeting = serializers.IntegerField(source="formulation_meeting_id", allow_null=True)
    agreed_at = serializers.DateTimeField(source="formulation_agreed_at", allow_null=True)
    agreed_by = UserRefSerializer(source="formulation_agreed_by", allow_null=True)


class DomainLevelSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text=f"One of {DOMAINS}.")
    side = serializers.CharField(help_text="`child`, `parenting` or `family`.")
    level = serializers.CharField(
        help_text=f"The highest level a contribution visible to you gives: {LEVELS}."
    )


class AssessmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(
        help_text="The version number of the assessment on this case (1, 2, …)."
    )
    status = serializers.CharField(help_text=f"One of {_values(AssessmentStatus)}.")
    started_at = serializers.DateTimeField()
    started_by = UserRefSerializer()
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = UserRefSerializer(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
    formulation_agreed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="For optimistic concurrency (formulation, completion).")


class AssessmentListItemSerializer(AssessmentSummarySerializer):
    contribution_count = serializers.IntegerField()


class AssessmentOutSerializer(AssessmentSummarySerializer):
    contributions = serializers.SerializerMethodField()
    domains = serializers.SerializerMethodField()
    formulation = serializers.SerializerMethodField(help_text="Null below the standard sharing level.")

    @extend_schema_field(ContributionOutSerializer(many=True))
    def get_contributions(self, obj):
        matrix = self.context["matrix"]
        return ContributionOutSerializer(
            [c for c, _v in matrix.contributions], many=True, context=self.context
        ).data

    @extend_schema_field(DomainLevelSerializer(many=True))
    def get_domains(self, obj):
        matrix = self.context["matrix"]
        rows = [r for block in matrix.sides for r in block.rows if r.level]
        return DomainLevelSerializer(
            [{"domain": r.domain, "side": SIDE_OF[r.domain], "level": r.level} for r in rows], many=True
        ).data

    @extend_schema_field(FormulationOutSerializer(allow_null=True))
    def get_formulation(self, obj):
        if not self.context["matrix"].sees_formulation:
            return None
        return FormulationOutSerializer(obj).data


class FormulationInSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    hypothesis = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    maintaining = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    communicating = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    protective = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    meeting = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="The held meeting of this case at which the formulation was agreed (case lead or manager).",
    )  # fmt: skip


class VersionInSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


# --- profiles ---------------------------------------------------------------------------------------


class BilingualSerializer(serializers.Serializer):
    bg = serializers.CharField()
    en = serializers.CharField()


class CriterionOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    rule = serializers.CharField()
    params = serializers.DictField()
    label = BilingualSerializer()
    description = BilingualSerializer()


class CriteriaOutSerializer(serializers.Serializer):
    version = serializers.CharField()
    date = serializers.DateField()
    threshold = serializers.IntegerField(
        help_text="A case is a difficult case when it meets at least this many."
    )
    title = serializers.DictField(child=serializers.CharField())
    criteria = CriterionOutSerializer(many=True)


class CriterionStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    why = serializers.CharField()
    facts = serializers.ListField(
        child=serializers.CharField(),
        help_text="e.g. `domain:health`, `sector:police`, `indicator:…`, `signal:…`.",
    )


class ProfileChangeOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    trigger = serializers.CharField(help_text=f"One of {_values(Trigger)}.")
    flagged = serializers.BooleanField()
    flag_changed = serializers.BooleanField()
    criteria_met = serializers.ListField(child=serializers.CharField())
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    actor = UserRefSerializer(allow_null=True)
    criteria_version = serializers.CharField()


class IndicatorOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=f"One of {_values(IndicatorKind)}.")
    note = serializers.SerializerMethodField(help_text="Null when the note is above your sharing level.")
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    recorded_at = serializers.DateTimeField()
    recorded_by = UserRefSerializer()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = UserRefSerializer(allow_null=True)
    withdraw_note = serializers.CharField()

    def get_note(self, obj) -> str | None:
        access = self.context["access"]
        return obj.note if access.sees(obj.sensitivity) or obj.recorded_by_id == access.user.pk else None


class ProfileOutSerializer(serializers.Serializer):
    flagged = serializers.BooleanField()
    flagged_since = serializers.DateTimeField(allow_null=True)
    threshold = serializers.IntegerField()
    criteria_version = serializers.CharField()
    refreshed_at = serializers.DateTimeField()
    criteria = CriterionStateSerializer(many=True)
    history = ProfileChangeOutSerializer(many=True)
    indicators = IndicatorOutSerializer(many=True)


class IndicatorInSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=f"One of {_values(IndicatorKind)}.")
    note = serializers.CharField(max_length=NOTE_LIMIT)


class IndicatorWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_LIMIT, help_text="Why the indicator no longer holds.")
