"""Forms of the case pages. They only parse and check input; the rules live in ``services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zaedno.accounts.models import Membership, User
from zaedno.cases.models import (
    SECTION_SENSITIVITY,
    CaseStatus,
    NoteSection,
    ReviewOutcome,
    Sensitivity,
    SignalCategory,
    TeamRole,
)
from zaedno.organisations.models import Organisation, Sector
from zaedno.places.models import Municipality
from zaedno.signals.choices import ReporterKind, Urgency

DATETIME_INPUT = "%d.%m.%Y %H:%M"
SEARCH_LIMIT = 20


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError under the matching fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name (Cyrillic or Latin), ЕГН or case number")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(CaseStatus.choices)
    )


class OpenCaseForm(forms.Form):
    """Record a signal and open a case in one step — for organisations that may lead the case."""

    category = forms.ChoiceField(label=_("What is the signal about"), choices=SignalCategory.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    immediate_danger = forms.BooleanField(label=_("The child is in immediate danger"), required=False)
    reporter_kind = forms.ChoiceField(
        label=_("Who reported"), choices=ReporterKind.choices, initial=ReporterKind.PROFESSIONAL
    )
    source_sector = forms.ChoiceField(
        label=_("Sector the signal came from"), choices=[("", "—"), *Sector.choices], required=False
    )
    reporter_name = forms.CharField(
        label=_("Reporter's name"), max_length=150, required=False,
        help_text=_("Name and role, e.g. “class teacher”. Only the department and the case lead see it."),
    )  # fmt: skip
    reporter_organisation = forms.ModelChoiceField(
        label=_("Reporting organisation"),
        queryset=Organisation.objects.filter(is_active=True).select_related("municipality"),
        required=False,
        empty_label=_("— none / a citizen —"),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=[DATETIME_INPUT, "%d.%m.%Y %H.%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"placeholder": _("dd.mm.yyyy hh:mm"), "autocomplete": "off"}, format=DATETIME_INPUT
        ),
        help_text=_("Date and time, e.g. 23.11.2026 14:30."),
    )
    description = forms.CharField(
        label=_("What was reported"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the case lead and members with the sensitive sharing level will see this text."),
    )
    lead = forms.ModelChoiceField(label=_("Case lead"), queryset=None, empty_label=None)
    lead_organisation = forms.ModelChoiceField(label=_("Lead organisation"), queryset=None, empty_label=None)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("— the lead organisation's municipality —"),
    )
    summary = forms.CharField(
        label=_("Summary of the case"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(
            pk__in=org_ids, is_active=True
        )
        colleagues = Membership.objects.filter(organisation_id__in=org_ids, is_active=True).values("user_id")
        self.fields["lead"].queryset = User.objects.filter(pk__in=colleagues, is_active=True)
        self.fields["lead"].help_text = _("You, or a colleague from your organisation.")
        self.fields["lead"].initial = user.pk
        first = self.fields["lead_organisation"].queryset.first()
        if first is not None:
            self.fields["lead_organisation"].initial = first.pk
        self.fields["received_at"].initial = timezone.localtime().strftime(DATETIME_INPUT)
        self.fields["source_sector"].initial = Sector.SOCIAL

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("The signal cannot have been received in the future."))
        return value

    def clean(self):
        data = super().clean()
        if (
            data.get("reporter_kind") not in (ReporterKind.ANONYMOUS, ReporterKind.HELPLINE)
            and not (data.get("reporter_name") or "").strip()
        ):
            self.add_error("reporter_name", _("Write who reported: name and role, e.g. “class teacher”."))
        return data


class NoteForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=NoteSection.choices)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the sections the writer's sharing level covers.
        self.fields["section"].choices = [
            (value, label)
            for value, label in NoteSection.choices
            if access.sees(SECTION_SENSITIVITY[NoteSection(value)])
        ]


def membership_search(query: str, *, exclude_user_ids=()) -> list[Membership]:
    """Professionals by name across all organisations, as (user, organisation) pairs.

    Names are stored in Cyrillic with a capital letter; SQLite folds case only for ASCII, so
    the usual spellings of each word are tried (``петров``, ``Петров``).
    """
    words = [w for w in (query or "").split() if w][:4]
    if not words:
        return []
    qs = Membership.objects.filter(is_active=True, user__is_active=True, organisation__is_active=True)
    for word in words:
        cond = Q()
        for variant in {word, word.lower(), word.capitalize(), word.upper()}:
            cond |= (
                Q(user__first_name__contains=variant)
                | Q(user__last_name__contains=variant)
                | Q(user__username__icontains=variant)
            )
        qs = qs.filter(cond)
    if exclude_user_ids:
        qs = qs.exclude(user_id__in=list(exclude_user_ids))
    return list(
        qs.select_related("user", "organisation", "organisation__municipality").order_by(
            "user__last_name", "user__first_name", "organisation__name"
        )[:SEARCH_LIMIT]
    )


class TeamAddForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Professional"),
        queryset=Membership.objects.filter(is_active=True).select_related("user", "organisation"),
        error_messages={
            "required": _("Search for the professional by name and choose them from the list."),
            "invalid_choice": _("Search for the professional by name and choose them from the list."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role in the case"),
        choices=[(TeamRole.MEMBER, TeamRole.MEMBER.label), (TeamRole.CONSULTANT, TeamRole.CONSULTANT.label)],
        initial=TeamRole.MEMBER,
        widget=forms.RadioSelect,
    )
    sharing_level = forms.TypedChoiceField(
        label=_("Sharing level"),
        choices=Sensitivity.choices,
        coerce=int,
        initial=Sensitivity.STANDARD,
        widget=forms.RadioSelect,
        help_text=_("Decides which sections of the case this person sees. Share only what they need."),
    )


class TeamRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this person leave the team?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            CaseStatus.OPEN: _("Reopen the case"),
            CaseStatus.FOLLOW_UP: _("Move to long-term follow-up"),
            CaseStatus.CLOSED: _("Close the case"),
        }
        self.fields["status"].choices = [
            (s.value, labels[s]) for s in CaseStatus if s.value != current_status
        ]


class CaseEditForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the case"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EmergencyForm(forms.Form):
    number = forms.CharField(
        label=_("Exact case number"), max_length=30, help_text=_("For example VTR04-2026-00012.")
    )
    reason = forms.CharField(
        label=_("Why do you need this case now?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write it in full sentences. The case lead is informed at once and reviews this access."),
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
