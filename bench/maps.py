"""Map figures at 20,000 investments: /mapa page size, GeoJSON time and size, and folium's
inline-markers baseline for the same data, in one run.

    .venv/bin/python bench/maps.py [--count 20000] [--browser]

Synthetic rows go into a temporary SQLite database; nothing else is touched. ``--browser`` also
times, in Debian's Chromium, how long /mapa takes until the clusters are drawn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.importer.models import ImportRun  # noqa: E402
from portal.investments.models import Investment, Place  # noqa: E402
from portal.migrate import upgrade_database  # noqa: E402
from portal.places import load_places  # noqa: E402

STATUSES = ("en_ejecucion", "paralizada", "finalizada", "sin_iniciar")
WORKS = (
    "MEJORAMIENTO Y AMPLIACION DEL SERVICIO DE AGUA POTABLE Y SANEAMIENTO",
    "CREACION DEL CAMINO VECINAL",
    "MEJORAMIENTO DEL SERVICIO EDUCATIVO EN LA I.E. N° {n}",
    "RECUPERACION DEL PUESTO DE SALUD",
    "CREACION DEL SERVICIO DE PROTECCION CONTRA INUNDACIONES EN LA QUEBRADA",
)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def synthetic_rows(count: int, districts, rng: random.Random) -> list[dict]:
    """Investments spread over the districts; one in ten with unusable coordinates."""
    rows = []
    for i in range(count):
        d = rng.choice(districts)
        bad = rng.random() < 0.1
        work = rng.choice(WORKS).format(n=rng.randint(10000, 99999))
        name = f"{work} EN EL CENTRO POBLADO {rng.randint(1, 999)}, DISTRITO DE {d.name.upper()}"
        rows.append(
            dict(
                cui=str(2_000_000 + i),
                name=name,
                source="mef-inversiones",
                status=rng.choice(STATUSES),
                phase="ejecucion",
                function=rng.choice(("SANEAMIENTO", "TRANSPORTE", "EDUCACION", "SALUD")),
                ubigeo=d.ubigeo,
                latitude=None if bad else d.lat + rng.uniform(-0.03, 0.03),
                longitude=None if bad else d.lon + rng.uniform(-0.03, 0.03),
                coords_status="missing" if bad else "ok",
                updated_cost=Decimal(rng.randint(100_000, 40_000_000)),
                devengado_accumulated=Decimal(rng.randint(0, 100_000)),
                physical_progress=Decimal(rng.randint(0, 100)),
                red_flags="",
                row_hash="bench",
                first_seen_at=NOW,
                changed_at=NOW,
            )
        )
    return rows


def build_app(tmp: Path, count: int):
    url = f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    places = load_places()
    districts = [p for p in places if p.level == "distrito"]
    with engine.begin() as conn:
        conn.execute(
            insert(Place),
            [
                dict(
                    ubigeo=p.ubigeo,
                    level=p.level,
                    name=p.name,
                    parent_ubigeo=p.parent,
                    capital=p.capital,
                    latitude=p.lat,
                    longitude=p.lon,
                )
                for p in places
            ],
        )
        conn.execute(insert(Investment), synthetic_rows(count, districts, random.Random(5)))
        conn.execute(
            insert(ImportRun),
            [dict(source="mef-inversiones", location="bench", started_at=NOW, status="imported")],
        )
    engine.dispose()
    return create_app(
        {
            "PORTAL_DATABASE_URL": url,
            "PORTAL_INSTANCE_DIR": str(tmp / "instance"),
            "TESTING": True,
            # Points, not places: this measures the point data (bench/national_maps.py the rest).
            "PORTAL_MAP_MAX_POINTS": count,
        }
    )


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def folium_baseline(app) -> tuple[float, int]:
    """What the issue warns about: every investment as a folium Marker with a popup, inline."""
    import folium  # the baseline is the thing we avoid; importing it here is the point

    from portal.db import get_session
    from portal.maps.queries import district_centroids, find_map_rows
    from portal.search.filters import Filters

    with app.test_request_context():
        session = get_session()
        rows = find_map_rows(session, Filters())
        centroids = district_centroids(session)

    def render() -> str:
        m = folium.Map(location=[-6.4, -78.6], zoom_start=8)
        for row in rows:
            lat, lon = (
                (row.latitude, row.longitude)
                if row.coords_status == "ok"
                else centroids[row.ubigeo]
            )
            folium.Marker([lat, lon], popup=f"{row.name} (CUI {row.cui})").add_to(m)
        return m.get_root().render()

    seconds, html = timed(render)
    return seconds, len(html.encode())


def browser_time(app) -> float:
    """Seconds from navigation to the first clusters drawn, in Chromium (tiles blocked)."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page()
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort()
            )
            page.goto(
                base + "/mapa"
            )  # warm the server's cache: we time the page, not the first build
            times = []
            for _ in range(3):
                start = time.perf_counter()
                page.goto(base + "/mapa", wait_until="commit")
                page.wait_for_selector(".marker-cluster", timeout=30_000)
                times.append(time.perf_counter() - start)
            browser.close()
        return statistics.median(times)
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp), args.count)
        client = app.test_client()
        gz = {"Accept-Encoding": "gzip"}
        page_s, page = timed(lambda: client.get("/mapa"), 3)
        choro_s, choro = timed(lambda: client.get("/mapa?modo=coropletas&medida=costo"), 3)
        cold_s, cold = timed(lambda: client.get("/api/v1/inversiones.geojson", headers=gz))
        warm_s, warm = timed(lambda: client.get("/api/v1/inversiones.geojson", headers=gz), 5)
        etag = warm.headers["ETag"]
        revalidate_s, not_modified = timed(
            lambda: client.get(
                "/api/v1/inversiones.geojson", headers={**gz, "If-None-Match": etag}
            ),
            5,
        )
        filtered_s, _ = timed(
            lambda: client.get("/api/v1/inversiones.geojson?estado=paralizada", headers=gz)
        )
        raw = gzip.decompress(cold.data)
        print(f"investments: {args.count:,}")
        print(
            f"/mapa HTML: {len(page.data) / 1024:.1f} KB ({page_s * 1000:.0f} ms); "
            f"choropleth mode: {len(choro.data) / 1024:.1f} KB ({choro_s * 1000:.0f} ms)"
        )
        print(f"GeoJSON: {len(cold.data) / 1024:.0f} KB gzipped, {len(raw) / 1024:.0f} KB raw")
        print(
            f"GeoJSON server time: {cold_s * 1000:.0f} ms first build, {warm_s * 1000:.1f} ms "
            f"cached, {revalidate_s * 1000:.1f} ms for a 304 ({not_modified.status_code}); "
            f"a new filter (estado=paralizada): {filtered_s * 1000:.0f} ms"
        )
        base_s, base_bytes = folium_baseline(app)
        print(
            f"folium inline-markers baseline: {base_bytes / 1024 / 1024:.1f} MB page, "
            f"rendered in {base_s:.1f} s"
        )
        if args.browser:
            print(
                f"Chromium: clusters drawn {browser_time(app):.2f} s after navigation (median of 3)"
            )


if __name__ == "__main__":
    main()
