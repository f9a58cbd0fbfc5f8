"""The six discussion tools: their fields, as Django forms, and their content as clean JSON.

Each tool is a main form (text fields) and, where people are listed, formsets of rows. The same
forms check a web form and an API body (``data_from_json``), so a version's ``data`` is always
what the forms cleaned: strings, integers and booleans, choices stored by their code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zaedno.tools.models import ToolKind


def _text(label, help_text="", required=False, rows=3):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _line(label, required=False, max_length=150, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


class ToolDataForm(forms.Form):
    """A tool's main fields (its lists of people are formsets beside it)."""


# --- 1. Thinking Together (AMBIT) ----------------------------------------------------------------


class ThinkingTogetherForm(ToolDataForm):
    participants = _line(_("Who is thinking together"), max_length=300)
    task = _text(
        _("The task"),
        _("What do I need help with? What should we have at the end of this talk?"),
        required=True,
    )
    case_statement = _text(
        _("The case"),
        _("Briefly, only the facts that matter for this task."),
        required=True,
        rows=4,
    )
    mentalize_worker = _text(_("The worker"), _("What might I (the keyworker) be feeling and thinking?"))
    mentalize_child = _text(_("The child"), _("What might the child be feeling, thinking, wanting?"))
    mentalize_family = _text(_("The family"), _("What might the parents or carers be feeling and thinking?"))
    mentalize_network = _text(
        _("The network"), _("What might the other professionals be feeling and thinking?")
    )
    decision = _text(
        _("Decision or next step"),
        _("Did we answer the task? What will be done next, by whom?"),
        required=True,
    )

    def clean(self):
        data = super().clean()
        parts = ("mentalize_worker", "mentalize_child", "mentalize_family", "mentalize_network")
        if not any((data.get(p) or "").strip() for p in parts) and not self.errors:
            raise ValidationError(
                _(
                    "Mentalize the moment: write at least one view (the worker, the child, the family or the network)."
                )
            )
        return data


# --- 2. Dis-Integration Grid (AMBIT) -------------------------------------------------------------


CONVERGENCE = [
    ("", _("— not yet known —")),
    ("converge", _("views converge")),
    ("partly", _("partly converge")),
    ("differ", _("views differ")),
]


class DisintegrationGridForm(ToolDataForm):
    focus = _line(
        _("What the grid is about"),
        max_length=300,
        help_text=_("E.g. the child's absences from school since September."),
    )
    summary = _text(
        _("What we do about the differences"),
        _("Where the views differ: how the team will bring them together."),
    )


class GridRowForm(forms.Form):
    name = _line(_("Name"), required=True)
    role = _line(_("Role"), help_text=_("E.g. mother, class teacher, social worker."))
    problem = _text(_("What is the problem?"), rows=2)
    action = _text(_("What to do?"), rows=2)
    who_does_what = _text(_("Who does what?"), rows=2)
    convergence = forms.ChoiceField(label=_("Do the views converge?"), choices=CONVERGENCE, required=False)


# --- 3. Network map (AMBIT Pro-Gram / ecomap) ----------------------------------------------------

GROUPS = [
    ("family", _("family")),
    ("friends", _("friends")),
    ("community", _("community")),
    ("school", _("school or kindergarten")),
    ("health", _("health")),
    ("social", _("social services")),
    ("justice", _("police and justice")),
    ("other", _("other")),
]
CLOSENESS = [("close", _("close")), ("medium", _("medium")), ("distant", _("distant"))]


class NetworkMapForm(ToolDataForm):
    centre = _line(
        _("The child at the centre"), max_length=100, help_text=_("The name shown in the middle of the map.")
    )
    notes = _text(_("What the map shows us"), _("Who is missing? Where is support, where is strain?"))


class NetworkRowForm(forms.Form):
    name = _line(_("Name"), required=True, max_length=80)
    group = forms.ChoiceField(label=_("Group"), choices=GROUPS, initial="family")
    closeness = forms.ChoiceField(label=_("Closeness to the child"), choices=CLOSENESS, initial="medium")
    conflict = forms.BooleanField(label=_("Conflict"), required=False)
    note = _line(_("Note"), max_length=300)


# --- 4. Team Around the Worker (AMBIT) -----------------------------------------------------------

