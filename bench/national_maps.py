"""National maps and figures: what the import precomputes, and the first visitors after it.

    PORTAL_REGION=all PORTAL_DATABASE_URL=postgresql+psycopg://... PORTAL_INSTANCE_DIR=... \\
        .venv/bin/python bench/national_maps.py [--repeat 5]

Run it on a database a national import has filled (``portal import`` with PORTAL_REGION=all).
It runs the two after-import hooks of this work (figures, then map data) as the import does and
times them; then, for each page or map data, a web process that has served nothing since the
import (a new app: no figure, no page and no map data in memory) asks for it: "first" is that
request, "then" the median of ``--repeat`` more. Map data is asked for gzipped, as browsers do,
and its gzipped size printed. "computed" is the same first request when the figures are not
read from the import's table (as before this work), for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402

MAP = "/api/v1/inversiones.geojson"
MAP_DATA = [
    ("country (departments)", "/api/v1/inversiones.geojson"),
    ("department 06 (provinces)", "/api/v1/inversiones.geojson?departamento=06"),
    ("department 15 (provinces)", "/api/v1/inversiones.geojson?departamento=15"),
    ("province 0601 (points)", "/api/v1/inversiones.geojson?provincia=0601"),
    ("district 060101 (points)", "/api/v1/inversiones.geojson?distrito=060101"),
    ("country, paralizada (filter)", "/api/v1/inversiones.geojson?estado=paralizada"),
    ("department 06, sin_iniciar", MAP + "?departamento=06&estado=sin_iniciar"),
    ("department 15, SALUD", MAP + "?departamento=15&funcion=SALUD"),
    ("department 02, alerta sobrecosto", MAP + "?departamento=02&alerta=sobrecosto"),
    ("department 15, alerta sobrecosto", MAP + "?departamento=15&alerta=sobrecosto"),
    ("department 06, alerta sin_devengado", MAP + "?departamento=06&alerta=sin_devengado"),
    ("province 1501, sin_iniciar", MAP + "?provincia=1501&estado=sin_iniciar"),
    ("country, sin_iniciar (56,100: by place)", MAP + "?estado=sin_iniciar"),
    ("country, SALUD (by place)", MAP + "?funcion=SALUD"),
]
PAGES = [
    ("home", "/"),
    ("/provincias", "/provincias"),
    ("/provincias?departamento=06", "/provincias?departamento=06"),
    ("department page 06", "/lugares/06"),
    ("province page 0601", "/lugares/0601"),
    ("/unidades", "/unidades"),
    ("map page of department 06", "/mapa?provincia=06"),
]


def fresh_app():
    return create_app({"PORTAL_PAGE_CACHE_SECONDS": 0})


def timed(client, url: str, headers=None) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(url, headers=headers or {})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.data), response.status_code


def run_hooks(app) -> None:
    from portal.db import vacuum_analyze
    from portal.investments.precompute import precompute_after_import
    from portal.maps.points import prewarm_after_import

    started = time.perf_counter()
    vacuum_analyze(app.extensions["portal.engine"])
    print(f"before the hooks, VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s")
    for name, hook in (
        ("figures (precompute_after_import)", precompute_after_import(app)),
        ("map data (prewarm_after_import)", prewarm_after_import(app)),
    ):
        started = time.perf_counter()
        hook()
        print(f"after-import hook, {name}: {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-hooks", action="store_true")
    args = parser.parse_args()
    assert os.environ.get("PORTAL_REGION") == "all", "set PORTAL_REGION=all"

    app = fresh_app()
    with app.app_context():
        from sqlalchemy import func, select

        from portal.db import get_session
        from portal.investments.models import Investment

        rows = get_session().scalar(select(func.count()).select_from(Investment))
    print(f"database: {app.config['PORTAL_DATABASE_URL'].split('@')[-1]}, {rows:,} investments")
    if not args.skip_hooks:
        run_hooks(app)

    gzip = {"Accept-Encoding": "gzip"}
    print("\nmap data (gzipped)                      first     then   size")
    for label, url in MAP_DATA:
        client = fresh_app().test_client()
        first, size, _ = timed(client, url, gzip)
        then = statistics.median(timed(client, url, gzip)[0] for _ in range(args.repeat))
        print(f"{label:38} {first * 1000:6.0f} ms {then * 1000:6.1f} ms {size / 1024:6.1f} KB")

    print("\npages                                   first     then   computed")
    for label, url in PAGES:
        client = fresh_app().test_client()
        first, _, _ = timed(client, url)
        then = statistics.median(timed(client, url)[0] for _ in range(args.repeat))
        with mock.patch("portal.investments.figures_cache.read_figure", return_value=(False, None)):
            computed, _, _ = timed(fresh_app().test_client(), url)
        print(f"{label:38} {first * 1000:6.0f} ms {then * 1000:6.1f} ms {computed * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
