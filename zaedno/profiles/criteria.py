"""The difficult-case criteria: read from a YAML file (data, not code) and checked when loaded.

The file (``zaedno/profiles/criteria.yaml``, or the path in the ``ZAEDNO_PROFILE_CRITERIA``
setting) carries its own version and date, the threshold (a case is a difficult case when it
meets at least that many criteria) and the criteria, each with a Bulgarian and an English label
and description, a rule from the fixed vocabulary below (implemented in
``zaedno.profiles.rules``) and the rule's parameters. A mistake in the file is reported naming
the criterion and the field, never as a traceback. Only PyYAML's safe loader is used.
See docs/difficult-cases.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from zaedno.cases.models import SignalCategory
from zaedno.profiles.models import IndicatorKind

DEFAULT_PATH = Path(__file__).with_name("criteria.yaml")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# Parameter types: a positive whole number, or a list of values from a vocabulary.
VOCABULARIES: dict[str, list[str]] = {
    "indicators": list(IndicatorKind.values),
    "categories": list(SignalCategory.values),
}

# The rules the code knows, with the parameters each takes (all required).
RULES: dict[str, dict[str, str]] = {
    # significant needs in at least ``min_domains`` domains of the current completed assessment
    "significant_needs": {"min_domains": "int"},
    # at least ``min_sectors`` sectors that recorded a need of the child in that assessment
    "needs_by_sectors": {"min_sectors": "int"},
    # one of ``indicators`` recorded by the team and not withdrawn
    "indicator": {"indicators": "indicators"},
    # a signal of one of ``categories``, or one of ``indicators``
    "signal_or_indicator": {"categories": "categories", "indicators": "indicators"},
    # at least ``min_moves`` moves between services or schools in the last 12 months
    "moves_between_services": {"min_moves": "int"},
}

# Where each rule reads its fact. A criterion is a fact about the child: what was recorded about
# them (a signal's category, the shared assessment, the child's service and school history) or
# what the team recorded with a note (an indicator). Never who is in the team: a police inspector
# who joins does not put a child victim "in conflict with the law" (issue 12, item 3).
RULE_SOURCES: dict[str, tuple[str, ...]] = {
    "significant_needs": ("assessment",),
    "needs_by_sectors": ("assessment",),
    "indicator": ("indicator",),
    "signal_or_indicator": ("signal", "indicator"),
    "moves_between_services": ("episodes",),
}

# Rules of earlier versions that read the team; a file that still uses one is refused, saying why.
TEAM_RULES: dict[str, str] = {
    "team_sectors": "needs_by_sectors",
    "indicator_or_team_sector": "signal_or_indicator",
}

LANGS = ("bg", "en")


class CriteriaError(Exception):
    """The criteria file is not valid; ``errors`` has one plain line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Criterion:
    code: str
    rule: str
    params: dict
    label: dict[str, str]
    description: dict[str, str]

    def label_in(self, lang: str) -> str:
        return self.label.get((lang or "bg")[:2], self.label["bg"])

    def description_in(self, lang: str) -> str:
        return self.description.get((lang or "bg")[:2], self.description["bg"])


@dataclass(frozen=True)
class Criteria:
    version: str
    date: dt.date
    threshold: int
    criteria: tuple[Criterion, ...]
    source: str
    title: dict[str, str]
    introduction: dict[str, str]

    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criteria}

    def title_in(self, lang: str) -> str:
        return self.title.get((lang or "bg")[:2], self.title.get("bg", ""))

    def introduction_in(self, lang: str) -> str:
        return self.introduction.get((lang or "bg")[:2], self.introduction.get("bg", ""))


def _text(value, where: str, errors: list[str], *, required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where}: give the text in both languages, as `bg:` and `en:`")
        return {}
    out = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}.{lang}: missing or empty")
        else:
            out[lang] = text.strip()
    for extra in set(value) - set(LANGS):
        errors.append(f"{where}.{extra}: unknown language (use bg and en)")
    return out


def _param(kind: str, value, where: str, errors: list[str]):
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(f"{where}: must be a whole number of at least 1, not {value!r}")
            return None
        return value
    known = VOCABULARIES[kind]
    if not isinstance(value, list) or not value:
        errors.append(f"{where}: must be a non-empty list of: {', '.join(known)}")
        return None
    bad = [v for v in value if v not in known]
    if bad:
        errors.append(f"{where}: unknown value(s) {', '.join(map(str, bad))} (known: {', '.join(known)})")
        return None
    return list(dict.fromkeys(value))