SUPPORT_KINDS = [
    ("supervision", _("supervision")),
    ("advice", _("specialist advice")),
    ("practical", _("practical help")),
    ("emotional", _("emotional support")),
    ("cover", _("covers when the keyworker is away")),
    ("link", _("link to a service or agency")),
    ("other", _("other")),
]


class TeamAroundWorkerForm(ToolDataForm):
    keyworker = _line(_("Keyworker"), required=True, help_text=_("The professional closest to the child."))
    keyworker_role = _line(_("Keyworker's role and organisation"), max_length=200)
    notes = _text(_("What the keyworker needs now"))


class SupporterRowForm(forms.Form):
    name = _line(_("Name"), required=True)
    role = _line(_("Role and organisation"), max_length=200)
    support = forms.ChoiceField(label=_("Kind of support"), choices=SUPPORT_KINDS, initial="advice")
    contact = _line(_("How to reach"), max_length=200, help_text=_("Phone, e-mail, when available."))


# --- 5. Signs-of-Safety style map ----------------------------------------------------------------


class SafetyMapForm(ToolDataForm):
    harm = _text(_("Harm"), _("What has happened to the child that worries us (past harm)."))
    danger = _text(
        _("Danger statements"), _("What we are worried may happen to the child if nothing changes.")
    )
    complicating = _text(_("Complicating factors"), _("What makes the situation harder to deal with."))
    strengths = _text(_("Strengths"), _("What is good in the child's life and the family."))
    existing_safety = _text(_("Existing safety"), _("When has the child been safe, and who made it so?"))
    safety_goals = _text(
        _("Safety goals"), _("What the family and the team need to see to be sure the child is safe.")
    )
    next_steps = _text(_("Next steps"), _("Who does what, by when."))
    scale_question = _line(
        _("Safety scale question"),
        max_length=300,
        help_text=_(
            "On a scale from 0 to 10, where 10 means the child is safe enough to close the case and "
            "0 means the child cannot stay at home: where do you put the situation today?"
        ),
    )

    def clean(self):
        data = super().clean()
        keys = (
            "harm",
            "danger",
            "complicating",
            "strengths",
            "existing_safety",
            "safety_goals",
            "next_steps",
        )
        if not any((data.get(k) or "").strip() for k in keys) and not self.errors:
            raise ValidationError(
                _("Write at least one thing: what worries us, what is working well, or what needs to happen.")
            )
        return data


# Whose view a rating is: the professionals' and the family's views are shown side by side, so a
# gap between them is seen instead of averaged away (the child's own rating stands on its own).
SIDES = [
    ("professional", _("professional")),
    ("family", _("family (parent, carer, relative)")),
    ("child", _("the child")),
]
SIDE_CODES = tuple(code for code, _l in SIDES)
# A rating saved before the side was asked (or without it over the API) takes its side from the
# words of its role: these mean the child, these the family; anything else is a professional.
_CHILD_WORDS = ("детето", "дете", "child", "момче", "момиче")
_FAMILY_WORDS = (
    "майка", "баща", "родител", "баба", "дядо", "леля", "чичо", "вуйчо", "пастрок", "мащеха",
    "настойник", "попечител", "приемн", "роднин", "семейств", "близък",
    "mother", "father", "parent", "grand", "aunt", "uncle", "carer", "guardian", "relative",
)  # fmt: skip
_SIBLING_WORDS = {"брат", "сестра", "brother", "sister"}  # whole words: not "медицинска сестра"


def rating_side(row: dict) -> str:
    """The side of a rating: the one chosen, else read from its role (see ``_FAMILY_WORDS``)."""
    side = row.get("side") or ""
    if side in SIDE_CODES:
        return side
    role = " ".join(str(row.get("role") or "").lower().split())
    words = set(role.replace(",", " ").split())
    if words & set(_CHILD_WORDS):
        return "child"
    if any(w in role for w in _FAMILY_WORDS) or (words & _SIBLING_WORDS and "медицинска" not in words):
        return "family"
    return "professional"


class RatingRowForm(forms.Form):
    name = _line(_("Name"), required=True)
    role = _line(_("Role"), help_text=_("E.g. mother, class teacher, social worker."))
    side = forms.ChoiceField(
        label=_("Whose view"),
        choices=[("", _("— as the role says —")), *SIDES],
        required=False,
        help_text=_("The professionals' and the family's ratings are shown side by side."),
    )
    rating = forms.IntegerField(label=_("Rating (0–10)"), min_value=0, max_value=10)
    comment = _line(_("Why this number"), max_length=500)


