"""Input and output serializers of the resource map's API (``/api/v1/services/``).

Inputs check only the shape; the rules of an entry (ages in order, free places within the
capacity, coordinates in Bulgaria, a sector that fits the type, a known EKATTE code) are the
services' (:func:`zaedno.resources.services.service_problems`), whose errors come back as the
same field-keyed 400.
"""

from __future__ import annotations

from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, SettlementRefSerializer
from zaedno.organisations.models import Sector
from zaedno.resources.models import Service, ServiceType
from zaedno.resources.queries import LANGUAGE_CHOICES


def _max(name: str) -> int:
    return Service._meta.get_field(name).max_length


class ServiceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = OrganisationRefSerializer()
    sector = serializers.ChoiceField(choices=Sector.choices)
    type = serializers.ChoiceField(choices=ServiceType.choices)
    type_label = serializers.CharField(
        source="get_type_display", help_text="The type in the reader's language"
    )
    description = serializers.CharField()
    target_group = serializers.CharField()
    age_min = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    free_places = serializers.IntegerField(allow_null=True)
    settlement = SettlementRefSerializer()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    contact_person = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    hours = serializers.CharField()
    eligibility = serializers.CharField()
    languages = serializers.CharField()
    cost = serializers.CharField()
    is_free = serializers.BooleanField()
    is_active = serializers.BooleanField()
    last_confirmed_on = serializers.DateField()
    stale = serializers.BooleanField(help_text="Not confirmed for more than ZAEDNO_RESOURCE_STALE_DAYS days")
    can_edit = serializers.BooleanField(
        help_text="Whether you may edit and confirm it (its organisation's member)"
    )
    version = serializers.IntegerField()


class ServiceInSerializer(serializers.Serializer):
    """An entry's fields (POST: ``name``, ``type`` and ``settlement`` required; PATCH: any)."""

    organisation = serializers.IntegerField(
        required=False,
        help_text="The organisation the entry belongs to (POST only); needed when you are in several.",
    )
    name = serializers.CharField(max_length=_max("name"))
    type = serializers.ChoiceField(choices=ServiceType.choices)
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, allow_blank=True, help_text="Empty: the type's usual sector"
    )
    description = serializers.CharField(required=False, allow_blank=True)
    target_group = serializers.CharField(required=False, allow_blank=True, max_length=_max("target_group"))
    age_min = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    age_max = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    free_places = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    settlement = serializers.RegexField(r"^\d{5}$", help_text="EKATTE code of the settlement, e.g. 10447")
    address = serializers.CharField(required=False, allow_blank=True, max_length=_max("address"))
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    contact_person = serializers.CharField(
        required=False, allow_blank=True, max_length=_max("contact_person")
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=_max("phone"))
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    hours = serializers.CharField(required=False, allow_blank=True, max_length=_max("hours"))
    eligibility = serializers.CharField(required=False, allow_blank=True)
    languages = serializers.CharField(required=False, allow_blank=True, max_length=_max("languages"))
    cost = serializers.CharField(required=False, allow_blank=True, max_length=_max("cost"))
    is_free = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class ServicePatchSerializer(ServiceInSerializer):
    version = serializers.IntegerField(help_text="The entry's version you read; a stale one is a 409.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("organisation")
        for name, f in self.fields.items():
            if name != "version":
                f.required = False  # only the fields sent are changed


class ServiceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Name or organisation, Cyrillic or Latin"
    )
    municipality = serializers.CharField(
        required=False, max_length=5, help_text="Municipality code, e.g. VTR04"
    )
    settlement = serializers.CharField(
        required=False, max_length=120, help_text="EKATTE code or part of the name"
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    type = serializers.ChoiceField(choices=ServiceType.choices, required=False)
    age = serializers.IntegerField(required=False, min_value=0, max_value=30, help_text="Age of the child")
    free_places = serializers.BooleanField(required=False, default=False, help_text="Only with free places")
    free_of_charge = serializers.BooleanField(required=False, default=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    stale = serializers.BooleanField(required=False, default=False, help_text="Only entries to re-confirm")
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only your organisations' entries, inactive ones included"
    )
