"""A person opens the map in Chromium, sees clusters, opens a point and follows its link."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def map_server(demo_app):
    """The demo portal served on 127.0.0.1 from a thread (own fixture: no shared conftest)."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _script_error(message, errors: list[str]) -> None:
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


@pytest.fixture
def map_page():
    """A Chromium page that may reach 127.0.0.1 only: tiles and anything else are aborted."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(locale="es-PE")  # Spanish texts: Chromium asks for en-US
        page.route("**/*", guard)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # Script errors only: tiles point at a closed port in tests and fail to load by design.
        page.on("console", lambda msg: _script_error(msg, errors))
        yield page, errors, outside
        browser.close()


def test_map_shows_clusters_and_a_point_leads_to_its_investment(map_server, map_page):
    page, errors, outside = map_page
    page.goto(map_server + "/mapa")
    page.wait_for_selector(".marker-cluster", timeout=10_000)
    assert page.locator(".marker-cluster").count() > 0
    assert "inversiones en el mapa" in page.locator("#map-status").inner_text()
    assert page.locator("path.map-district").count() > 100

    pins = page.locator(".leaflet-marker-icon.map-pin")
    for _ in range(12):
        if pins.count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(600)
    assert pins.count() > 0
    pins.first.click()
    link = page.locator(".leaflet-popup .map-popup-link")
    link.wait_for(timeout=5_000)
    popup = page.locator(".leaflet-popup .map-popup").inner_text()
    assert popup.count("CUI") == 1
    cui = link.get_attribute("href").rsplit("/", 1)[1]
    # The popup pans the map into view; on a busy machine a click during the pan can miss.
    page.wait_for_timeout(800)
    with page.expect_navigation(url=f"**/inversiones/{cui}"):
        page.locator(".leaflet-popup .map-popup-link").click()
    assert f"CUI {cui}" in page.locator("main").inner_text()
    # The popup's cost is the page's, to the sol and with its label (it once read "PEN").
    assert page.locator('[data-figure="updated_cost"]').first.inner_text() in popup
    assert "PEN" not in popup
    assert errors == []
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in outside), outside


def test_filters_in_the_url_reach_the_map_and_the_list(map_server, map_page):
    page, errors, _ = map_page
    page.goto(map_server + "/mapa")
    page.select_option("#f-estado", "paralizada")
    page.click("form.map-filters button[type=submit]")
    page.wait_for_url("**/mapa?*estado=paralizada*")
    page.locator("#map-status", has_text="en el mapa").wait_for(timeout=10_000)
    shown = int(page.locator("#map-status").inner_text().split()[0].replace(",", ""))
    listed = page.locator(".map-list table tbody tr").count()
    assert shown > 0 and listed > 0
    assert errors == []


def test_choropleth_colours_districts(map_server, map_page):
    page, errors, _ = map_page
    page.goto(map_server + "/mapa?modo=coropletas&medida=cantidad")
    page.wait_for_selector("path.choro-0, path.choro-4", timeout=10_000)
    assert page.locator("path.choro").count() > 100
    assert errors == []
