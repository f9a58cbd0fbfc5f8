"""The safety map shows the disagreement (issue 12, item 6): each person's rating, the
professionals' and the family's views side by side and the spread, instead of one mean that
hides the gap (3, 4 and 7 → "4,7"); the chart over time draws a line per side and every rating.
And every text of the charts is translated (item 14, the chart's title).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone, translation

from zaedno.core.testing import ctx_for
from zaedno.tools import panels, services
from zaedno.tools.kinds import rating_side
from zaedno.tools.queries import safety_scale_points
from zaedno.tools.safety import safety_views
from zaedno.tools.svg import safety_chart_svg
from zaedno.tools.tests.conftest import make_tool
from zaedno.tools.tests.samples import SAMPLES

pytestmark = pytest.mark.django_db

GAP = [
    {"name": "Мария Иванова", "role": "ОЗД", "side": "professional", "rating": 3, "comment": ""},
    {"name": "Петър Петров", "role": "училищен психолог", "side": "professional", "rating": 4, "comment": ""},
    {"name": "Анна Стефанова", "role": "майка", "side": "family", "rating": 7, "comment": "Вкъщи е спокойно"},
]


def data(rows):
    return {**SAMPLES["safety_map"], "ratings": rows}


def test_each_side_and_the_spread_instead_of_one_mean():
    views = safety_views(GAP)
    sides = {s.code: s for s in views.sides}
    assert list(sides) == ["professional", "family"]
    assert sides["professional"].mean == 3.5 and [p["rating"] for p in sides["professional"].people] == [3, 4]
    assert sides["family"].mean == 7.0 and sides["family"].low == sides["family"].high == 7
    assert (views.low, views.high, views.spread) == (3, 7, 4)
    assert views.gap == 3.5 and views.apart


def test_the_side_of_a_rating_saved_before_it_was_asked_comes_from_the_role():
    assert rating_side({"name": "Анна", "role": "майка", "rating": 7}) == "family"
    assert rating_side({"name": "Георги", "role": "детето", "rating": 5}) == "child"
    assert rating_side({"name": "Мария", "role": "Социален работник, ОЗД", "rating": 3}) == "professional"
    assert (
        rating_side({"name": "Мария", "role": "майка", "side": "professional", "rating": 3}) == "professional"
    )


def test_the_page_shows_each_rating_the_sides_and_the_spread(world, login):
    version = make_tool(world, "safety_map", data=data(GAP))
    html = login("ivanova").get(f"/cases/{world.case.pk}/tools/{version.document_id}/").content.decode()
    assert 'data-side="professional"' in html and 'data-side="family"' in html
    assert 'data-side-mean="3,5"' in html and 'data-side-mean="7,0"' in html
    assert 'data-spread="4"' in html and 'class="alert alert-warning safety-apart"' in html
    assert "4,7" not in html  # the mean of everyone is no longer the headline
    for row in GAP:
        assert row["name"] in html


def test_the_case_panel_gives_the_sides_not_one_mean(world, login):
    make_tool(world, "safety_map", data=data(GAP))
    panel = panels.case_panel(world.lead_access, timezone.now())
    views = panel["safety_views"]
    assert [(s.code, s.mean) for s in views.sides] == [("professional", 3.5), ("family", 7.0)]
    html = login("ivanova").get(f"/cases/{world.case.pk}/").content.decode()
    assert 'data-side-mean="3,5"' in html and 'data-spread="4"' in html


def test_the_chart_draws_a_line_per_side_and_every_rating(world, clock):
    clock.set(2026, 3, 2, 10, 0)
    first = make_tool(world, "safety_map", data=data(GAP))
    clock.set(2026, 4, 6, 10, 0)
    later = [{**GAP[0], "rating": 5}, {**GAP[1], "rating": 5}, {**GAP[2], "rating": 8},
             {"name": "Георги", "role": "детето", "rating": 6}]  # fmt: skip
    services.tool_version_add(
        ctx=ctx_for(world.ivanova), access=world.lead_access, document=first.document, expected_version=1,
        data=data(later),
    )  # fmt: skip
    points = safety_scale_points(world.lead_access)
    assert [p.date for p in points] == [dt.date(2026, 3, 2), dt.date(2026, 4, 6)]
    svg = safety_chart_svg(points)
    assert svg.count('class="side-line professional"') == 1 and svg.count('class="side-line family"') == 1
    assert svg.count('class="rating ') == 7  # every person's rating is a point
    assert svg.count('class="spread"') == 2
    assert 'class="mean"' not in svg
    assert "Георги: 6" in svg  # each point says whose it is


def test_every_text_of_the_charts_is_translated():
    source = Path(__file__).resolve().parents[1] / "svg.py"
    msgids = [
        node.args[0].value
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert "Safety scale over time (0–10)" in msgids
    with translation.override("bg"):
        untranslated = [m for m in msgids if translation.gettext(m) == m]
        assert untranslated == []
        svg = safety_chart_svg(safety_scale_points_from(GAP))
        assert "Скала за безопасност във времето (0–10)" in svg


def safety_scale_points_from(rows):
    from zaedno.tools.queries import SafetyPoint

    return [SafetyPoint(date=dt.date(2026, 3, 2), views=safety_views(rows))]
