"""Search as the acceptance check sees it: gunicorn with 2 workers over a database that already
holds an import, 200 fixed queries (bench/search.py's mix, with CUIs of that database) sent one
after the other to /buscar and to /api/v1/inversiones; p50/p95 per pass and the slowest.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/search_http.py --database postgresql+psycopg://…/i25nat \
        [--passes 2] [--forget-summaries] [--warm]

``--forget-summaries`` empties the stored summaries of broad searches first (pg_summaries.py:
every statement runs); ``--warm`` then answers the likely searches again as the import's hook
does after its commit. Redis is a throwaway ``redis-server`` on a free port.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "bench" / "load")]

from run import free_port, gunicorn, throwaway_redis, web_env  # noqa: E402
from search import percentiles, query_mix  # noqa: E402


def prepare(url: str, forget: bool, warm: bool) -> list[str]:
    """CUIs of the database (for the mix's codes), after emptying and warming as asked."""
    engine = create_engine(url)
    with engine.begin() as conn:
        cuis = list(conn.scalars(text("SELECT cui FROM investments ORDER BY cui")))
        if forget:
            conn.execute(text("TRUNCATE search_summaries"))
    engine.dispose()
    if warm:
        from portal import create_app
        from portal.db import session_scope
        from portal.search.queries import warm_summaries

        instance = tempfile.mkdtemp(prefix="vigia-warm-")
        app = create_app(
            {"PORTAL_DATABASE_URL": url, "PORTAL_REGION": "all", "PORTAL_INSTANCE_DIR": instance}
        )
        started = time.perf_counter()
        with app.test_request_context(), session_scope() as session:
            ran = warm_summaries(session)
        print(f"warming: {ran} searches in {time.perf_counter() - started:.1f} s")
    return cuis


def timed(url: str) -> float:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url}: {error.code}") from None
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--forget-summaries", action="store_true")
    parser.add_argument("--warm", action="store_true")
    args = parser.parse_args()
    cuis = prepare(args.database, args.forget_summaries, args.warm)
    mix = query_mix(random.Random(1).sample(cuis, 40))[:200]
    port = free_port()
    redis, redis_port = throwaway_redis()
    instance = tempfile.mkdtemp(prefix="vigia-search-http-")
    env = web_env(args.database, instance, "all", redis_port)
    web = gunicorn("portal:create_app()", port, env)
    try:
        for path in ("/", "/buscar?q=agua"):
            timed(f"http://127.0.0.1:{port}{path}")
        for label, path in (("/buscar", "/buscar"), ("API", "/api/v1/inversiones")):
            for n in range(args.passes):
                times = []
                for filters in mix:
                    query = urllib.parse.urlencode(filters.as_args())
                    times.append(timed(f"http://127.0.0.1:{port}{path}?{query}"))
                p50, p95 = percentiles(times)
                slowest = sorted(zip(times, (f.q for f in mix), strict=True), reverse=True)[:6]
                print(f"{label} pass {n + 1}: p50 {p50:.0f} ms, p95 {p95:.0f} ms; slowest "
                      + ", ".join(f"{q!r} {t * 1000:.0f}" for t, q in slowest))  # fmt: skip
    finally:
        web.terminate()
        redis.terminate()


if __name__ == "__main__":
    main()
