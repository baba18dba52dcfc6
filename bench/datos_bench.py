"""Dated files and the API at 20,000 investments: CSV/XLSX rows per second, flat memory, a day's
files within the 10-second budget, and /api/v1/inversiones server time.

    .venv/bin/python bench/datos_bench.py [--investments 20000] [--requests 200]

Builds the synthetic database of bench/investment_page.py in a temporary SQLite file (no network).
Memory: tracemalloc peak of each writer at a quarter and at the full size (flat = about equal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from investment_page import build, percentile  # noqa: E402

from portal import create_app  # noqa: E402
from portal.datos.columns import INVESTMENT_COLUMNS  # noqa: E402
from portal.datos.snapshot import investment_rows, write_day  # noqa: E402
from portal.datos.writers import write_csv, write_xlsx  # noqa: E402
from portal.db import get_engine, get_session  # noqa: E402
from portal.migrate import upgrade_database  # noqa: E402


def rows(session, limit=None):
    """The rows the writers get (driver values, streamed), optionally the first ``limit``."""
    return itertools.islice(investment_rows(session), limit)


def measure(writer, session, out: Path, limit=None) -> tuple[int, float, float]:
    """(rows, wall seconds, CPU seconds): on a shared machine the CPU time is the steadier one."""
    started, cpu = time.perf_counter(), time.process_time()
    count = writer(out, INVESTMENT_COLUMNS, rows(session, limit))
    return count, time.perf_counter() - started, time.process_time() - cpu


def peak(writer, session, out: Path, limit) -> float:
    tracemalloc.start()
    writer(out, INVESTMENT_COLUMNS, rows(session, limit))
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--investments", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app(
            {
                "PORTAL_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
                "PORTAL_INSTANCE_DIR": str(tmp),
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            upgrade_database(get_engine())
            build(get_engine(), args.investments)
        with app.test_request_context():
            session = get_session()
            for name, writer in (("CSV", write_csv), ("XLSX", write_xlsx)):
                out = tmp / f"all.{name.lower()}"
                count, seconds, cpu = measure(writer, session, out)
                print(
                    f"{name}: {count:,} rows x {len(INVESTMENT_COLUMNS)} columns: "
                    f"wall {seconds:.2f} s "
                    f"= {count / seconds:,.0f} rows/s; CPU {cpu:.2f} s = {count / cpu:,.0f} rows/s "
                    f"({out.stat().st_size / 1e6:.1f} MB)"
                )
                quarter = peak(writer, session, out, args.investments // 4)
                full = peak(writer, session, out, None)
                print(f"{name} peak Python memory: {quarter:.1f} MB at 1/4, {full:.1f} MB at full")
            started, cpu = time.perf_counter(), time.process_time()
            day = write_day(
                session, tmp / "datos", dt.date(2026, 11, 23), dt.datetime.now(dt.UTC), app.config
            )
            print(
                f"one day's files ({', '.join(f.name for f in day.files)}): "
                f"wall {time.perf_counter() - started:.2f} s, CPU {time.process_time() - cpu:.2f} s"
            )
        client = app.test_client()
        rng = random.Random(3)
        queries = ["", "estado=paralizada", "q=agua", "orden=costo", "q=colegio&provincia=0604"]
        client.get("/api/v1/inversiones")  # builds the search index once
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get("/api/v1/inversiones?" + rng.choice(queries))
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"/api/v1/inversiones: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms ({args.requests} requests)"
        )


if __name__ == "__main__":
    main()
