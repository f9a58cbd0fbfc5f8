"""The tool pages: list, start, read a version, new version, print and PDF; who sees what."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.models import Sensitivity
from zaedno.documents.testing import pdf_text
from zaedno.tools import kinds
from zaedno.tools.models import ToolDocument, ToolVersion
from zaedno.tools.tests.conftest import OUTSIDERS, make_tool
from zaedno.tools.tests.samples import MARKERS, SAMPLES

pytestmark = pytest.mark.django_db


def post_data(kind_code: str, data: dict, *, envelope: dict | None = None, prefix: str = "t") -> dict:
    """A browser's POST of a tool form filled with ``data`` (plus one blank row per list)."""
    kind = kinds.kind_for(kind_code)
    out = {"sensitivity": "2", **(envelope or {})}
    for name, value in data.items():
        if name in kind.form.base_fields:
            if isinstance(value, bool):
                if value:
                    out[f"{prefix}-{name}"] = "on"
            else:
                out[f"{prefix}-{name}"] = str(value)
    for rows in kind.rows:
        items = data.get(rows.name, [])
        p = f"{prefix}-{rows.name}"
        out[f"{p}-TOTAL_FORMS"] = str(len(items) + 1)
        out[f"{p}-INITIAL_FORMS"] = str(len(items))
        for i, item in enumerate(items):
            for name, value in item.items():
                if isinstance(value, bool):
                    if value:
                        out[f"{p}-{i}-{name}"] = "on"
                else:
                    out[f"{p}-{i}-{name}"] = str(value)
        # The blank row the browser sends as it was shown (choices at their first option).
        for name, field in rows.form.base_fields.items():
            if field.initial is not None:
                out[f"{p}-{len(items)}-{name}"] = str(field.initial)
    return out


def url(name, world, *args):
    return reverse(f"tools:{name}", args=[world.case.pk, *args])


def test_list_page_offers_every_tool(world, login):
    r = login("ivanova").get(url("list", world))
    assert r.status_code == 200
    html = r.content.decode()
    for code in kinds.KINDS:
        assert reverse("tools:new", args=[world.case.pk, code]) in html
    assert AuditEvent.objects.filter(action="tool.list", case_id=world.case.pk).exists()


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_tool_through_the_pages(world, login, kind):
    client = login("ivanova")
    r = client.get(url("new", world, kind))
    assert r.status_code == 200
    # Without JavaScript, the form offers blank rows for each list of people.
    for rows in kinds.kind_for(kind).rows:
        assert f'name="t-{rows.name}-0-name"' in r.content.decode()
    r = client.post(url("new", world, kind), post_data(kind, SAMPLES[kind], envelope={"title": "Първа"}))
    assert r.status_code == 302, r.context and (r.context["tool"].error_dict(), r.context["envelope"].errors)
    doc = ToolDocument.objects.get(kind=kind)
    assert r["Location"] == url("detail", world, doc.pk)
    assert ToolVersion.objects.get(document=doc).data == kinds.clean_data(kind, SAMPLES[kind])
    page = client.get(url("detail", world, doc.pk)).content.decode()
    assert MARKERS[kind] in page
    assert AuditEvent.objects.filter(action="tool.view", object_id=str(doc.pk)).exists()

    # The new-version form is prefilled from the latest version.
    r = client.get(url("edit", world, doc.pk))
    assert r.status_code == 200
    assert MARKERS[kind].split()[0] in r.content.decode()
    changed = {**SAMPLES[kind]}
    rows = kinds.kind_for(kind).rows
    if rows:
        changed[rows[0].name] = [{**SAMPLES[kind][rows[0].name][0], "name": "Нов човек"}]
    else:
        first = next(k for k in kinds.kind_for(kind).form.base_fields if SAMPLES[kind].get(k))
        changed[first] = "Нов човек"
    r = client.post(url("edit", world, doc.pk), post_data(kind, changed, envelope={"expected_version": "1"}))
    assert r.status_code == 302
    assert ToolVersion.objects.filter(document=doc).count() == 2
    assert "Нов човек" in client.get(url("detail", world, doc.pk)).content.decode()
    v1 = client.get(url("version", world, doc.pk, 1)).content.decode()
    assert MARKERS[kind] in v1
    assert "an earlier version" in v1 or "по-ранна версия" in v1

    # Stale: saving on top of version 1 again is refused and says so.
    r = client.post(
        url("edit", world, doc.pk), post_data(kind, SAMPLES[kind], envelope={"expected_version": "1"})
    )
    assert r.status_code == 409
    assert ToolVersion.objects.filter(document=doc).count() == 2
    assert 'name="expected_version" value="2"' in r.content.decode()

    # Printable, and the PDF carries the Cyrillic text.
    r = client.get(url("print", world, doc.pk, 1))
    assert r.status_code == 200
    assert MARKERS[kind] in r.content.decode()
    r = client.get(url("pdf", world, doc.pk, 2))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert world.case.number in text
    assert "Нов човек" in re.sub(r"\s+", " ", text)
    assert AuditEvent.objects.filter(action="tool.pdf", object_id=str(doc.pk)).exists()


