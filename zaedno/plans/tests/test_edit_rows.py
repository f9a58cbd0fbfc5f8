"""The draft form grows in place (issue 12, item 15): "add a row" adds a goal, a waymark or an
action without saving — with htmx only the form is swapped, without JS the page comes back — and
an action may choose a goal written in the same edit, offered by its row and its words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.plans import services
from zaedno.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols):
    return build_world()


@pytest.fixture
def draft(world):
    return services.plan_start(ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case))


def _post(draft, *, goals, actions=(), extra=None):
    data = {
        "purpose": "",
        "child_words": "",
        "parents_words": "",
        "next_review_on": "",
        "version": str(draft.version),
    }
    for prefix, rows in (("goals", goals), ("waymarks", []), ("actions", list(actions))):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    data.update(extra or {})
    return data


TWO_GOALS = [
    {"domain": "education", "text": "Георги ходи редовно на училище."},
    {"domain": "emotional", "text": "Георги се чувства сигурен вкъщи."},
]


def _goal_options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def test_add_a_goal_row_keeps_what_was_typed_and_saves_nothing(client, world, draft):
    client.force_login(world.ivanova)
    url = reverse("plans:edit", args=[world.case.pk, draft.pk])
    r = client.post(url, _post(draft, goals=TWO_GOALS, actions=[{"text": "", "status": "planned"}],
                               extra={"add_row": "goals"}))  # fmt: skip
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="goals-TOTAL_FORMS" value="3"' in html
    assert 'name="goals-2-text"' in html
    assert "Георги се чувства сигурен вкъщи." in html  # what was typed stays
    # The action offers both goals written on this page, by number and words, and the new row.
    options = _goal_options(html, "actions-0-goal")
    assert any(o.startswith("2") and "сигурен вкъщи" in o for o in options), options
    assert any(o.startswith("3") for o in options), options
    assert Plan.objects.get(pk=draft.pk).goals.count() == 0  # nothing saved


def test_with_htmx_only_the_form_comes_back(client, world, draft):
    client.force_login(world.ivanova)
    url = reverse("plans:edit", args=[world.case.pk, draft.pk])
    r = client.post(url, _post(draft, goals=TWO_GOALS, extra={"add_row": "actions"}), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and 'id="plan-edit"' in html
    assert 'name="actions-TOTAL_FORMS" value="1"' in html


def test_an_action_chooses_a_goal_added_in_the_same_edit(client, world, draft):
    client.force_login(world.ivanova)
    url = reverse("plans:edit", args=[world.case.pk, draft.pk])
    # The page as it was opened: the draft's empty rows, each with an "add a row" button.
    page = client.get(url).content.decode()
    assert 'name="add_row" value="goals"' in page and 'hx-post="' in page
    goals = [*TWO_GOALS, {"domain": "health", "text": "Георги спи спокойно."}]
    data = _post(
        draft, goals=goals,
        actions=[{"goal": "3", "text": "Консултация с педиатър", "who_kind": "parent", "who_name": "Майката",
                  "status": "planned"}],
    )  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    action = Plan.objects.get(pk=draft.pk).actions.get()
    assert action.goal.text == "Георги спи спокойно."


def test_a_new_action_row_starts_planned_without_an_error(client, world, draft):
    client.force_login(world.ivanova)
    url = reverse("plans:edit", args=[world.case.pk, draft.pk])
    r = client.post(url, _post(draft, goals=TWO_GOALS, extra={"add_row": "actions"}))
    html = r.content.decode()
    assert 'id="field-actions-0-status"' in html
    field = html[html.index('id="field-actions-0-status"') :][:1500]
    assert "errorlist" not in field and 'value="planned" selected' in field
