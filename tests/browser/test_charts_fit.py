"""At 360 px every label of a server-drawn chart stays inside the chart: none is cut at an edge."""

from __future__ import annotations

import pytest

#: Labels of each chart on the page that stick out of its box, as [chart id, text, left, right].
LABELS_OUTSIDE = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
        out.push([svg.id, text.textContent, Math.round(r.left), Math.round(r.right)]);
      }
    }
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_gaps_scatter_labels_fit_a_phone(phone360, live_server, lang):
    phone360.goto(f"{live_server}/brechas?lang={lang}")
    assert phone360.locator("svg.chart-scatter text").count() > 5
    # "S/ 100,000", the legend "Pobres con poca inversión" and "100%" were cut at 360 px.
    assert phone360.evaluate(LABELS_OUTSIDE) == []
    sizes = phone360.evaluate(
        "[...document.querySelectorAll('svg.chart-scatter text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 12  # still readable: labels of 12 px or more