def test_form_errors_are_shown_and_nothing_is_saved(world, login):
    r = login("ivanova").post(
        url("new", world, "disintegration_grid"),
        post_data("disintegration_grid", {"rows": [{"name": "", "problem": "нещо"}]}),
    )
    assert r.status_code == 200
    assert r.context["tool"].error_dict()["rows.0.name"]
    assert not ToolDocument.objects.exists()


def test_a_cleared_row_is_removed_in_the_new_version(world, login):
    v1 = make_tool(world, "disintegration_grid")
    data = post_data(
        "disintegration_grid", SAMPLES["disintegration_grid"], envelope={"expected_version": "1"}
    )
    for key in [k for k in data if k.startswith("t-rows-1-")]:
        data[key] = ""
    r = login("ivanova").post(url("edit", world, v1.document_id), data)
    assert r.status_code == 302
    latest = ToolVersion.objects.get(document=v1.document, number=2)
    assert [row["name"] for row in latest.data["rows"]] == ["Майка"]


def test_network_map_is_drawn_on_the_page_and_in_the_pdf(world, login):
    v = make_tool(world, "network_map")
    client = login("ivanova")
    html = client.get(url("detail", world, v.document_id)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    for person in SAMPLES["network_map"]["people"]:
        assert person["name"] in svg
    assert 'class="conflict"' in svg
    text = pdf_text(client.get(url("pdf", world, v.document_id, 1)).content)
    assert "Баба Елена" in text


def test_a_sensitive_tool_is_listed_for_petrov_but_not_shown(world, login):
    v = make_tool(world, "safety_map", sensitivity=Sensitivity.SENSITIVE)
    client = login("petrov")
    listing = client.get(url("list", world)).content.decode()
    assert v.document.title in listing
    r = client.get(url("detail", world, v.document_id))
    assert r.status_code == 200
    html = r.content.decode()
    assert MARKERS["safety_map"] not in html
    assert "restricted" in html
    assert reverse("tools:edit", args=[world.case.pk, v.document_id]) not in html
    for name in ("print", "pdf"):
        assert client.get(url(name, world, v.document_id, 1)).status_code == 403
    assert client.get(url("edit", world, v.document_id)).status_code == 403
    # The chart on the list page leaves the sensitive map out.
    assert "Мария Иванова" not in (listing.split("safety-chart")[1] if "safety-chart" in listing else "")
    # The lead sees all of it.
    assert MARKERS["safety_map"] in login("ivanova").get(url("detail", world, v.document_id)).content.decode()


def test_sensitivity_choices_stop_at_the_members_level(world, login):
    html = login("petrov").get(url("new", world, "safety_map")).content.decode()
    assert 'value="2"' in html
    assert 'name="sensitivity"' in html
    select = html[
        html.index('name="sensitivity"') : html.index("</select>", html.index('name="sensitivity"'))
    ]
    assert 'value="3"' not in select


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_on_every_page(world, login, outsider):
    v = make_tool(world, "network_map")
    doc = v.document_id
    client = login(outsider)
    before = AuditEvent.objects.filter(case_id=world.case.pk, kind="read").count()
    pages = [
        url("list", world),
        url("new", world, "network_map"),
        url("detail", world, doc),
        url("version", world, doc, 1),
        url("edit", world, doc),
        url("print", world, doc, 1),
        url("pdf", world, doc, 1),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
    assert (
        client.post(
            url("new", world, "network_map"), post_data("network_map", SAMPLES["network_map"])
        ).status_code
        == 404
    )
    assert client.post(url("edit", world, doc), {"expected_version": "1"}).status_code == 404
    assert ToolVersion.objects.count() == 1
    assert AuditEvent.objects.filter(case_id=world.case.pk, kind="read").count() == before


def test_a_tool_of_another_case_is_404(world, login):
    from zaedno.core.testing import open_case

    other = open_case(world, world.child)
    v = make_tool(world, "network_map")
    client = login("ivanova")
    assert client.get(reverse("tools:detail", args=[other.pk, v.document_id])).status_code == 404
    assert client.get(reverse("tools:new", args=[world.case.pk, "unknown"])).status_code == 404


def test_list_page_query_count_is_bounded(world, login, django_assert_max_num_queries):
    client = login("ivanova")
    for kind in SAMPLES:
        make_tool(world, kind)
        make_tool(world, kind)
    client.get(url("list", world))
    with django_assert_max_num_queries(16):
        r = client.get(url("list", world))
    assert r.status_code == 200
    for kind in SAMPLES:
        make_tool(world, kind)
    with django_assert_max_num_queries(16):
        client.get(url("list", world))
