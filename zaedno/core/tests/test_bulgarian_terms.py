"""Words a Bulgarian social worker reads as meant (issue 12, item 14).

"Случаен конферанс" reads as "a random conference": a case conference is a "конференция по
случая". Two different buttons must not both say "Отказ" (going back, and declining a request).
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from zaedno.join_requests.tests.test_views import _ask
from zaedno.meetings.models import MeetingKind

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _bulgarian_catalogue() -> dict:
    with (ROOT / "locale/bg/LC_MESSAGES/django.mo").open("rb") as f:
        return gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - reading the compiled catalogue


def test_no_random_conference_anywhere():
    """Not in the catalogue, the templates or the demo's texts."""
    wrong = re.compile(r"случа(ен|йн\w*) конфер|конферанс", re.IGNORECASE)
    assert [v for v in _bulgarian_catalogue().values() if wrong.search(str(v))] == []
    for folder in ("templates", "demo", "meetings", "documents", "plans", "assessments"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".html", ".py") and "tests" not in path.parts:
                assert not wrong.search(path.read_text(encoding="utf-8")), path


def test_the_conference_kinds_read_as_a_case_conference():
    with translation.override("bg"):
        assert str(MeetingKind.CONFERENCE_INITIAL.label) == "конференция по случая: първоначална"
        assert str(MeetingKind.CONFERENCE_PLANNING.label) == "конференция по случая: планиране"
        assert str(MeetingKind.CONFERENCE_REVIEW.label) == "конференция по случая: преглед"


def _buttons(html: str) -> list[str]:
    found = re.findall(r"<(button|a)\b[^>]*class=\"btn[^\"]*\"[^>]*>(.*?)</\1>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for _tag, text in found]


def test_the_join_request_pages_name_back_and_decline_differently(client, world):
    req = _ask(client, world)
    form = client.get(f"{reverse('join_requests:new')}?child={world.child.pk}").content.decode()
    back = [b for b in _buttons(form) if b != "Изпрати искането"]
    assert back == ["Назад без изпращане"]
    client.force_login(world.ivanova)
    detail = client.get(reverse("join_requests:detail", args=[req.pk])).content.decode()
    buttons = _buttons(detail)
    assert "Откажи искането" in buttons
    assert "Отказ" not in buttons + back
    assert len(set(buttons + back)) == len(buttons + back)
