"""Forms of the plan pages. They only parse input; the rules live in ``services``.

The draft is edited on one page with three formsets — goals, waymarks, actions. Waymarks and
actions point at a goal by its row number on the page ("goal 2"), so a new goal and its
waymarks can be written in one go.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zaedno.accounts.models import User
from zaedno.organisations.models import Organisation
from zaedno.plans.models import (
    DEVELOPMENT_DOMAIN_CHOICES,
    MEASURE_SCALES,
    ActionStatus,
    Measure,
    PlanKind,
    Progress,
    Who,
)
from zaedno.plans.services import ActionData, DraftContent, GoalData, WaymarkData

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
    )


class StartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of plan"),
        choices=PlanKind.choices,
        initial=PlanKind.CASE_PLAN,
        widget=forms.RadioSelect,
    )


class PlanForm(forms.Form):
    purpose = forms.CharField(
        label=_("What the plan wants to achieve for the child"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_words = forms.CharField(
        label=_("The child's own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write what the child said, word for word, as the child said it."),
    )
    parents_words = forms.CharField(
        label=_("The parents' own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write what the parents said, word for word."),
    )
    next_review_on = date_field(
        _("Next review"), help_text=_("If empty: three months after the plan is agreed.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


GOAL_LABEL_CHARS = 60


def _goal_choices(goal_labels, *, blank: str | None):
    """One choice per goal row of the page, "2. Георги ходи…": the row number is what is saved,
    so a goal written in the same edit can be chosen before it has been saved."""
    choices = []
    for i, text in enumerate(goal_labels, start=1):
        text = " ".join((text or "").split())
        if len(text) > GOAL_LABEL_CHARS:
            text = text[: GOAL_LABEL_CHARS - 1] + "…"
        choices.append((str(i), f"{i}. {text}" if text else str(i)))
    return ([("", blank)] if blank is not None else []) + choices


def goal_labels(goals) -> list[str]:
    """The words of each goal row of a goals formset, bound or not (for the choices above)."""
    labels = []
    for form in goals.forms:
        if form.is_bound:
            labels.append(form.data.get(form.add_prefix("text"), "") or "")
        else:
            labels.append((form.initial or {}).get("text", "") or "")
    return labels


class GoalForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", "—")] + DEVELOPMENT_DOMAIN_CHOICES, required=False
    )
    text = forms.CharField(
        label=_("Long-term goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("domain") and not data.get("DELETE"):
            self.add_error("domain", _("Choose the domain of the child's development this goal is about."))
        return data


class WaymarkForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal no."), choices=[], required=False)
    text = forms.CharField(label=_("Waymark"), required=False, max_length=2000)
    target_on = date_field(_("Target date"))
    achieved_on = date_field(_("Achieved on"))

    def __init__(self, *args, goal_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = _goal_choices(goal_labels, blank="—")

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("goal") and not data.get("DELETE"):
            self.add_error("goal", _("Say which goal this waymark leads to."))
        return data


class ActionForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal no."), choices=[], required=False)
    text = forms.CharField(label=_("What is done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    who_kind = forms.ChoiceField(label=_("Who"), choices=[("", "—")] + list(Who.choices), required=False)
    who_user = forms.ModelChoiceField(label=_("Professional"), queryset=User.objects.none(), required=False)
    who_organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True), required=False
    )
    who_name = forms.CharField(
        label=_("Name"), required=False, max_length=150, help_text=_("The parent, or the community resource.")
    )
    due_on = date_field(_("By when"))
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    status_reason = forms.CharField(label=_("Why not done"), required=False, max_length=2000)

    def __init__(self, *args, goal_labels=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = _goal_choices(goal_labels, blank=_("— no particular goal —"))
        self.fields["who_user"].queryset = User.objects.filter(pk__in=[m.user_id for m in members])

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("who_kind") and not data.get("DELETE"):
            self.add_error("who_kind", _("Say who does it."))
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, can_delete=True)
WaymarkFormSet = forms.formset_factory(WaymarkForm, extra=3, can_delete=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=3, can_delete=True)

# The rows "add a row" can add (the formset prefixes of the page).
ROW_PREFIXES = ("goals", "waymarks", "actions")
MAX_ROWS = 60


def with_added_row(data, prefix: str):
    """The submitted data with one more empty row in the ``prefix`` formset (nothing is saved)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except (TypeError, ValueError):
        total = 0
    new = min(max(total, 0) + 1, MAX_ROWS)
    data[key] = str(new)
    if prefix == "actions":  # the new row starts as a planned action, as an empty row does
        data.setdefault(f"actions-{new - 1}-status", ActionStatus.PLANNED)
    return data


def _kept(formset) -> list[tuple[int, dict]]:
    """(row number from 1, cleaned data) of the rows with text that are not marked for removal."""
    out = []
    for i, form in enumerate(formset.forms, start=1):
        data = form.cleaned_data
        if data and not data.get("DELETE") and data.get("text", "").strip():
            out.append((i, data))
    return out


