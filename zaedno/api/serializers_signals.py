"""Input and output serializers of the signals API and of the case lead (zaedno/api/views/signals.py).

One output for a signal, filled as far as the reader may see it (``signals.access.SignalAccess``):
the department sees it all; an informed institution sees what happened but never who reported;
the reporter sees what they reported and its state, never the check or the case; a case team
member sees it up to their sharing level. Fields the reader may not see are ``null``.
"""

from __future__ import annotations

from rest_framework import serializers

from zaedno.accounts.models import User
from zaedno.api.serializers import (
    OrganisationRefSerializer,
    SettlementField,
    UserRefSerializer,
    VisibleChildField,
)
from zaedno.api.serializers_referrals import _inline_choice
from zaedno.cases.models import HandoverKind, HandoverStatus, Sensitivity
from zaedno.children.models import Sex
from zaedno.organisations.models import Institution, Organisation
from zaedno.resources.models import Service
from zaedno.signals.choices import (
    Decision,
    LearnedHow,
    ReporterKind,
    SignalCategory,
    SignalKind,
    SignalStatus,
    Urgency,
)
from zaedno.signals.models import RouteStatus

SignalKindField = _inline_choice(SignalKind, "A signal, or a request of the municipal child commission.")
SignalCategoryField = _inline_choice(SignalCategory, "What the signal is about.")
SignalUrgencyField = _inline_choice(Urgency, "routine, urgent, or crisis intervention needed.")
SignalStatusField = _inline_choice(SignalStatus, "unrouted → received → checking → decided.")
DecisionField = _inline_choice(Decision, "open_case, attach (to the child's open case) or no_case.")
ReporterKindField = _inline_choice(ReporterKind, "Who reported.")
LearnedHowField = _inline_choice(LearnedHow, "How the reporter learned of it.")
InstitutionField = _inline_choice(Institution, "ОЗД, the police or ДАЗД.")
RouteStatusField = _inline_choice(RouteStatus, "informed, or could not be informed.")
HandoverStatusField = _inline_choice(HandoverStatus, "pending → accepted / declined / withdrawn.")
HandoverKindField = _inline_choice(HandoverKind, "handover by the lead, or reassignment by a manager.")


# --- input --------------------------------------------------------------------------------------


class SignalChildInSerializer(serializers.Serializer):
    """The child as the reporter knows them (when not a registered child you can see)."""

    first_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    middle_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    age = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=17)
    sex = serializers.ChoiceField(
        choices=[("", ""), *Sex.choices], required=False, allow_blank=True, default=""
    )
    egn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    settlement = SettlementField(required=False, allow_null=True, default=None, help_text="EKATTE code")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    school = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SignalReporterInSerializer(serializers.Serializer):
    kind = ReporterKindField(required=False, default="professional")
    is_me = serializers.BooleanField(
        required=False,
        default=True,
        help_text="A professional reports it themself (you); false: one who told you.",
    )
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text="Yours when you report it yourself (default: your first organisation).",
    )  # fmt: skip


class SignalCreateSerializer(serializers.Serializer):
    kind = SignalKindField(required=False, default="report")
    category = SignalCategoryField()
    description = serializers.CharField(help_text="What happened, as told.")
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Default: now."
    )
    occurred = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    learned_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    learned_how = LearnedHowField(required=False, allow_blank=True, default="")
    urgency = SignalUrgencyField(required=False, default="routine")
    immediate_danger = serializers.BooleanField(required=False, default=False)
    child_id = VisibleChildField(
        required=False, allow_null=True, default=None, help_text="A registered child you can see."
    )
    child = SignalChildInSerializer(required=False, default=dict)
    reporter = SignalReporterInSerializer(required=False, default=dict)


class AssignInSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text="A professional of the department; default: you.",
    )  # fmt: skip


class CheckInSerializer(serializers.Serializer):
    actions = serializers.CharField(allow_blank=True, help_text="What was done.")
    findings = serializers.CharField(allow_blank=True)
    checked_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Default: now."
    )


