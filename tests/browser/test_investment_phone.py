"""A stalled work's page on a 360×740 phone: the answers on the first screen, a map that lets the
page scroll, tables that fit, and targets a finger can hit."""

from __future__ import annotations

import re

import pytest

CUI = "2100040"  # demo: stalled (INFObras), with a map, 12-B months and yearly execution
SCREEN = 740

#: Bottom edge (page coordinates) of each summary line, and its text.
GLANCE = """() => Object.fromEntries([...document.querySelectorAll('[data-glance]')].map(
  (el) => [el.dataset.glance, [el.getBoundingClientRect().bottom + scrollY, el.innerText]]))"""


@pytest.fixture
def sheet(phone360, live_server):
    phone360.goto(f"{live_server}/inversiones/{CUI}")
    return phone360


def test_first_screen_answers_status_progress_money_unit_and_end(sheet):
    header = sheet.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.15 * SCREEN, header
    glance = sheet.evaluate(GLANCE)
    for name in ("status", "progress", "spent", "unit", "end"):
        bottom, _text = glance[name]
        assert bottom < SCREEN, f"{name} ends at y={bottom}"
    assert glance["status"][1].split("\n")[-1].startswith("Paralizada desde el 13 jun. 2026")
    assert re.search(r"\d+(\.\d)?%", glance["progress"][1])
    assert re.search(r"S/ [\d,]+ de S/ [\d,]+ \(\d+\.\d%\)", glance["spent"][1])
    assert "MUNICIPALIDAD DISTRITAL DE QUEROCOTO" in glance["unit"][1]
    assert re.search(r"\d{4} · \d+ meses de retraso", glance["end"][1])


def test_menu_opens_from_its_button_without_javascript(chromium, live_server):
    context = chromium.new_context(
        locale="es-PE", viewport={"width": 360, "height": 740}, java_script_enabled=False,
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server}/inversiones/{CUI}")
    search = page.locator("header nav a[href='/buscar']")
    assert not search.is_visible()
    page.locator("summary.menu-toggle").click()
    assert search.is_visible()
    search.click()
    page.wait_for_url("**/buscar")
    context.close()


def _swipe_up(page, x: float, y: float, distance: int = 150) -> None:
    """One finger from (x, y) upwards, as a person reading down the page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x, "y": y - distance * step / 10}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(400)


def _map_state(page, name: str) -> list[float]:
    return page.evaluate(f"[scrollY, {name}.getCenter().lat, {name}.getCenter().lng]")


def test_one_finger_over_the_small_map_scrolls_the_page_and_two_move_the_map(sheet):
    canvas = sheet.locator(".small-map .map-canvas")
    name = canvas.get_attribute("id")
    top = canvas.evaluate("(el) => el.getBoundingClientRect().top + scrollY - 200")
    sheet.evaluate("(top) => window.scrollTo(0, top)", top)
    sheet.wait_for_timeout(200)
    box = canvas.bounding_box()
    before = _map_state(sheet, name)
    _swipe_up(sheet, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8)
    after = _map_state(sheet, name)
    assert after[0] > before[0] + 100, (before, after)  # the page scrolled
    assert after[1:] == before[1:]  # the map did not move

    # Two fingers, the second after the first as a hand does, pan the map and not the page.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - (after[0] - before[0])
    cdp = sheet.context.new_cdp_session(sheet)
    first, second = {"x": x - 40, "y": y, "id": 1}, {"x": x + 40, "y": y, "id": 2}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [first]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [first, second]})
    for step in range(1, 6):
        moved = [{**p, "y": p["y"] - 12 * step} for p in (first, second)]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": moved})
        sheet.wait_for_timeout(30)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    sheet.wait_for_timeout(600)
    panned = _map_state(sheet, name)
    assert panned[0] == after[0]
    assert panned[1] != after[1]


#: Cells (of every table, details opened) whose right edge passes the viewport. A phone card's
#: column headers are read by screen readers only (clipped to 1 px): not on the screen.
CUT_CELLS = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const shown = (c) => !c.closest('thead') || c.closest('thead').getBoundingClientRect().width > 1;
  return [...document.querySelectorAll('th, td')].filter(shown)
    .filter((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map((c) => c.innerText.slice(0, 30));
}"""


def test_no_table_runs_off_the_screen_and_real_spending_leads_each_month(sheet):
    assert sheet.evaluate(CUT_CELLS) == []
    assert sheet.evaluate("document.documentElement.scrollWidth") <= 360
    january = sheet.locator("tr[data-month='1'] td").first
    assert january.get_attribute("data-label") == "Real (devengado)"
    assert january.is_visible()


def _sizes(page, selector: str) -> list[tuple[str, float, float]]:
    return page.locator(selector).evaluate_all(
        """(els) => els.filter((el) => el.getClientRects().length).map((el) => {
             const r = el.getBoundingClientRect();
             return [el.innerText.trim().slice(0, 20) || el.className, r.width, r.height];
           })"""
    )


def test_buttons_are_44px_and_links_24px_for_a_finger(sheet):
    for label, width, height in _sizes(sheet, "summary.menu-toggle, .leaflet-control-zoom a"):
        assert width >= 44 and height >= 44, (label, width, height)
    sheet.locator("summary.menu-toggle").click()
    links = _sizes(sheet, "header a, .glance a, .small-map figcaption a")
    assert len(links) >= 6
    for label, _width, height in links:
        assert height >= 24, (label, height)


def _open_a_popup(page) -> None:
    """Zoom to the investment with the longest name and open its popup."""
    name = page.locator(".map-canvas").first.get_attribute("id")
    # The cluster adds its markers in chunks: wait until it holds all the status line announces.
    page.wait_for_function(
        f"""() => {{
          let group;
          {name}.eachLayer((layer) => {{ if (layer.zoomToShowLayer) group = layer; }});
          const count = parseInt(document.getElementById("map-status").textContent.replace(/\\D/g, ""), 10);
          return group && count > 0 && group.getLayers().length === count;
        }}"""
    )
    page.evaluate(
        f"""() => new Promise((done) => {{
          let group;
          {name}.eachLayer((layer) => {{ if (layer.zoomToShowLayer) group = layer; }});
          const markers = group.getLayers();
          markers.sort((a, b) => b.options.title.length - a.options.title.length);
          const open = () => {{ markers[0].openPopup(); setTimeout(done, 600); }};
          group.zoomToShowLayer(markers[0], open);
        }})"""
    )


def test_map_popup_fits_the_phone_map_below_the_zoom_buttons(phone360, live_server):
    phone360.goto(f"{live_server}/mapa")
    phone360.wait_for_function("document.querySelectorAll('.map-pin, .marker-cluster').length > 0")
    _open_a_popup(phone360)
    phone360.locator(".map-canvas").scroll_into_view_if_needed()
    rect = "(el) => ['left', 'top', 'right', 'bottom'].map((k) => el.getBoundingClientRect()[k])"
    canvas = phone360.locator(".map-canvas").evaluate(rect)
    popup = phone360.locator(".leaflet-popup-content-wrapper").evaluate(rect)
    zoom = phone360.locator(".leaflet-control-zoom").evaluate(rect)
    assert canvas[0] <= popup[0] and popup[2] <= canvas[2], (canvas, popup)
    assert popup[1] >= zoom[3], (zoom, popup)  # the zoom buttons cover no line of it
    close = phone360.locator(".leaflet-popup-close-button")
    box = close.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    for _label, width, height in _sizes(phone360, ".map-pin"):
        assert width >= 24 and height >= 24
    close.tap()
    phone360.locator(".leaflet-popup").wait_for(state="detached", timeout=3000)
