"""The upload form of an import: the file, and the organisation when the user keeps more than one's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.imports.parsing import MAX_BYTES, MAX_ROWS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation the entries belong to"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        choices = list(organisations)
        if len(choices) == 1:
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()
        self.fields["file"].help_text = _(
            "At most %(mb)s MB and %(rows)s rows. Line 1 is the header, in Bulgarian or English."
        ) % {"mb": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}".replace(",", " ")}
