"""The map opens on what was chosen (a district, a province, a unit); the choropleth is painted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

#: Leaflet's map object, found by folium's variable name ("map_<hash>").
MAP = "window[Object.keys(window).find((k) => k.startsWith('map_') && window[k]?.getZoom)]"

VIEW = f"""() => {{
  const m = {MAP};
  const b = m.getBounds();
  return {{zoom: m.getZoom(), south: b.getSouth(), west: b.getWest(),
           north: b.getNorth(), east: b.getEast()}};
}}"""


def _region_view(page, live_server) -> dict:
    page.goto(live_server + "/mapa")
    page.wait_for_selector("path.map-district")
    return page.evaluate(VIEW)


def _chosen_outline(page) -> dict:
    """Where the outlined place and the map are on screen, in CSS pixels."""
    outline = page.locator("path.map-chosen").first
    outline.wait_for(timeout=10_000)
    return page.evaluate(
        """() => {
          const o = document.querySelector('path.map-chosen').getBoundingClientRect();
          const c = document.querySelector('.map-canvas').getBoundingClientRect();
          return {o: {l: o.left, t: o.top, r: o.right, b: o.bottom, w: o.width, h: o.height},
                  c: {l: c.left, t: c.top, r: c.right, b: c.bottom, w: c.width, h: c.height}};
        }"""
    )


def _assert_map_shows_the_place(box: dict) -> None:
    o, c = box["o"], box["c"]
    slack = 2
    assert o["l"] >= c["l"] - slack and o["r"] <= c["r"] + slack, box
    assert o["t"] >= c["t"] - slack and o["b"] <= c["b"] + slack, box
    # Fitted, not a speck: the place spans most of the map's width or height.
    assert o["w"] >= 0.5 * c["w"] or o["h"] >= 0.5 * c["h"], box


def test_a_chosen_district_fills_the_map_outlined(page, live_server):
    region = _region_view(page, live_server)
    page.goto(live_server + "/mapa?distrito=060401")
    box = _chosen_outline(page)
    view = page.evaluate(VIEW)
    assert view["zoom"] > region["zoom"]
    assert view != region
    _assert_map_shows_the_place(box)
    assert page.locator("path.map-district.map-chosen").count() == 1
    stroke = page.locator("path.map-chosen").evaluate("(p) => getComputedStyle(p).strokeWidth")
    assert float(stroke.rstrip("px")) >= 3, "the chosen district stands out"


def test_a_chosen_district_selects_its_province(page, live_server):
    page.goto(live_server + "/mapa?distrito=060401")
    assert page.locator("#f-provincia").input_value() == "0604"
    assert page.locator("#f-distrito").input_value() == "060401"


def test_a_chosen_province_fills_the_map_outlined(page, live_server):
    region = _region_view(page, live_server)
    page.goto(live_server + "/mapa?provincia=0604")
    box = _chosen_outline(page)
    assert page.evaluate(VIEW)["zoom"] > region["zoom"]
    assert page.locator("path.map-province.map-chosen").count() == 1
    _assert_map_shows_the_place(box)


@pytest.fixture
def small_unit(live_app) -> str:
    """The SEC_EJEC of a district municipality with investments (they sit in one district)."""
    from portal.db import get_session
    from portal.investments.models import ExecutingUnit, Investment

    with live_app.app_context():
        session = get_session()
        return session.scalar(
            select(Investment.sec_ejec)
            .join(ExecutingUnit, ExecutingUnit.sec_ejec == Investment.sec_ejec)
            .where(ExecutingUnit.name.like("MUNICIPALIDAD DISTRITAL%"))
            .group_by(Investment.sec_ejec)
            .having(func.count(func.distinct(Investment.ubigeo)) == 1)
            .limit(1)
        )


def test_a_chosen_unit_moves_the_map_to_its_investments(page, live_server, small_unit):
    region = _region_view(page, live_server)
    page.goto(live_server + f"/mapa?unidad={small_unit}")
    page.locator("#map-status", has_text="en el mapa").wait_for(timeout=10_000)
    for _ in range(20):  # the map moves once the points are in (CSP forbids wait_for_function)
        if page.evaluate(VIEW)["zoom"] > region["zoom"]:
            break
        page.wait_for_timeout(250)
    assert page.evaluate(VIEW)["zoom"] > region["zoom"]


CHORO_COLOURS = {
    "choro-0": "rgb(255, 255, 178)",
    "choro-1": "rgb(254, 204, 92)",
    "choro-2": "rgb(253, 141, 60)",
    "choro-3": "rgb(240, 59, 32)",
    "choro-4": "rgb(189, 0, 38)",
}


def test_choropleth_districts_are_painted_in_their_class_colour(page, live_server):
    page.goto(live_server + "/mapa?modo=coropletas&medida=cantidad")
    page.wait_for_selector("path.map-district.choro-4", timeout=10_000)
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('path.map-district.choro'), (p) => {
             const s = getComputedStyle(p);
             const cls = Array.from(p.classList).find((c) => /^choro-\\d$/.test(c)) || 'none';
             return [cls, s.fill, s.fillOpacity];
           })"""
    )
    coloured = [(cls, fill, opacity) for cls, fill, opacity in painted if cls != "none"]
    assert coloured, "some districts have investments"
    for cls, fill, opacity in coloured:
        assert fill == CHORO_COLOURS[cls], (cls, fill)
        assert float(opacity) > 0.5
