"""Input and output serializers of the REST API v1, one pair per endpoint.

Input serializers only check the shape of a request (types, choices, references that the caller
may use); every domain rule lives in the services, whose ``ValidationError`` is turned into the
same field-keyed 400 by :mod:`zaedno.api.errors`. Output serializers are read-only and never
call the database themselves: views hand them what the queries layer already fetched.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.accounts.models import Profession, Role, User
from zaedno.cases.models import CaseStatus, NoteSection, Sensitivity, SignalCategory, TeamRole, TimelineKind
from zaedno.children.models import Sex
from zaedno.children.queries import visible_children
from zaedno.organisations.models import Organisation, OrganisationKind, Sector
from zaedno.places.models import Municipality, Settlement
from zaedno.signals.choices import ReporterKind, Urgency

# --- errors (for the schema) ----------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable code: invalid, not_found, conflict, …")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages keyed by input field (400), or the fields someone else changed (409).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ConflictChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    yours = serializers.CharField()
    theirs = serializers.CharField()


class ConflictBodySerializer(ErrorBodySerializer):
    current_version = serializers.IntegerField()
    changes = ConflictChangeSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    error = ConflictBodySerializer()


# --- small references -----------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    profession = serializers.ChoiceField(choices=Profession.choices)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    sector = serializers.ChoiceField(choices=Sector.choices)


class MunicipalityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SettlementRefSerializer(serializers.Serializer):
    ekatte = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    municipality = serializers.CharField(source="municipality_id", help_text="Municipality code")


class ChildRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)


# --- directory: organisations, professionals, me --------------------------------------------


class OrganisationOutSerializer(OrganisationRefSerializer):
    municipality = MunicipalityRefSerializer()
    phone = serializers.CharField()
    email = serializers.CharField()


class OrganisationQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Part of the name")
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    municipality = serializers.CharField(required=False, max_length=5, help_text="Municipality code")


class MembershipOutSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)


class ProfessionalOutSerializer(UserRefSerializer):
    memberships = serializers.SerializerMethodField()

    @extend_schema_field(MembershipOutSerializer(many=True))
    def get_memberships(self, user) -> list:
        # Prefetched by the view as ``active_memberships``.
        return MembershipOutSerializer(user.active_memberships, many=True).data


class ProfessionalQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Part of the name")
    organisation = serializers.IntegerField(required=False, help_text="Organisation id")


class MeOutSerializer(ProfessionalOutSerializer):
    email = serializers.CharField()
    can_break_glass = serializers.BooleanField(help_text="May request emergency access to a case.")


# --- children -------------------------------------------------------------------------------


class ChildOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()
    name_latin = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    egn = serializers.CharField(
        allow_null=True,
        help_text="Masked (******1234) in lists, and in the detail below the sensitive level.",
    )
    lnch = serializers.CharField(allow_null=True, help_text="Masked as the ЕГН.")
    settlement = SettlementRefSerializer(allow_null=True)
    address = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()


class ChildCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    opened_at = serializers.DateTimeField()


class ChildDetailOutSerializer(ChildOutSerializer):
    cases = ChildCaseRefSerializer(many=True, help_text="The child's cases that you may see.")


class ChildQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Name (Cyrillic or Latin) or ЕГН/ЛНЧ"
    )


class SettlementField(serializers.SlugRelatedField):
    """A settlement by its EKATTE code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="ekatte", queryset=Settlement.objects.all(), **kwargs)


class ChildCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=60)
    middle_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=60)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    egn = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        help_text="ЕГН, if the child has one",
    )
    lnch = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20, help_text="ЛНЧ, for foreigners"
    )
    settlement = SettlementField(required=False, allow_null=True, help_text="EKATTE code")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChildUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed; ``version`` is the one you read."""

    version = serializers.IntegerField(min_value=1)
    first_name = serializers.CharField(max_length=60, required=False)
    middle_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=60, required=False)
    birth_date = serializers.DateField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    egn = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    lnch = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    settlement = SettlementField(required=False, allow_null=True, help_text="EKATTE code")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- cases ----------------------------------------------------------------------------------


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    child = ChildRefSerializer()
    lead = UserRefSerializer()
    lead_organisation = OrganisationRefSerializer()
    municipality = MunicipalityRefSerializer()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    team_size = serializers.IntegerField(help_text="Active members of the team")


class CaseQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Child's name (Cyrillic or Latin), ЕГН/ЛНЧ, or case number",
    )
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)


class CaseOutSerializer(serializers.Serializer):
    """The case without its sections: returned by writes."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    status_reason = serializers.CharField()
    child = ChildRefSerializer()
    lead = UserRefSerializer()
    lead_organisation = OrganisationRefSerializer()
    municipality = MunicipalityRefSerializer()
    summary = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()


class TeamMemberOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = UserRefSerializer()
    organisation = OrganisationRefSerializer()
    role = serializers.ChoiceField(choices=TeamRole.choices)
    sharing_level = serializers.ChoiceField(choices=Sensitivity.choices)
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)
    leave_reason = serializers.CharField()
    is_active = serializers.BooleanField()


class CaseSignalOutSerializer(serializers.Serializer):
    """A signal of the case as the reader may see it (``signals.queries.CaseSignal``)."""

    id = serializers.IntegerField(source="signal.id")
    number = serializers.CharField(source="signal.number")
    category = serializers.ChoiceField(choices=SignalCategory.choices, source="signal.category")
    source_sector = serializers.CharField(
        source="signal.source_sector", help_text="The reporting sector, or empty."
    )
    received_at = serializers.DateTimeField(source="signal.received_at")
    decision = serializers.CharField(source="signal.decision")
    reporter_kind = serializers.SerializerMethodField(
        help_text="Only at the sensitive sharing level; null otherwise."
    )
    reporter_name = serializers.SerializerMethodField(
        help_text="Only at the sensitive sharing level; null otherwise."
    )
    reporter_organisation = serializers.SerializerMethodField(
        help_text="Only at the sensitive sharing level; null otherwise."
    )
    description = serializers.SerializerMethodField(
        help_text="Only at the sensitive sharing level; null otherwise."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_kind(self, item):
        return item.signal.reporter_kind if item.sees_reporter else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_name(self, item):
        return item.signal.reporter_name if item.sees_reporter else None

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_reporter_organisation(self, item):
        org = item.signal.reporter_organisation
        return OrganisationRefSerializer(org).data if item.sees_reporter and org else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_description(self, item):
        return item.signal.description if item.sees_content else None


class NoteOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    section = serializers.ChoiceField(choices=NoteSection.choices)
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    text = serializers.CharField()
    author = UserRefSerializer()
    created_at = serializers.DateTimeField()


class AccessOutSerializer(serializers.Serializer):
    via = serializers.ChoiceField(choices=["lead", "member", "manager", "break_glass"])
    level = serializers.ChoiceField(choices=Sensitivity.choices)
    can_write = serializers.BooleanField()
    can_manage_team = serializers.BooleanField()
    can_change_status = serializers.BooleanField()
    can_see_audit = serializers.BooleanField()
    emergency_expires_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_emergency_expires_at(self, access):
        grant = access.grant if access.via == "break_glass" else None
        return serializers.DateTimeField().to_representation(grant.expires_at) if grant else None


class CaseDetailOutSerializer(CaseOutSerializer):
    access = AccessOutSerializer(help_text="Your access to this case and why.")
    team = TeamMemberOutSerializer(many=True, help_text="Active members of the team.")
    signals = CaseSignalOutSerializer(many=True)
    notes = NoteOutSerializer(many=True, help_text="Notes up to your sharing level.")


@extend_schema_field(OpenApiTypes.INT)
class VisibleChildField(serializers.PrimaryKeyRelatedField):
    """A child the caller may see; any other id is answered as if it did not exist."""

    def get_queryset(self):
        return visible_children(self.context["request"].user)


class SignalInSerializer(serializers.Serializer):
    """The signal of a case opened in one step: as it came to the organisation (by phone, letter)."""

    category = serializers.ChoiceField(choices=SignalCategory.choices)
    source_sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, allow_blank=True, default=""
    )
    reporter_kind = serializers.ChoiceField(
        choices=ReporterKind.choices, required=False, default="professional"
    )
    reporter_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    reporter_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    received_at = serializers.DateTimeField()
    description = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="routine")
    immediate_danger = serializers.BooleanField(required=False, default=False)


