"""On a phone the "Filtrar" control comes before the results; filters in force are chips."""

from __future__ import annotations

import pytest

SEARCH = "/buscar?q=agua&estado=en_ejecucion"


def _top(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("(el) => el.getBoundingClientRect().top")


def test_filtrar_is_above_the_first_result_on_a_phone(phone360, live_server):
    phone360.goto(live_server + SEARCH)
    toggle = phone360.locator("summary.filter-toggle")
    assert toggle.is_visible()
    assert _top(phone360, "summary.filter-toggle") < _top(phone360, ".result")
    # Closed until asked for: the results are not pushed down by the facets.
    assert not phone360.locator(".facet").first.is_visible()
    toggle.click()
    assert phone360.locator(".facet a").first.is_visible()
    assert _top(phone360, ".facet") < _top(phone360, ".result")
    width = phone360.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_filters_are_open_beside_the_results_on_a_wide_screen(page, live_server):
    page.goto(live_server + SEARCH)
    assert not page.locator("summary.filter-toggle").is_visible()
    facet = page.locator(".facet a").first
    assert facet.is_visible()
    result = page.locator(".result").first.bounding_box()
    assert facet.bounding_box()["x"] > result["x"] + result["width"] / 2, "facets on the right"


def test_a_chip_removes_its_filter(phone360, live_server):
    phone360.goto(live_server + SEARCH)
    chip = phone360.locator(".filter-chips a.chip")
    assert chip.count() == 1
    assert "En ejecución" in chip.inner_text()
    chip.click()
    phone360.wait_for_load_state()
    assert "estado=" not in phone360.url and "q=agua" in phone360.url
    assert phone360.locator(".filter-chips").count() == 0


@pytest.mark.parametrize("path", ["/mapa?estado=paralizada", "/mapa?distrito=060401"])
def test_map_filters_wait_behind_filtrar_on_a_phone(phone360, live_server, path):
    phone360.goto(live_server + path)
    assert phone360.locator("summary.filter-toggle").is_visible()
    assert not phone360.locator("#f-estado").is_visible()
    assert _top(phone360, "summary.filter-toggle") < _top(phone360, ".map-canvas")
    assert phone360.locator(".filter-chips a.chip").count() >= 1
    phone360.locator("summary.filter-toggle").click()
    assert phone360.locator("#f-estado").is_visible()


def test_district_chip_goes_back_to_its_province_on_the_map(page, live_server):
    page.goto(live_server + "/mapa?distrito=060401")
    chips = page.locator(".filter-chips a.chip")
    assert chips.count() == 2  # the district and the province it chose
    page.locator(".filter-chips a.chip", has_text="Distrito").click()
    page.wait_for_load_state()
    assert "distrito=" not in page.url and "provincia=0604" in page.url


def test_a_long_chip_keeps_its_round_remove_button(phone360, live_app, live_server):
    # A unit's long name wraps the chip onto two lines; the × was squeezed into a sliver.
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.investments.models import ExecutingUnit

    with live_app.app_context():
        sec_ejec = get_session().scalar(
            select(ExecutingUnit.sec_ejec).order_by(func.length(ExecutingUnit.name).desc()).limit(1)
        )
    phone360.goto(f"{live_server}/buscar?unidad={sec_ejec}")
    box = phone360.locator(".filter-chips .chip-x").first.bounding_box()
    assert box["width"] >= 20 and abs(box["width"] - box["height"]) < 1, box
