"""Forms of the assessment pages. They only parse input; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zaedno.assessments.domains import DOMAINS_BY_SIDE, Domain, Side
from zaedno.assessments.models import NeedLevel
from zaedno.assessments.services import ENTRY_TEXTS, TEXT_LIMIT, EntryData
from zaedno.cases.models import Sensitivity

ENTRY_LABELS = {"strengths": _("Strengths"), "concerns": _("Concerns"), "needs": _("Needs")}


class ContributionForm(forms.Form):
    """My sector's contribution: for each domain, strengths, concerns, needs and a level of need."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    sensitivity = forms.TypedChoiceField(
        label=_("Who may read this contribution"),
        choices=[
            (Sensitivity.STANDARD, Sensitivity.STANDARD.label),
            (Sensitivity.SENSITIVE, Sensitivity.SENSITIVE.label),
        ],
        coerce=int,
        help_text=_("Health and police contributions are sensitive unless you choose otherwise."),
    )
    sources = forms.CharField(
        label=_("What this contribution is based on"), required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. observation at school, medical records, a conversation with the mother."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in Domain.values:
            for name in ENTRY_TEXTS:
                self.fields[f"{domain}-{name}"] = forms.CharField(
                    label=ENTRY_LABELS[name], required=False, max_length=TEXT_LIMIT,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )  # fmt: skip
            self.fields[f"{domain}-level"] = forms.ChoiceField(
                label=_("Level of need"), choices=NeedLevel.choices, initial=NeedLevel.NONE,
                widget=forms.RadioSelect,
            )  # fmt: skip

    @staticmethod
    def initial_from(contribution) -> dict:
        data: dict = {}
        if contribution is None:
            return data
        data.update(
            version=contribution.version, sensitivity=contribution.sensitivity, sources=contribution.sources
        )
        for e in contribution.entries.all():
            for name in ENTRY_TEXTS:
                data[f"{e.domain}-{name}"] = getattr(e, name)
            data[f"{e.domain}-level"] = e.level
        return data

    def sides(self):
        """Bound fields grouped by side and domain, for the template."""
        out = []
        for side in Side:
            domains = []
            for domain in DOMAINS_BY_SIDE[side]:
                domains.append(
                    {
                        "code": domain,
                        "label": Domain(domain).label,
                        "texts": [self[f"{domain}-{name}"] for name in ENTRY_TEXTS],
                        "level": self[f"{domain}-level"],
                        "filled": any((self[f"{domain}-{n}"].value() or "").strip() for n in ENTRY_TEXTS)
                        or (self[f"{domain}-level"].value() or NeedLevel.NONE) != NeedLevel.NONE,
                    }
                )
            out.append({"side": side, "label": Side(side).label, "domains": domains})
        return out

    def entries(self) -> list[EntryData]:
        data = self.cleaned_data
        return [
            EntryData(
                domain=domain,
                level=data.get(f"{domain}-level") or NeedLevel.NONE,
                **{name: data.get(f"{domain}-{name}", "") for name in ENTRY_TEXTS},
            )  # fmt: skip
            for domain in Domain.values
        ]


class FormulationForm(forms.Form):
    """The formulation: the team's shared understanding of the problem behind the behaviour."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    hypothesis = forms.CharField(
        label=_("Our hypothesis: what lies behind the difficulties"), required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    maintaining = forms.CharField(
        label=_("What keeps the problem going"), required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    communicating = forms.CharField(
        label=_("What the child's behaviour may be communicating"), required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    protective = forms.CharField(
        label=_("Protective factors"), required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    meeting = forms.ModelChoiceField(
        label=_("Agreed at the meeting"), required=False, queryset=None,
        help_text=_("Choose the case conference at which the team agreed this understanding."),
    )  # fmt: skip

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.get_kind_display()} — {timezone.localtime(m.starts_at):%d.%m.%Y}"
        )


class CompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
