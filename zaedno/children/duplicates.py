"""Finding likely existing records of a child (one record per child across agencies).

A child is often registered again by a second agency: a school, the police, a hospital each
meet the same child, spell the name their own way (Cyrillic, the passport's Latin letters, a
letter wrong) or mistype the birth date. Before a new record is made, the records that are
likely the same child are found:

* by ЕГН or ЛНЧ, exactly (**strong**);
* by first and last name — in either alphabet, tolerant to one letter wrong, missing, extra or
  two letters swapped (two in a long name) — with the same birth date (**strong**), or with a
  birth date whose day and month are swapped or one digit differs (**weak**).

Blocking keeps it fast over hundreds of thousands of children: the database is asked only for
the children born on the typed date or one of its few dozen variants (the indexed
``birth_date``), or carrying the typed ЕГН/ЛНЧ (unique indexes); the names of those few hundred
candidates are then scored in Python with rapidfuzz's optimal string alignment distance (a
transposition counts as one edit). See docs/performance.md, "Duplicate search (issue 5)".

This module only matches; what a user is told about a match (and what not) is decided in
``children.queries.duplicate_hints``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone
from rapidfuzz.distance import OSA

from zaedno.children.identifiers import egn_birth_date
from zaedno.children.models import Child
from zaedno.core.translit import search_key

STRONG = "strong"
WEAK = "weak"

# How a field matched (shown to the user without the stored value).
EXACT = "exact"
SPELLING = "spelling"  # the same name in the other alphabet or another common spelling
SIMILAR = "similar"  # one letter wrong, missing, extra, or two swapped
SWAPPED = "day_month_swapped"
ONE_DIGIT = "one_digit"

EARLIEST_YEAR = 1900
MAX_RESULTS = 10


@dataclass(frozen=True)
class DuplicateQuery:
    """What the user typed about the child they are about to register."""

    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    middle_name: str = ""
    egn: str | None = None
    lnch: str | None = None

    def effective_birth_date(self) -> dt.date | None:
        """The typed birth date, or the one an ЕГН encodes."""
        if self.birth_date:
            return self.birth_date
        if self.egn:
            try:
                return egn_birth_date(self.egn)
            except Exception:  # noqa: BLE001 - an invalid ЕГН just gives no date
                return None
        return None

    def typed_fields(self) -> list[str]:
        return [
            f
            for f in ("first_name", "middle_name", "last_name", "birth_date", "egn", "lnch")
            if getattr(self, f)
        ]


@dataclass
class Match:
    """A likely existing record: its id, how strong, and which fields matched and how."""

    child_id: int
    strength: str
    score: int
    fields: dict[str, str] = field(default_factory=dict)


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_variants(birth: dt.date, *, today: dt.date | None = None) -> dict[dt.date, str]:
    """The dates a mistyped ``birth`` could have been: day and month swapped, or one digit of
    dd.mm.yyyy different; only real dates between 1900 and today."""
    today = today or timezone.localdate()
    out: dict[dt.date, str] = {}
    swapped = _valid_date(birth.year, birth.day, birth.month)
    if swapped and swapped != birth:
        out[swapped] = SWAPPED
    digits = f"{birth.day:02d}{birth.month:02d}{birth.year:04d}"
    for i, old in enumerate(digits):
        for new in "0123456789":
            if new == old:
                continue
            s = digits[:i] + new + digits[i + 1 :]
            d = _valid_date(int(s[4:]), int(s[2:4]), int(s[:2]))
            if d and d.year >= EARLIEST_YEAR and d <= today and d not in out:
                out[d] = ONE_DIGIT
    out.pop(birth, None)
    return out


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A name's search key without spaces (``Анна-Мария`` and ``Anna Maria`` coincide)."""
    return search_key(name).replace(" ", "")


def _fold(name: str) -> str:
    return " ".join((name or "").lower().split())


class NameMatcher:
    """Matches one typed name against many stored ones (the typed side is prepared once, and
    each distinct stored name is scored once)."""

    def __init__(self, typed: str):
        self.fold = _fold(typed)
        self.key = name_key(typed) if typed else ""
        self.memo: dict[str, str | None] = {}

    def __call__(self, stored: str) -> str | None:
        if not self.key or not stored:
            return None
        how = self.memo.get(stored, "")
        if how == "":
            how = self.memo[stored] = self._match(stored)
        return how

    def _match(self, stored: str) -> str | None:
        fold = _fold(stored)
        if fold == self.fold:
            return EXACT
        a, b = self.key, name_key(stored)
        if not b:
            return None
        if a == b:
            return SPELLING
        shortest = min(len(a), len(b))
        # In a short name one letter is much of the name: "Ана" and "Яна" are two names.
        if shortest < 3 or (shortest < 5 and a[0] != b[0]):
            return None
        allowed = 2 if shortest >= 9 else 1
        if OSA.distance(a, b, score_cutoff=allowed) <= allowed:
            return SIMILAR
        # One Cyrillic letter may be two Latin ones (ш → sh): compare the letters as typed too.
        if OSA.distance(self.fold, fold, score_cutoff=allowed) <= allowed and len(fold) >= 5:
            return SIMILAR
        return None


