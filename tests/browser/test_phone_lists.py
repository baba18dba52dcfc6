"""At 360 px every list is a column of cards: a name gets the full width, nothing scrolls sideways.

Set PORTAL_SCREENSHOTS=/some/dir to keep a full-page screenshot of each list page (they are
looked at by a person, not compared).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.routes import sample_values

#: List pages by name → (path, selector of the investment names or row names in the list).
LISTED = "section[aria-labelledby=lista] table a[href^='/inversiones/']"
LIST_PAGES = {
    "home": ("/", "table a[href^='/inversiones/']"),
    "province": ("/lugares/0601", LISTED),
    "district": ("/lugares/060101", LISTED),
    "unit": ("/unidades/{slug}", LISTED),
    "map list": ("/mapa", ".map-list table a[href^='/inversiones/']"),
    "search": ("/buscar?q=agua", ".result-name a[href^='/inversiones/']"),
    "data status": ("/estado", "table.list-table tbody tr > th"),
}
ADMIN_LIST_PAGES = {
    "admin queue": ("/admin/", "table tbody a[href^='/admin/observaciones/']"),
    "admin routed": ("/admin/derivadas", "table tbody tr > :first-child"),
    "admin audit": ("/admin/registro", "table tbody tr > :first-child"),
}

#: A name squeezed into a column is a few letters wide; on a card it takes the phone's width.
MIN_NAME_WIDTH = 250

NAME_BOX = """(el) => {
  const cell = el.closest('td, th, li') || el;
  const r = cell.getBoundingClientRect();
  return {cell: r.width, lines: el.getClientRects().length, name: el.getBoundingClientRect().width};
}"""


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        path = Path(folder) / f"i13-phone-{name.replace(' ', '-')}.png"
        page.screenshot(path=str(path), full_page=True)


def _assert_names_are_wide(page, name: str, selector: str) -> None:
    names = page.locator(selector)
    assert names.count() > 0, f"{name}: no list rows"
    for index in range(min(names.count(), 5)):
        box = names.nth(index).evaluate(NAME_BOX)
        assert box["cell"] >= MIN_NAME_WIDTH, f"{name}: row {index} name is {box}"
        if box["lines"] > 1:  # a long name wraps across the whole card, not a narrow column
            assert box["name"] >= MIN_NAME_WIDTH, f"{name}: row {index} name is {box}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} is {width}px wide"


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_list_names_take_the_width_of_a_360px_phone(phone360, live_app, live_server, name):
    path, selector = LIST_PAGES[name]
    phone360.goto(live_server + path.format(**sample_values(live_app)))
    phone360.wait_for_load_state("networkidle")
    _screenshot(phone360, name)
    _assert_names_are_wide(phone360, name, selector)


@pytest.mark.parametrize("name", sorted(ADMIN_LIST_PAGES))
def test_admin_lists_are_cards_on_a_360px_phone(
    phone360, live_server, moderator, observation_code, name
):
    path, selector = ADMIN_LIST_PAGES[name]
    log_in(phone360, live_server, moderator)
    phone360.goto(live_server + path)
    _screenshot(phone360, name)
    _assert_names_are_wide(phone360, name, selector)


def test_list_cards_label_each_value(phone360, live_server):
    phone360.goto(live_server + "/lugares/060101")
    cell = phone360.locator("section[aria-labelledby=lista] table.list-table td[data-label]").first
    label = cell.get_attribute("data-label")
    shown = cell.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert label in shown


def test_lists_stay_tables_on_a_wide_screen(page, live_server):
    page.goto(live_server + "/lugares/060101")
    table = page.locator("section[aria-labelledby=lista] table.list-table")
    assert table.evaluate("(el) => getComputedStyle(el).display") == "table"
    assert table.locator("thead").is_visible()


def test_province_page_is_a_reasonable_length_on_a_phone(phone360, live_server):
    phone360.goto(live_server + "/lugares/0601")
    height = phone360.evaluate("document.documentElement.scrollHeight")
    # 20 investment cards of about 250 px, the district cards, figures and charts.
    assert height < 15_000, f"the province page is {height}px tall"


def test_card_labels_wrap_inside_the_card(phone360, live_server):
    """A long label in a number cell ("Accrued spending to date (devengado)") wraps, never runs
    off the card (the number cell's nowrap used to hold the label on one line)."""
    phone360.goto(live_server + "/unidades?lang=en")
    overflowing = phone360.evaluate(
        """() => [...document.querySelectorAll('table.list-table tbody td[data-label]')]
             .filter((td) => td.scrollWidth > td.clientWidth + 1)
             .map((td) => td.dataset.label)"""
    )

    assert overflowing == []
