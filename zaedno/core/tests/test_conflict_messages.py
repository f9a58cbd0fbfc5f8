"""A conflict (409) is told in whole sentences of one language (issue 12, item 13).

"Случаят was changed by someone else" glued a translated label into an English sentence. Each
kind of record has its own whole sentence in the catalogue, and every place that raises a
conflict names one of them.
"""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.urls import reverse
from django.utils import translation

from zaedno.api.tests.conftest import client_for
from zaedno.core.errors import CONFLICT_MESSAGES, ConflictError

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_the_api_409_is_bulgarian_as_a_whole(world):
    url = f"/api/v1/cases/{world.case.pk}/"
    version = world.case.version
    assert (
        client_for(world.ivanova)
        .patch(url, {"version": version, "summary": "Работим с училището."})
        .status_code
        == 200
    )
    r = client_for(world.petrov).patch(
        url, {"version": version, "summary": "Друго."}, HTTP_ACCEPT_LANGUAGE="bg"
    )
    assert r.status_code == 409
    message = r.json()["error"]["message"]
    assert message == "Случаят е променен от някой друг (вече е версия 2). Промените ви не бяха записани."


def test_the_web_conflict_box_is_bulgarian_as_a_whole(client, world):
    client.force_login(world.ivanova)
    url = reverse("cases:edit", args=[world.case.pk])
    client.post(url, {"summary": "Първо", "version": world.case.version})
    page = client.post(url, {"summary": "Второ", "version": world.case.version}).content.decode()
    assert "Случаят е променен от някой друг (вече е версия 2)." in page
    assert "has changed" not in page and "was changed" not in page


@pytest.mark.parametrize("record", sorted(CONFLICT_MESSAGES))
def test_every_conflict_sentence_is_in_the_catalogue(record):
    error = ConflictError(record=record, current_version=3, title="Карта")
    with translation.override("en"):
        english = str(error)
    with translation.override("bg"):
        bulgarian = str(error)
    assert bulgarian != english
    assert "changed" not in bulgarian and "version" not in bulgarian and "3" in bulgarian


def _conflict_calls():
    """Every ``save_versioned(...)`` and ``ConflictError(...)`` in the code, with its ``record``."""
    for path in (ROOT / "zaedno").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in (
                "save_versioned",
                "ConflictError",
            ):
                record = next((k.value for k in node.keywords if k.arg == "record"), None)
                yield f"{path.relative_to(ROOT)}:{node.lineno}", record


def test_every_conflict_in_the_code_names_a_record_with_a_whole_sentence():
    calls = list(_conflict_calls())
    assert len(calls) >= 10
    unnamed = [
        where for where, record in calls
        if not (isinstance(record, ast.Constant) and record.value in CONFLICT_MESSAGES)
        and not (isinstance(record, ast.Name) and record.id == "record")  # passed on (core.concurrency)
    ]  # fmt: skip
    assert not unnamed, f"conflicts without a whole-sentence message: {unnamed}"
