"""Input and output serializers of the referrals API (see zaedno/api/views/referrals.py).

Two outputs: the case team's view (``ReferralOutSerializer``: the case id, the shared sections up
to the reader's sharing level) and the receiving organisation's view
(``IncomingReferralOutSerializer``: the referral and its snapshot, nothing else of the case).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import UserRefSerializer
from zaedno.cases.models import Sensitivity
from zaedno.referrals.models import LegalBasis, ReferralStatus, SharedSection, Urgency


def _inline_choice(choices_cls, description: str):
    """A choice field whose enum stays inline in the schema (wrapped in ``allOf``), so it does not
    collide with the other apps' fields of the same name ("status", "urgency")."""

    @extend_schema_field(
        {"allOf": [{"type": "string", "enum": list(choices_cls.values)}], "description": description}
    )
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices_cls.choices, **kwargs)

    Field.__name__ = f"{choices_cls.__name__}Field"
    return Field


ReferralStatusField = _inline_choice(ReferralStatus, "sent → accepted / declined / withdrawn → completed.")
UrgencyField = _inline_choice(
    Urgency, "routine (10 working days), urgent (3 working days), emergency (24 h)."
)
LegalBasisField = _inline_choice(LegalBasis, "Consent of the parent or guardian, or a legal basis.")
SectionField = _inline_choice(SharedSection, "A part of the case shared with the service.")


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")


class OrganisationNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SharedItemSerializer(serializers.Serializer):
    label = serializers.CharField()
    text = serializers.CharField()


class SharedSectionOutSerializer(serializers.Serializer):
    section = SectionField()
    title = serializers.CharField(help_text="In the default language, as sent.")
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    items = SharedItemSerializer(many=True)


class ReferralCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="An active service on the resource map.")
    reason = serializers.CharField(allow_blank=True)
    urgency = UrgencyField()
    sections = serializers.ListField(child=SectionField(), required=False, default=list)
    legal_basis = LegalBasisField()
    consent_given_by = serializers.CharField(required=False, allow_blank=True, default="")
    consent_given_on = serializers.DateField(required=False, allow_null=True, default=None)
    sharing_level = serializers.ChoiceField(
        choices=Sensitivity.choices, required=False, default=Sensitivity.STANDARD,
        help_text="The sharing level of the professional who takes the child on (not above yours).",
    )  # fmt: skip
    response_due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Omit for the default of the urgency."
    )


class ReasonInSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class OutcomeInSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True, required=False, default="")


class AcceptInSerializer(serializers.Serializer):
    professional = serializers.IntegerField(
        help_text="A professional of the receiving organisation: they join the team around the child."
    )


class _ReferralBaseOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = ServiceRefSerializer()
    status = ReferralStatusField()
    urgency = UrgencyField()
    sent_at = serializers.DateTimeField()
    sent_by = UserRefSerializer()
    sent_by_organisation = OrganisationNameSerializer()
    response_due_at = serializers.DateTimeField()
    overdue = serializers.SerializerMethodField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    legal_basis = LegalBasisField()
    consent_given_by = serializers.CharField()
    consent_given_on = serializers.DateField(allow_null=True)
    sharing_level = serializers.ChoiceField(choices=Sensitivity.choices)
    sections = serializers.ListField(child=SectionField())
    answered_at = serializers.DateTimeField(allow_null=True)
    professional = UserRefSerializer(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, referral) -> bool:
        return referral.is_overdue(self.context["now"])


class ReferralOutSerializer(_ReferralBaseOutSerializer):
    """The case team's view; texts and shared sections up to the reader's sharing level."""

    case = serializers.IntegerField(source="case_id")
    reason = serializers.SerializerMethodField(help_text="null below the standard sharing level.")
    decline_reason = serializers.SerializerMethodField()
    withdraw_reason = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField(help_text="The snapshot sent, up to your sharing level.")

    def _text(self, value):
        return value if self.context["sees_text"] else None

    def get_reason(self, r) -> str | None:
        return self._text(r.reason)

    def get_decline_reason(self, r) -> str | None:
        return self._text(r.decline_reason)

    def get_withdraw_reason(self, r) -> str | None:
        return self._text(r.withdraw_reason)

    def get_outcome(self, r) -> str | None:
        return self._text(r.outcome)

    @extend_schema_field(SharedSectionOutSerializer(many=True))
    def get_shared(self, r):
        from zaedno.referrals.sections import visible_snapshot

        return visible_snapshot(r.snapshot, self.context["level"])


class IncomingReferralOutSerializer(_ReferralBaseOutSerializer):
    """The receiving organisation's view: the referral and what was shared, nothing else of the case."""

    reason = serializers.CharField()
    decline_reason = serializers.CharField()
    shared = SharedSectionOutSerializer(source="snapshot", many=True)
