"""What every tool version carries besides its fields: title, meeting, sensitivity, version.

The fields of each tool are in ``zaedno.tools.kinds``; these forms only parse input, the rules
live in ``zaedno.tools.services``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Sensitivity
from zaedno.tools.queries import case_meetings


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = f" — {obj.title}" if obj.title else ""
        return f"{obj.starts_at:%d.%m.%Y} · {obj.get_kind_display()}{title}"


class EnvelopeForm(forms.Form):
    """The tool's meeting and sensitivity (and its title when it is started)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Everyone in the team sees the title: keep sensitive details out of it."),
    )
    meeting = MeetingChoiceField(
        label=_("Made in the meeting"),
        queryset=None,
        required=False,
        empty_label=_("— not in a meeting —"),
    )
    sensitivity = forms.TypedChoiceField(
        label=_("Sensitivity"),
        coerce=int,
        choices=Sensitivity.choices,
        initial=Sensitivity.STANDARD,
        help_text=_("Team members below this sharing level see that the tool exists, not what it says."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, access, with_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = case_meetings(access)
        self.fields["sensitivity"].choices = [
            (v, label) for v, label in Sensitivity.choices if access.sees(v)
        ]
        if not with_title:
            del self.fields["title"]
        else:
            del self.fields["expected_version"]
