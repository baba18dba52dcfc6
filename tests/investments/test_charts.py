"""Server-side SVG charts: readable by screen readers, bars in proportion, safe with any text."""

import re
from decimal import Decimal

from portal.investments.charts import Series, bar_chart


def heights(svg):
    return [
        float(h)
        for h in re.findall(
            r'<rect class="chart-s\d" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)">', svg
        )
    ]


def test_chart_is_an_image_with_a_title_and_description():
    svg = bar_chart(
        "c1", "Gasto por año", "Barras por año", ["2024"], [Series("PIM", [Decimal(10)])], str
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-t c1-d"' in svg
    assert (
        '<title id="c1-t">Gasto por año</title>' in svg
        and '<desc id="c1-d">Barras por año</desc>' in svg
    )


def test_bars_are_in_proportion_and_negative_or_missing_values_draw_nothing():
    svg = bar_chart(
        "c2",
        "t",
        "d",
        ["a", "b", "c", "d"],
        [Series("x", [Decimal(100), Decimal(50), Decimal(-5), None])],
        str,
    )
    assert heights(svg) == [172.0, 86.0, 0.0]  # the plot: 240 units less legend and labels


def test_labels_are_escaped():
    svg = bar_chart("c3", "<script>", "d", ["<b>"], [Series("<i>", [1])], str)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
