"""Small inline SVG trend charts: vector in the PDF, no requests from the HTML, a text alternative always."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from html import escape

from pmf_pipeline.periods import Period
from pmf_pipeline.rules.units import LOCALE, figure

WIDTH, HEIGHT, PAD = 132, 36, 4


def trend_chart(
    history: tuple[tuple[Period, Decimal | None], ...],
    target: Decimal | None,
    decimals: int,
    unit: str = "number",
    locale: str | None = None,
    gettext: Callable[[str], str] | None = None,
) -> str:
    """An SVG sparkline of up to eight quarters, the target as a dashed line, the latest point marked;
    its text alternative gives each quarter's figure with the PI's unit (``rules.units.figure``), in the
    words of the pack's language when ``gettext`` (and ``locale``, Babel's) are given."""
    points = [(i, v) for i, (_, v) in enumerate(history) if v is not None]
    if len(points) < 2:
        return ""
    values = [v for _, v in points] + ([target] if target is not None else [])
    lo, hi = min(values), max(values)
    span = (hi - lo) or Decimal(1)
    n = max(len(history) - 1, 1)

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        x = PAD + (WIDTH - 2 * PAD) * i / n
        y = HEIGHT - PAD - float((v - lo) / span) * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)

    line = " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in points))
    if gettext is None:
        alt = "Last eight quarters: " + "; ".join(f"{p.short_label}: {figure(v, unit, decimals)}" for p, v in history if v is not None)
    else:
        _ = gettext
        each = [
            _("%(quarter)s: %(figure)s")
            % {"quarter": _("Q%(quarter)s %(year)s") % {"quarter": p.quarter, "year": p.year}, "figure": figure(v, unit, decimals, locale or LOCALE, _)}
            for p, v in history
            if v is not None
        ]
        alt = _("Last eight quarters: %(figures)s") % {"figures": "; ".join(each)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(alt)}"><title>{escape(alt)}</title>'
    ]
    if target is not None:
        _, ty = xy(0, target)
        parts.append(f'<line x1="{PAD}" y1="{ty}" x2="{WIDTH - PAD}" y2="{ty}" stroke="#555" stroke-width="1" stroke-dasharray="3,2"/>')
    parts.append(f'<polyline fill="none" stroke="#1f3864" stroke-width="1.6" points="{line}"/>')
    lx, ly = xy(*points[-1])
    parts.append(f'<circle cx="{lx}" cy="{ly}" r="2.6" fill="#1f3864"/>')
    parts.append("</svg>")
    return "".join(parts)
