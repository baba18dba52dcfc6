"""At 360 px words stay whole: figure tables scroll sideways, form lines wrap between words.

The body allows breaking anywhere (so a long name never widens the page), which inside a table
squeezed a column to one letter per line ("E/n/e/r/o") instead of letting the table scroll.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

#: Words (of each table cell, or of the element) split across lines, as "word (n lines)".
BROKEN_WORDS = """(root) => {
  const broken = [];
  const cells = root.matches('table') ? root.querySelectorAll('th, td') : [root];
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${match[0]} (${lines.size} lines)`);
      }
    }
  }
  return broken;
}"""


def _cui_with_f12b_months(app) -> str:
    from portal.db import get_session
    from portal.investments.models import F12BMonth

    with app.app_context():
        return get_session().scalars(select(F12BMonth.cui).order_by(F12BMonth.cui).limit(1)).one()


def _assert_no_broken_words(page, selector: str) -> None:
    """Every element matching ``selector`` shows its words whole, and nothing scrolls sideways."""
    tables = page.locator(selector)
    assert tables.count() > 0, f"no table matches {selector}"
    for index in range(tables.count()):
        broken = tables.nth(index).evaluate(BROKEN_WORDS)
        assert not broken, f"{selector} #{index} breaks words: {broken[:8]}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_monthly_f12b_table_keeps_month_names_whole_on_a_phone(phone360, live_app, live_server):
    cui = _cui_with_f12b_months(live_app)
    phone360.goto(f"{live_server}/inversiones/{cui}")
    _assert_no_broken_words(phone360, "table:has(tr[data-month])")


def test_figures_on_a_date_keep_words_whole_on_a_phone(phone360, live_app, live_server):
    cui = _cui_with_f12b_months(live_app)
    today_in_lima = datetime.now(ZoneInfo("America/Lima")).date()  # the portal's day
    phone360.goto(f"{live_server}/inversiones/{cui}?fecha={today_in_lima.isoformat()}")
    _assert_no_broken_words(phone360, ".as-of table")


def test_observation_consent_line_keeps_words_whole(phone360, live_app, live_server):
    # The "(obligatorio)" after the consent label was a third flex item: a column of letters.
    cui = _cui_with_f12b_months(live_app)
    phone360.goto(f"{live_server}/observaciones/nueva?cui={cui}")
    _assert_no_broken_words(phone360, ".consent .choice")


def test_tracking_code_stays_on_one_line_on_a_phone(phone360, live_server, observation_code):
    # Split as "VC-" / "PK7W-A9EB", a code copied from a phone loses its head.
    phone360.goto(f"{live_server}/observaciones/{observation_code}?nueva=1")
    code = phone360.locator(".tracking-code")
    assert code.inner_text() == observation_code
    assert code.evaluate("(el) => el.getClientRects().length") == 1
    assert phone360.evaluate("document.documentElement.scrollWidth") <= 360


#: The size on the screen, in CSS px, of each chart text (its font size in SVG units, scaled).
CHART_TEXT_PX = """(els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)
  * el.ownerSVGElement.getBoundingClientRect().width / el.ownerSVGElement.viewBox.baseVal.width)"""


def test_chart_labels_are_readable_on_a_phone(phone360, live_app, live_server):
    # The 640-unit SVG is drawn about 330 px wide: 12-unit labels came out 6 px tall.
    for path in ("/", f"/inversiones/{_cui_with_f12b_months(live_app)}"):
        phone360.goto(f"{live_server}{path}")
        sizes = phone360.locator("svg.chart text").evaluate_all(CHART_TEXT_PX)
        assert sizes and min(sizes) >= 12, (path, sizes)


def test_chart_labels_of_twelve_months_do_not_overlap_on_a_phone(phone360, live_app, live_server):
    phone360.goto(f"{live_server}/inversiones/{_cui_with_f12b_months(live_app)}")
    boxes = phone360.locator("#grafico-f12b text.chart-label").evaluate_all(
        "(els) => els.map((el) => { const r = el.getBoundingClientRect();"
        " return [r.left, r.right, r.top]; })"
    )
    assert len(boxes) == 12
    for row in {top for _l, _r, top in boxes}:
        line = sorted((left, right) for left, right, top in boxes if top == row)
        assert all(a[1] <= b[0] for a, b in zip(line, line[1:], strict=False)), line