# --- 6. Guidelines for a safe family environment -------------------------------------------------

AREAS = [
    ("daily_care", _("Daily care")),
    ("safety", _("Safety")),
    ("feelings", _("Feelings")),
    ("stimulation", _("Stimulation")),
    ("rules", _("Rules and boundaries")),
    ("identity", _("Identity")),
    ("relationships", _("Family relationships")),
]
AREA_PARTS = [
    ("strengths", _("What the family does well")),
    ("concerns", _("Concerns")),
    ("evidence", _("Evidence")),
]


class SafeFamilyForm(ToolDataForm):
    family_view = _text(_("What the family says"), _("The parents' and the child's own words."))
    summary = _text(_("Summary and what the family can build on"))

    def clean(self):
        data = super().clean()
        if not any((v or "").strip() for v in data.values() if isinstance(v, str)) and not self.errors:
            raise ValidationError(_("Fill in at least one area, starting with what the family does well."))
        return data


for _code, _label in AREAS:
    for _part, _part_label in AREA_PARTS:
        help_text = {
            "strengths": _("Start here: what goes well, even a little."),
            "evidence": _("What you saw or heard, when, from whom."),
        }.get(_part, "")
        _f = _text(_part_label, help_text, rows=2)
        SafeFamilyForm.base_fields[f"{_code}_{_part}"] = _f
# ``family_view`` and ``summary`` come after the seven areas on the form.
SafeFamilyForm.base_fields = {
    **{k: v for k, v in SafeFamilyForm.base_fields.items() if k not in ("family_view", "summary")},
    "family_view": SafeFamilyForm.base_fields["family_view"],
    "summary": SafeFamilyForm.base_fields["summary"],
}
del _code, _label, _part, _part_label, _f


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """A list of people in a tool: its row form, how many blank rows the web form offers."""

    name: str
    form: type[forms.Form]
    label: str
    add_label: str
    extra: int = 3
    min_rows: int = 0
    min_message: str = ""


@dataclass(frozen=True)
class Kind:
    """A tool: its main form, what it is for, its lists of people, and how its fields are grouped."""

    code: str
    form: type[ToolDataForm]
    purpose: str
    rows: tuple[Rows, ...] = field(default_factory=tuple)
    layout: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return ToolKind(self.code).label


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            ToolKind.THINKING_TOGETHER,
            ThinkingTogetherForm,
            _(
                "A short structured talk with a colleague when you are stuck: task, case, each view, next step."
            ),
            layout=(
                (_("1. Mark the task"), ("participants", "task")),
                (_("2. State the case"), ("case_statement",)),
                (
                    _("3. Mentalize the moment"),
                    ("mentalize_worker", "mentalize_child", "mentalize_family", "mentalize_network"),
                ),
                (_("4. Return to purpose"), ("decision",)),
            ),
        ),
        Kind(
            ToolKind.DISINTEGRATION_GRID,
            DisintegrationGridForm,
            _(
                "See where the network (parents included) agrees or pulls apart: each person's view of the problem."
            ),
            rows=(
                Rows(
                    "rows",
                    GridRowForm,
                    _("People in the network"),
                    _("Add a person"),
                    extra=3,
                    min_rows=1,
                    min_message=_("Add at least one person to the grid."),
                ),
            ),
        ),
        Kind(
            ToolKind.NETWORK_MAP,
            NetworkMapForm,
            _(
                "Draw the child's world: family, friends, community and services, how close, where there is conflict."
            ),
            rows=(
                Rows(
                    "people",
                    NetworkRowForm,
                    _("People and services around the child"),
                    _("Add a person or service"),
                    extra=4,
                    min_rows=1,
                    min_message=_("Add at least one person or service to the map."),
                ),
            ),
        ),
        Kind(
            ToolKind.TEAM_AROUND_WORKER,
            TeamAroundWorkerForm,
            _("Name who supports the keyworker on this case, and how to reach them."),
            rows=(
                Rows(
                    "supporters",
                    SupporterRowForm,
                    _("Who supports the keyworker"),
                    _("Add a supporter"),
                    extra=3,
                    min_rows=1,
                    min_message=_("Name at least one person who supports the keyworker."),
                ),
            ),
        ),
        Kind(
            ToolKind.SAFETY_MAP,
            SafetyMapForm,
            _(
                "Map worries, what is working well and what needs to happen; everyone rates safety from 0 to 10."
            ),
            layout=(
                (_("What are we worried about?"), ("harm", "danger", "complicating")),
                (_("What is working well?"), ("strengths", "existing_safety")),
                (_("What needs to happen?"), ("safety_goals", "next_steps")),
                (_("Safety scale"), ("scale_question",)),
            ),
            rows=(
                Rows(
                    "ratings",
                    RatingRowForm,
                    _("Safety scale: each participant's rating"),
                    _("Add a participant"),
                    extra=4,
                ),
            ),
        ),
        Kind(
            ToolKind.SAFE_FAMILY,
            SafeFamilyForm,
            _("Look at the family in seven areas, starting from what it does well, with evidence."),
            layout=(
                *((label, tuple(f"{code}_{part}" for part, _p in AREA_PARTS)) for code, label in AREAS),
                (_("The family's view and summary"), ("family_view", "summary")),
            ),
        ),
    )
}