def _criterion(raw, index: int, source: str, errors: list[str]) -> Criterion | None:
    if not isinstance(raw, dict):
        errors.append(
            f"{source}: criteria[{index}]: must be a mapping with code, rule, params, label, description"
        )
        return None
    code = raw.get("code")
    name = f"criterion “{code}”" if isinstance(code, str) and code else f"criteria[{index}]"
    where = f"{source}: {name}"
    before = len(errors)
    if not isinstance(code, str) or not CODE_RE.match(code):
        errors.append(
            f"{where}: field “code”: must be lowercase letters, digits and _, starting with a letter"
        )
    for extra in sorted(set(raw) - {"code", "rule", "params", "label", "description"}):
        errors.append(f"{where}: field “{extra}”: unknown field")
    rule = raw.get("rule")
    params: dict = {}
    if rule in TEAM_RULES:
        errors.append(
            f"{where}: field “rule”: {rule} reads who is in the team, and a criterion must be a fact"
            f" about the child (use {TEAM_RULES[rule]})"
        )
    elif rule not in RULES:
        errors.append(f"{where}: field “rule”: unknown rule {rule!r} (known: {', '.join(RULES)})")
    else:
        given = raw.get("params") or {}
        if not isinstance(given, dict):
            errors.append(f"{where}: field “params”: must be a mapping")
            given = {}
        for pname, kind in RULES[rule].items():
            if pname not in given:
                errors.append(f"{where}: field “params.{pname}”: required by the rule {rule}")
            else:
                params[pname] = _param(kind, given[pname], f"{where}: field “params.{pname}”", errors)
        for extra in sorted(set(given) - set(RULES[rule])):
            errors.append(f"{where}: field “params.{extra}”: not a parameter of the rule {rule}")
    label = _text(raw.get("label"), f"{where}: field “label”", errors)
    description = _text(raw.get("description"), f"{where}: field “description”", errors)
    if len(errors) > before:
        return None
    return Criterion(code=code, rule=rule, params=params, label=label, description=description)


def parse_criteria(text: str, source: str = "criteria.yaml") -> Criteria:
    """Read and check a criteria file's text; raise ``CriteriaError`` listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise CriteriaError([f"{source}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(data, dict):
        raise CriteriaError(
            [f"{source}: the file must be a mapping with version, date, threshold and criteria"]
        )
    errors: list[str] = []
    for extra in sorted(set(data) - {"version", "date", "threshold", "criteria", "title", "introduction"}):
        errors.append(f"{source}: field “{extra}”: unknown field")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, (int, str)) or not str(version).strip():
        errors.append(f'{source}: field “version”: required (e.g. 1 or "2026.1")')
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors.append(f"{source}: field “date”: required, as YYYY-MM-DD")
    raw_criteria = data.get("criteria")
    criteria: list[Criterion] = []
    if not isinstance(raw_criteria, list) or not raw_criteria:
        errors.append(f"{source}: field “criteria”: a non-empty list of criteria is required")
        raw_criteria = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_criteria):
        c = _criterion(raw, i, source, errors)
        if c is None:
            continue
        if c.code in seen:
            errors.append(f"{source}: criterion “{c.code}”: field “code”: used twice")
        seen.add(c.code)
        criteria.append(c)
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        errors.append(f"{source}: field “threshold”: must be a whole number of at least 1")
    elif raw_criteria and threshold > len(raw_criteria):
        errors.append(
            f"{source}: field “threshold”: {threshold} is more than the {len(raw_criteria)} criteria in the file"
        )
    title = _text(data.get("title"), f"{source}: field “title”", errors, required=False)
    introduction = _text(data.get("introduction"), f"{source}: field “introduction”", errors, required=False)
    if errors:
        raise CriteriaError(errors)
    return Criteria(
        version=str(version).strip(), date=date, threshold=threshold, criteria=tuple(criteria), source=source,
        title=title, introduction=introduction,
    )  # fmt: skip


_cache: dict[tuple[str, float], Criteria] = {}


def criteria_path() -> Path:
    return Path(getattr(settings, "ZAEDNO_PROFILE_CRITERIA", "") or DEFAULT_PATH)


def load_criteria(path: Path | None = None) -> Criteria:
    """The criteria in force, read again whenever the file changes (by modification time)."""
    path = Path(path or criteria_path())
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise CriteriaError([f"{path}: cannot read the criteria file ({exc.strerror})"]) from None
    if key not in _cache:
        _cache.clear()
        _cache[key] = parse_criteria(path.read_text(encoding="utf-8"), source=path.name)
    return _cache[key]
