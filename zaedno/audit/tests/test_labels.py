"""Every audit action has words (issue 12, item 14): "who looked at this case" never shows a code."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest
from django.utils import translation

from zaedno.audit.labels import ACTION_LABELS, PREFIX_LABELS, action_label

ROOT = pathlib.Path(__file__).resolve().parents[3]
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+\.?$")


def _strings(node):
    """Audit codes in an expression: string constants, and the fixed start of an f-string."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and CODE.match(sub.value):
            yield sub.value
        elif isinstance(sub, ast.JoinedStr) and sub.values and isinstance(sub.values[0], ast.Constant):
            start = sub.values[0].value
            if CODE.match(start) and start.endswith("."):
                yield start


def codes_in_the_code_base() -> dict[str, str]:
    """Each action code written in the code (``action=…`` of any call, the default of an
    ``action`` parameter, the arguments of an ``…audit…`` function), with where it is."""
    found: dict[str, str] = {}
    for path in (ROOT / "zaedno").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "action"]
                if "audit" in ast.unparse(node.func).lower():
                    values += node.args
            elif isinstance(node, ast.FunctionDef):
                a = node.args
                positional = a.posonlyargs + a.args
                values += [
                    d
                    for p, d in zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True)
                    if p.arg == "action"
                ]
                values += [
                    d
                    for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
                    if p.arg == "action" and d is not None
                ]
            for value in values:
                for code in _strings(value):
                    found.setdefault(code, f"{where}:{getattr(value, 'lineno', '?')}")
    return found


def test_every_action_code_in_the_code_base_has_a_label():
    codes = codes_in_the_code_base()
    assert {"case.view", "tool.view", "referral.incoming.view", "case.status."} <= set(codes)
    missing = {
        code: where for code, where in codes.items()
        if (code not in PREFIX_LABELS if code.endswith(".") else code not in ACTION_LABELS)
    }  # fmt: skip
    assert not missing, f"audit actions without a label in zaedno/audit/labels.py: {missing}"


@pytest.mark.parametrize("code", sorted(ACTION_LABELS) + sorted(PREFIX_LABELS))
def test_every_label_is_in_bulgarian(code):
    label = ACTION_LABELS.get(code) or PREFIX_LABELS[code]
    with translation.override("en"):
        english = str(label)
    with translation.override("bg"):
        bulgarian = str(label)
    assert bulgarian != english, code
    assert not re.search(r"[a-z]{3,}", bulgarian.replace("PDF", "").replace("CSV", "").replace("API", "")), (
        code
    )


def test_an_unknown_code_still_reads_as_words():
    with translation.override("bg"):
        assert action_label("tool.view") == "разгледа инструмент за обсъждане"
        assert action_label("case.status.closed") == "закри случая"
        assert action_label("case.status.archived") == "промени статуса на случая"
        assert action_label("something.new.view") == "разгледа запис"
        assert action_label("something.new") == "промени запис"