class LinkChildInSerializer(serializers.Serializer):
    child = serializers.IntegerField(help_text="A child you can see, or one your duplicate check found.")


class DecideInSerializer(serializers.Serializer):
    decision = DecisionField()
    lead = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text="open_case: the case lead, a professional of the department (default: you).",
    )  # fmt: skip
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    add_reporter = serializers.BooleanField(
        required=False, default=True, help_text="open_case: add the reporting professional to the team."
    )
    reporter_level = serializers.ChoiceField(
        choices=Sensitivity.choices, required=False, default=Sensitivity.STANDARD
    )
    case = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="attach: which open case."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="no_case: why.")
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text="no_case: a community service suggested, from the resource map.",
    )  # fmt: skip
    reporter_note = serializers.CharField(required=False, allow_blank=True, default="")


class ForwardInSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_active=True))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class IncomingQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("open", "open"), ("decided", "decided")], required=False, default="open"
    )


class LeadInSerializer(serializers.Serializer):
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    to_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text="The organisation the new lead leads from (default: the first of theirs the protocol allows).",
    )  # fmt: skip
    reason = serializers.CharField(allow_blank=True)
    reassign = serializers.BooleanField(
        required=False, default=False,
        help_text="A manager of the lead organisation: give the case to one of its professionals at once.",
    )  # fmt: skip


class AnswerInSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to decline."
    )


class DeputyInSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, help_text="null: no deputy."
    )


# --- output -------------------------------------------------------------------------------------


class SignalRouteOutSerializer(serializers.Serializer):
    institution = InstitutionField()
    organisation = OrganisationRefSerializer(allow_null=True)
    status = RouteStatusField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class SignalChildOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The registered child, once linked (department)."
    )
    name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    settlement = serializers.CharField(allow_null=True, help_text="EKATTE code")
    address = serializers.CharField(allow_null=True)
    school = serializers.CharField(allow_null=True)


class SignalReporterOutSerializer(serializers.Serializer):
    kind = ReporterKindField()
    name = serializers.CharField()
    contact = serializers.CharField()
    organisation = OrganisationRefSerializer(allow_null=True)


class SignalCheckOutSerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField()
    actions = serializers.CharField()
    findings = serializers.CharField()


class SignalCaseRefOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class SignalDecisionOutSerializer(serializers.Serializer):
    decision = DecisionField()
    decided_at = serializers.DateTimeField()
    case = SignalCaseRefOutSerializer(allow_null=True, help_text="Only when you may see the case.")
    reason = serializers.CharField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    reporter_note = serializers.CharField()


class SignalAccessOutSerializer(serializers.Serializer):
    via = serializers.ChoiceField(choices=["department", "case", "informed", "reporter"])
    can_assign = serializers.BooleanField()
    can_work = serializers.BooleanField(help_text="Check, link the child, decide.")
    can_forward = serializers.BooleanField()


class SignalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = SignalKindField()
    category = SignalCategoryField()
    status = SignalStatusField()
    reporter_state = serializers.CharField(
        help_text="What the reporter is told: unrouted, received, checking, open_case, attach, no_case."
    )
    received_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    urgency = SignalUrgencyField()
    immediate_danger = serializers.BooleanField()
    recipient = OrganisationRefSerializer(allow_null=True)
    routes = SignalRouteOutSerializer(many=True)
    child = SignalChildOutSerializer()
    description = serializers.CharField(allow_null=True)
    occurred = serializers.CharField(allow_null=True)
    learned_how = serializers.CharField(allow_null=True)
    learned_at = serializers.DateTimeField(allow_null=True)
    reporter = SignalReporterOutSerializer(
        allow_null=True, help_text="Only the department and the sensitive level."
    )
    assigned_to = UserRefSerializer(allow_null=True)
    assign_due_at = serializers.DateTimeField(allow_null=True)
    check_due_at = serializers.DateTimeField(allow_null=True)
    informed_due_at = serializers.DateTimeField(allow_null=True)
    informed_at = serializers.DateTimeField(allow_null=True)
    check = SignalCheckOutSerializer(allow_null=True)
    decision = SignalDecisionOutSerializer(allow_null=True)
    access = SignalAccessOutSerializer()


