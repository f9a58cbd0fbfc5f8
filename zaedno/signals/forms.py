"""Forms of the signal pages. They parse and check input; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.cases.forms import DATETIME_INPUT
from zaedno.cases.models import Sensitivity
from zaedno.children.models import Sex
from zaedno.organisations.models import Organisation, OrganisationKind
from zaedno.places.forms import SettlementChoiceMixin
from zaedno.places.models import Settlement
from zaedno.resources.models import Service
from zaedno.signals.choices import Decision, LearnedHow, ReporterKind, SignalCategory, SignalKind, Urgency

DATETIME_FORMATS = [DATETIME_INPUT, "%d.%m.%Y %H.%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATE_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]


def _datetime_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"placeholder": _("dd.mm.yyyy hh:mm"), "autocomplete": "off"}, format=DATETIME_INPUT
        ),
        help_text=help_text,
    )


# Who reported, as the form asks it: the signed-in professional, another professional who told
# them, a citizen, the helpline, or someone who would not give a name.
REPORTER_CHOICES = [
    ("me", _("I report it myself (as a professional)")),
    ("professional", _("another professional told me (by phone, in writing)")),
    (ReporterKind.CITIZEN, _("a citizen (a parent, a neighbour…)")),
    (ReporterKind.HELPLINE, _("the national helpline 116 111")),
    (ReporterKind.ANONYMOUS, _("anonymous: the reporter gave no name")),
]


class SignalForm(SettlementChoiceMixin, forms.Form):
    """A signal about a child at risk: the child, what happened, how urgent, who reported."""

    kind = forms.ChoiceField(
        label=_("What is this"),
        choices=SignalKind.choices,
        initial=SignalKind.REPORT,
        widget=forms.RadioSelect,
        required=False,
    )
    child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    child_first_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    child_middle_name = forms.CharField(label=_("Middle name"), max_length=60, required=False)
    child_last_name = forms.CharField(label=_("Last name"), max_length=60, required=False)
    child_birth_date = forms.DateField(
        label=_("Birth date"), required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"placeholder": _("dd.mm.yyyy"), "autocomplete": "off"}, format="%d.%m.%Y"),
        help_text=_("If you know it; otherwise the approximate age."),
    )  # fmt: skip
    child_age = forms.IntegerField(label=_("Approximate age"), min_value=0, max_value=17, required=False)
    child_sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    child_egn = forms.CharField(
        label=_("ЕГН"), max_length=20, required=False, help_text=_("Only if you know it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    settlement = forms.ModelChoiceField(
        label=_("Where the child lives"),
        queryset=Settlement.objects.select_related("municipality"),
        to_field_name="ekatte",
        required=False,
        error_messages={"invalid_choice": _("Choose the settlement from the list.")},
    )
    settlement_q = forms.CharField(required=False, max_length=100)
    child_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    child_school = forms.CharField(label=_("School or kindergarten"), max_length=200, required=False)

    category = forms.ChoiceField(
        label=_("What is the signal about"), choices=[("", _("— choose —")), *SignalCategory.choices]
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you saw or were told, in the words you heard them. Only the department sees it."),
    )
    occurred = forms.CharField(
        label=_("When did it happen"), max_length=200, required=False,
        help_text=_("As far as you know, e.g. “last night”, “for months”."),
    )  # fmt: skip
    learned_how = forms.ChoiceField(
        label=_("How did you learn of it"), choices=[("", "—"), *LearnedHow.choices], required=False
    )
    learned_at = _datetime_field(_("When did you learn of it"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    immediate_danger = forms.BooleanField(
        label=_("The child is in immediate danger now"), required=False,
        help_text=_("If the child is in danger right now, phone 112 first. The police are informed as well."),
    )  # fmt: skip

    reporter = forms.ChoiceField(
        label=_("Who reported"), choices=REPORTER_CHOICES, initial="me", widget=forms.RadioSelect
    )
    reporter_organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False,
        help_text=_("Yours, when you report it yourself; the other professional's, if they told you."),
    )  # fmt: skip
    reporter_name = forms.CharField(
        label=_("Reporter's name (when it is not you)"), max_length=150, required=False,
        help_text=_("Name and role. Protected: only the Child Protection Department sees it."),
    )  # fmt: skip
    reporter_contact = forms.CharField(label=_("Reporter's phone or e-mail"), max_length=150, required=False)
    received_at = _datetime_field(
        _("Received at"), required=False,
        help_text=_("When the signal came to you; leave empty for now."),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.accounts.models import Membership

        mine = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
        self.fields["reporter_organisation"].queryset = Organisation.objects.filter(is_active=True).order_by(
            "name"
        )
        first = Organisation.objects.filter(pk__in=mine, is_active=True).order_by("pk").first()
        if first is not None:
            self.fields["reporter_organisation"].initial = first.pk
        self.is_coordinator = Organisation.objects.filter(
            pk__in=mine, kind=OrganisationKind.MUNICIPALITY
        ).exists()
        if not self.is_coordinator:
            self.fields["kind"].choices = [(SignalKind.REPORT, SignalKind.REPORT.label)]

    def clean_kind(self):
        return self.cleaned_data.get("kind") or SignalKind.REPORT

    def clean(self):
        data = super().clean()
        if (
            self.data.get("settlement_q", "").strip()
            and not data.get("settlement")
            and "settlement" not in self.errors
        ):
            self.add_error(
                "settlement",
                _(
                    "Choose the settlement from the list under the field, or clear the field if you do not know it."
                ),
            )
        if not data.get("child") and not (data.get("child_first_name") or "").strip():
            self.add_error("child_first_name", _("Give at least the child's first name as you know it."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Who checks the signal"), queryset=None, empty_label=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(pk__in=[m.user_id for m in members])


class CheckForm(forms.Form):
    checked_at = _datetime_field(
        _("When was it checked"), required=False, help_text=_("Leave empty for now.")
    )
    actions = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A visit, talks with the child, the parents, the school, the GP…"),
    )  # fmt: skip
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    lead = forms.ModelChoiceField(label=_("Case lead"), queryset=None, required=False, empty_label=None)
    summary = forms.CharField(
        label=_("Summary of the case"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    add_reporter = forms.BooleanField(
        label=_("Add the reporting professional to the team"), required=False, initial=True
    )
    reporter_level = forms.TypedChoiceField(
        label=_("Their sharing level"), choices=Sensitivity.choices, coerce=int, initial=Sensitivity.STANDARD
    )
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is no case needed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service = forms.ModelChoiceField(
        label=_("Suggest a community service (optional)"), queryset=Service.objects.none(), required=False,
        empty_label=_("— none —"),
    )  # fmt: skip
    reporter_note = forms.CharField(
        label=_("What the reporter is told (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reporter sees the decision; add a line for them if useful. Never the child's details."),
    )  # fmt: skip

    def __init__(self, *args, members, services, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.accounts.models import User

        self.fields["lead"].queryset = User.objects.filter(pk__in=[m.user_id for m in members])
        self.fields["service"].queryset = services


class ForwardForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.OZD, is_active=True).select_related(
            "municipality"
        ),
    )
    reason = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DutyForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    on_duty = forms.BooleanField(required=False)
