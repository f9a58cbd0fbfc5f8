"""Forms of the child pages; identity rules (ЕГН, ЛНЧ) are checked by ``children.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.children.models import Relationship, Sex
from zaedno.places.forms import SettlementChoiceMixin
from zaedno.places.models import Settlement

DATE_INPUT = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y"]


class ChildForm(SettlementChoiceMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=60)
    middle_name = forms.CharField(label=_("Middle name"), max_length=60, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=60)
    birth_date = forms.DateField(
        label=_("Birth date"),
        input_formats=DATE_INPUT,
        # A text field, not type=date: the browser would show its own locale's order, and the
        # dates in Zaedno are always dd.mm.yyyy.
        widget=forms.DateInput(
            attrs={"placeholder": _("dd.mm.yyyy"), "autocomplete": "off"},
            format="%d.%m.%Y",
        ),
        error_messages={"invalid": _("Enter the date as dd.mm.yyyy.")},
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    egn = forms.CharField(
        label=_("ЕГН"),
        max_length=20,
        required=False,
        help_text=_("10 digits. Leave empty if the child has none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    lnch = forms.CharField(
        label=_("ЛНЧ"),
        max_length=20,
        required=False,
        help_text=_("For foreign children, if they have one."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    settlement = forms.ModelChoiceField(
        label=_("Settlement"),
        queryset=Settlement.objects.select_related("municipality"),
        to_field_name="ekatte",
        required=False,
        error_messages={"invalid_choice": _("Choose the settlement from the list.")},
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, with_identifiers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_identifiers:
            # Who may not see the full ЕГН may not change it either.
            del self.fields["egn"]
            del self.fields["lnch"]


class ChildEditForm(ChildForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RelativeForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    relationship = forms.ChoiceField(label=_("Relationship to the child"), choices=Relationship.choices)
    has_parental_rights = forms.BooleanField(label=_("Holds parental rights"), required=False)
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    source = forms.TypedChoiceField(
        label=_("The duplicate record to merge into this one"), coerce=int, widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the likely duplicates listed.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("How you confirmed that it is the same child"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the two case leads compared the birth certificate. Kept in the audit."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm that both records are the same child. Its cases, relatives and identifiers move to this record."
        ),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(choices)