def kind_for(code: str) -> Kind:
    return KINDS[code]


# --- binding and cleaning ------------------------------------------------------------------------


class RowFormSet(forms.BaseFormSet):
    """Rows where each bound row is optional: a row left (or made) blank is dropped.

    Prefilled rows are shown as initial data, but once posted every row is judged by what it
    holds, so clearing a row removes it instead of failing as a required field.
    """

    def initial_form_count(self):
        return 0 if self.is_bound else super().initial_form_count()


def _formset_class(rows: Rows, *, extra: int):
    return forms.formset_factory(rows.form, formset=RowFormSet, extra=extra, max_num=200, absolute_max=200)


@dataclass
class BoundTool:
    """A tool's forms, bound to input or prefilled from a version's data."""

    kind: Kind
    form: ToolDataForm
    formsets: dict[str, forms.BaseFormSet]
    _row_errors: dict[str, list[str]] = field(default_factory=dict)

    def is_valid(self) -> bool:
        ok = self.form.is_valid()
        for rows in self.kind.rows:
            fs = self.formsets[rows.name]
            if not fs.is_valid():
                ok = False
                continue
            filled = [f for f in fs.forms if f.cleaned_data]
            if len(filled) < rows.min_rows:
                self._row_errors[rows.name] = [str(rows.min_message)]
                ok = False
        return ok

    def row_errors(self, name: str) -> list[str]:
        return self._row_errors.get(name, [])

    @property
    def groups(self) -> list[tuple[str, list]]:
        """The main form's fields in the tool's sections (one untitled section without a layout)."""
        if not self.kind.layout:
            return [("", [self.form[name] for name in self.form.fields])]
        return [(heading, [self.form[name] for name in names]) for heading, names in self.kind.layout]

    @property
    def sections(self) -> list[tuple[Rows, forms.BaseFormSet, list[str]]]:
        return [(r, self.formsets[r.name], self.row_errors(r.name)) for r in self.kind.rows]

    def cleaned(self) -> dict:
        data = {name: _json_value(value) for name, value in self.form.cleaned_data.items()}
        for rows in self.kind.rows:
            data[rows.name] = [
                {n: _json_value(v) for n, v in f.cleaned_data.items()}
                for f in self.formsets[rows.name].forms
                if f.cleaned_data
            ]
        return data

    def error_dict(self) -> dict[str, list[str]]:
        """Errors keyed by field: ``task``, ``rows``, ``rows.2.name``; ``__all__`` for the tool."""
        out: dict[str, list[str]] = {}
        for name, errors in self.form.errors.items():
            out[name] = list(errors)
        for rows in self.kind.rows:
            fs = self.formsets[rows.name]
            if fs.is_bound:
                for i, errors in enumerate(fs.errors):
                    for name, messages in errors.items():
                        out[f"{rows.name}.{i}.{name}"] = list(messages)
                if fs.non_form_errors():
                    out[rows.name] = list(fs.non_form_errors())
            if rows.name in self._row_errors:
                out.setdefault(rows.name, []).extend(self._row_errors[rows.name])
        return out


