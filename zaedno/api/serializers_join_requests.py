"""Input and output serializers of the join-request endpoints.

The output depends on who reads: the requester sees their own description of the child, the
lead organisation asked, the status and the decline reason — the case (id and number) only once
accepted; the deciding lead (or manager) sees the case, the child and the requester.
"""

from __future__ import annotations

from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.cases.models import Sensitivity


class JoinRequestCreateSerializer(serializers.Serializer):
    child = serializers.IntegerField(
        help_text="`child` of a likely duplicate you found with the duplicate check"
    )
    organisation = serializers.IntegerField(help_text="Your organisation you ask on behalf of")
    message = serializers.CharField(help_text="Why you ask to join: your role with the child")
    child_label = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="How you know the child (shown back to you)",
    )


class JoinRequestAcceptSerializer(serializers.Serializer):
    sharing_level = serializers.ChoiceField(
        choices=Sensitivity.choices,
        default=Sensitivity.STANDARD,
        help_text="1 basic, 2 standard, 3 sensitive",
    )


class JoinRequestDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Read by the requester: no details of the case")


class JoinRequestQuerySerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=["all", "sent", "received"], default="all", required=False)


class JoinRequestCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class JoinRequestChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class JoinRequestOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField(help_text="`requester` or `decider`: your part in this request")
    status = serializers.CharField(help_text="`pending`, `accepted`, `declined`, `withdrawn`")
    child_label = serializers.CharField()
    lead_organisation = serializers.CharField(help_text="The organisation whose case lead was asked")
    requester = UserRefSerializer()
    organisation = OrganisationRefSerializer()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    sharing_level = serializers.IntegerField(allow_null=True)
    case = JoinRequestCaseSerializer(allow_null=True, help_text="For the requester only once accepted")
    child = JoinRequestChildSerializer(allow_null=True, help_text="For the deciding lead only")
