"""The protocol as a picture: a version's stages and steps laid out as a flow, without JavaScript.

The layout is computed here from the definition body, so the page is plain HTML and CSS that
reads the same on a wide screen, a phone and A4 paper, and it can be tested without a browser:

* stages are horizontal bands, in the definition's order;
* inside a band, steps whose clocks start independently sit side by side in *lanes*, and a step
  that waits for another (``starts_on: step_done:<code>``) goes on the row below it, in the same
  lane when that lane is free, so a chain of steps reads as a straight line down the page;
* between two rows, a *connector* says how the clock of each step below starts: a line from the
  step it waits for (drawn when that step is on the row just above), the step's name when it is
  further up, or the case event (подаден сигнал, открит случай, …) that starts it.

:func:`layout` is pure (a body in, rows of boxes out); :func:`case_progress` puts a case's steps
on it. The words shown for owners, deadlines and records are here too, as English msgids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from zaedno.protocols.engine import EVENT_LABELS, text
from zaedno.protocols.models import Compliance
from zaedno.protocols.validation import ARTEFACT_RE
from zaedno.protocols.vocabulary import OWNERS, STEP_DONE

# Who owns a step, as a professional would say it (vocabulary.OWNERS holds the definitions).
OWNER_LABELS = {
    "case_lead": gettext_noop("the case lead"),
    "signal_recipient": gettext_noop("the institution that received the signal"),
    "ozd": gettext_noop("Child Protection Department (ОЗД)"),
    "dazd": gettext_noop("State Agency for Child Protection (ДАЗД)"),
    "school": gettext_noop("the school or kindergarten"),
    "police": gettext_noop("police (ДПС)"),
    "health": gettext_noop("GP, paediatrician or hospital"),
    "service_provider": gettext_noop("social service provider"),
    "municipality": gettext_noop("municipal child protection coordinator"),
    "child_commission": gettext_noop("municipal child commission"),
    "mkbppmn": gettext_noop("local commission for combating juvenile delinquency (МКБППМН)"),
    "team": gettext_noop("the whole team around the child"),
}
assert set(OWNER_LABELS) == set(OWNERS)

# The record that completes a step, and the kinds it may be qualified with.
ARTEFACT_LABELS = {
    "signal_checked": gettext_noop("signal check recorded"),
    "notification_sent": gettext_noop("notification sent"),
    "team_formed": gettext_noop("team formed"),
    "meeting_held": gettext_noop("meeting held"),
    "assessment_done": gettext_noop("assessment done"),
    "formulation_agreed": gettext_noop("shared understanding agreed"),
    "plan_agreed": gettext_noop("plan agreed"),
    "plan_signed": gettext_noop("plan signed by the team"),
    "decision_recorded": gettext_noop("decision recorded"),
    "review_held": gettext_noop("review held"),
}
KIND_LABELS = {
    "institutions": gettext_noop("to the other institutions"),
    "dazd": gettext_noop("to ДАЗД"),
    "family": gettext_noop("to the family"),
    "team": gettext_noop("to the team"),
    "closure": gettext_noop("closure"),
    "case_conference": gettext_noop("case conference"),
    "multidisciplinary_team": gettext_noop("multidisciplinary team"),
    "network": gettext_noop("network meeting"),
    "review": gettext_noop("review"),
    "multisector": gettext_noop("multisector"),
    "needs": gettext_noop("needs assessment report"),
    "individual_needs": gettext_noop("individual needs"),
    "case_plan": gettext_noop("case plan"),
    "action_plan": gettext_noop("action plan"),
    "individual_support_plan": gettext_noop("individual support plan"),
    "protection_measure": gettext_noop("protection measure"),
    "crisis_intervention": gettext_noop("crisis intervention"),
    "follow_up": gettext_noop("follow-up"),
    "plan": gettext_noop("plan"),
}


# --- words ----------------------------------------------------------------------------------------


def owner_words(role: str) -> str:
    return _(OWNER_LABELS[role]) if role in OWNER_LABELS else role


def event_words(event: str) -> str:
    return _(EVENT_LABELS[event]) if event in EVENT_LABELS else event


def _term(term: dict) -> tuple[str, int]:
    unit, n = next(iter(term.items()))
    return unit, int(n)


def deadline_words(deadline: dict) -> str:
    """``{"hours": 1}`` → "within 1 hour"; ``{"working_days": 5}`` → "within 5 working days"."""
    unit, n = _term(deadline)
    if unit == "hours":
        return ngettext("within %(n)s hour", "within %(n)s hours", n) % {"n": n}
    if unit == "working_days":
        return ngettext("within %(n)s working day", "within %(n)s working days", n) % {"n": n}
    return ngettext("within %(n)s day", "within %(n)s days", n) % {"n": n}


def repeat_words(repeat: dict) -> str:
    """``{"days": 90}`` → "every 90 days" (the interval of a repeating step such as a review)."""
    unit, n = _term(repeat)
    if unit == "hours":
        return ngettext("every %(n)s hour", "every %(n)s hours", n) % {"n": n}
    if unit == "working_days":
        return ngettext("every %(n)s working day", "every %(n)s working days", n) % {"n": n}
    return ngettext("every %(n)s day", "every %(n)s days", n) % {"n": n}


def artefact_words(completed_by: str) -> str:
    """``meeting_held[case_conference]`` → "meeting held (case conference)"."""
    match = ARTEFACT_RE.match(completed_by)
    if not match:
        return completed_by
    artefact, kind = match.group(1), match.group(2)
    label = _(ARTEFACT_LABELS[artefact]) if artefact in ARTEFACT_LABELS else artefact
    if not kind:
        return label
    kind_label = _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind
    return _("%(record)s (%(kind)s)") % {"record": label, "kind": kind_label}


def condition_words(conditions: dict | None) -> str:
    """``{"signal_category": ["violence"]}`` → "the signal is about: violence"; ``{"municipality":
    ["VTR04"]}`` → "the case is in the municipality of Велико Търново"."""
    if not conditions:
        return ""
    from zaedno.cases.models import SignalCategory

    parts = []
    for name, values in conditions.items():
        if name == "signal_category":
            labels = ", ".join(
                str(SignalCategory(v).label) if v in SignalCategory.values else v for v in values
            )
            parts.append(_("the signal is about: %(categories)s") % {"categories": labels})
        elif name == "municipality":
            from zaedno.places.models import Municipality

            names = dict(Municipality.objects.filter(pk__in=values).values_list("pk", "name"))
            places = ", ".join(names.get(v, v) for v in values)
            parts.append(_("the case is in the municipality of %(places)s") % {"places": places})
        else:
            parts.append(f"{name}: {', '.join(values)}")
    return "; ".join(parts)


# --- the layout -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Box:
    """One step of the definition, placed on the grid."""

    code: str
    stage: str
    number: str  # "2.1": the first step of the second stage
    lane: int
    row: int  # the row over the whole diagram, from 0
    body: dict
    after: str | None  # the step whose completion starts this one's clock
    after_number: str  # and its number ("1.1"), for "after 1.1 Signal checked"
    after_body: dict | None
    event: str | None  # or the case event that starts it

    @property
    def title(self) -> str:
        return text(self.body["title"])

    @property
    def after_title(self) -> str:
        return text(self.after_body["title"]) if self.after_body else ""

    @property
    def owner(self) -> str:
        return self.body["owner"]

    @property
    def owner_label(self) -> str:
        return owner_words(self.body["owner"])

    @property
    def event_label(self) -> str:
        return event_words(self.event) if self.event else ""

    @property
    def deadline_label(self) -> str:
        return deadline_words(self.body["deadline"])

    @property
    def hourly(self) -> bool:
        """A deadline in hours: its due time matters, not only the day."""
        return "hours" in self.body["deadline"]

    @property
    def date_format(self) -> str:
        """Due and done times of a deadline in hours are shown to the minute; others by the day."""
        return "d.m.Y H:i" if self.hourly else "d.m.Y"

    @property
    def repeat_label(self) -> str:
        return repeat_words(self.body["repeat"]) if self.body.get("repeat") else ""

    @property
    def ends_on_label(self) -> str:
        return event_words(self.body["ends_on"]) if self.body.get("ends_on") else ""

    @property
    def completed_label(self) -> str:
        return artefact_words(self.body["completed_by"])

    @property
    def optional(self) -> bool:
        return bool(self.body.get("optional"))

    @property
    def condition_label(self) -> str:
        return condition_words(self.body.get("applies_when"))

    @property
    def notes(self) -> str:
        return text(self.body.get("notes"))


@dataclass(frozen=True)
class Cell:
    """One lane of one row: the connector above (how the clock starts) and the box, if any."""

    lane: int
    box: Box | None = None
    # "event": a case event starts the clock; "line": the step it waits for is on the row just
    # above (a line is drawn from it); "far": it waits for a step further up (named instead).
    connector: str = ""
    parent: Box | None = None
    # The step it waits for is the box just before it in reading order (row by row, lane by
    # lane): on a phone, where the lanes stack, the arrow is kept only then.
    adjacent: bool = False

    @property
    def column(self) -> int:
        """The CSS grid column (1-based)."""
        return self.lane + 1


@dataclass(frozen=True)
class Line:
    """A line in the connector strip from a box on the row above to one on this row.

    Drawn in an SVG whose ``viewBox`` is 100 wide and 10 high and stretched to the row, so the
    x of a lane's centre is a percentage: the grid's lanes have equal widths and no gap.
    """

    from_lane: int
    to_lane: int
    lanes: int

    def _x(self, lane: int) -> str:
        return f"{(lane + 0.5) * 100 / self.lanes:g}"

    @property
    def path(self) -> str:
        x1, x2 = self._x(self.from_lane), self._x(self.to_lane)
        if x1 == x2:
            return f"M{x1} 0V10"
        return f"M{x1} 0C{x1} 6 {x2} 4 {x2} 10"


@dataclass
class Row:
    index: int
    cells: list[Cell]
    lines: list[Line]


@dataclass
class Band:
    """A stage (етап): its title and its rows of steps."""

    code: str
    number: int
    body: dict
    rows: list[Row] = field(default_factory=list)

    @property
    def title(self) -> str:
        return text(self.body["title"])


@dataclass
class Layout:
    lanes: int
    bands: list[Band]
    boxes: dict[str, Box]

    @property
    def edges(self) -> list[tuple[str, str]]:
        """``(step waited for, step waiting)`` for every ``step_done:`` dependency."""
        return [(b.after, b.code) for b in self.boxes.values() if b.after in self.boxes]


def layout(body: dict) -> Layout:
    """Place the steps of a definition body on a grid of stage bands, rows and lanes."""
    stages = body["stages"]
    order: list[str] = []
    stage_of: dict[str, int] = {}
    step_body: dict[str, dict] = {}
    number: dict[str, str] = {}
    for s, stage in enumerate(stages):
        for i, step in enumerate(stage["steps"]):
            code = step["code"]
            order.append(code)
            stage_of[code], step_body[code], number[code] = s, step, f"{s + 1}.{i + 1}"

    def waits_for(code: str) -> str | None:
        starts_on = step_body[code]["starts_on"]
        if starts_on.startswith(STEP_DONE) and starts_on[len(STEP_DONE) :] in step_body:
            return starts_on[len(STEP_DONE) :]
        return None

    # A step's row inside its stage: one below the step it waits for when that is in the same
    # stage, otherwise the stage's first row. (The definition's checks rule out circles; the
    # ``seen`` guard keeps a bad body from recursing for ever.)
    depth: dict[str, int] = {}

    def depth_of(code: str, seen: frozenset = frozenset()) -> int:
        if code not in depth:
            parent = waits_for(code)
            same_stage = parent is not None and stage_of[parent] == stage_of[code] and parent not in seen
            depth[code] = depth_of(parent, seen | {code}) + 1 if same_stage else 0
        return depth[code]

    row_of, next_row = {}, 0
    for stage in stages:
        codes = [step["code"] for step in stage["steps"]]
        for code in codes:
            row_of[code] = next_row + depth_of(code)
        next_row += max((depth[c] for c in codes), default=-1) + 1

    # Lanes, row by row: a step that waits for a step already placed takes that step's lane if it
    # is free on its row; then every other step takes the first free lane.
    lane_of: dict[str, int] = {}
    for r in range(next_row):
        members = [c for c in order if row_of[c] == r]
        members.sort(key=lambda c: waits_for(c) not in lane_of)  # stable: definition order otherwise
        taken: set[int] = set()
        for code in members:
            parent = waits_for(code)
            lane = lane_of.get(parent, 0) if parent else 0
            if lane in taken:
                lane = min(set(range(len(members) + 1)) - taken)
            lane_of[code] = lane
            taken.add(lane)
    lanes = max(lane_of.values(), default=0) + 1

    boxes: dict[str, Box] = {}
    for code in order:
        parent = waits_for(code)
        starts_on = step_body[code]["starts_on"]  # an event, unless it waits for a step
        boxes[code] = Box(
            code=code, stage=stages[stage_of[code]]["code"], number=number[code], lane=lane_of[code],
            row=row_of[code], body=step_body[code], after=parent, after_number=number.get(parent, ""),
            after_body=step_body.get(parent), event=None if parent else starts_on,
        )  # fmt: skip

    bands = [Band(code=stage["code"], number=s + 1, body=stage) for s, stage in enumerate(stages)]
    previous: Box | None = None
    for r in range(next_row):
        in_row = {boxes[c].lane: boxes[c] for c in order if row_of[c] == r}
        cells, lines = [], []
        for lane in range(lanes):
            box = in_row.get(lane)
            if box is None:
                cells.append(Cell(lane))
                continue
            parent_box = boxes.get(box.after) if box.after else None
            if parent_box is None:
                cells.append(Cell(lane, box, "event"))
            elif parent_box.row == r - 1:
                cells.append(Cell(lane, box, "line", parent_box, adjacent=parent_box is previous))
                lines.append(Line(parent_box.lane, lane, lanes))
            else:
                cells.append(Cell(lane, box, "far", parent_box, adjacent=parent_box is previous))
            previous = box
        band = bands[stage_of[next(iter(in_row.values())).code]]
        band.rows.append(Row(r, cells, lines))
    return Layout(lanes=lanes, bands=bands, boxes=boxes)


# --- a case on the diagram ------------------------------------------------------------------------

ABSENT = "absent"  # the step is not on this case (its ``applies_when`` did not match)

# Each state has an icon and a word as well as a colour, so it reads in black and white and for
# people who do not tell the colours apart.
STATE_ICONS = {
    Compliance.DONE_ON_TIME: "✓",
    Compliance.DONE_LATE: "✓!",
    Compliance.ON_TRACK: "▶",
    Compliance.DUE_SOON: "◷",
    Compliance.OVERDUE: "!",
    Compliance.WAITING: "○",
    Compliance.NOT_APPLICABLE: "—",
    Compliance.ENDED: "■",
    ABSENT: "·",
}
STATE_LABELS = {
    **{c.value: c.label for c in Compliance},
    ABSENT: gettext_lazy("not on this case"),
}
# The order of the legend: from done to not started.
STATE_ORDER = [
    Compliance.DONE_ON_TIME,
    Compliance.DONE_LATE,
    Compliance.ON_TRACK,
    Compliance.DUE_SOON,
    Compliance.OVERDUE,
    Compliance.WAITING,
    Compliance.NOT_APPLICABLE,
    Compliance.ENDED,
    ABSENT,
]


def state_legend() -> list[dict]:
    return [{"state": str(s), "icon": STATE_ICONS[s], "label": STATE_LABELS[s]} for s in STATE_ORDER]


@dataclass
class Occurrence:
    """One occurrence of a step on the case (a repeating review has several)."""

    step: object  # CaseStep
    state: str
    number: int
    total: int

    @property
    def icon(self) -> str:
        return STATE_ICONS[self.state]

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Progress:
    """Where one step of the diagram stands on a case: the state of its latest occurrence."""

    occurrences: list[Occurrence]

    @property
    def current(self) -> Occurrence:
        return self.occurrences[-1]

    @property
    def step(self):
        return self.current.step

    @property
    def state(self) -> str:
        return self.current.state

    @property
    def icon(self) -> str:
        return self.current.icon

    @property
    def label(self) -> str:
        return self.current.label

    @property
    def repeats(self) -> bool:
        return len(self.occurrences) > 1

    @property
    def owner_name(self) -> str:
        user = self.step.owner_user
        return (user.get_full_name() or user.username) if user else ""

    @property
    def owner_organisation(self) -> str:
        org = self.step.owner_organisation
        return str(org) if org else ""


def case_progress(steps: Iterable, now) -> dict[str, Progress]:
    """The steps of one case protocol by step code, each with all its occurrences in order."""
    by_code: dict[str, list] = {}
    for step in sorted(steps, key=lambda s: (s.position, s.occurrence)):
        by_code.setdefault(step.step_code, []).append(step)
    out = {}
    for code, occurrences in by_code.items():
        total = len(occurrences)
        out[code] = Progress(
            [Occurrence(s, s.compliance(now), n, total) for n, s in enumerate(occurrences, start=1)]
        )
    return out


def state_counts(progress: dict[str, Progress], boxes: Iterable[Box]) -> list[dict]:
    """How many steps of the diagram are in each state (the summary above a case's diagram)."""
    counts: dict[str, int] = {}
    for box in boxes:
        state = progress[box.code].state if box.code in progress else ABSENT
        counts[state] = counts.get(state, 0) + 1
    return [{**item, "count": counts[item["state"]]} for item in state_legend() if item["state"] in counts]