def name_match(typed: str, stored: str) -> str | None:
    """How a typed name matches a stored one: exactly, by spelling (alphabet/convention), by a
    typo (one edit, two in a name of nine letters or more), or not (None)."""
    if not typed or not stored:
        return None
    return NameMatcher(typed)(stored)


NAME_POINTS = {EXACT: 30, SPELLING: 28, SIMILAR: 20}
DATE_POINTS = {EXACT: 40, SWAPPED: 20, ONE_DIGIT: 15}


def candidates(query: DuplicateQuery, *, today: dt.date | None = None) -> tuple[list[tuple], dict]:
    """The rows worth scoring: same ЕГН/ЛНЧ, or born on the typed date or one of its variants."""
    birth = query.effective_birth_date()
    dates: dict[dt.date, str] = {}
    if birth and query.first_name and query.last_name:
        dates = {birth: EXACT, **date_variants(birth, today=today)}
    condition = Q(pk__in=[])
    if dates:
        condition |= Q(birth_date__in=list(dates))
    if query.egn:
        condition |= Q(egn=query.egn)
    if query.lnch:
        condition |= Q(lnch=query.lnch)
    # Merged-away records are dropped in Python: a condition on ``merged_into`` lets the
    # planner pick the wrong index.
    rows = list(
        Child.objects.filter(condition)
        .order_by()
        .values_list(
            "pk", "first_name", "middle_name", "last_name", "birth_date", "egn", "lnch", "merged_into"
        )
    )
    return rows, dates


def find_duplicates(
    query: DuplicateQuery,
    *,
    exclude_id: int | None = None,
    limit: int = MAX_RESULTS,
    today: dt.date | None = None,
) -> list[Match]:
    """The likely existing records of the typed child, strongest first (no access check here)."""
    rows, dates = candidates(query, today=today)
    first_match, last_match = NameMatcher(query.first_name), NameMatcher(query.last_name)
    middle_match = NameMatcher(query.middle_name) if query.middle_name else None
    matches: list[Match] = []
    for pk, first, middle, last, birth, egn, lnch, merged_into in rows:
        if pk == exclude_id or merged_into is not None:
            continue
        fields: dict[str, str] = {}
        if query.egn and egn == query.egn:
            fields["egn"] = EXACT
        if query.lnch and lnch == query.lnch:
            fields["lnch"] = EXACT
        if fields:
            for f, how in (("first_name", first_match(first)), ("last_name", last_match(last))):
                if how:
                    fields[f] = how
            if birth in dates:
                fields["birth_date"] = dates[birth]
            matches.append(Match(pk, STRONG, 100, fields))
            continue
        # Two records with different ЕГН are two children (twins share name parts and a date).
        if (query.egn and egn) or (query.lnch and lnch):
            continue
        how_date = dates.get(birth)
        if how_date is None:
            continue
        last_how = last_match(last)
        if not last_how:
            continue
        first_how = first_match(first)
        if not first_how:
            continue
        fields = {"first_name": first_how, "last_name": last_how, "birth_date": how_date}
        score = NAME_POINTS[first_how] + NAME_POINTS[last_how] + DATE_POINTS[how_date]
        if middle_match and middle:
            middle_how = middle_match(middle)
            if middle_how:
                fields["middle_name"] = middle_how
                score += 5
            else:
                score -= 10
        strength = STRONG if how_date == EXACT else WEAK
        matches.append(Match(pk, strength, min(score, 99), fields))
    matches.sort(key=lambda m: (m.strength != STRONG, -m.score, m.child_id))
    return matches[:limit]


def query_from_child(child: Child) -> DuplicateQuery:
    """The duplicate query a registered child's own data make (to find its duplicates)."""
    return DuplicateQuery(
        first_name=child.first_name,
        middle_name=child.middle_name,
        last_name=child.last_name,
        birth_date=child.birth_date,
        egn=child.egn,
        lnch=child.lnch,
    )
