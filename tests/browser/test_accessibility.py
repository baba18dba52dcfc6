"""WCAG 2.2 AA in a real browser: axe-core finds nothing serious, keyboard works, 320 px fits."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in
from tests.routes import sample_values

# axe over every page in two languages (~260 s of test time): the markup comes from the same
# templates and demo figures on either engine, so it runs once, on the SQLite run, to keep the
# suite under CI's 15 minutes (the pages' PostgreSQL queries are tested elsewhere on both).
pytestmark = pytest.mark.skipif(
    os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="markup only, checked on the SQLite run: the engine does not change a page's markup",
)

#: The pages people use, by name → path (filled with demo values); one entry per page type.
PAGES = {
    "home": "/",
    "search with facets": "/buscar?q=agua&estado=en_ejecucion&orden=costo",
    "search without results": "/buscar?q=zzzzzz",
    "map": "/mapa",
    "investment": "/inversiones/{cui}",
    "province": "/lugares/0601",
    "district": "/lugares/060101",
    "executing unit": "/unidades/{slug}",
    "methodology": "/metodologia",
    "glossary": "/glosario",
    "data status": "/estado",
    "observation: choose the investment": "/observaciones/nueva",
    "observation form": "/observaciones/nueva?cui={cui}",
    "observation status": "/observaciones/{code}",
    "admin login": "/admin/entrar",
    "committee member sign-in": "/entrar",
    "not found": "/inversiones/no-existe/tampoco",
    "api": "/api",
    "open data": "/datos",
    "investment on a date": "/inversiones/{cui}?fecha=2026-01-01",
    "embeddable card": "/inversiones/{cui}/tarjeta",
    "investment with contracts": "/inversiones/{contract_cui}",
    "contractor": "/contratistas/{ruc}",
}


#: Pages behind the moderators' login.
ADMIN_PAGES = {
    "admin queue": "/admin/",
    "admin observation": "/admin/observaciones/{code}",
    "admin routed": "/admin/derivadas",
    "admin audit": "/admin/registro",
}


@pytest.fixture
def page_url(live_app, live_server, observation_code):
    values = sample_values(live_app)

    def build(path: str) -> str:
        return live_server + path.format(
            cui=values["cui"],
            slug=values["slug"],
            code=observation_code,
            ruc=values["ruc"],
            contract_cui=values["contract_cui"],
        )

    return build


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations, one readable line per failing element."""
    page.wait_for_load_state("networkidle")  # every stylesheet and script applied, maps drawn
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            for node in violation["nodes"]:
                found.append(f"{violation['id']}: {node['target']} — {violation['help']}")
    return found


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_page_has_no_serious_accessibility_violations(page, page_url, name, lang):
    url = page_url(PAGES[name])
    page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


@pytest.mark.parametrize("name", sorted(ADMIN_PAGES))
def test_admin_page_has_no_serious_accessibility_violations(
    page, page_url, live_server, moderator, name
):
    log_in(page, live_server, moderator)
    page.goto(page_url(ADMIN_PAGES[name]))
    assert "/admin/entrar" not in page.url
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_observation_form_errors_are_accessible_and_linked(page, page_url):
    page.goto(page_url(PAGES["observation form"]))
    # Skip the browser's own checks, so the server's error summary is what we see.
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    summary_links = page.locator("main a[href^='#']")
    assert summary_links.count() >= 1, "the error summary links to the fields"
    target = summary_links.first.get_attribute("href")
    assert page.locator(target).count() == 1, f"{target} names a field on the page"
    assert serious_violations(page) == []


def test_skip_link_is_the_first_tab_stop_and_jumps_to_content(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
        " return {text: e.textContent.trim(), x: r.left, y: r.top, w: r.width}; })()"
    )
    assert focused["text"] == "Saltar al contenido"
    assert focused["x"] >= 0 and focused["y"] >= 0 and focused["w"] > 0, "visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"
    assert page.url.endswith("#contenido")


@pytest.mark.parametrize(
    "name", ["home", "search with facets", "investment", "map", "observation form"]
)
def test_every_control_shows_where_the_focus_is(page, page_url, name):
    page.goto(page_url(PAGES[name]))
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """(() => { const e = document.activeElement; const s = getComputedStyle(e);
              const r = e.getBoundingClientRect();
              return {tag: e.tagName, key: e.outerHTML.slice(0, 80),
                      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                      shadow: s.boxShadow !== 'none', w: r.width, h: r.height}; })()"""
        )
        if state["tag"] == "BODY" or state["key"] in seen:
            break
        seen.add(state["key"])
        assert state["outline"] or state["shadow"], f"no visible focus on {state['key']}"
        assert state["w"] > 0 and state["h"] > 0, f"focus on an invisible element {state['key']}"
    assert len(seen) >= 5


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_fits_a_320px_phone_without_sideways_scrolling(phone_page, page_url, name):
    phone_page.goto(page_url(PAGES[name]))
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{name} is {width}px wide"


def test_language_switcher_keeps_the_search_and_is_remembered(page, live_server):
    page.goto(live_server + "/buscar?q=agua&estado=en_ejecucion")
    page.locator("nav.languages a[hreflang=en]").click()
    page.wait_for_url("**lang=en")
    assert "q=agua" in page.url and "estado=en_ejecucion" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("a.brand").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav.languages a[aria-current=true]").inner_text() == "English"


@pytest.mark.parametrize("path", ["/mapa", "/buscar?q=agua&estado=en_ejecucion", "/"])
def test_page_works_without_javascript(chromium, live_server, path):
    """The map degrades to a list, search to plain links: investments stay one click away."""
    context = chromium.new_context(java_script_enabled=False, locale="es-PE")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server) else route.abort()
        ),
    )
    try:
        page = context.new_page()
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1
        assert page.locator("main a[href^='/inversiones/']").count() >= 1
    finally:
        context.close()
