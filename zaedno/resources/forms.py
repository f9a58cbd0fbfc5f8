"""Forms of the resource map. ``ServiceForm`` checks one entry, from the web page or from a row
of an imported CSV/XLSX file (the import calls it per row), so it is lenient about how values
are written (a sector or type by its code or its name, "да"/"не", decimal commas) and strict
about what they mean (the rules are :func:`zaedno.resources.services.service_problems`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from zaedno.organisations.models import Sector
from zaedno.places.models import Municipality, Settlement
from zaedno.resources.models import Service, ServiceType
from zaedno.resources.queries import LANGUAGE_CHOICES
from zaedno.resources.services import SERVICE_FIELDS, TYPE_SECTORS, service_problems

YES = {"1", "true", "yes", "y", "да", "д", "x", "✓", "on"}
NO = {"0", "false", "no", "n", "не", "н", "off", "-"}
HOME_OBLAST = "VTR"
EKATTE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


_LOOKUPS: dict[tuple, dict[str, str]] = {}


def _labels(choices) -> dict[str, str]:
    """Every way to write a choice: its code, its label in English and Bulgarian, and the
    abbreviation in brackets (e.g. "ЦОП"). Built once per set of choices (the import checks
    thousands of rows)."""
    key = tuple(str(value) for value, _label in choices)
    if key not in _LOOKUPS:
        _LOOKUPS[key] = _build_labels(choices)
    return _LOOKUPS[key]


def _build_labels(choices) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for language in ("en", "bg"):
        with translation.override(language):
            for value, label in choices:
                label = str(label)
                lookup[label.casefold()] = value
                bracket = re.search(r"\(([^)]+)\)\s*$", label)
                if bracket:
                    for part in bracket.group(1).split("/"):
                        lookup.setdefault(part.strip().casefold(), value)
    for value, _label in choices:
        lookup[str(value).casefold()] = value
    return lookup


class NamedChoiceField(forms.ChoiceField):
    """A choice given by its code or by its name (in either language)."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return ""
        return _labels(self.choices).get(value.casefold(), value)


