"""Bar charts drawn on the server as SVG: readable without JavaScript, described for screen readers.

Each chart repeats a data table that the page shows next to it, so the SVG is a picture of the
table (``role="img"`` with a title and a description) rather than the only carrier of the figures.
Colours come from CSS classes (``chart-s0``…), never inline styles (the CSP forbids them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.i18n import format_money, format_month

WIDTH = 640
HEIGHT = 240
LEFT = 8
TOP = 40
BOTTOM = 28
#: More groups than this and the labels take two rows, so a phone's larger text never overlaps.
ONE_ROW_LABELS = 6
#: Room for one character of a legend at the phone's label size (24 units, static/css/portal.css).
LEGEND_CHAR = 15


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | float | int | None]


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[Decimal | float | int | None], str],
) -> Markup:
    """Grouped bars, one group per label and one bar per series, with a legend on top."""
    values = [Decimal(str(v)) for s in series for v in s.values if v is not None]
    top_value = max(values + [Decimal(0)])
    two_rows = len(labels) > ONE_ROW_LABELS
    plot_height = HEIGHT - TOP - BOTTOM * (2 if two_rows else 1)
    group_width = (WIDTH - LEFT * 2) / max(len(labels), 1)
    bar_width = max(group_width * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
    ]
    x = LEFT
    for n, item in enumerate(series):
        parts.append(
            f'<rect class="chart-s{n}" x="{x}" y="10" width="14" height="14"/>'
            f'<text class="chart-legend" x="{x + 18}" y="26">{escape(item.name)}</text>'
        )
        x += 18 + LEGEND_CHAR * len(item.name) + 28
    baseline = TOP + plot_height
    for g, label in enumerate(labels):
        group_x = LEFT + g * group_width + group_width * 0.1
        for n, item in enumerate(series):
            value = item.values[g]
            if value is None:
                continue
            # Negative amounts (reversals) are drawn as empty bars; the table shows the figure.
            share = max(Decimal(str(value)), Decimal(0)) / top_value if top_value else Decimal(0)
            height = float(share * plot_height)
            x = group_x + n * bar_width
            parts.append(
                f'<rect class="chart-s{n}" x="{x:.1f}" y="{baseline - height:.1f}" '
                f'width="{bar_width * 0.9:.1f}" height="{height:.1f}">'
                f"<title>{escape(label)} · {escape(item.name)}: {escape(value_text(value))}</title></rect>"
            )
        label_y = HEIGHT - 6 - (BOTTOM if two_rows and g % 2 == 0 else 0)
        parts.append(
            f'<text class="chart-label" x="{LEFT + g * group_width + group_width / 2:.1f}" '
            f'y="{label_y}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - LEFT}" y1="{baseline}" y2="{baseline}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def execution_chart(years, chart_id: str = "grafico-ejecucion") -> Markup:
    """PIA, PIM and devengado per year (``queries.YearExecution`` rows)."""
    return bar_chart(
        chart_id,
        _("Presupuesto y gasto por año"),
        _("Barras de PIA, PIM y devengado por año; las cifras están en la tabla siguiente."),
        [str(y.year) for y in years],
        [
            Series(_("PIA"), [y.pia for y in years]),
            Series(_("PIM"), [y.pim for y in years]),
            Series(_("Devengado"), [y.devengado for y in years]),
        ],
        format_money,
    )


def monthly_chart(months, chart_id: str = "grafico-f12b") -> Markup:
    """Programmed against actual spending per month of the F12-B year."""
    return bar_chart(
        chart_id,
        _("Gasto programado y real por mes (Formato 12-B)"),
        _(
            "Barras del monto programado y del devengado de cada mes; las cifras están en la tabla siguiente."
        ),
        [format_month(m.month, "abbreviated") for m in months],
        [
            Series(_("Programado"), [m.programmed for m in months]),
            Series(_("Real (devengado)"), [m.actual for m in months]),
        ],
        format_money,
    )
