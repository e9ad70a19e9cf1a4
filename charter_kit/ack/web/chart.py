"""The progress chart of a campaign: an SVG drawn on the server (no script, no library)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def progress_svg(progress: Sequence[tuple[str, int]], total: int, start: str) -> Markup:
    """Cumulative share of acknowledgements per day, from the campaign's opening day."""
    first = dt.date.fromisoformat(start[:10])
    days = [(dt.date.fromisoformat(d), n) for d, n in progress]
    last = max([first + dt.timedelta(days=1)] + [d for d, _ in days])  # at least one day wide
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y(count: int) -> float:
        share = count / total if total else 0.0
        return TOP + plot_h * (1 - min(max(share, 0.0), 1.0))

    points = [(x(first), y(0))]
    running = 0
    for day, count in days:
        points.append((x(day), y(running)))  # a step: flat until the day's acknowledgements
        running = count
        points.append((x(day), y(running)))
    points.append((x(last), y(running)))
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    pct = f"{100 * running / total:.0f}" if total else "0"
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">Progression : {escape(pct)} % des salariés concernés ont accusé réception '
             f'au {escape(last.isoformat())}</title>']
    for share in (0, 25, 50, 75, 100):
        gy = TOP + plot_h * (1 - share / 100)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end">{share} %</text>')
    parts.append(f'<text class="axis" x="{LEFT}" y="{HEIGHT - 12}" text-anchor="start">{escape(first.isoformat())}</text>')
    parts.append(f'<text class="axis" x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end">{escape(last.isoformat())}</text>')
    parts.append(f'<polyline class="line" points="{path}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
