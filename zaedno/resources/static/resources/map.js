/* The resource map: markers from the page's JSON on a Leaflet map.
   The background tiles are optional. Without them (no tile server set, offline, blocked) the
   markers stay on a plain background, a note says so, and the list below the map is unaffected.
   Popups are built from DOM nodes (textContent), never from HTML strings. */
(function () {
  "use strict";

  var SECTOR_COLOURS = {
    social: "#1f5f66", education: "#2f5db3", health: "#b0302f", police: "#4b4f8a",
    municipality: "#7a5a12", ngo: "#2f7d3b", community: "#9b4f96"
  };
  var TILE_WAIT_MS = 8000;

  function note(text) {
    var el = document.getElementById("map-note");
    if (!el || !text) return;
    el.textContent = text;
    el.hidden = false;
  }

  function popup(m, box) {
    var root = document.createElement("div");
    root.className = "map-popup";
    var title = document.createElement("a");
    title.href = m.url;
    title.textContent = m.name;
    title.className = "map-popup-title";
    root.appendChild(title);
    function line(text, cls) {
      var p = document.createElement("div");
      if (cls) p.className = cls;
      p.textContent = text;
      root.appendChild(p);
      return p;
    }
    line(m.organisation, "muted");
    line(m.type);
    if (m.free !== null && m.free !== undefined) {
      line(box.dataset.labelFree + ": " + m.free + (m.capacity !== null && m.capacity !== undefined ? " " + box.dataset.labelOf + " " + m.capacity : ""));
    }
    if (m.phone) {
      var p = line(box.dataset.labelPhone + ": ");
      var tel = document.createElement("a");
      tel.href = "tel:" + m.phone.replace(/\s+/g, "");
      tel.textContent = m.phone;
      p.appendChild(tel);
    }
    var more = document.createElement("a");
    more.href = m.url;
    more.textContent = box.dataset.labelDetails + " →";
    more.className = "map-popup-more";
    root.appendChild(more);
    return root;
  }

  function start() {
    var box = document.getElementById("resource-map");
    var data = document.getElementById("resource-markers");
    if (!box || !data) return;
    if (typeof window.L === "undefined") {
      box.classList.add("no-map");
      note(box.dataset.msgNoScript);
      return;
    }
    var markers = JSON.parse(data.textContent);
    var map = window.L.map(box, { scrollWheelZoom: false, preferCanvas: false }).setView([43.08, 25.63], 9);
    box.classList.add("plain");

    var url = box.dataset.tilesUrl;
    if (url) {
      var loaded = 0, failed = 0, warned = false;
      var tiles = window.L.tileLayer(url, { attribution: box.dataset.tilesAttribution, maxZoom: 18 });
      var warn = function () {
        if (warned || loaded > 0) return;
        warned = true;
        box.classList.add("tiles-failed");
        note(box.dataset.msgNoTiles);
      };
      tiles.on("tileload", function () {
        loaded += 1;
        box.classList.remove("plain");
        box.classList.add("tiles-ok");
      });
      tiles.on("tileerror", function () {
        failed += 1;
        if (failed >= 2) warn();
      });
      tiles.addTo(map);
      window.setTimeout(warn, TILE_WAIT_MS);
    } else {
      box.classList.add("tiles-off");
      note(box.dataset.msgTilesOff);
    }

    var byId = {};
    var bounds = [];
    markers.forEach(function (m) {
      var colour = SECTOR_COLOURS[m.sector] || "#444";
      var marker = window.L.circleMarker([m.lat, m.lon], {
        radius: 8, weight: 2, color: "#fff", fillColor: colour, fillOpacity: 0.9,
        className: "resource-marker sector-" + m.sector
      });
      marker.bindPopup(popup(m, box));
      marker.bindTooltip(m.name);
      marker.addTo(map);
      byId[m.id] = marker;
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 14);
    }
    box.dataset.markers = String(markers.length);
    box.classList.add("ready");

    function bindButtons(root) {
      root.querySelectorAll(".show-on-map").forEach(function (button) {
        if (byId[button.dataset.marker]) button.hidden = false;
      });
    }
    bindButtons(document);
    document.body.addEventListener("htmx:afterSwap", function (event) { bindButtons(event.target); });
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".show-on-map");
      if (!button) return;
      var marker = byId[button.dataset.marker];
      if (!marker) return;
      box.scrollIntoView({ behavior: "smooth", block: "center" });
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13));
      marker.openPopup();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
