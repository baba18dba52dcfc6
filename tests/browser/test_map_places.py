"""A selection larger than the limit opens on places: a person sees circles, opens one and
follows it to the map of that place, which shows its investments."""

from __future__ import annotations

import pytest

from tests.browser.test_map import map_page, map_server  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def demo_app(demo_app):
    """The demo (440 investments) with a limit of 100 points: the region opens on provinces."""
    demo_app.config["PORTAL_MAP_MAX_POINTS"] = 100
    yield demo_app
    demo_app.config.pop("PORTAL_MAP_MAX_POINTS")


def test_a_large_selection_opens_on_circles_that_lead_to_their_place(map_server, map_page):  # noqa: F811
    page, errors, _ = map_page
    page.goto(map_server + "/mapa")
    page.wait_for_selector("path.map-place-circle", timeout=10_000)
    circles = page.locator("path.map-place-circle")
    assert circles.count() > 1
    assert "lugares: elija uno" in page.locator("#map-status").inner_text()
    assert page.locator(".marker-cluster").count() == 0

    circles.first.click(force=True)
    link = page.locator(".leaflet-popup .map-popup-link")
    link.wait_for(timeout=5_000)
    href = link.get_attribute("href")
    assert href.startswith("/mapa?provincia=")
    page.wait_for_timeout(800)  # the popup pans the map into view
    with page.expect_navigation(url="**" + href):
        link.click()
    page.wait_for_selector(".marker-cluster, .leaflet-marker-icon.map-pin", timeout=10_000)
    assert "en el mapa" in page.locator("#map-status").inner_text()
    assert errors == []