def _json_value(value):
    if value is None:
        return ""
    return value


def bind(kind: Kind, *, data=None, initial: dict | None = None, prefix: str = "t") -> BoundTool:
    """The forms of ``kind``: bound to ``data`` (a POST), or prefilled with a version's ``initial``."""
    initial = initial or {}
    main_initial = {k: v for k, v in initial.items() if k in kind.form.base_fields}
    form = kind.form(data=data, initial=main_initial, prefix=prefix)
    formsets = {}
    for rows in kind.rows:
        row_initial = initial.get(rows.name) or []
        fs_class = _formset_class(rows, extra=rows.extra)
        formsets[rows.name] = fs_class(
            data=data, initial=None if data is not None else row_initial, prefix=f"{prefix}-{rows.name}"
        )
    return BoundTool(kind, form, formsets)


def data_from_json(kind: Kind, payload: dict, *, prefix: str = "t") -> BoundTool:
    """Bind the forms of ``kind`` to a JSON object (the API's ``data``, or a stored version).

    Unknown keys and rows that are not lists of objects are refused, field by field.
    """
    if not isinstance(payload, dict):
        raise ValidationError({"data": [_("Expected an object with the fields of the tool.")]})
    errors: dict[str, list[str]] = {}
    row_names = {r.name for r in kind.rows}
    for key in payload:
        if key not in kind.form.base_fields and key not in row_names:
            errors[key] = [_("Unknown field for this tool.")]
    flat: dict[str, object] = {}
    for name, value in payload.items():
        if name in kind.form.base_fields:
            if isinstance(value, (dict, list)):
                errors[name] = [_("Expected a text, a number or true/false.")]
            elif value is not None:
                flat[f"{prefix}-{name}"] = value
    for rows in kind.rows:
        items = payload.get(rows.name) or []
        fs_prefix = f"{prefix}-{rows.name}"
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            errors[rows.name] = [_("Expected a list of objects, one per person.")]
            items = []
        for i, item in enumerate(items):
            for key, value in item.items():
                if key not in rows.form.base_fields:
                    errors[f"{rows.name}.{i}.{key}"] = [_("Unknown field for this tool.")]
                elif value is not None:
                    flat[f"{fs_prefix}-{i}-{key}"] = value
        flat[f"{fs_prefix}-TOTAL_FORMS"] = str(len(items))
        flat[f"{fs_prefix}-INITIAL_FORMS"] = "0"
    if errors:
        raise ValidationError(errors)
    return bind(kind, data=flat, prefix=prefix)


def clean_data(kind_code: str, payload: dict) -> dict:
    """``payload`` checked by the forms of the tool and returned as clean JSON; else a ValidationError
    with messages keyed by field (``rows.0.name`` for a row's field)."""
    bound = data_from_json(kind_for(kind_code), payload)
    if not bound.is_valid():
        raise ValidationError(bound.error_dict())
    return bound.cleaned()


# --- for reading ---------------------------------------------------------------------------------


def _labels(form_class) -> dict[str, dict[str, str]]:
    return {
        name: {str(k): str(v) for k, v in f.choices}
        for name, f in form_class.base_fields.items()
        if isinstance(f, forms.ChoiceField)
    }


def display(kind_code: str, data: dict) -> dict:
    """``data`` with the label of each choice beside its code (``group_label``) for the pages."""
    kind = kind_for(kind_code)
    out = dict(data)
    for rows in kind.rows:
        labels = _labels(rows.form)
        out[rows.name] = [
            {**row, **{f"{name}_label": labels[name].get(str(row.get(name, "")), "") for name in labels}}
            for row in data.get(rows.name, [])
        ]
    if kind.code == ToolKind.SAFE_FAMILY:
        out["areas"] = [
            {
                "code": code,
                "label": label,
                **{part: data.get(f"{code}_{part}", "") for part, _l in AREA_PARTS},
            }
            for code, label in AREAS
        ]
    return out


def field_labels(kind_code: str) -> dict[str, str]:
    """The label of every field of a tool (for the conflict table)."""
    kind = kind_for(kind_code)
    labels = {name: str(f.label) for name, f in kind.form.base_fields.items()}
    for rows in kind.rows:
        labels[rows.name] = str(rows.label)
    return labels
