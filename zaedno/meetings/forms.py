"""Forms of the meeting and decision pages. They only parse and check input; the rules live in
``services``. Dates and times are typed as on the case forms: dd.mm.yyyy and dd.mm.yyyy hh:mm.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.accounts.models import User
from zaedno.cases.forms import DATETIME_INPUT
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.meetings.models import (
    Attendance,
    DecisionKind,
    DecisionStatus,
    MeetingKind,
    ParticipantRole,
    ResponsibleKind,
)
from zaedno.meetings.queries import DECISION_FILTERS, OVERDUE
from zaedno.meetings.services import Guest
from zaedno.organisations.models import Organisation

DATE_INPUT = "%d.%m.%Y"
DATETIME_FORMATS = [DATETIME_INPUT, "%d.%m.%Y %H.%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATE_FORMATS = [DATE_INPUT, "%Y-%m-%d"]


def datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"placeholder": _("dd.mm.yyyy hh:mm"), "autocomplete": "off"}, format=DATETIME_INPUT
        ),
        help_text=_("Date and time, e.g. 23.11.2026 14:30."),
    )


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"placeholder": _("dd.mm.yyyy"), "autocomplete": "off"}, format=DATE_INPUT
        ),
        help_text=_("A date, e.g. 30.11.2026."),
        **kwargs,
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _team_users(case):
    ids = TeamMember.objects.filter(case=case, left_at__isnull=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name")


class GuestForm(forms.Form):
    """One person invited who is not a user."""

    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(v, label) for v, label in ParticipantRole.choices if v != ParticipantRole.PROFESSIONAL],
        required=False,
    )
    role_note = forms.CharField(label=_("Relation to the child"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    def guest(self) -> Guest | None:
        data = self.cleaned_data
        if not data.get("name", "").strip():
            return None
        return Guest(
            name=data["name"], role=data.get("role") or ParticipantRole.OTHER, email=data.get("email", ""),
            role_note=data.get("role_note", ""),
        )  # fmt: skip


GuestFormSet = forms.formset_factory(GuestForm, extra=3, max_num=10)


class MeetingScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    chair = UserChoiceField(label=_("Chair"), queryset=User.objects.none(), empty_label=None)
    members = UserMultipleChoiceField(
        label=_("Invite from the team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        users = _team_users(access.case)
        self.fields["chair"].queryset = users
        self.fields["members"].queryset = users
        self.fields["chair"].initial = access.case.lead_id
        self.fields["title"].widget.attrs["placeholder"] = _("Optional, e.g. “Review after three months”")


class InviteForm(forms.Form):
    members = UserMultipleChoiceField(
        label=_("Invite from the team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, access, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _team_users(access.case).exclude(pk__in=list(exclude_ids))


class RescheduleForm(forms.Form):
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceForm(forms.Form):
    """One attendance choice and note per participant (fields ``att_<id>``, ``note_<id>``)."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        choices = [(v, label) for v, label in Attendance.choices if v != Attendance.INVITED]
        for p in participants:
            self.fields[f"att_{p.pk}"] = forms.ChoiceField(
                label=p.display_name, choices=choices, widget=forms.RadioSelect, required=False,
                initial=p.attendance if p.attendance != Attendance.INVITED else None,
            )  # fmt: skip
            self.fields[f"note_{p.pk}"] = forms.CharField(
                label=_("Note"),
                max_length=300,
                required=False,
                initial=p.attendance_note,
                widget=forms.TextInput(attrs={"placeholder": _("Note, e.g. how their view was heard")}),
            )
            self.rows.append((p, self[f"att_{p.pk}"], self[f"note_{p.pk}"]))

    def entries(self) -> dict[int, tuple[str, str]]:
        out = {}
        for p, att, note in self.rows:
            value = self.cleaned_data.get(att.name)
            if value:
                out[p.pk] = (value, self.cleaned_data.get(note.name, ""))
        return out


def _level_choices(access):
    return [(v, label) for v, label in Sensitivity.choices if access.sees(v)]


class MinutesForm(forms.Form):
    child_views = forms.CharField(
        label=_("How the child's views were heard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Directly, through a trusted adult, in writing… and what the child said."),
    )
    parents_views = forms.CharField(
        label=_("How the parents' views were heard"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 12}))
    sensitivity = forms.TypedChoiceField(
        label=_("Who may read the minutes"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Team members below this sharing level see only that the minutes are restricted."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sensitivity"].choices = _level_choices(access)


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("About"), choices=DecisionKind.choices, required=False)
    move_from = forms.CharField(
        label=_("Moves from"), max_length=200, required=False,
        help_text=_("For a move of the child: the school, service or placement the child leaves."),
    )  # fmt: skip
    move_to = forms.CharField(
        label=_("Moves to"), max_length=200, required=False,
        help_text=_("For a move of the child: where the child goes."),
    )  # fmt: skip
    responsible_kind = forms.ChoiceField(
        label=_("Who is responsible"), choices=ResponsibleKind.choices, widget=forms.RadioSelect
    )
    responsible_user = UserChoiceField(
        label=_("Responsible professional"), queryset=User.objects.none(), required=False,
        empty_label=_("— choose from the team —"),
    )  # fmt: skip
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— choose —"),
    )
    responsible_name = forms.CharField(
        label=_("Responsible person (name and role)"),
        max_length=150,
        required=False,
        help_text=_("For a parent, the child or someone else, e.g. “Анна Стефанова, майка”."),
    )
    due_on = date_field(_("Due on"))
    sensitivity = forms.TypedChoiceField(
        label=_("Who may read it"), coerce=int, initial=Sensitivity.STANDARD, widget=forms.RadioSelect
    )

    def __init__(self, *args, access, supersede_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = _team_users(access.case)
        self.fields["sensitivity"].choices = _level_choices(access)
        if supersede_choices:
            self.fields["supersedes"] = forms.TypedMultipleChoiceField(
                label=_("This decision replaces"), coerce=int, required=False,
                choices=list(supersede_choices), widget=forms.CheckboxSelectMultiple,
                help_text=_("Open decisions of earlier meetings that become superseded by this one."),
            )  # fmt: skip


class DecisionEditForm(DecisionForm):
    """Correcting a decision before the minutes are locked; the due date moves with its own form."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, is_move=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["sensitivity"]
        del self.fields["due_on"]
        if not is_move:
            del self.fields["move_from"]
            del self.fields["move_to"]


class DueChangeForm(forms.Form):
    """Move a decision's due date: the new date and why."""

    prefix = "due"

    due_on = date_field(_("New due date"))
    reason = forms.CharField(
        label=_("Why the due date moves"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    reason = forms.CharField(
        label=_("Reason (if not done)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, decision, **kwargs):
        from zaedno.meetings.services import DECISION_TRANSITIONS

        super().__init__(*args, **kwargs)
        allowed = DECISION_TRANSITIONS.get(DecisionStatus(decision.status), set())
        self.fields["status"].choices = [("", _("— no change —"))] + [
            (v, label) for v, label in DecisionStatus.choices if v in allowed
        ]


class DecisionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all"))]
        + [(v, label) for v, label in DecisionStatus.choices]
        + [(OVERDUE, _("overdue"))],
    )

    def status_value(self) -> str:
        if self.is_valid() and self.cleaned_data["status"] in DECISION_FILTERS:
            return self.cleaned_data["status"]
        return ""
