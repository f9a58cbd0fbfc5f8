"""Forms of the referral pages (validation of shapes only; the rules live in ``services``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Sensitivity
from zaedno.core.translit import search_key
from zaedno.meetings.forms import date_field
from zaedno.referrals.models import SECTION_SENSITIVITY, LegalBasis, SharedSection, Urgency
from zaedno.resources.models import Service

# An answer deadline given as a date means the end of that working day.
END_OF_DAY = dt.time(18, 0)


def service_choices(query: str = ""):
    """Active services on the map, searched by name, organisation, type or settlement."""
    qs = Service.objects.filter(is_active=True).select_related("organisation", "settlement")
    # The map's search key (name and organisation, Cyrillic or Latin, see zaedno.core.translit),
    # every word; or the settlement's name.
    for word in (query or "").split()[:6]:
        qs = qs.filter(Q(search_key__contains=search_key(word)) | Q(settlement__name__icontains=word))
    return qs.order_by("name", "id")


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.organisation}, {obj.settlement.name} ({obj.get_type_display()})"


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a service"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, organisation, settlement")}),
    )  # fmt: skip


class SendForm(forms.Form):
    service = ServiceChoiceField(label=_("Service"), queryset=Service.objects.none())
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the child needs this service and what you ask it to do."),
    )  # fmt: skip
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    sections = forms.MultipleChoiceField(
        label=_("Information shared with the service"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The service sees only these parts, as they are now, until it accepts the child."),
    )  # fmt: skip
    legal_basis = forms.ChoiceField(
        label=_("Consent or legal basis for sharing"), choices=[("", "—")] + list(LegalBasis.choices)
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by"), required=False, max_length=150,
        help_text=_("With consent: the parent's or guardian's name and relation to the child."),
    )  # fmt: skip
    consent_given_on = date_field(_("Consent given on"), required=False)
    sharing_level = forms.TypedChoiceField(
        label=_("Sharing level of the professional who takes the child on"), coerce=int,
        initial=Sensitivity.STANDARD,
    )  # fmt: skip
    response_due_on = date_field(_("Answer needed by"), required=False)

    def __init__(self, *args, access, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["sections"].choices = [
            (s.value, f"{s.label} ({Sensitivity(SECTION_SENSITIVITY[s]).label})")
            for s in SharedSection
            if access.sees(SECTION_SENSITIVITY[s])
        ]
        self.fields["sharing_level"].choices = [(v, lbl) for v, lbl in Sensitivity.choices if access.sees(v)]
        self.fields["response_due_on"].help_text = _(
            "Leave empty for the default: 24 hours for an emergency, 3 working days if urgent, 10 otherwise."
        )

    def response_due_at(self):
        day = self.cleaned_data.get("response_due_on")
        if not day:
            return None
        return timezone.make_aware(dt.datetime.combine(day, END_OF_DAY))


class AcceptForm(forms.Form):
    professional = forms.ModelChoiceField(
        label=_("Who will work with the child"), queryset=None,
        help_text=_("They join the team around the child and see the case at the level the sender chose."),
    )  # fmt: skip

    def __init__(self, *args, professionals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = professionals


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the service cannot take the child"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the referral is withdrawn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the service did with the child and what changed."),
    )  # fmt: skip