class CaseCreateSerializer(serializers.Serializer):
    child = VisibleChildField(help_text="Id of a child you registered or can see")
    signal = SignalInSerializer()
    lead = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, help_text="Default: you"
    )
    lead_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True)
    )
    municipality = serializers.SlugRelatedField(slug_field="code", queryset=Municipality.objects.all())
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    summary = serializers.CharField(allow_blank=True)


class CaseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField()
    version = serializers.IntegerField(min_value=1)


class TeamMemberCreateSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    role = serializers.ChoiceField(
        choices=[TeamRole.MEMBER, TeamRole.CONSULTANT], required=False, default=TeamRole.MEMBER
    )
    sharing_level = serializers.ChoiceField(
        choices=Sensitivity.choices, required=False, default=Sensitivity.STANDARD
    )


class TeamMemberRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TimelineEntryOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=TimelineKind.choices)
    actor = UserRefSerializer(allow_null=True)
    summary = serializers.CharField(
        source="text", help_text="In the language of the request (Accept-Language)."
    )
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)


class NoteCreateSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=NoteSection.choices)
    text = serializers.CharField()


class AccessLogEntryOutSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_username = serializers.CharField()
    channel = serializers.CharField()
    kind = serializers.CharField(
        help_text="read, access (emergency access) or denied (a refused attempt: not in the team, no access)"
    )
    action = serializers.CharField()
    reason = serializers.CharField(
        help_text=(
            "The written reason of an emergency access; for a refused attempt, why "
            "(no_access, not_allowed, …; words in reason_label)"
        )
    )
    reason_label = serializers.SerializerMethodField()
    via = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reason_label(self, event):
        return event.denial_label if event.kind == "denied" else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_via(self, event):
        return (event.details or {}).get("via")


class EmergencyAccessCreateSerializer(serializers.Serializer):
    case_number = serializers.CharField(
        max_length=30, help_text="The exact case number, e.g. VTR04-2026-00012"
    )
    reason = serializers.CharField(
        min_length=20,
        help_text="Why you need the case now, in a full sentence (at least 20 characters); it is reviewed.",
        error_messages={
            "min_length": _("Write the reason in a full sentence (at least 20 characters): it is reviewed.")
        },
    )


class EmergencyAccessOutSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id", help_text="Case id, for /api/v1/cases/{id}/")
    case_number = serializers.CharField(source="case.number")
    granted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


# --- likely duplicates of a child (issue 5) ---------------------------------------------------


class DuplicateCheckInSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    egn = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="ЕГН (exact match)"
    )
    lnch = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="ЛНЧ (exact match)"
    )


class DuplicateContactSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Organisation to ask")
    phone = serializers.CharField()


class DuplicateCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()


class DuplicateHintOutSerializer(serializers.Serializer):
    """A likely existing record. Unless the record is visible to you, only that it exists, how it
    matches what you sent (field → how) and whom to ask: no name, case, team or address."""

    child = serializers.IntegerField(source="child_id", help_text="Id to send with a join request")
    strength = serializers.CharField(help_text="`strong` or `weak`")
    score = serializers.IntegerField(help_text="0–100, for ordering")
    fields = serializers.DictField(
        child=serializers.CharField(),
        help_text="Field → how it matched: `exact`, `spelling` (other alphabet or spelling), `similar` "
        "(one letter), `day_month_swapped`, `one_digit`",
    )
    has_open_case = serializers.BooleanField()
    contacts = DuplicateContactSerializer(
        many=True, help_text="Lead organisations of the open cases (or the registering organisation)"
    )
    visible = serializers.BooleanField(help_text="Whether you may see this child's record")
    name = serializers.CharField(help_text="Only when visible; empty otherwise")
    cases = DuplicateCaseRefSerializer(many=True, help_text="The child's cases you may see")
    can_request_join = serializers.BooleanField(help_text="An open case whose team you may ask to join")