def signal_out(access, *, case_visible: bool) -> dict:
    """The signal as ``access`` lets its reader see it (fields they may not see are None)."""
    s = access.signal
    reporter_view = access.via == "reporter"
    content = access.sees_content
    out = {
        "id": s.pk, "number": s.number, "kind": s.kind, "category": s.category, "status": s.status,
        "reporter_state": s.reporter_state, "received_at": s.received_at, "recorded_at": s.recorded_at,
        "urgency": s.urgency, "immediate_danger": s.immediate_danger, "recipient": s.recipient,
        "routes": list(s.routes.all()),
        "child": {
            "id": s.child_id if not reporter_view else None, "name": s.child_name, "birth_date": s.child_birth_date,
            "age": s.child_age, "sex": s.child_sex, "settlement": s.child_settlement_id,
            "address": s.child_address if content else None, "school": s.child_school if content else None,
        },
        "description": s.description if content else None,
        "occurred": s.occurred if content else None,
        "learned_how": s.learned_how if content else None,
        "learned_at": s.learned_at if content else None,
        "reporter": {
            "kind": s.reporter_kind, "name": s.reporter_name, "contact": s.reporter_contact,
            "organisation": s.reporter_organisation,
        } if access.sees_reporter else None,
        "assigned_to": s.assigned_to if not reporter_view else None,
        "assign_due_at": s.assign_due_at, "check_due_at": s.check_due_at,
        "informed_due_at": s.informed_due_at, "informed_at": s.informed_at,
        "check": {"checked_at": s.checked_at, "actions": s.check_actions, "findings": s.check_findings}
        if access.sees_check and s.checked_at else None,
        "decision": {
            "decision": s.decision, "decided_at": s.decided_at,
            "case": {"id": s.case_id, "number": s.case.number} if case_visible and s.case_id else None,
            "reason": s.decision_reason if access.sees_check else None,
            "service": s.redirected_to_id, "reporter_note": s.reporter_note,
        } if s.decided_at else None,
        "access": {
            "via": access.via, "can_assign": access.can_assign, "can_work": access.can_work,
            "can_forward": access.can_forward,
        },
    }  # fmt: skip
    return SignalOutSerializer(out).data


class SignalListItemSerializer(serializers.Serializer):
    """A row of a list: no child's name, no content (open the signal to read it, audited)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = SignalKindField()
    category = SignalCategoryField()
    status = SignalStatusField()
    reporter_state = serializers.CharField()
    received_at = serializers.DateTimeField()
    urgency = SignalUrgencyField()
    immediate_danger = serializers.BooleanField()
    recipient = OrganisationRefSerializer(allow_null=True)
    assign_due_at = serializers.DateTimeField(allow_null=True)
    check_due_at = serializers.DateTimeField(allow_null=True)
    informed_at = serializers.DateTimeField(allow_null=True)


class IncomingItemSerializer(SignalListItemSerializer):
    """A row of the department's queue: the child as reported (the department may see it)."""

    child_name = serializers.CharField()
    assigned_to = UserRefSerializer(allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class HandoverOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    kind = HandoverKindField()
    status = HandoverStatusField()
    from_user = UserRefSerializer()
    to_user = UserRefSerializer()
    to_organisation = OrganisationRefSerializer()
    reason = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()


class LeadOutSerializer(serializers.Serializer):
    lead = UserRefSerializer()
    lead_organisation = OrganisationRefSerializer()
    deputy = UserRefSerializer(allow_null=True)
    pending = HandoverOutSerializer(allow_null=True)
