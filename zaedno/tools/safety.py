"""The safety scale of a Signs-of-Safety map read as views, not as one number.

A mean of the professionals and the parent (3, 4 and 7 → 4,7) hides the gap that matters most:
the family sees the child safer than the team does (or the other way round). So a map's ratings
are read as each person's rating, the views of each side — the professionals, the family, the
child — side by side, and the spread from the lowest to the highest rating. A spread of
``APART`` points or more is flagged for the team to talk about before agreeing what happens next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from zaedno.tools.kinds import SIDE_CODES, SIDES, rating_side

# The heading of each side where the views stand side by side.
SIDE_HEADINGS = {"professional": _("Professionals"), "family": _("Family"), "child": _("The child")}
# Ratings this many points apart (lowest to highest, or between the sides) are worth talking about.
APART = 3


@dataclass
class SideView:
    """One side's ratings on one map: who, each number, their mean, lowest and highest."""

    code: str
    label: str
    people: list[dict] = field(default_factory=list)

    @property
    def ratings(self) -> list[int]:
        return [p["rating"] for p in self.people]

    @property
    def mean(self) -> float:
        return round(sum(self.ratings) / len(self.ratings), 1)

    @property
    def low(self) -> int:
        return min(self.ratings)

    @property
    def high(self) -> int:
        return max(self.ratings)


@dataclass
class SafetyViews:
    """The ratings of one map: ``people`` (each with its ``side``), the ``sides`` present in the
    order professionals, family, child, and the spread of all the ratings."""

    people: list[dict]
    sides: list[SideView]

    @property
    def low(self) -> int:
        return min(p["rating"] for p in self.people)

    @property
    def high(self) -> int:
        return max(p["rating"] for p in self.people)

    @property
    def spread(self) -> int:
        return self.high - self.low

    def side(self, code: str) -> SideView | None:
        return next((s for s in self.sides if s.code == code), None)

    @property
    def gap(self) -> float | None:
        """How far apart the professionals' and the family's means are (None without both)."""
        pro, family = self.side("professional"), self.side("family")
        if pro is None or family is None:
            return None
        return round(abs(family.mean - pro.mean), 1)

    @property
    def apart(self) -> bool:
        return self.spread >= APART or (self.gap or 0) >= APART


def safety_views(ratings: list[dict]) -> SafetyViews | None:
    """The views of one map's ``ratings`` (rows with a whole-number ``rating``); None when none."""
    labels = dict(SIDES)
    people = [
        {**row, "side": rating_side(row), "side_label": str(labels[rating_side(row)])}
        for row in ratings or []
        if isinstance(row.get("rating"), int) and not isinstance(row.get("rating"), bool)
    ]
    if not people:
        return None
    sides = []
    for code in SIDE_CODES:
        mine = [p for p in people if p["side"] == code]
        if mine:
            sides.append(SideView(code, str(SIDE_HEADINGS[code]), mine))
    return SafetyViews(people, sides)
