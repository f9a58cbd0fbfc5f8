"""Pictures drawn on the server as SVG: the network map (ecomap) and the safety-scale chart.

Drawn in Python rather than in the browser so the same picture appears on the page, in the
browser's print and in the PDF (WeasyPrint draws inline SVG), with no script. Every text is
escaped; shapes carry meaning beside colour (dashes for distant, a zig-zag and ✕ for conflict).
"""

from __future__ import annotations

import math
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zaedno.tools.kinds import CLOSENESS, GROUPS

FONT = "DejaVu Sans, Arial, sans-serif"
GROUP_COLOURS = {
    "family": "#1f5f66",
    "friends": "#2e7d32",
    "community": "#6d4c41",
    "school": "#1565c0",
    "health": "#00838f",
    "social": "#6a1b9a",
    "justice": "#37474f",
    "other": "#8d6e63",
}
RING = {"close": 120, "medium": 205, "distant": 290}
CONFLICT = "#c62828"


def _t(value) -> str:
    return escape(str(value), quote=True)


def _short(text: str, limit: int = 22) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _zigzag(x1: float, y1: float, x2: float, y2: float, *, step: float = 10, amp: float = 5) -> str:
    """Points of a zig-zag line from (x1, y1) to (x2, y2): the mark of a conflict."""
    length = math.hypot(x2 - x1, y2 - y1)
    n = max(2, int(length // step))
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    px, py = -uy, ux
    points = []
    for i in range(n + 1):
        d = length * i / n
        off = 0 if i in (0, n) else (amp if i % 2 else -amp)
        points.append(f"{x1 + ux * d + px * off:.1f},{y1 + uy * d + py * off:.1f}")
    return " ".join(points)


def network_map_svg(centre: str, people: list[dict], *, title: str = "") -> str:
    """The child at the centre; each person or service in the sector of its group, on the ring of
    its closeness; lines thick for close, dashed for distant, red zig-zag with ✕ for conflict."""
    width, size, cx, cy = 900, 760, 450, 380
    legend_h = 150
    out: list[str] = [
        f'<svg class="network-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {size + legend_h}" '
        f'role="img" aria-labelledby="nm-title" font-family="{FONT}">',
        f'<title id="nm-title">{_t(title or _("Network map"))}</title>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    # Rings (closeness) and sectors (groups).
    for key, label in CLOSENESS:
        r = RING[key]
        out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#c9d1d9" stroke-width="1"/>')
        # On the line between two sectors (straight down), where no one is placed.
        out.append(f'<text x="{cx + 4}" y="{cy + r - 4}" font-size="10" fill="#7a8590">{_t(label)}</text>')
    sector = 2 * math.pi / len(GROUPS)
    outer = RING["distant"] + 45
    for i, (key, label) in enumerate(GROUPS):
        a = -math.pi / 2 + i * sector
        out.append(
            f'<line x1="{cx}" y1="{cy}" x2="{cx + outer * math.cos(a):.1f}" y2="{cy + outer * math.sin(a):.1f}" '
            'stroke="#e3e8ed" stroke-width="1"/>'
        )
        mid = a + sector / 2
        lx, ly = cx + (outer + 12) * math.cos(mid), cy + (outer + 12) * math.sin(mid)
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" font-weight="bold" text-anchor="middle" '
            f'fill="{GROUP_COLOURS[key]}">{_t(label)}</text>'
        )
    # Place the people: within a group's sector, spread out along their ring.
    lines: list[str] = []
    nodes: list[str] = []
    group_index = {key: i for i, (key, _l) in enumerate(GROUPS)}
    by_group: dict[str, list[tuple[str, dict]]] = {}
    order = {key: i for i, (key, _l) in enumerate(CLOSENESS)}
    for person in people:
        group = person.get("group") if person.get("group") in GROUP_COLOURS else "other"
        closeness = person.get("closeness") if person.get("closeness") in RING else "medium"
        by_group.setdefault(group, []).append((closeness, person))
    for group, members in by_group.items():
        # Each member of a group gets its own angle, so no line runs through another person.
        members.sort(key=lambda m: order[m[0]])
        start = -math.pi / 2 + group_index[group] * sector
        for j, (closeness, person) in enumerate(members):
            a = start + sector * (j + 1) / (len(members) + 1)
            r = RING[closeness] + (0 if len(members) < 4 else (12 if j % 2 else -12))
            x, y = cx + r * math.cos(a), cy + r * math.sin(a)
            # The line stops at the child's circle and at the person's dot.
            sx, sy = cx + 34 * math.cos(a), cy + 34 * math.sin(a)
            ex, ey = cx + (r - 9) * math.cos(a), cy + (r - 9) * math.sin(a)
            stroke = {"close": 4, "medium": 2, "distant": 1.5}[closeness]
            dash = ' stroke-dasharray="6 5"' if closeness == "distant" else ""
            if person.get("conflict"):
                lines.append(
                    f'<polyline class="conflict" points="{_zigzag(sx, sy, ex, ey)}" fill="none" '
                    f'stroke="{CONFLICT}" stroke-width="{max(stroke, 2)}"{dash}/>'
                )
                mx, my = (sx + ex) / 2, (sy + ey) / 2
                lines.append(
                    f'<text class="conflict-mark" x="{mx:.1f}" y="{my + 5:.1f}" font-size="15" font-weight="bold" '
                    f'text-anchor="middle" fill="{CONFLICT}">✕</text>'
                )
            else:
                lines.append(
                    f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#4a5560" '
                    f'stroke-width="{stroke}"{dash}/>'
                )
            colour = GROUP_COLOURS[group]
            nodes.append(
                f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}" stroke="#fff" stroke-width="2"/>'
            )
            below = math.sin(a) >= -0.2
            ty = y + 22 if below else y - 14
            nodes.append(
                f'<text x="{x:.1f}" y="{ty:.1f}" font-size="12" text-anchor="middle" fill="#111">'
                f"{_t(_short(person.get('name', '')))}</text></g>"
            )
    out.extend(lines)
    out.append(f'<circle cx="{cx}" cy="{cy}" r="34" fill="#fff7e0" stroke="#8a4b08" stroke-width="2.5"/>')
    out.append(
        f'<text x="{cx}" y="{cy + 5}" font-size="13" font-weight="bold" text-anchor="middle" fill="#111">'
        f"{_t(_short(centre or _('the child'), 16))}</text>"
    )
    out.extend(nodes)
    out.append(_network_legend(width, size, legend_h))
    out.append("</svg>")
    return "\n".join(out)


def _network_legend(width: int, size: int, height: int) -> str:
    y0 = size + 10
    parts = [
        f'<g class="legend"><rect x="10" y="{y0}" width="{width - 20}" height="{height - 20}" fill="#fafbfc" '
        'stroke="#d8dde3"/>',
        f'<text x="24" y="{y0 + 22}" font-size="12" font-weight="bold">{_t(_("Legend"))}</text>',
    ]
    samples = [
        ('stroke="#4a5560" stroke-width="4"', _("close")),
        ('stroke="#4a5560" stroke-width="2"', _("medium")),
        ('stroke="#4a5560" stroke-width="1.5" stroke-dasharray="6 5"', _("distant")),
    ]
    for i, (attrs, label) in enumerate(samples):
        x = 24 + i * 180
        parts.append(f'<line x1="{x}" y1="{y0 + 42}" x2="{x + 50}" y2="{y0 + 42}" {attrs}/>')
        parts.append(f'<text x="{x + 58}" y="{y0 + 46}" font-size="12">{_t(label)}</text>')
    x = 24 + 3 * 180
    parts.append(
        f'<polyline points="{_zigzag(x, y0 + 42, x + 50, y0 + 42)}" fill="none" stroke="{CONFLICT}" stroke-width="2"/>'
    )
    parts.append(
        f'<text x="{x + 58}" y="{y0 + 46}" font-size="12" fill="{CONFLICT}">✕ {_t(_("conflict"))}</text>'
    )
    for i, (key, label) in enumerate(GROUPS):
        x = 24 + (i % 4) * 215
        y = y0 + 72 + (i // 4) * 24
        parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="6" fill="{GROUP_COLOURS[key]}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="12">{_t(label)}</text>')
    parts.append("</g>")
    return "\n".join(parts)


# --- the safety scale over time --------------------------------------------------------------------

PERSON_COLOURS = ["#1565c0", "#6a1b9a", "#2e7d32", "#8a4b08", "#00838f", "#ad1457", "#37474f", "#6d4c41"]
PERSON_DASHES = ["", "5 3", "2 3", "8 3 2 3"]


def safety_chart_svg(series: list[tuple], *, width: int = 640) -> str:
    """The 0–10 safety scale across maps: the mean as a thick line, each person as a thin one."""
    if not series:
        return ""
    names: list[str] = []
    for _date, _mean, ratings in series:
        for name in ratings:
            if name not in names:
                names.append(name)
    left, right, top, plot_h = 50, 50, 20, 200
    legend_rows = (len(names) + 1 + 2) // 3
    height = top + plot_h + 40 + legend_rows * 20 + 10
    plot_w = width - left - right
    n = len(series)

    def px(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def py(v: float) -> float:
        return top + plot_h * (1 - v / 10)

    out = [
        f'<svg class="safety-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="sc-title" font-family="{FONT}">',
        f'<title id="sc-title">{_t(_("Safety scale over time (0–10)"))}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for v in range(0, 11, 2):
        y = py(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e8ed"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{v}</text>')
    for i, (date, _mean, _r) in enumerate(series):
        out.append(
            f'<text x="{px(i):.1f}" y="{top + plot_h + 18}" font-size="11" text-anchor="middle">'
            f"{date:%d.%m.%Y}</text>"
        )
    for k, name in enumerate(names):
        colour = PERSON_COLOURS[k % len(PERSON_COLOURS)]
        dash = PERSON_DASHES[(k // len(PERSON_COLOURS)) % len(PERSON_DASHES)] or "4 2"
        pts = [(px(i), py(r[name])) for i, (_d, _m, r) in enumerate(series) if name in r]
        if len(pts) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}"/>'
            )
        for x, y in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    mean_pts = [(px(i), py(m)) for i, (_d, m, _r) in enumerate(series)]
    if len(mean_pts) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in mean_pts)
        out.append(f'<polyline class="mean" points="{points}" fill="none" stroke="#111" stroke-width="3.5"/>')
    for (x, y), (_d, m, _r) in zip(mean_pts, series, strict=True):
        out.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#111"/>')
        out.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="11" font-weight="bold" text-anchor="middle">'
                   f"{number_format(m, 1)}</text>")  # fmt: skip
    # Legend: the mean first, then each person.
    ly = top + plot_h + 44
    entries = [(_("mean"), "#111", "", 3.5), *[
        (name, PERSON_COLOURS[k % len(PERSON_COLOURS)],
         PERSON_DASHES[(k // len(PERSON_COLOURS)) % len(PERSON_DASHES)] or "4 2", 1.5)
        for k, name in enumerate(names)
    ]]  # fmt: skip
    for idx, (label, colour, dash, w) in enumerate(entries):
        x = left + (idx % 3) * (plot_w / 3)
        y = ly + (idx // 3) * 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 28:.1f}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="{w}"{dash_attr}/>'
        )
        out.append(f'<text x="{x + 34:.1f}" y="{y}" font-size="11">{_t(_short(label, 28))}</text>')
    out.append("</svg>")
    return "\n".join(out)
