"""Forms of the protocol pages: they parse input; the rules live in ``engine``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.cases.forms import DATETIME_INPUT
from zaedno.protocols.engine import EVENT_LABELS, MANUAL_EVENTS

_DT_FORMATS = [DATETIME_INPUT, "%d.%m.%Y %H.%M", "%d.%m.%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _when(label, help_text):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"placeholder": _("dd.mm.yyyy hh:mm"), "autocomplete": "off"}, format=DATETIME_INPUT
        ),
        help_text=help_text,
    )


class StepDoneForm(forms.Form):
    evidence = forms.CharField(
        label=_("What shows it is done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_(
            "E.g. “minutes of the team meeting of 12.03.2026, signed by all”, or where the document is."
        ),
    )
    at = _when(
        _("Done on"), _("Leave empty for now; or the date and time it was done, e.g. 23.11.2026 14:30.")
    )
    exception_reason = forms.CharField(
        label=_("Why it is done before the step it waits for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_(
            "Only the case lead or a manager makes this exception; the reason is kept with the step."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StepNotApplicableForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this step does not apply to this case"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EventForm(forms.Form):
    event = forms.ChoiceField(
        label=_("What happened"), choices=[(e, _(EVENT_LABELS[e])) for e in MANUAL_EVENTS]
    )
    at = _when(_("When"), _("Leave empty for now."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
