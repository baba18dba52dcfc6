"""Search figures: query latency (p50/p95) at 20,000 and 100,000 investments, index build time,
and the same query mix on SQLite FTS5 over the same rows, printed side by side.

    .venv/bin/python bench/search.py [--sizes 20000 100000]

Latency is measured in the search module (``find_investments``: words, filters, the eight facets
with counts, order, and loading the page's 20 rows from SQL), not through HTTP. Synthetic rows
use the demo data's names, caseríos and the real districts of Cajamarca.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.db import Base, get_session, session_scope  # noqa: E402
from portal.demo import names as demo_names  # noqa: E402
from portal.investments.models import Investment, Place, Prioritisation  # noqa: E402
from portal.places import load_places  # noqa: E402
from portal.search.analysis import fold  # noqa: E402
from portal.search.filters import Filters  # noqa: E402
from portal.search.index import close_all  # noqa: E402
from portal.search.queries import find_investments, rebuild_index  # noqa: E402

STATUSES = ["en_ejecucion", "paralizada", "finalizada", "sin_iniciar"]
PHASES = ["formulacion", "ejecucion", "funcionamiento", "cierre"]
FLAGS = ["", "", "", "", "paralizada_larga", "sin_avance", "sobrecosto sin_avance"]
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
FIRST_CUI = 2_000_000


def districts():
    places = load_places()
    provinces = {p.ubigeo: p.name for p in places if p.level == "provincia"}
    return places, [
        (p.ubigeo, p.name, provinces[p.parent]) for p in places if p.level == "distrito"
    ]


def synthetic_rows(start: int, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    _, where = districts()
    rows = []
    for n in range(start, start + count):
        kind = rng.choice(demo_names.KINDS)
        ubigeo, dist, prov = rng.choice(where)
        c1, c2 = rng.sample(demo_names.CASERIOS, 2)
        name = rng.choice(kind.templates).format(
            c1=c1, c2=c2, num=rng.randint(10000, 82999), dist=dist.upper(), prov=prov.upper(),
            dep="CAJAMARCA",
        )  # fmt: skip
        if (
            rng.random() < 0.5
        ):  # most real names do not end with the district: places come from the row
            name = name.split(", DISTRITO DE")[0].split(" DEL DISTRITO DE")[0]
        rows.append(
            dict(
                cui=str(FIRST_CUI + n), snip=str(150000 + n) if rng.random() < 0.2 else None,
                name=name, source="mef-inversiones", status=rng.choice(STATUSES),
                phase=rng.choice(PHASES), function=kind.funcion,
                sec_ejec=str(301000 + int(ubigeo) % 100000), province=prov.upper(),
                district=dist.upper(), ubigeo=ubigeo, department="CAJAMARCA",
                updated_cost=Decimal(rng.randint(150_000, 40_000_000)),
                physical_progress=Decimal(rng.randint(0, 100)), red_flags=rng.choice(FLAGS),
                row_hash="x", first_seen_at=NOW, changed_at=NOW - dt.timedelta(minutes=n),
            )
        )  # fmt: skip
    return rows


def query_mix(cuis: list[str], seed: int = 7) -> list[Filters]:
    """240 queries as people type them: short, long, accented, typos, codes, with filters, and
    everyday words (expanded by the vocabulary, corrected, or matching only in part)."""
    rng = random.Random(seed)
    _, where = districts()
    places = [d for _, d, _ in where] + [p for _, _, p in where]
    short = [
        "agua",
        "colegio",
        "salud",
        "riego",
        "camino",
        "puente",
        "electrificación",
        "pistas",
        "saneamiento",
        "canal",
        "institución educativa",
        "puesto de salud",
        "reservorio",
    ]
    accented = [
        "creación",
        "educación",
        "caserío",
        "institución",
        "ampliación",
        "ÑUÑUMABAMBA",
        "cañaris",
        "canaris",
        "credito",
        "mejoramiento vehicular",
    ]
    typos = [
        "saneamineto",
        "colegoi",
        "carretrea",
        "electrificasion",
        "instituion",
        "agau potable",
        "camnio vecinal",
        "bambamraca",
    ]
    long = [
        "mejoramiento y ampliación del servicio de agua potable y saneamiento",
        "creación del camino vecinal",
        "mejoramiento de la transitabilidad vehicular y peatonal",
        "recuperación de los servicios educativos de la institución educativa",
    ]
    everyday = [
        "posta",
        "centro de salud",
        "carretera",
        "trocha",
        "luz",
        "desagüe",
        "escuela",
        "subregión chota",
        "prorregión",
        "municipalidad de cutervo",
        "agua y desagüe",
        "loza deportiva",
    ]
    misspelt_places = ["cuterbo", "selendin", "bambamarka", "kajamarca", "san ignasio", "jaén"]
    provinces = sorted({u[:4] for u, _, _ in where})
    mix: list[Filters] = []
    for i in range(240):
        kind = i % 12
        if kind == 10:
            q = f"{rng.choice(everyday)} {rng.choice(places + misspelt_places).lower()}"
            mix.append(Filters(q=rng.choice([q, rng.choice(everyday), q + " xqzwv"])))
            continue
        if kind == 11:
            mix.append(Filters(q=rng.choice(misspelt_places)))
            continue
        if kind in (0, 1):
            q = rng.choice(short)
        elif kind == 2:
            q = f"{rng.choice(short)} {rng.choice(places).lower()}"
        elif kind == 3:
            q = rng.choice(accented)
        elif kind == 4:
            q = rng.choice(typos)
        elif kind == 5:
            q = rng.choice(long)
        elif kind == 6:
            q = rng.choice(cuis)
        elif kind == 7:
            q = f"{rng.choice(short)} {rng.choice(cuis)}"
        elif kind == 8:
            mix.append(Filters(q=rng.choice(short), provincia=rng.choice(provinces),
                               estado=rng.choice(STATUSES)))  # fmt: skip
            continue
        else:
            mix.append(
                Filters(q=rng.choice(places), orden=rng.choice(["costo", "avance", "cambio"]))
            )
            continue
        mix.append(Filters(q=q))
    return mix


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def run_whoosh(app, mix: list[Filters]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall p50, p95), (CPU p50, p95): CPU time shows the cost on a machine shared with others."""
    wall, cpu = [], []
    with app.test_request_context():
        session = get_session()
        find_investments(session, Filters(q="agua"))  # open the snapshot once, as a server does
        for filters in mix:
            started, started_cpu = time.perf_counter(), time.process_time()
            find_investments(session, filters)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            session.expunge_all()
    return percentiles(wall), percentiles(cpu)


