"""The map page in a real browser (Playwright + Chromium), with and without tile access.

The synthetic resource map of Veliko Tarnovo oblast is seeded; the page is opened twice: once
with the tile server answered by a route that returns a small PNG (as if the tiles loaded), once
with every tile request aborted (offline or blocked). Both times the markers must render, a
popup must open, and the list below the map must work. No request leaves the machine: every
URL outside the live server is answered or aborted by the route. Screenshots
``resources-map-tiles.png`` and ``resources-map-no-tiles.png`` go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from django.db import connections

from zaedno.core.browser import shot
from zaedno.core.testing import PASSWORD
from zaedno.resources.demo import seed_resources

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tile_png() -> bytes:
    """A 256×256 light tile with a faint border, as a tile server would send."""
    size = 256
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            edge = x == 0 or y == 0
            row += bytes((214, 226, 214) if edge else (236, 242, 232))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


TILE = _tile_png()


def test_map_with_and_without_tiles(django_db_setup, browser, live_server, bare_world):
    try:
        created = seed_resources()
        _with_tiles(browser, live_server.url, created)
        _without_tiles(browser, live_server.url, created)
    finally:
        connections.close_all()


def _page(browser, base: str, *, tiles: bool):
    context = browser.new_context(locale="bg-BG", viewport={"width": 1280, "height": 1000})
    served = {"tiles": 0, "aborted": 0}

    def handle(route):
        url = route.request.url
        if tiles and "tile.openstreetmap.org" in url:
            served["tiles"] += 1
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            served["aborted"] += 1
            route.abort()

    # Everything that is not the live server is answered here: the tests never reach the network.
    context.route(lambda url: not url.startswith(base), handle)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "petrov")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/work/")
    return context, page, served


def _markers_ready(page, expected: int) -> None:
    page.wait_for_selector("#resource-map.ready")
    assert page.locator("#resource-map").get_attribute("data-markers") == str(expected)
    assert page.locator("path.resource-marker").count() == expected


def _with_tiles(browser, base: str, created: int) -> None:
    context, page, served = _page(browser, base, tiles=True)
    page.goto(f"{base}/resources/map/")
    _markers_ready(page, created)
    page.wait_for_selector("#resource-map.tiles-ok")
    assert served["tiles"] > 0
    assert page.locator("#map-note").is_hidden()
    # A marker's popup: name, type, free places, phone and a link to the entry.
    page.locator("path.resource-marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content .map-popup")
    popup.wait_for()
    assert popup.locator("a.map-popup-more").get_attribute("href").startswith("/resources/")
    shot(page, "resources-map-tiles")
    # The filters move the markers and the list together (Romani-speaking services in Павликени).
    page.select_option("#id_municipality", "VTR22")
    page.select_option("#id_language", "rom")
    page.locator(".resource-filters button[type=submit]").click()
    page.wait_for_url("**/resources/map/?**")
    page.wait_for_selector("#resource-map.ready")
    markers = int(page.locator("#resource-map").get_attribute("data-markers"))
    rows = page.locator("tr.service-row").count()
    assert 0 < markers < created and rows == markers
    assert "Павликени" in page.locator("#service-results").inner_text()
    context.close()


def _without_tiles(browser, base: str, created: int) -> None:
    context, page, served = _page(browser, base, tiles=False)
    page.goto(f"{base}/resources/map/")
    _markers_ready(page, created)
    note = page.locator("#map-note")
    note.wait_for(state="visible")
    assert page.locator("#resource-map.tiles-failed").count() == 1
    assert served["aborted"] > 0
    # The list still works: "show on map" opens the marker's popup; search in Latin letters.
    row = page.locator("tr.service-row").first
    name = row.locator("td.primary a").inner_text()
    row.locator("button.show-on-map").click()
    page.locator(".leaflet-popup-content .map-popup-title", has_text=name).wait_for()
    shot(page, "resources-map-no-tiles")
    page.fill("#id_q", "Detska pedagogicheska")
    page.locator(".resource-filters button[type=submit]").click()
    page.wait_for_url("**q=Detska**")
    page.wait_for_selector("#resource-map.ready")
    listed = page.locator("tr.service-row td.primary a").all_inner_texts()
    assert listed and all("Детска педагогическа стая" in n for n in listed)
    # The list page (no map at all) with the same search.
    page.goto(f"{base}/resources/?q=ЦОП&free_places=on")
    assert page.locator("tr.service-row").count() > 0
    context.close()
