"""Forms of the profile page: record and withdraw an indicator. Rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.profiles.models import IndicatorKind
from zaedno.profiles.services import NOTE_LIMIT


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Indicator"), choices=IndicatorKind.choices)
    note = forms.CharField(
        label=_("What the team saw"), max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facts, with dates: others rely on this note. Notes about violence, crime or health are sensitive."),
    )  # fmt: skip


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why it no longer holds"), max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )
