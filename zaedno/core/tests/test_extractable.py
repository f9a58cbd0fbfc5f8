"""Every translatable string must be one that ``makemessages`` (xgettext) can find.

xgettext does not look inside the expressions of an f-string, nor at calls through an alias it
does not know: such a string never reaches the catalogue, CI's ``makemessages`` drops its
translation as obsolete, and the page shows English.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}


def _name(func) -> str:
    return getattr(func, "id", "") or getattr(func, "attr", "")


def _sources():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_translation_call_inside_an_f_string():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for value in node.values:
                if not isinstance(value, ast.FormattedValue):
                    continue
                for inner in ast.walk(value.value):
                    if isinstance(inner, ast.Call) and _name(inner.func) in KEYWORDS:
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert found == [], "move these translation calls out of the f-string: " + ", ".join(found)


def test_translation_functions_are_imported_under_names_xgettext_knows():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname not in KEYWORDS:
                        found.append(
                            f"{path.relative_to(ROOT)}:{node.lineno} ({alias.name} as {alias.asname})"
                        )
    assert found == [], "use _ or the function's own name: " + ", ".join(found)