def build_fts(db_path: Path) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS inv_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE inv_fts USING fts5(name, place, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "INSERT INTO inv_fts(rowid, name, place) SELECT rowid, name, "
        "coalesce(province,'') || ' ' || coalesce(district,'') FROM investments"
    )
    conn.commit()
    return conn, time.perf_counter() - started


def run_fts(
    conn: sqlite3.Connection, mix: list[Filters]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The same mix: AND of the folded words, top 20 by bm25, total and five facet counts."""
    wall, cpu = [], []
    for filters in mix:
        started, started_cpu = time.perf_counter(), time.process_time()
        words = [w for w in fold(filters.q).replace('"', " ").split() if w.isalnum()]
        if words and all(w.isdigit() for w in words[:1]) and len(words) == 1:
            conn.execute(
                "SELECT cui FROM investments WHERE cui = ? OR snip = ?", (words[0], words[0])
            ).fetchall()
        elif words:
            match = " AND ".join(f'"{w}"' for w in words)
            where, params = "inv_fts MATCH ?", [match]
            if filters.provincia:
                where += " AND i.ubigeo LIKE ?"
                params.append(filters.provincia + "%")
            if filters.estado:
                where += " AND i.status = ?"
                params.append(filters.estado)
            base = f"FROM inv_fts JOIN investments i ON i.rowid = inv_fts.rowid WHERE {where}"
            conn.execute(f"SELECT i.cui {base} ORDER BY bm25(inv_fts) LIMIT 20", params).fetchall()
            conn.execute(f"SELECT count(*) {base}", params).fetchone()
            for column in (
                "substr(i.ubigeo,1,4)",
                "i.ubigeo",
                "i.status",
                "i.function",
                "i.sec_ejec",
            ):
                conn.execute(f"SELECT {column}, count(*) {base} GROUP BY 1", params).fetchall()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return percentiles(wall), percentiles(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    db_path = workdir / "bench.db"
    app = create_app(
        {
            "PORTAL_DATABASE_URL": f"sqlite:///{db_path}",
            "PORTAL_INSTANCE_DIR": str(workdir / "instance"),
        }
    )
    with app.app_context():
        Base.metadata.create_all(app.extensions["portal.engine"])
        with session_scope() as session:
            places, _ = districts()
            session.execute(insert(Place), [
                dict(ubigeo=p.ubigeo, level=p.level, name=p.name, parent_ubigeo=p.parent)
                for p in places
            ])  # fmt: skip
    print("Latency in ms (wall / CPU of this process); build in s (wall / CPU).")
    print(f"{'rows':>8} | {'whoosh build':>13} {'p50':>11} {'p95':>11} | {'fts5 build':>11} "
          f"{'p50':>9} {'p95':>9}")  # fmt: skip
    loaded = 0
    for size in sorted(args.sizes):
        with app.app_context(), session_scope() as session:
            rows = synthetic_rows(loaded, size - loaded, seed=size)
            for start in range(0, len(rows), 5000):
                session.execute(insert(Investment), rows[start : start + 5000])
            session.execute(insert(Prioritisation), [
                dict(year=2024 + n % 2, cui=r["cui"]) for n, r in enumerate(rows[::40])
            ])  # fmt: skip
            loaded = size
        with app.app_context(), session_scope() as session:
            started, started_cpu = time.perf_counter(), time.process_time()
            rebuild_index(session)
            build = (time.perf_counter() - started, time.process_time() - started_cpu)
        cuis = [str(FIRST_CUI + n) for n in random.Random(size).sample(range(size), 40)]
        mix = query_mix(cuis)
        (p50, p95), (c50, c95) = run_whoosh(app, mix)
        conn, fts_build = build_fts(db_path)
        (f50, f95), (g50, g95) = run_fts(conn, mix)
        conn.close()
        print(
            f"{size:>8,} | {build[0]:>6.2f}/{build[1]:<6.2f} {p50:>5.1f}/{c50:<5.1f} "
            f"{p95:>5.1f}/{c95:<5.1f} | "
            f"{fts_build:>11.2f} {f50:>4.1f}/{g50:<4.1f} {f95:>4.1f}/{g95:<4.1f}"
        )
    close_all()


if __name__ == "__main__":
    main()
