"""Forms of the join-request pages; the rules live in ``join_requests.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Sensitivity
from zaedno.organisations.models import Organisation


class JoinRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none())
    message = forms.CharField(
        label=_("Why you ask to join"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your role with the child and what you can bring to the team. The case lead reads it; "
            "do not write what you know about the case."
        ),
    )
    child_label = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(memberships__user=user, memberships__is_active=True).order_by(
            "name"
        )
        self.fields["organisation"].queryset = orgs
        if len(orgs) == 1:
            self.fields["organisation"].initial = orgs[0].pk


class AcceptForm(forms.Form):
    sharing_level = forms.TypedChoiceField(
        label=_("Sharing level"), choices=Sensitivity.choices, coerce=int, initial=Sensitivity.STANDARD,
        widget=forms.RadioSelect,
        help_text=_("What the new member will see of the case. Choose the lowest level the work needs."),
    )  # fmt: skip


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The professional who asked reads this reason: do not write details of the case."),
    )
