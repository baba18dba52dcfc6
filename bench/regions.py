"""Boundaries per region: first load in a fresh process, outline sizes served, place page time.

    .venv/bin/python bench/regions.py [--region 21]

Each region's outlines are cut from the national files once per process; this prints what that
costs and how much a region's page carries, for Cajamarca (06), the given region and ``all``.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.investments.derived import seed_places  # noqa: E402
from portal.places import load_places, national_boundaries  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="21")
    args = parser.parse_args()

    started = time.perf_counter()
    for level in ("departamento", "provincia", "distrito"):
        national_boundaries(level)
    print(f"national files read (3 levels, gzipped): {time.perf_counter() - started:.3f} s")

    for region in ("06", args.region, "all"):
        started = time.perf_counter()
        places = load_places(region)
        cut = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"PORTAL_REGION": region, "PORTAL_INSTANCE_DIR": tmp, "TESTING": True})
            from portal.migrate import upgrade_database

            engine = app.extensions["portal.engine"]
            upgrade_database(engine)
            with engine.begin() as conn:
                seed_places(conn, region)
            client = app.test_client()
            sizes = []
            for level in ("provincias", "distritos"):
                started = time.perf_counter()
                body = client.get(f"/mapa/limites/{level}.geojson").data
                first = time.perf_counter() - started
                sizes.append(
                    f"{level} {len(body) / 1024:.0f} KB raw / "
                    f"{len(gzip.compress(body)) / 1024:.0f} KB gzip (first {first * 1000:.0f} ms)"
                )
            district = next(p.ubigeo for p in places if p.level == "distrito")
            assert client.get(f"/lugares/{district}").status_code == 200
            times = []
            for _ in range(30):
                started = time.perf_counter()
                client.get(f"/lugares/{district}")
                times.append(time.perf_counter() - started)
            app.extensions["portal.engine"].dispose()
        print(
            f"region {region}: {len(places)} places cut in {cut * 1000:.0f} ms; " + "; ".join(sizes)
        )
        print(
            f"  /lugares/{district} (places only, small map included): "
            f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
