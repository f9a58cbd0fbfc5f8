"""Reading and checking a protocol definition file (YAML), with errors that name file, line and field.

Two passes: the JSON Schema (shape and types) and the semantic checks the schema cannot express
(unique codes, ``step_done`` references that exist and form no cycle, events and artefacts from
the vocabulary). Each error is located on the YAML node it is about, found by walking the
composed node tree along the error's path, so the person adapting a file sees
``multisector.yaml:42: stages[1].steps[0].deadline: 'dayz' is not one of hours, days, working_days``.
Only PyYAML's safe loader is used: a definition is data, never code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import jsonschema
import yaml

from zaedno.protocols.vocabulary import (
    ARTEFACT_COMES_AFTER,
    ARTEFACT_EVENTS,
    ARTEFACTS,
    CONDITIONS,
    DEADLINE_UNITS,
    EVENTS,
    LEAD_KINDS,
    NOTIFY_INSTITUTIONS,
    OWNERS,
    STEP_DONE,
)

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
MUNICIPALITY_PATTERN = r"^[A-Z]{3}[0-9]{2}$"
ARTEFACT_RE = re.compile(r"^([a-z_]+)(?:\[([a-z_]+)\])?$")

_TEXT = {
    "type": "object",
    "required": ["bg", "en"],
    "additionalProperties": False,
    "properties": {"bg": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
}
_DEADLINE = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "propertyNames": {"enum": list(DEADLINE_UNITS)},
    "additionalProperties": {"type": "integer", "minimum": 1},
}
_CONDITIONS = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        **{
            name: {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": values}}
            for name, values in CONDITIONS.items()
        },
        # EKATTE municipality codes, e.g. VTR04 (Велико Търново): a municipality's own version.
        "municipality": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": MUNICIPALITY_PATTERN},
        },
    },
}
_CODE = {"type": "string", "pattern": CODE_PATTERN}
# Who may lead a case under the protocol: rules tried in order, the first whose ``when`` holds
# for the case's signals wins (a rule without ``when`` holds always, so it comes last).
_LEAD = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["organisation_kinds"],
        "additionalProperties": False,
        "properties": {
            "when": _CONDITIONS,
            "organisation_kinds": {
                "type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": LEAD_KINDS},
            },
            "notes": _TEXT,
        },
    },
}  # fmt: skip
# A signal before any case: the terms to assign it and to check it (the first rule whose ``when``
# holds), and the institutions informed besides the Child Protection Department.
_INTAKE = {
    "type": "object",
    "required": ["terms"],
    "additionalProperties": False,
    "properties": {
        "terms": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["assign"],
                "additionalProperties": False,
                "properties": {"when": _CONDITIONS, "assign": _DEADLINE, "check": _DEADLINE},
            },
        },
        "notify": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["institution"],
                "additionalProperties": False,
                "properties": {"institution": {"enum": list(NOTIFY_INSTITUTIONS)}, "when": _CONDITIONS},
            },
        },
    },
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["code", "version", "title", "description", "stages"],
    "additionalProperties": False,
    "properties": {
        "code": _CODE,
        "version": {"type": "integer", "minimum": 1},
        "title": _TEXT,
        "description": _TEXT,
        "basis": {"type": "string", "minLength": 1},
        "applies_when": _CONDITIONS,
        "replaces": _CODE,
        "lead": _LEAD,
        "intake": _INTAKE,
        "stages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title", "steps"],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "title": _TEXT,
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["code", "title", "owner", "starts_on", "deadline", "completed_by"],
                            "additionalProperties": False,
                            "properties": {
                                "code": _CODE,
                                "title": _TEXT,
                                "owner": {"enum": list(OWNERS)},
                                "starts_on": {"type": "string", "minLength": 1},
                                "deadline": _DEADLINE,
                                "repeat": _DEADLINE,
                                "ends_on": {"type": "string", "minLength": 1},
                                "completed_by": {"type": "string", "minLength": 1},
                                "applies_when": _CONDITIONS,
                                "optional": {"type": "boolean"},
                                "notes": _TEXT,
                            },
                        },
                    },
                },
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

PathItem = str | int


@dataclass(frozen=True)
class ProtocolError:
    """One problem in a definition file, located by line and field path."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class Checked:
    """The outcome of checking one file: the parsed definition when there are no errors."""

    source: str
    definition: dict | None = None
    errors: list[ProtocolError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.definition is not None


def format_path(path: Iterable[PathItem]) -> str:
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


def _words(values: Iterable) -> str:
    return ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_TYPE_WORDS = {
    "object": "a mapping (key: value)",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
}


class _Locator:
    """Finds the line of the YAML node at a path (mapping keys and sequence indexes)."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def node(self, path: Sequence[PathItem], *, key: bool = False) -> yaml.Node | None:
        node = self.root
        for i, item in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                found = None
                for k, v in node.value:
                    if k.value == str(item):
                        found = k if (key and last) else v
                nxt = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(item, int) and item < len(node.value):
                nxt = node.value[item]
            else:
                nxt = None
            if nxt is None:
                return node
            node = nxt
        return node

    def line(self, path: Sequence[PathItem], *, key: bool = False) -> int | None:
        node = self.node(path, key=key)
        return node.start_mark.line + 1 if node is not None else None


def _schema_error(error: jsonschema.ValidationError, at: _Locator, source: str) -> ProtocolError:
    path = list(error.absolute_path)
    v, inst, arg = error.validator, error.instance, error.validator_value
    key_line = False
    if v == "required":
        missing = [name for name in arg if isinstance(inst, dict) and name not in inst]
        message = f"required field {_words(repr(m) for m in missing)} is missing"
    elif v == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = [k for k in inst if k not in known]
        message = f"unknown field {_words(repr(k) for k in extra)}"
        if known:
            message += f" (allowed: {_words(sorted(known))})"
        if extra:
            path, key_line = [*path, extra[0]], True
    elif v == "type":
        message = f"expected {_TYPE_WORDS.get(arg, arg)}, got {_kind(inst)}"
    elif v == "enum":
        message = f"{inst!r} is not one of {_words(arg)}"
        if "propertyNames" in error.schema_path:  # a bad key: point at the key itself
            path, key_line = [*path, inst], True
    elif v == "minimum":
        message = f"must be at least {arg}, got {inst!r}"
    elif v in ("minItems", "minLength"):
        message = "must not be empty"
    elif v == "uniqueItems":
        message = "lists a value twice"
    elif v == "pattern" and arg == MUNICIPALITY_PATTERN:
        message = (
            f"{inst!r} is not an EKATTE municipality code (three capital letters and two digits, e.g. VTR04)"
        )
    elif v == "pattern":
        message = (
            f"{inst!r} is not a valid code (lower-case latin letters, digits and _, starting with a letter)"
        )
    elif v in ("minProperties", "maxProperties") and "propertyNames" in error.schema:
        message = f"give exactly one of {_words(error.schema['propertyNames']['enum'])}"
    elif v == "minProperties":
        message = "must not be empty"
    else:  # pragma: no cover - every validator the schema uses is handled above
        message = error.message
    return ProtocolError(source, at.line(path, key=key_line), format_path(path), message)


def _duplicate_keys(node: yaml.Node | None, source: str, path: list[PathItem]) -> list[ProtocolError]:
    errors: list[ProtocolError] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            if k.value in seen:
                errors.append(
                    ProtocolError(
                        source, k.start_mark.line + 1, format_path(path), f"field {k.value!r} is given twice"
                    )
                )
            seen.add(k.value)
            errors += _duplicate_keys(v, source, [*path, k.value])
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            errors += _duplicate_keys(item, source, [*path, i])
    return errors


def _semantic_errors(data: dict, at: _Locator, source: str) -> list[ProtocolError]:
    errors: list[ProtocolError] = []

    def err(path: list[PathItem], message: str) -> None:
        errors.append(ProtocolError(source, at.line(path), format_path(path), message))

    if data.get("replaces") == data["code"]:
        err(["replaces"], "a protocol cannot replace itself; name the shipped protocol it adapts")
    for path, rules in (
        (["lead"], data.get("lead") or []),
        (["intake", "terms"], (data.get("intake") or {}).get("terms") or []),
    ):
        for i, rule in enumerate(rules[:-1]):
            if "when" not in rule:
                err(
                    [*path, i],
                    "a rule without `when` holds for every case, so the rules after it would never "
                    "apply; give it a `when` or move it last",
                )
    steps: dict[str, list[PathItem]] = {}
    stage_codes: set[str] = set()
    for si, stage in enumerate(data["stages"]):
        if stage["code"] in stage_codes:
            err(["stages", si, "code"], f"stage code {stage['code']!r} is used twice")
        stage_codes.add(stage["code"])
        for ti, step in enumerate(stage["steps"]):
            here: list[PathItem] = ["stages", si, "steps", ti]
            if step["code"] in steps:
                first = format_path(steps[step["code"]])
                err([*here, "code"], f"step code {step['code']!r} is already used by {first}")
            else:
                steps[step["code"]] = here

    if errors:  # references between steps mean nothing while codes are ambiguous
        return errors
    after: dict[str, str] = {}  # step -> the step whose completion starts its clock
    for si, stage in enumerate(data["stages"]):
        for ti, step in enumerate(stage["steps"]):
            here = ["stages", si, "steps", ti]
            event = step["starts_on"]
            if event.startswith(STEP_DONE):
                target = event[len(STEP_DONE) :]
                if target == step["code"]:
                    err([*here, "starts_on"], "a step cannot start when it is itself done")
                elif target not in steps:
                    err(
                        [*here, "starts_on"],
                        f"{event!r} refers to step {target!r}, which this protocol does not have",
                    )
                else:
                    after[step["code"]] = target
            elif event not in EVENTS:
                err(
                    [*here, "starts_on"],
                    f"{event!r} is not one of {_words(EVENTS)} or {STEP_DONE}<step code>",
                )
            if "ends_on" in step:
                if "repeat" not in step:
                    err([*here, "ends_on"], "only a repeating step (with `repeat`) can end on an event")
                elif step["ends_on"] not in EVENTS:
                    err([*here, "ends_on"], f"{step['ends_on']!r} is not one of {_words(EVENTS)}")
            match = ARTEFACT_RE.match(step["completed_by"])
            if not match or match.group(1) not in ARTEFACTS:
                err(
                    [*here, "completed_by"],
                    f"{step['completed_by']!r} is not one of {_words(ARTEFACTS)} (optionally with [kind])",
                )
            elif match.group(2) and match.group(2) not in ARTEFACTS[match.group(1)]:
                kinds = ARTEFACTS[match.group(1)]
                allowed = f"one of {_words(sorted(kinds))}" if kinds else "none"
                err(
                    [*here, "completed_by"],
                    f"{match.group(2)!r} is not a kind of {match.group(1)} (kinds: {allowed})",
                )

    _completion_errors(data, steps, after, err)
    reported: set[str] = set()
    for start in after:
        chain, code = [start], after.get(start)
        while code is not None and code not in chain:
            chain.append(code)
            code = after.get(code)
        if code is not None and code not in reported:
            cycle = chain[chain.index(code) :]
            reported.update(cycle)
            err(
                [*steps[code], "starts_on"],
                "steps wait for each other in a circle, so none can ever start: "
                + " → ".join([*cycle, code][::-1]),
            )
    return errors


def _completion_errors(data: dict, steps: dict[str, list[PathItem]], after: dict[str, str], err) -> None:
    """Refuse definitions where it is unclear which record completes a step, or where it could
    complete the step before the step it waits for is done.

    The engine completes a step only by the record its definition names and only once the step
    it waits for (``starts_on: step_done:<code>``) is done; these are the definitions where that
    rule could not hold or would be a guess.
    """
    bodies: dict[str, dict] = {}
    records: dict[str, tuple[str, str]] = {}
    for stage in data["stages"]:
        for step in stage["steps"]:
            bodies[step["code"]] = step
            match = ARTEFACT_RE.match(step["completed_by"])
            if match and match.group(1) in ARTEFACTS:
                kind = match.group(2) or ""
                if not kind or kind in ARTEFACTS[match.group(1)]:
                    records[step["code"]] = (match.group(1), kind)  # the unknown ones are reported above
    first: dict[tuple[str, str], str] = {}
    for code, (artefact, kind) in records.items():
        here, step = steps[code], bodies[code]
        record = step["completed_by"]
        if not kind and ARTEFACTS[artefact]:
            err(
                [*here, "completed_by"],
                f"{record!r} does not say which kind, so a record of any kind would complete this step; "
                f"name one of {_words(sorted(ARTEFACTS[artefact]))}",
            )
            continue
        dep = after.get(code)
        if dep in records:
            dep_record = bodies[dep]["completed_by"]
            dep_artefact, dep_kind = records[dep]
            if (dep_artefact, dep_kind) == (artefact, kind):
                err(
                    [*here, "completed_by"],
                    f"{record!r} also completes {dep!r}, the step this one waits for, so one record would "
                    "complete both at once",
                )
                continue
            if dep_kind == kind and artefact in ARTEFACT_COMES_AFTER.get(dep_artefact, ()):
                err(
                    [*here, "completed_by"],
                    f"{record!r} is always made before {dep_record!r}, which completes {dep!r}, the step "
                    "this one waits for, so it could never complete this step after it",
                )
                continue
        if dep is not None and bodies[dep].get("applies_when"):
            own = step.get("applies_when") or {}
            if any(
                name not in own or not set(own[name]) <= set(values)
                for name, values in bodies[dep]["applies_when"].items()
            ):
                err(
                    [*here, "starts_on"],
                    f"waits for {dep!r}, which applies only to some cases (applies_when "
                    f"{_words(bodies[dep]['applies_when'])}), so on the others this step would wait for "
                    "ever; give it the same applies_when",
                )
        starts = step["starts_on"]
        raised = ARTEFACT_EVENTS.get(f"{artefact}[{kind}]") or ARTEFACT_EVENTS.get(artefact)
        if raised is not None and raised == starts:
            err(
                [*here, "completed_by"],
                f"{record!r} is also the record that starts this step's clock ({starts}), so the step "
                "would be done the moment it starts",
            )
            continue
        other = first.setdefault((artefact, kind), code)
        if other != code and after.get(other) != code:
            err(
                [*here, "completed_by"],
                f"{record!r} also completes step {other!r} ({format_path(steps[other])}); one record "
                "completing two steps makes it unclear which was done",
            )


def check_text(text: str, source: str = "<text>") -> Checked:
    """Parse and check one definition; never raises for a bad file, returns its errors instead."""
    result = Checked(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        # The line where the parser noticed the problem, and where the construct it was reading
        # began when that is elsewhere (an unclosed bracket is noticed lines later).
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        message = f"not valid YAML: {exc.problem or exc.context}"
        if exc.context and context is not None and mark is not None and context.line != mark.line:
            message += f" ({exc.context} that starts on line {context.line + 1})"
        line = mark.line + 1 if mark else None
        result.errors.append(ProtocolError(source, line, "", message))
        return result
    except yaml.YAMLError as exc:
        result.errors.append(ProtocolError(source, None, "", f"not valid YAML: {exc}"))
        return result
    at = _Locator(root)
    if not isinstance(data, dict):
        result.errors.append(
            ProtocolError(source, at.line([]), "", "the file must be a mapping of fields (code, version, …)")
        )
        return result
    result.errors += _duplicate_keys(root, source, [])
    schema_errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    result.errors += [_schema_error(e, at, source) for e in schema_errors]
    if not result.errors:
        result.errors += _semantic_errors(data, at, source)
    result.errors.sort(key=lambda e: (e.line or 0, e.path))
    if not result.errors:
        result.definition = data
    return result


def step_count(definition: dict) -> int:
    return sum(len(stage["steps"]) for stage in definition["stages"])
