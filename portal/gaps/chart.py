"""The gaps' scatter chart, drawn on the server as SVG like the other charts.

Poverty on the horizontal axis, investment per inhabitant on a logarithmic vertical one (from
nothing to tens of thousands of soles per person). The table beside it carries every figure; the
chart is its picture (``role="img"``, a title and a description), readable without JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.gaps.queries import DistrictGap
from portal.i18n import format_money, format_percent

#: Narrower than the bar charts: on a 360 px phone its 18-unit labels (portal.css) are ~12 px
#: high, and the margins hold "S/ 100,000" on the left and "100%" on the right.
WIDTH, HEIGHT = 480, 400
LEFT, RIGHT, TOP, BOTTOM = 120, 32, 44, 48
#: Soles per inhabitant marked on the vertical axis.
TICKS = (0, 10, 100, 1_000, 10_000, 100_000)


def _y_position(value: float, top_value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - plot * math.log10(1 + value) / math.log10(1 + top_value)


def gaps_chart(
    districts: Sequence[DistrictGap], neglected: Sequence[DistrictGap], chart_id="grafico-brechas"
) -> Markup:
    """One dot per district with a population and a poverty rate; neglected ones stand out."""
    shown = [d for d in districts if d.per_inhabitant is not None and d.poverty_pct is not None]
    top_value = max([float(d.per_inhabitant) for d in shown] + [100.0])
    ticks = [t for t in TICKS if t <= top_value]
    names = {d.ubigeo for d in neglected}
    plot_width = WIDTH - LEFT - RIGHT
    parts = [
        f'<svg class="chart chart-scatter" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(_("Pobreza e inversión por habitante"))}</title>',
        f'<desc id="{chart_id}-d">'
        + escape(
            _(
                "Un punto por distrito: a la derecha los más pobres, arriba los que tienen "
                "más inversión por habitante (escala logarítmica). En naranja, los distritos "
                "pobres con poca inversión. Las cifras están en la tabla de más abajo y en el CSV."
            )
        )
        + "</desc>",
    ]
    for n, (kind, text) in enumerate(
        (("chart-s1", _("Distritos")), ("chart-s2", _("Pobres con poca inversión")))
    ):
        x = 8 + n * 170
        parts.append(
            f'<circle class="{kind}" cx="{x + 6}" cy="16" r="6"/>'
            f'<text class="chart-legend" x="{x + 18}" y="22">{escape(text)}</text>'
        )
    for tick in ticks:
        y = _y_position(tick, top_value)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(format_money(tick))}</text>"
        )
    for pct in range(0, 101, 20):
        x = LEFT + plot_width * pct / 100
        parts.append(
            f'<text class="chart-label" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(format_percent(pct, 0))}</text>'
        )
    parts.append(
        f'<text class="chart-label" x="{LEFT + plot_width / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(_("Pobreza total (% de la población)"))}</text>'
    )
    for d in shown:
        x = LEFT + plot_width * d.poverty_pct / 100
        y = _y_position(float(d.per_inhabitant), top_value)
        kind = "chart-s2" if d.ubigeo in names else "chart-s1"
        label = _(
            "%(name)s: pobreza %(poverty)s, %(amount)s por habitante",
            name=d.name,
            poverty=format_percent(d.poverty_pct),
            amount=format_money(d.per_inhabitant),
        )
        parts.append(
            f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="5" data-district="{d.ubigeo}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
