"""The safety scale over time, the case panel and the printable documents of the tools."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.core.testing import ctx_for
from zaedno.tools import panels, services
from zaedno.tools.queries import safety_scale_points, safety_scale_series
from zaedno.tools.svg import network_map_svg, safety_chart_svg
from zaedno.tools.tests.conftest import make_meeting, make_tool
from zaedno.tools.tests.samples import SAMPLES

pytestmark = pytest.mark.django_db


def ratings(*pairs):
    return {**SAMPLES["safety_map"], "ratings": [{"name": n, "role": "", "rating": r} for n, r in pairs]}


def test_safety_scale_series_across_two_maps_and_versions(world, clock):
    clock.set(2026, 3, 2, 10, 0)
    first = make_tool(world, "safety_map", data=ratings(("Мария", 2), ("Майка", 6)))
    clock.set(2026, 4, 6, 10, 0)
    services.tool_version_add(
        ctx=ctx_for(world.ivanova), access=world.lead_access, document=first.document, expected_version=1,
        data=ratings(("Мария", 4), ("Майка", 7), ("Петров", 5)),
    )  # fmt: skip
    clock.set(2026, 5, 11, 10, 0)
    # A second map, made in a meeting held earlier (its date counts).
    meeting = make_meeting(world, starts_at=timezone.now() - dt.timedelta(days=3))
    make_tool(world, "safety_map", data=ratings(("Мария", 6), ("Майка", 8)), meeting=meeting)
    make_tool(world, "safety_map", data={**SAMPLES["safety_map"], "ratings": []})  # no ratings: no point
    make_tool(world, "network_map")

    series = safety_scale_series(access_for(world.ivanova, world.case))
    assert series == [
        (dt.date(2026, 3, 2), 4.0, {"Мария": 2, "Майка": 6}),
        (dt.date(2026, 4, 6), 5.3, {"Мария": 4, "Майка": 7, "Петров": 5}),
        (dt.date(2026, 5, 8), 7.0, {"Мария": 6, "Майка": 8}),
    ]
    svg = safety_chart_svg(safety_scale_points(access_for(world.ivanova, world.case)))
    assert svg.startswith("<svg") and "Петров" in svg and "08.05.2026" in svg


def test_safety_scale_series_leaves_out_what_the_reader_may_not_see(world):
    make_tool(world, "safety_map", data=ratings(("Мария", 2)), sensitivity=Sensitivity.SENSITIVE)
    make_tool(world, "safety_map", data=ratings(("Мария", 5)))
    assert [p[1] for p in safety_scale_series(access_for(world.ivanova, world.case))] == [2.0, 5.0]
    assert [p[1] for p in safety_scale_series(access_for(world.petrov, world.case))] == [5.0]


def test_safety_scale_names_twice_on_one_map_stay_apart(world):
    make_tool(world, "safety_map", data=ratings(("Майка", 2), ("Майка", 4)))
    [(_d, mean, by_name)] = safety_scale_series(world.lead_access)
    assert (mean, by_name) == (3.0, {"Майка": 2, "Майка (2)": 4})


def test_network_map_svg_draws_nodes_rings_and_conflict():
    svg = network_map_svg(
        "Георги",
        [
            {"name": "Баба <Елена>", "group": "family", "closeness": "close", "conflict": False},
            {"name": "Баща", "group": "family", "closeness": "distant", "conflict": True},
            {"name": "Училище", "group": "school", "closeness": "medium", "conflict": False},
        ],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Георги" in svg and "Баба &lt;Елена&gt;" in svg and "<Елена>" not in svg
    assert svg.count('class="conflict"') == 1 and 'class="conflict-mark"' in svg
    assert 'stroke-dasharray="6 5"' in svg  # distant
    assert 'stroke-width="4"' in svg  # close
    assert svg.count('class="node"') == 3


def test_case_panel_and_documents(world):
    assert panels.documents(world.lead_access) == []
    empty = panels.case_panel(world.lead_access, timezone.now())
    assert empty["tools"] == [] and empty["safety"] is None
    v = make_tool(world, "safety_map", data=ratings(("Мария", 3), ("Майка", 5)))
    make_tool(world, "network_map", sensitivity=Sensitivity.SENSITIVE)
    panel = panels.case_panel(world.lead_access, timezone.now())
    assert panel["template"] == "tools/_case_panel.html"
    assert len(panel["tools"]) == 2 and [s.mean for s in panel["safety_views"].sides] == [4.0]
    docs = panels.documents(world.lead_access)
    assert len(docs) == 2
    assert {"title", "date", "url", "pdf_url"} <= set(docs[0])
    petrov_docs = panels.documents(access_for(world.petrov, world.case))
    assert [d["pdf_url"] for d in petrov_docs] == [f"/cases/{world.case.pk}/tools/{v.document_id}/v/1/pdf/"]


def test_case_page_shows_the_tools_card(world, login):
    make_tool(world, "safety_map", data=ratings(("Мария", 3), ("Майка", 5)))
    html = login("ivanova").get(f"/cases/{world.case.pk}/").content.decode()
    assert f"/cases/{world.case.pk}/tools/" in html
    assert "4,0" in html  # Bulgarian decimal comma
