"""Small inline SVG charts for HTML briefs, drawn here so a brief works offline (no CDN, no JS).

One chart kind: lines over periods, one line per series, with an optional dashed threshold. Every
label is escaped; the output is a standalone ``<svg>`` element.
"""

from __future__ import annotations

from html import escape

from watchfloor.brief.statements import Chart

__all__ = ["line_chart"]

_COLOURS = ("#b2182b", "#2166ac", "#4d9221", "#762a83")
WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 34


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    return float(value)


def line_chart(chart: Chart) -> str:
    """The chart as an ``<svg>`` string: axes, one polyline per series, legend, threshold."""
    periods = sorted({d for _, points in chart.series for d, _ in points})
    if not periods:
        return ""
    values = [v for _, points in chart.series for _, v in points]
    top = _nice_max(max([*values, chart.threshold or 0.0]))
    bottom = min(0.0, min(values))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    index = {d: i for i, d in enumerate(periods)}

    def x(i: int) -> float:
        return LEFT + (plot_w * i / max(len(periods) - 1, 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - bottom) / ((top - bottom) or 1.0))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(chart.title)}">',
        f"<title>{escape(chart.title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(chart.title)}</text>',
        f'<line x1="{LEFT}" y1="{y(bottom):.1f}" x2="{WIDTH - RIGHT}" y2="{y(bottom):.1f}" '
        f'stroke="#555"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y(bottom):.1f}" stroke="#555"/>',
    ]
    for tick in (bottom, (bottom + top) / 2, top):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{tick:g}</text>"
        )
    step = max(1, len(periods) // 6)
    for i in range(0, len(periods), step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
            f'text-anchor="middle">{escape(periods[i].strftime("%d %b"))}</text>'
        )
    if chart.threshold is not None:
        parts.append(
            f'<line x1="{LEFT}" y1="{y(chart.threshold):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(chart.threshold):.1f}" stroke="#e08214" stroke-dasharray="5,4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y(chart.threshold) - 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="#e08214">threshold {chart.threshold:g}</text>'
        )
    for n, (name, points) in enumerate(chart.series):
        colour = _COLOURS[n % len(_COLOURS)]
        coords = " ".join(f"{x(index[d]):.1f},{y(v):.1f}" for d, v in sorted(points))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        for d, v in points:
            parts.append(
                f'<circle cx="{x(index[d]):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                f"<title>{escape(d.isoformat())}: {v:g}</title></circle>"
            )
        parts.append(
            f'<text x="{LEFT + 8 + 110 * n}" y="{HEIGHT - 6}" font-size="11" fill="{colour}">'
            f"■ {escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
