"""Pictures drawn on the server as SVG: the network map (ecomap) and the safety-scale chart.

Drawn in Python rather than in the browser so the same picture appears on the page, in the
browser's print and in the PDF (WeasyPrint draws inline SVG), with no script. Every text is
escaped; shapes carry meaning beside colour (dashes for distant, a zig-zag and ✕ for conflict).
"""

from __future__ import annotations

import math
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zaedno.tools.kinds import CLOSENESS, GROUPS
from zaedno.tools.safety import SIDE_HEADINGS

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
    heading = _t(title or _("Network map"))
    out: list[str] = [
        f'<svg class="network-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {size + legend_h}" '
        f'role="img" aria-labelledby="nm-title" font-family="{FONT}">',
        f'<title id="nm-title">{heading}</title>',
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
    centre_label = _t(_short(centre or _("the child"), 16))
    out.append(
        f'<text x="{cx}" y="{cy + 5}" font-size="13" font-weight="bold" text-anchor="middle" fill="#111">'
        f"{centre_label}</text>"
    )
    out.extend(nodes)
    out.append(_network_legend(width, size, legend_h))
    out.append("</svg>")
    return "\n".join(out)


def _network_legend(width: int, size: int, height: int) -> str:
    y0 = size + 10
    legend = _t(_("Legend"))
    parts = [
        f'<g class="legend"><rect x="10" y="{y0}" width="{width - 20}" height="{height - 20}" fill="#fafbfc" '
        'stroke="#d8dde3"/>',
        f'<text x="24" y="{y0 + 22}" font-size="12" font-weight="bold">{legend}</text>',
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
    conflict = _t(_("conflict"))
    parts.append(f'<text x="{x + 58}" y="{y0 + 46}" font-size="12" fill="{CONFLICT}">✕ {conflict}</text>')
    for i, (key, label) in enumerate(GROUPS):
        x = 24 + (i % 4) * 215
        y = y0 + 72 + (i // 4) * 24
        parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="6" fill="{GROUP_COLOURS[key]}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="12">{_t(label)}</text>')
    parts.append("</g>")
    return "\n".join(parts)


# --- the safety scale over time --------------------------------------------------------------------

# Each side has its colour, its dash and its shape (meaning beside colour).
SIDE_STYLE = {
    "professional": {"colour": "#1565c0", "dash": "", "shape": "circle", "dx": -9},
    "family": {"colour": "#b35c00", "dash": "7 4", "shape": "square", "dx": 9},
    "child": {"colour": "#2e7d32", "dash": "2 3", "shape": "diamond", "dx": 0},
}


def _mark(shape: str, x: float, y: float, r: float, colour: str, css: str, title: str) -> str:
    if shape == "square":
        body = (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"'
        )
    elif shape == "diamond":
        pts = (
            f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}"
        )
        body = f'<polygon points="{pts}" fill="{colour}"'
    else:
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"'
    return f'<g class="{css}">{body} stroke="#fff" stroke-width="1"/><title>{_t(title)}</title></g>'


def safety_chart_svg(points: list, *, width: int = 640) -> str:
    """The 0–10 safety scale across maps (``tools.queries.SafetyPoint``), drawn so the gap shows:
    each person's rating as a mark in the shape of their side, a line for each side's mean
    (professionals, family, the child) and, at each date, a grey bar from the lowest to the
    highest rating (the spread) with its size. No mean of everyone: it would hide the gap."""
    if not points:
        return ""
    present = [code for code in SIDE_STYLE if any(p.views.side(code) for p in points)]
    left, right, top, plot_h = 50, 30, 26, 200
    legend_rows = len(present) + 1
    height = top + plot_h + 40 + legend_rows * 20 + 10
    plot_w = width - left - right
    n = len(points)

    pad = 36  # the first and last dates stand clear of the axis and the edge, with their bars

    def px(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else pad + (plot_w - 2 * pad) * i / (n - 1))

    def py(v: float) -> float:
        return top + plot_h * (1 - v / 10)

    heading = _t(_("Safety scale over time (0–10)"))
    out = [
        f'<svg class="safety-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="sc-title" font-family="{FONT}">',
        f'<title id="sc-title">{heading}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for v in range(0, 11, 2):
        y = py(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e8ed"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{v}</text>')
    for i, point in enumerate(points):
        x, views = px(i), point.views
        out.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" font-size="11" text-anchor="middle">'
            f"{point.date:%d.%m.%Y}</text>"
        )
        label = ngettext(
            "spread %(low)s–%(high)s: %(points)s point apart",
            "spread %(low)s–%(high)s: %(points)s points apart",
            views.spread,
        ) % {"low": views.low, "high": views.high, "points": views.spread}
        out.append(
            f'<g class="spread"><rect x="{x - 16:.1f}" y="{py(views.high) - 6:.1f}" width="32" '
            f'height="{py(views.low) - py(views.high) + 12:.1f}" rx="6" fill="#eceff1"/>'
            f"<title>{_t(label)}</title></g>"
        )
        out.append(
            f'<text class="spread-size" x="{x:.1f}" y="{py(views.high) - 10:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#555">↕ {views.spread}</text>'
        )
    for code in present:
        style = SIDE_STYLE[code]
        means = [(px(i), py(p.views.side(code).mean)) for i, p in enumerate(points) if p.views.side(code)]
        if len(means) > 1:
            pts = " ".join(f"{x + style['dx']:.1f},{y:.1f}" for x, y in means)
            dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
            out.append(
                f'<polyline class="side-line {code}" points="{pts}" fill="none" stroke="{style["colour"]}" '
                f'stroke-width="2.5"{dash}/>'
            )
    for i, point in enumerate(points):
        for side in point.views.sides:
            style = SIDE_STYLE[side.code]
            seen: dict[int, int] = {}
            for person in side.people:
                k = seen.get(person["rating"], 0)
                seen[person["rating"]] = k + 1
                x = px(i) + style["dx"] + (k * 7 if style["dx"] >= 0 else -k * 7)
                title = f"{person.get('name') or '?'}: {person['rating']}"
                out.append(
                    _mark(
                        style["shape"],
                        x,
                        py(person["rating"]),
                        4.5,
                        style["colour"],
                        f"rating {side.code}",
                        title,
                    )
                )
    # Legend: each side (its mark and line), then the spread.
    ly = top + plot_h + 44
    for idx, code in enumerate(present):
        style = SIDE_STYLE[code]
        y = ly + idx * 20
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        out.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 34}" y2="{y - 4}" stroke="{style["colour"]}" '
            f'stroke-width="2.5"{dash}/>'
        )
        out.append(_mark(style["shape"], left + 17, y - 4, 4.5, style["colour"], "legend-mark", ""))
        label = _("%(side)s: each rating, the line joins their means") % {"side": SIDE_HEADINGS[code]}
        out.append(f'<text x="{left + 42}" y="{y}" font-size="11">{_t(label)}</text>')
    y = ly + len(present) * 20
    out.append(f'<rect x="{left + 9}" y="{y - 12}" width="16" height="16" rx="4" fill="#eceff1"/>')
    spread = _t(_("spread: from the lowest to the highest rating"))
    out.append(f'<text x="{left + 42}" y="{y}" font-size="11">↕ {spread}</text>')
    out.append("</svg>")
    return "\n".join(out)
