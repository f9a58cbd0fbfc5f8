"""Outcome measures over time as SVG line charts, drawn on the server.

No JavaScript: the same markup shows on the page, prints, and goes into the PDF. Each point
carries its date and value (``data-date``, ``data-value`` and a ``<title>`` for screen readers
and hovering). Points from the Signs-of-Safety maps are drawn as squares on their own line, so a
reader sees which ratings came from a review and which from a safety map.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 14, 40


def _fmt(value: float) -> str:
    return f"{value:g}"


def line_chart(points: list[dict], *, low: float, high: float, title: str, unit: str = "") -> SafeString:
    """An SVG chart of ``points`` ({date, value, from_map}) on a fixed scale ``low``–``high``."""
    if not points:
        return mark_safe("")  # noqa: S308 - empty
    days = sorted({p["date"] for p in points})
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg class="outcome-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    # Grid: five horizontal lines with their values.
    for i in range(5):
        value = low + (high - low) * i / 4
        gy = y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" '
            'stroke="#d0d7de" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="11" fill="#555">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    # Date labels: first, last and up to three between.
    shown = days if len(days) <= 5 else [days[round(i * (len(days) - 1) / 4)] for i in range(5)]
    for day in dict.fromkeys(shown):
        # The first and last labels lean inwards so they are not cut at the edges.
        anchor = "middle" if first == last else {first: "start", last: "end"}.get(day, "middle")
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}" font-size="11" '
            f'fill="#555">{day:%d.%m.%Y}</text>'
        )
    series = [
        ([p for p in points if not p.get("from_map")], "review", "#1f4e79", ""),
        ([p for p in points if p.get("from_map")], "safety-map", "#b35c00", "4 3"),
    ]
    for pts, css, colour, dash in series:
        if len(pts) > 1:
            path = " ".join(f"{x(p['date']):.1f},{y(p['value']):.1f}" for p in pts)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline class="line {css}" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        for p in pts:
            px, py = x(p["date"]), y(p["value"])
            label = f"{p['date']:%d.%m.%Y}: {_fmt(p['value'])}{unit}"
            if p.get("from_map"):
                label += " — " + _("from the safety map")
                shape = (
                    f'<rect class="point {css}" x="{px - 4:.1f}" y="{py - 4:.1f}" width="8" height="8" '
                    f'fill="{colour}"'
                )
                close = "</rect>"
            else:
                shape = f'<circle class="point {css}" cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"'
                close = "</circle>"
            parts.append(
                f'{shape} data-date="{p["date"].isoformat()}" data-value="{_fmt(p["value"])}">'
                f"<title>{escape(label)}</title>{close}"
            )
    if series[1][0]:
        ly = HEIGHT - 8
        parts.append(f'<circle cx="{LEFT + 4}" cy="{ly - 4}" r="4" fill="#1f4e79"/>')
        reviews = escape(_("plan reviews"))
        parts.append(f'<text x="{LEFT + 12}" y="{ly}" font-size="11" fill="#333">{reviews}</text>')
        parts.append(f'<rect x="{LEFT + 140}" y="{ly - 8}" width="8" height="8" fill="#b35c00"/>')
        from_map = escape(_("from the safety map"))
        parts.append(f'<text x="{LEFT + 152}" y="{ly}" font-size="11" fill="#333">{from_map}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
