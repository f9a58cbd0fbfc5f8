"""Forms of the history pages. They only parse input; the move rule lives in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zaedno.accounts.models import User
from zaedno.episodes.models import DecidedBy, EndReason, EpisodeKind, PlacementType
from zaedno.episodes.queries import move_decision_choices
from zaedno.episodes.services import EMERGENCY_REASON_MIN, EndData, EpisodeData
from zaedno.organisations.models import Organisation
from zaedno.resources.models import Service

DATE_INPUT = "%d.%m.%Y"
DATE_FORMATS = [DATE_INPUT, "%Y-%m-%d"]


def date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"placeholder": _("dd.mm.yyyy"), "autocomplete": "off"}, format=DATE_INPUT
        ),
        help_text=_("A date, e.g. 15.09.2026."),
    )


class DecisionChoiceField(forms.ModelChoiceField):
    """A decision about the move: the meeting's date, from where to where, and its words."""

    def label_from_instance(self, obj):
        text = " ".join(obj.text.split())
        where = f"{obj.move_from} → {obj.move_to}: " if obj.move_from else ""
        return f"{obj.meeting.starts_at:%d.%m.%Y} — {where}{text[:90]}{'…' if len(text) > 90 else ''}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class _JustifyMixin:
    """The team decision or the emergency reason that justify a move."""

    def _add_justification(self, access, *, help_text):
        self.fields["decision"] = DecisionChoiceField(
            label=_("Team decision on the move"), queryset=move_decision_choices(access), required=False,
            empty_label=_("— none —"), help_text=help_text,
        )  # fmt: skip
        self.fields["plan_reason"] = forms.CharField(
            label=_("Why, although the plan says otherwise"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Only when the move goes against an agreed goal of the plan, e.g. “stays in his school”."),
        )  # fmt: skip
        self.fields["emergency_reason"] = forms.CharField(
            label=_("Emergency reason"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Only when there was no time for a team decision: what happened (at least %(n)s characters).")
            % {"n": EMERGENCY_REASON_MIN},
        )  # fmt: skip


class EpisodeFieldsMixin:
    def _add_episode_fields(self):
        self.fields["kind"] = forms.ChoiceField(label=_("Kind"), choices=EpisodeKind.choices)
        self.fields["placement_type"] = forms.ChoiceField(
            label=_("Type of placement"), required=False, choices=[("", "—"), *PlacementType.choices],
            help_text=_("Only for a placement."),
        )  # fmt: skip
        self.fields["service"] = forms.ModelChoiceField(
            label=_("Service on the map"), required=False, empty_label="—",
            queryset=Service.objects.filter(is_active=True).select_related("organisation").order_by("name"),
        )  # fmt: skip
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("Organisation"), required=False, empty_label="—",
            queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        )  # fmt: skip
        self.fields["name"] = forms.CharField(
            label=_("Name"), required=False, max_length=200,
            help_text=_("If it is not on the map: e.g. the foster family's town, or the school's name."),
        )  # fmt: skip
        self.fields["started_on"] = date_field(_("From"))

    def episode_data(self) -> EpisodeData:
        d = self.cleaned_data
        return EpisodeData(
            kind=d["kind"], started_on=d["started_on"], service=d.get("service"), organisation=d.get("organisation"),
            name=d.get("name", ""), placement_type=d.get("placement_type", ""),
        )  # fmt: skip


class EndFieldsMixin:
    def _add_end_fields(self, access, *, reason=None):
        self.fields["ended_on"] = date_field(_("Ended on"))
        self.fields["reason"] = forms.ChoiceField(
            label=_("Reason ended"), choices=EndReason.choices, initial=reason
        )
        self.fields["note"] = forms.CharField(
            label=_("About the end"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["decided_by"] = forms.ChoiceField(
            label=_("Who decided"), required=False, choices=[("", "—"), *DecidedBy.choices]
        )
        team = (
            User.objects.filter(case_memberships__case=access.case, case_memberships__left_at__isnull=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["decided_by_user"] = UserChoiceField(
            label=_("The professional"), required=False, queryset=team, empty_label="—"
        )
        self.fields["decided_by_organisation"] = forms.ModelChoiceField(
            label=_("The organisation"), required=False, empty_label="—",
            queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        )  # fmt: skip
        self.fields["decided_by_name"] = forms.CharField(
            label=_("Name or details"), required=False, max_length=150,
            help_text=_("E.g. the court and the number of its ruling, or which parent."),
        )  # fmt: skip

    def end_data(self) -> EndData:
        d = self.cleaned_data
        return EndData(
            ended_on=d["ended_on"], reason=d["reason"], note=d.get("note", ""), decided_by=d.get("decided_by", ""),
            decided_by_user=d.get("decided_by_user"), decided_by_organisation=d.get("decided_by_organisation"),
            decided_by_name=d.get("decided_by_name", ""),
        )  # fmt: skip


MOVE_HELP = _(
    "If this is a move of a child marked as a difficult case, the team's decision about the move is required "
    "(or an emergency reason). Only decisions recorded as a move, at a meeting that heard the child and the "
    "parents, are offered."
)


class EpisodeStartForm(EpisodeFieldsMixin, _JustifyMixin, forms.Form):
    """The child started in a service, a school or a placement."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_episode_fields()
        self._add_justification(access, help_text=MOVE_HELP)


class EpisodeEndForm(EndFieldsMixin, _JustifyMixin, forms.Form):
    """An episode ended: when, why, who decided."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_end_fields(access)
        self._add_justification(access, help_text=MOVE_HELP)


class MoveForm(EndFieldsMixin, EpisodeFieldsMixin, _JustifyMixin, forms.Form):
    """A move in one step: the current episode ends and the next starts."""

    def __init__(self, *args, access, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"] = forms.TypedChoiceField(
            label=_("The child leaves"),
            coerce=int,
            choices=[(e.pk, f"{e.get_kind_display()}: {e.place}") for e in current],
        )
        self._add_end_fields(access, reason=EndReason.MOVED_SERVICE)
        self._add_episode_fields()
        self._add_justification(
            access,
            help_text=_(
                "The decision about the move taken at the case conference, naming from where to where. Required for "
                "a difficult case, unless it was an emergency."
            ),
        )


class PlannedMoveForm(EpisodeFieldsMixin, forms.Form):
    """A move proposed before it happens: from which current place, to where, on which date, by whom."""

    def __init__(self, *args, access, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"] = forms.TypedChoiceField(
            label=_("The child would leave"), coerce=int,
            choices=[(e.pk, f"{e.get_kind_display()}: {e.place}") for e in current],
        )  # fmt: skip
        self._add_episode_fields()
        self.fields["started_on"] = date_field(_("Planned for"))
        self.fields["proposed_by"] = forms.CharField(
            label=_("Proposed by"), max_length=200,
            help_text=_("E.g. “СУ „Вела Благоева“, the principal”."),
        )  # fmt: skip
        self.fields["note"] = forms.CharField(
            label=_("What was proposed and why"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )  # fmt: skip
        self.fields["decision"] = DecisionChoiceField(
            label=_("Team decision on the move"), queryset=move_decision_choices(access), required=False,
            empty_label=_("— not decided yet —"),
            help_text=_("If the team has already decided about the move at a case conference."),
        )  # fmt: skip


class PlannedDecisionForm(forms.Form):
    """Link the team's decision about a proposed move."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"] = DecisionChoiceField(
            label=_("Team decision on the move"), queryset=move_decision_choices(access), empty_label="—"
        )


class PlannedConfirmForm(_JustifyMixin, forms.Form):
    """The planned move happened: on which day, and what justifies it."""

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moved_on"] = date_field(_("Moved on"))
        self.fields["note"] = forms.CharField(
            label=_("About the end"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self._add_justification(access, help_text=MOVE_HELP)


class PlannedWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the proposed move is withdrawn"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
