"""Privacy and the CSP in a real browser: no outside host is contacted, nothing blocked."""

from __future__ import annotations

import re

import pytest

from tests.routes import sample_values

TILE_PREFIX = "http://127.0.0.1:9/"  # make_test_app's PORTAL_TILE_URL


def csp_reports(traffic) -> list[str]:
    return [m for m in traffic.console_errors if "Content Security Policy" in m]


def test_a_citizens_journey_contacts_no_other_host(page, traffic, live_app, live_server):
    """Home → search → an investment → its map: every request stays on the portal."""
    page.goto(live_server + "/")
    page.locator("main form[role=search] input[type=search]").first.fill("agua")
    page.locator("main form[role=search] button[type=submit]").first.click()
    page.wait_for_url("**/buscar?*")
    result = page.locator("main a[href^='/inversiones/']").first
    result.click()
    page.wait_for_url(re.compile(r".*/inversiones/\d+$"))
    page.locator("header nav a[href='/mapa']").click()
    page.wait_for_url("**/mapa")
    page.wait_for_load_state("networkidle")

    assert traffic.third_party() == []
    assert traffic.blocked == [u for u in traffic.blocked if u.startswith(TILE_PREFIX)]
    assert csp_reports(traffic) == []
    assert traffic.page_errors == []


def test_browsing_public_pages_sets_no_cookies(page, live_app, live_server):
    cui = sample_values(live_app)["cui"]
    for path in ("/", "/buscar?q=agua", f"/inversiones/{cui}", "/mapa", "/lugares/0601"):
        page.goto(live_server + path)
    assert page.context.cookies() == []


def test_the_map_runs_under_the_csp_and_asks_only_the_tile_host(page, traffic, live_server):
    page.goto(live_server + "/mapa")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")
    assert csp_reports(traffic) == []
    assert traffic.page_errors == []
    assert any(url.startswith(TILE_PREFIX) for url in traffic.requests), "tiles were requested"
    assert traffic.third_party() == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/buscar?q=agua&estado=en_ejecucion",
        "/inversiones/{cui}",
        "/lugares/0601",
        "/unidades/{slug}",
        "/estado",
        "/metodologia",
        "/observaciones/nueva?cui={cui}",
        "/observaciones/{code}",
    ],
)
def test_page_works_under_the_strict_csp(
    page, traffic, live_app, live_server, observation_code, path
):
    values = sample_values(live_app)
    page.goto(
        live_server + path.format(cui=values["cui"], slug=values["slug"], code=observation_code)
    )
    page.wait_for_load_state("networkidle")
    assert csp_reports(traffic) == []
    assert traffic.page_errors == []
    assert traffic.third_party() == []
