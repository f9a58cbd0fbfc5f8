"""The resource map's pages: list, filters and search in either alphabet, the map, an entry, the
forms of the organisation's members (403 for everyone else), confirmation, CSV and XLSX export.

Assertions look for data (names, dates, Cyrillic) and markup, not for interface words, which
change with the translation catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import AuditEvent
from zaedno.resources.models import Service
from zaedno.resources.tests.conftest import login, make

pytestmark = pytest.mark.django_db

OTHERS = ["ivanova", "petrov", "nikolova", "koleva", "todorov", "admin"]  # not in the ЦОП


def names(response) -> list[str]:
    return [s.name for s in response.context["page"].object_list]


def test_pages_need_login(client, entries):
    for url in (
        reverse("resources:list"),
        reverse("resources:map"),
        reverse("resources:detail", args=[entries.cop.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/v1/services/").status_code == 401


def test_list_shows_active_entries_with_facts(client, entries):
    response = login(client, entries.w.petrov).get(reverse("resources:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Център за обществена подкрепа „Детелина“" in body and "062 555 101" in body
    assert "Лятно училище" not in body  # inactive
    assert timezone.localdate().strftime("%d.%m.%Y") in body
    assert names(response) == sorted(names(response))


def test_stale_entries_flagged(client, entries):
    response = login(client, entries.w.petrov).get(reverse("resources:list"))
    rows = {r.split('data-service="')[1].split('"')[0]: r for r in response.content.decode().split("<tr")[2:]}
    assert "stale-badge" in rows[str(entries.old.pk)]
    assert "stale-badge" not in rows[str(entries.cop.pk)]
    stale_only = client.get(reverse("resources:list"), {"stale": "on"})
    assert names(stale_only) == [entries.old.name]
    detail = client.get(reverse("resources:detail", args=[entries.old.pk])).content.decode()
    assert "alert-warning" in detail and entries.old.last_confirmed_on.strftime("%d.%m.%Y") in detail


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "детелина"}, ["cop"]),
        ({"q": "Detelina"}, ["cop"]),
        ({"q": "tsentar obshtestvena"}, ["cop"]),
        ({"q": "ЦОП"}, ["cop", "crisis", "old"]),  # the organisation's short name
        ({"q": "TSOP"}, ["cop", "crisis", "old"]),
        ({"q": "zaedno za detsata"}, ["mentor"]),  # the NGO's name, in Latin
        ({"q": "Stapka napred"}, ["mentor"]),
        ({"municipality": "VTR06"}, ["mentor"]),
        ({"settlement": "65200"}, ["club"]),
        ({"settlement": "Самоводене"}, ["club"]),
        ({"sector": "municipality"}, ["club"]),
        ({"type": "crisis_centre"}, ["crisis"]),
        ({"age": "5"}, ["cop", "club", "old"]),
        ({"age": "17"}, ["cop", "crisis", "mentor", "club", "old"]),
        ({"age": "18"}, ["cop", "crisis", "club", "old"]),
        ({"free_places": "on"}, ["cop", "mentor", "old"]),
        ({"free_of_charge": "on"}, ["cop", "crisis", "club", "old"]),
        ({"language": "rom"}, ["cop"]),
        ({"language": "tr"}, ["crisis"]),
        ({"q": "детелина", "free_places": "on", "age": "3", "language": "rom"}, ["cop"]),
    ],
)
def test_filters_and_search(client, entries, params, expected):
    response = login(client, entries.w.petrov).get(reverse("resources:list"), params)
    assert sorted(names(response)) == sorted(getattr(entries, k).name for k in expected)


def test_mine_includes_inactive_of_own_organisation(client, entries):
    response = login(client, entries.w.stoyanov).get(reverse("resources:list"), {"mine": "on"})
    assert set(names(response)) == {
        entries.cop.name,
        entries.crisis.name,
        entries.old.name,
        entries.closed.name,
    }


def test_htmx_returns_rows_only(client, entries):
    response = login(client, entries.w.petrov).get(
        reverse("resources:list"), {"q": "Detelina"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="service-results"
    )
    body = response.content.decode()
    assert "<html" not in body and entries.cop.name in body


def test_list_query_count_does_not_grow(client, entries, django_assert_max_num_queries):
    for i in range(30):
        make(entries.w.stoyanov, entries.w.cop, name=f"Клуб {i:02d}", type="club", sector="community")
    login(client, entries.w.stoyanov)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("resources:list"))
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(12):
        client.get(reverse("resources:map"))


def test_map_markers_only_active_with_coordinates_and_filtered(client, entries):
    login(client, entries.w.petrov)
    response = client.get(reverse("resources:map"))
    markers = response.context["markers"]
    assert {m["id"] for m in markers} == {
        entries.cop.pk,
        entries.crisis.pk,
        entries.mentor.pk,
        entries.old.pk,
    }
    cop = next(m for m in markers if m["id"] == entries.cop.pk)
    assert cop["free"] == 4 and cop["capacity"] == 30 and cop["phone"] == "062 555 101"
    assert cop["url"] == reverse("resources:detail", args=[entries.cop.pk])
    body = response.content.decode()
    assert 'id="resource-markers"' in body and "resources/leaflet/leaflet.js" in body
    assert "unpkg" not in body and "cdn" not in body.lower()
    assert 'data-tiles-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in body
    filtered = client.get(reverse("resources:map"), {"municipality": "VTR06"}).context["markers"]
    assert [m["id"] for m in filtered] == [entries.mentor.pk]
    embedded = json.loads(
        body.split('id="resource-markers" type="application/json">')[1].split("</script>")[0]
    )
    assert len(embedded) == 4


@override_settings(ZAEDNO_MAP_TILES_URL="")
def test_map_without_tile_server(client, entries):
    body = login(client, entries.w.petrov).get(reverse("resources:map")).content.decode()
    assert 'data-tiles-url=""' in body and entries.cop.name in body


# --- the organisation's members keep its entries current ------------------------------------------

FORM = {
    "name": "Дневен център „Слънчоглед“",
    "type": "day_centre",
    "sector": "",
    "settlement": "10447",
    "age_min": "3",
    "age_max": "18",
    "capacity": "20",
    "free_places": "2",
    "latitude": "43,0790",
    "longitude": "25,6300",
    "languages": "български",
    "is_free": "yes",
    "is_active": "yes",
}


def test_member_adds_an_entry(client, bare_world):
    w = bare_world
    login(client, w.stoyanov)
    assert client.get(reverse("resources:new")).status_code == 200
    response = client.post(reverse("resources:new"), FORM)
    service = Service.objects.get(name=FORM["name"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "resources:detail", args=[service.pk]
    )
    assert (
        service.organisation == w.cop and service.sector == "social" and str(service.latitude) == "43.079000"
    )
    assert AuditEvent.objects.filter(
        action="service.create", object_id=str(service.pk), actor_id=w.stoyanov.pk
    ).exists()


def test_form_errors_in_plain_words(client, bare_world):
    login(client, bare_world.stoyanov)
    response = client.post(reverse("resources:new"), FORM | {"free_places": "25"})
    assert response.status_code == 200
    assert "(25)" in response.content.decode() and "(20)" in response.content.decode()
    assert not Service.objects.exists()


def test_without_an_organisation_to_edit_no_new_page(client, bare_world):
    login(client, bare_world.admin)  # an administrator (IT), not a practitioner or manager
    assert client.get(reverse("resources:new")).status_code == 403
    assert client.post(reverse("resources:new"), FORM).status_code == 403


def test_member_edits_and_confirms(client, entries):
    s = entries.old
    login(client, entries.w.stoyanov)
    page = client.get(reverse("resources:edit", args=[s.pk]))
    assert page.status_code == 200 and s.name in page.content.decode()
    data = FORM | {
        "name": s.name,
        "type": "family_support",
        "capacity": "12",
        "free_places": "0",
        "version": s.version,
    }
    response = client.post(reverse("resources:edit", args=[s.pk]), data)
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.free_places == 0 and s.version == 2 and s.last_confirmed_on == timezone.localdate()
    Service.objects.filter(pk=s.pk).update(last_confirmed_on=dt.date(2020, 1, 1))
    response = client.post(reverse("resources:confirm", args=[s.pk]), {"next": "/resources/?stale=on"})
    assert response.status_code == 302 and response["Location"] == "/resources/?stale=on"
    s.refresh_from_db()
    assert s.last_confirmed_on == timezone.localdate() and s.confirmed_by == entries.w.stoyanov
    assert AuditEvent.objects.filter(action="service.confirm", object_id=str(s.pk)).exists()


def test_confirm_does_not_redirect_off_site(client, entries):
    login(client, entries.w.stoyanov)
    response = client.post(
        reverse("resources:confirm", args=[entries.cop.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("resources:detail", args=[entries.cop.pk])


def test_edit_conflict_keeps_your_version(client, entries):
    s = entries.cop
    login(client, entries.w.stoyanov)
    client.post(reverse("resources:edit", args=[s.pk]), FORM | {"name": s.name, "type": "cop", "version": 1})
    response = client.post(
        reverse("resources:edit", args=[s.pk]),
        FORM | {"name": s.name, "type": "cop", "free_places": "1", "version": 1},
    )
    assert response.status_code == 200 and response.context["conflict"] is not None
    assert 'name="version" value="2"' in response.content.decode()


@pytest.mark.parametrize("who", OTHERS)
def test_others_read_but_cannot_change(client, entries, who):
    s = entries.cop
    login(client, getattr(entries.w, who))
    detail = client.get(reverse("resources:detail", args=[s.pk]))
    assert detail.status_code == 200 and reverse("resources:edit", args=[s.pk]) not in detail.content.decode()
    assert client.get(reverse("resources:edit", args=[s.pk])).status_code == 403
    post = FORM | {"name": "Чуждо", "type": "cop", "version": 1}
    assert client.post(reverse("resources:edit", args=[s.pk]), post).status_code == 403
    assert client.post(reverse("resources:confirm", args=[s.pk])).status_code == 403
    s.refresh_from_db()
    assert s.name != "Чуждо" and s.version == 1


def test_missing_entry_is_404(client, entries):
    login(client, entries.w.stoyanov)
    assert client.get(reverse("resources:detail", args=[99999])).status_code == 404
    assert client.post(reverse("resources:confirm", args=[99999])).status_code == 404


# --- export -----------------------------------------------------------------------------------------


def test_csv_export_of_the_current_filter(client, entries):
    response = login(client, entries.w.petrov).get(reverse("resources:export_csv"), {"q": "ЦОП"})
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    found = {r[2] for r in rows[1:]}
    assert found == {entries.cop.name, entries.crisis.name, entries.old.name}
    cop = next(r for r in rows if r[2] == entries.cop.name)
    assert "10447" in cop and "гр. Велико Търново" in cop and "Велико Търново" in cop
    assert timezone.localdate().strftime("%d.%m.%Y") in cop
    old = next(r for r in rows if r[2] == entries.old.name)
    assert entries.old.last_confirmed_on.strftime("%d.%m.%Y") in old


def test_csv_neutralises_formulas(client, entries):
    make(entries.w.stoyanov, entries.w.cop, name='=HYPERLINK("x")', type="club", sector="community")
    response = login(client, entries.w.petrov).get(reverse("resources:export_csv"), {"type": "club"})
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_xlsx_export_opens_with_cyrillic_and_dates(client, entries):
    from openpyxl import load_workbook

    response = login(client, entries.w.petrov).get(
        reverse("resources:export_xlsx"), {"municipality": "VTR04"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert {r[2] for r in data} == {
        entries.cop.name,
        entries.crisis.name,
        entries.old.name,
        entries.club.name,
    }
    cop = next(r for r in data if r[2] == entries.cop.name)
    assert "български, ромски" in cop and 30 in cop and 4 in cop
    col = len(header) - 2  # last confirmed
    assert cop[col].date() == timezone.localdate()
    assert sheet.cell(row=2, column=col + 1).number_format == "dd.mm.yyyy"
