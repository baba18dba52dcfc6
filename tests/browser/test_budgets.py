"""Page weight budgets (bytes a phone downloads, map tiles excluded) and a Slow 3G load.

Run ``pytest tests/browser/test_budgets.py -s`` to see the figures (recorded in
docs/performance.md).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.routes import sample_values

TILE_PORT = 9  # make_test_app's PORTAL_TILE_URL is http://127.0.0.1:9/…

#: path → the most bytes the page may transfer, everything it loads included.
BUDGETS = {
    "home": ("/", 200 * 1024),
    "investment": ("/inversiones/{cui}", 150 * 1024),
    "search": ("/buscar?q=agua&estado=en_ejecucion", 150 * 1024),
}

#: Chrome DevTools' "Slow 3G" profile: 400 ms round trip, 400 kbit/s each way.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}


def transferred(traffic) -> tuple[int, list[tuple[str, int]]]:
    """Bytes of every response body but tiles as sent over the wire (compressed when the server
    compresses), and the size of each."""
    sizes = []
    for response in traffic.responses:
        parts = urlsplit(response.url)
        if parts.port == TILE_PORT or not 200 <= response.status < 300:
            continue
        response.finished()
        on_the_wire = response.request.sizes()["responseBodySize"]
        sizes.append((parts.path, on_the_wire or len(response.body())))
    return sum(size for _, size in sizes), sizes


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_page_stays_within_its_weight_budget(page, traffic, live_app, live_server, name):
    path, budget = BUDGETS[name]
    page.goto(live_server + path.format(cui=sample_values(live_app)["cui"]))
    page.wait_for_load_state("networkidle")
    total, sizes = transferred(traffic)
    detail = ", ".join(f"{p} {s / 1024:.1f} KB" for p, s in sizes)
    print(f"\nbudget {name}: {total / 1024:.1f} KB of {budget / 1024:.0f} KB ({detail})")
    assert total <= budget, detail


@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_page_is_readable_within_ten_seconds_on_slow_3g(page, live_app, live_server, name):
    path, _ = BUDGETS[name]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    started = time.monotonic()
    page.goto(live_server + path.format(cui=sample_values(live_app)["cui"]), wait_until="load")
    seconds = time.monotonic() - started
    print(f"\nslow 3G {name}: loaded in {seconds:.1f} s")
    assert page.locator("h1").is_visible()
    assert seconds < 10
