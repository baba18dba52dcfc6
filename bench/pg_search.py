"""PostgreSQL search figures: p50/p95 of 200 fixed queries (top 20 + count + the eight facets)
with no summary stored, after the import's warming (pg_summaries.py) and once more; this
process's max RSS after them (a worker's: the rows are written by a child process), and
the time from an import's commit, in another process, to the first search that finds the new
investment.

    .venv/bin/python bench/pg_search.py --url postgresql+psycopg://postgres@127.0.0.1/i25bench \
        --rows 100000

The database is emptied and filled with synthetic investments (bench/search.py's names and
places); the documents are written by ``sync_documents``, the function the import's swap calls.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import FIRST_CUI, districts, percentiles, query_mix, synthetic_rows  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import get_session  # noqa: E402
from portal.investments.models import Investment, Place, Prioritisation  # noqa: E402
from portal.migrate import upgrade_database  # noqa: E402
from portal.search.backends.pg_documents import sync_documents  # noqa: E402
from portal.search.filters import Filters  # noqa: E402
from portal.search.queries import find_investments, warm_summaries  # noqa: E402


def fill(url: str, rows: int) -> float:
    engine = create_engine(url)
    upgrade_database(engine)
    with engine.begin() as conn:
        conn.execute(text(
            "TRUNCATE investments, prioritisations, places, search_documents, search_sources, "
            "search_facets, search_facet_keys, search_terms, search_words RESTART IDENTITY CASCADE"
        ))  # fmt: skip
        places, _ = districts()
        conn.execute(insert(Place), [
            dict(ubigeo=p.ubigeo, level=p.level, name=p.name, parent_ubigeo=p.parent)
            for p in places
        ])  # fmt: skip
        data = synthetic_rows(0, rows, seed=rows)
        for start in range(0, len(data), 5000):
            conn.execute(insert(Investment), data[start : start + 5000])
        conn.execute(insert(Prioritisation), [
            dict(year=2024 + n % 2, cui=r["cui"]) for n, r in enumerate(data[::40])
        ])  # fmt: skip
    started = time.perf_counter()
    with engine.begin() as conn:
        sync_documents(conn)
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def refresh(url: str, rows: int) -> float:
    """Upgrade a database a previous run filled and bring its documents up to date (a new
    migration's columns): the same rows, searched again."""
    engine = create_engine(url)
    upgrade_database(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM investments WHERE cui::bigint > :last"),
                     {"last": FIRST_CUI + rows - 1})  # fmt: skip
        sync_documents(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def import_one(url: str, cui: str, committed) -> None:
    """Another process: one new investment, written and indexed in one transaction."""
    engine = create_engine(url)
    row = synthetic_rows(0, 1, seed=1)[0] | {"cui": cui, "name": "CREACION DEL MIRADOR QUILLUPAMPA"}
    with engine.begin() as conn:
        conn.execute(insert(Investment), [row])
        sync_documents(conn)
    committed.value = time.time()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--keep", action="store_true",
        help="search the rows a previous run wrote (after upgrading them), without refilling",
    )  # fmt: skip
    args = parser.parse_args()
    # Filled by a child process: this one's RSS is then a worker's after searching, not the
    # synthetic rows' (300,000 dicts) of the fill.
    with multiprocessing.Pool(1) as pool:
        sync = pool.apply(refresh if args.keep else fill, (args.url, args.rows))
    app = create_app({"PORTAL_DATABASE_URL": args.url, "PORTAL_INSTANCE_DIR": "/tmp/pg-bench"})
    cuis = [str(FIRST_CUI + n) for n in random.Random(1).sample(range(args.rows), 40)]
    mix = query_mix(cuis)[:200]

    def searched() -> list[float]:
        times = []
        for filters in mix:
            started = time.perf_counter()
            find_investments(get_session(), filters)
            times.append(time.perf_counter() - started)
            get_session().rollback()
        return times

    def forget_summaries() -> None:
        get_session().execute(text("TRUNCATE search_summaries"))
        get_session().commit()

    with app.test_request_context():
        forget_summaries()
        cold = searched()  # no summary stored: every search runs its statement
        forget_summaries()
        started = time.perf_counter()
        warmed = warm_summaries(get_session())
        get_session().commit()
        warming = time.perf_counter() - started
        after_import = searched()  # as the first visitors after a nightly import
        again = searched()  # the same 200 searches once more
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    slowest = sorted(zip(after_import, (f.q for f in mix), strict=True), reverse=True)[:8]
    committed = multiprocessing.Value("d", 0.0)
    cui = str(FIRST_CUI + args.rows + 1)
    writer = multiprocessing.Process(target=import_one, args=(args.url, cui, committed))
    writer.start()
    found_after = None
    with app.test_request_context():
        while found_after is None:
            session = get_session()
            found = find_investments(session, Filters(q="mirador quillupampa"))
            session.rollback()
            if any(inv.cui == cui for inv in found.investments) and committed.value:
                found_after = max(0.0, time.time() - committed.value)
            time.sleep(0.05)
    writer.join()
    print(f"rows {args.rows:,}: documents written in {sync:.1f} s")
    for label, times in (
        ("no summary stored", cold), ("after the import's warming", after_import),
        ("the same searches again", again),
    ):  # fmt: skip
        p50, p95 = percentiles(times)
        print(f"search over 200 queries, {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"warming after the import: {warmed} searches in {warming:.1f} s; max RSS {rss:.0f} MB")
    print(f"new investment found {found_after:.2f} s after its commit")
    print("slowest after the import:", ", ".join(f"{q!r} {t * 1000:.0f} ms" for t, q in slowest))


if __name__ == "__main__":
    main()