class YesNoField(forms.Field):
    """Yes or no, written any common way; empty keeps ``default``."""

    widget = forms.Select

    def __init__(self, *, default: bool, **kwargs):
        self.default = default
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.choices = [("yes", _("yes")), ("no", _("no"))]

    def prepare_value(self, value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().casefold()
        if not text:
            return self.default
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(_("Write “yes” or “no”, not “%(value)s”.") % {"value": value})


class CoordinateField(forms.DecimalField):
    """A coordinate in degrees; a decimal comma is fine (43,0812)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not a number of degrees.") % {"value": value}) from None


class SettlementField(forms.CharField):
    """A settlement by its EKATTE code (e.g. 10447 for Велико Търново); text around the code,
    as a picker shows it ("10447 гр. Велико Търново"), is fine."""

    def to_python(self, value):
        if isinstance(value, Settlement):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{int(value):05d}"  # a spreadsheet drops the leading zero of 00014
        text = super().to_python(value)
        if not text:
            return None
        match = EKATTE.search(text)
        if match:
            code = match.group(1)
        elif re.fullmatch(r"\d{1,4}", text):
            code = text.zfill(5)
        else:
            raise ValidationError(_("“%(value)s” is not an EKATTE code (five digits).") % {"value": text})
        settlement = Settlement.objects.select_related("municipality").filter(ekatte=code).first()
        if settlement is None:
            raise ValidationError(_("No settlement has the EKATTE code “%(code)s”.") % {"code": code})
        return settlement

    def prepare_value(self, value):
        if isinstance(value, Settlement):
            return f"{value.ekatte} {value}"
        return value


def _max_length(name: str) -> int | None:
    return getattr(Service._meta.get_field(name), "max_length", None)


class ServiceForm(forms.Form):
    """One entry of the resource map (the fields of ``SERVICE_FIELDS``)."""

    name = forms.CharField(max_length=_max_length("name"))
    type = NamedChoiceField(choices=ServiceType.choices)
    sector = NamedChoiceField(
        required=False,
        choices=[("", _("— the usual one for the type —"))] + list(Sector.choices),
        help_text=_("Leave empty for the usual sector of the type."),
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_group = forms.CharField(required=False, max_length=_max_length("target_group"))
    age_min = forms.IntegerField(required=False, min_value=0)
    age_max = forms.IntegerField(required=False, min_value=0)
    capacity = forms.IntegerField(required=False, min_value=0)
    free_places = forms.IntegerField(required=False, min_value=0)
    settlement = SettlementField(
        help_text=_("EKATTE code, e.g. 10447 for Veliko Tarnovo; start typing the name to pick it."),
        widget=forms.TextInput(attrs={"list": "settlements", "autocomplete": "off"}),
    )
    address = forms.CharField(required=False, max_length=_max_length("address"))
    latitude = CoordinateField(required=False, max_digits=9, decimal_places=6, help_text=_("e.g. 43.0812"))
    longitude = CoordinateField(required=False, max_digits=9, decimal_places=6, help_text=_("e.g. 25.6290"))
    contact_person = forms.CharField(required=False, max_length=_max_length("contact_person"))
    phone = forms.CharField(required=False, max_length=_max_length("phone"))
    email = forms.EmailField(required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    hours = forms.CharField(
        required=False, max_length=_max_length("hours"), help_text=_("e.g. Mon–Fri 9:00–17:00")
    )
    eligibility = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.CharField(
        required=False, max_length=_max_length("languages"), help_text=_("e.g. Bulgarian, Romani, Turkish")
    )
    cost = forms.CharField(required=False, max_length=_max_length("cost"))
    is_free = YesNoField(default=True)
    is_active = YesNoField(
        default=True, help_text=_("An inactive entry stays in the list but not on the map.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, spec in SERVICE_FIELDS.items():
            self.fields[name].label = capfirst(spec.label)

    def clean_latitude(self):
        return self._rounded("latitude")

    def clean_longitude(self):
        return self._rounded("longitude")

    def _rounded(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        try:
            return Decimal(value).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” is not a number of degrees.") % {"value": value}) from None

    def clean(self):
        data = super().clean()
        if data.get("type") and not data.get("sector"):
            data["sector"] = TYPE_SECTORS.get(data["type"], (Sector.COMMUNITY,))[0]
        values = {k: v for k, v in data.items() if k not in self.errors}
        if "settlement" in self.errors:
            values.pop("settlement", None)
        for field, messages in service_problems(values).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data


def service_initial(service: Service) -> dict:
    """The form's initial values for editing ``service``."""
    return {name: getattr(service, name) for name in SERVICE_FIELDS}


class ServiceFilterForm(forms.Form):
    """The filters of the list, the map, the export and the API."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or organisation (Cyrillic or Latin)")}),
    )  # fmt: skip
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=Municipality.objects.none(), empty_label=_("all"),
        to_field_name="code",
    )  # fmt: skip
    settlement = forms.CharField(
        label=_("Settlement"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"list": "settlements", "autocomplete": "off", "placeholder": _("EKATTE or name")}),
    )  # fmt: skip
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("all"))] + list(Sector.choices)
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("all"))] + list(ServiceType.choices)
    )
    age = forms.IntegerField(label=_("Age of the child"), required=False, min_value=0, max_value=30)
    free_places = forms.BooleanField(label=_("With free places"), required=False)
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("any"))] + LANGUAGE_CHOICES
    )
    stale = forms.BooleanField(label=_("Only entries to re-confirm"), required=False)
    mine = forms.BooleanField(label=_("My organisation's entries (with inactive ones)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Veliko Tarnovo oblast's municipalities first (where Zaedno started), then any other
        # municipality that has entries.
        with_entries = Municipality.objects.filter(settlements__services__isnull=False).values("pk")
        self.fields["municipality"].queryset = (
            Municipality.objects.filter(Q(oblast_id=HOME_OBLAST) | Q(pk__in=with_entries))
            .annotate(home=Case(When(oblast_id=HOME_OBLAST, then=Value(0)), default=Value(1)))
            .order_by("home", "name")
        )

    def filters(self) -> dict:
        """The valid filters (a wrong value in one filter leaves the others working)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data