def draft_content(plan_form, goals, waymarks, actions) -> DraftContent:
    """The submitted page as the service's content (forms already valid)."""
    kept_goals = _kept(goals)
    goal_data = {
        str(i): GoalData(domain=d["domain"], text=d["text"], key=str(i), waymarks=[]) for i, d in kept_goals
    }
    for _i, d in _kept(waymarks):
        goal = goal_data.get(d.get("goal") or "")
        if goal is not None:  # waymarks of a removed goal go with it
            goal.waymarks.append(WaymarkData(d["text"], d.get("target_on"), d.get("achieved_on")))
    action_data = [
        ActionData(
            text=d["text"], who_kind=d["who_kind"], who_user=d.get("who_user"),
            who_organisation=d.get("who_organisation"), who_name=d.get("who_name", ""), due_on=d.get("due_on"),
            goal_key=d["goal"] if d.get("goal") in goal_data else "", status=d.get("status") or ActionStatus.PLANNED,
            status_reason=d.get("status_reason", ""),
        )
        for _i, d in _kept(actions)
    ]  # fmt: skip
    p = plan_form.cleaned_data
    return DraftContent(
        purpose=p["purpose"], child_words=p["child_words"], parents_words=p["parents_words"],
        next_review_on=p.get("next_review_on"), goals=list(goal_data.values()), actions=action_data,
    )  # fmt: skip


def initial_of(content: DraftContent) -> tuple[list[dict], list[dict], list[dict]]:
    """Initial rows of the three formsets from a saved draft (goals numbered from 1)."""
    number = {g.key: str(i) for i, g in enumerate(content.goals, start=1)}
    goals = [{"domain": g.domain, "text": g.text} for g in content.goals]
    waymarks = [
        {"goal": number[g.key], "text": w.text, "target_on": w.target_on, "achieved_on": w.achieved_on}
        for g in content.goals
        for w in g.waymarks
    ]
    actions = [
        {
            "goal": number.get(a.goal_key, ""), "text": a.text, "who_kind": a.who_kind,
            "who_user": a.who_user.pk if a.who_user else None,
            "who_organisation": a.who_organisation.pk if a.who_organisation else None, "who_name": a.who_name,
            "due_on": a.due_on, "status": a.status, "status_reason": a.status_reason,
        }
        for a in content.actions
    ]  # fmt: skip
    return goals, waymarks, actions


class AgreeForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting where the plan was agreed"),
        queryset=None,
        required=False,
        empty_label=_("— choose the meeting —"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.meetings.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])


class ReviewForm(forms.Form):
    held_on = date_field(_("Review date"), required=True)
    meeting = forms.ModelChoiceField(
        label=_("At the meeting"), queryset=None, required=False, empty_label=_("— not at a meeting —")
    )
    summary = forms.CharField(label=_("What the review found"), widget=forms.Textarea(attrs={"rows": 4}))
    next_review_on = date_field(_("Next review"), help_text=_("If empty: in three months."))

    def __init__(self, *args, meetings, goals, **kwargs):
        super().__init__(*args, **kwargs)
        from zaedno.meetings.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        self.fields["held_on"].initial = timezone.localdate()
        self.goals = goals
        for g in goals:
            self.fields[f"progress_{g.pk}"] = forms.ChoiceField(
                label=g.text[:120], choices=Progress.choices, widget=forms.RadioSelect, required=True
            )
            self.fields[f"note_{g.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=2000)
        for m in Measure:
            low, high = MEASURE_SCALES[m]
            self.fields[f"value_{m.value}"] = forms.DecimalField(
                label=m.label, required=False, min_value=low, max_value=high, decimal_places=1
            )
            self.fields[f"source_{m.value}"] = forms.CharField(
                label=_("Source"), required=False, max_length=200
            )

    def goal_rows(self):
        return [(g, self[f"progress_{g.pk}"], self[f"note_{g.pk}"]) for g in self.goals]

    def measure_rows(self):
        return [(m, self[f"value_{m.value}"], self[f"source_{m.value}"]) for m in Measure]

    def progress(self) -> dict[int, tuple[str, str]]:
        d = self.cleaned_data
        return {g.pk: (d[f"progress_{g.pk}"], d.get(f"note_{g.pk}", "")) for g in self.goals}

    def measures(self):
        from zaedno.plans.services import MeasureData

        d = self.cleaned_data
        return [
            MeasureData(m.value, d[f"value_{m.value}"], d["held_on"], d.get(f"source_{m.value}", ""))
            for m in Measure
            if d.get(f"value_{m.value}") is not None
        ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why was it not done?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpScheduleForm(forms.Form):
    first_on = date_field(_("First check-in"), required=True)
    every_months = forms.IntegerField(label=_("Every … months"), min_value=1, max_value=12, initial=3)
    count = forms.IntegerField(label=_("How many check-ins"), min_value=1, max_value=12, initial=4)
    responsible = forms.ModelChoiceField(label=_("Responsible professional"), queryset=User.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(pk__in=[m.user_id for m in members])


class FollowUpDoneForm(forms.Form):
    done_on = date_field(_("Date of the check-in"), required=True)
    child_status = forms.CharField(label=_("How is the child?"), widget=forms.Textarea(attrs={"rows": 3}))
    concern = forms.CharField(
        label=_("Any concern"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If there is a concern, the case lead is told at once."),
    )
    next_due_on = date_field(
        _("Next check-in"), help_text=_("Leave empty if the next one is already scheduled.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
