"""Server time and size of /inversiones/<CUI> at 20,000 investments with 5 years of history.

Builds a synthetic database in a temporary SQLite file (no network), then requests random fact
sheets through the Flask test client and prints p50/p95/max server time and page size; also the
place, unit and home pages and the red-flag refresh that runs after each import.
Usage: .venv/bin/python bench/investment_page.py [--investments 20000] [--requests 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
import re
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from portal import create_app
from portal.db import get_engine
from portal.importer.models import ImportRun
from portal.investments.derived import refresh_derived_fields
from portal.investments.flags import FlagThresholds, refresh_red_flags
from portal.investments.models import (
    ChangeLogEntry,
    F12BMonth,
    F12BReport,
    InfobrasWork,
    Investment,
    Prioritisation,
    SituationEntry,
    YearlyExecution,
)
from portal.migrate import upgrade_database
from portal.places import load_places

YEARS = (2022, 2023, 2024, 2025)
CURRENT = 2026
NOW = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)


def money(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(str(round(rng.uniform(lo, hi), 2)))


def build(engine, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    districts = [p for p in load_places() if p.level == "distrito"]
    units = [(str(700 + n), f"UNIDAD EJECUTORA {n}") for n in range(60)]
    statuses = ["en_ejecucion", "paralizada", "finalizada", "sin_iniciar"]
    invs, yearly, reports, months, situations, works, pps, changes = [], [], [], [], [], [], [], []
    for n in range(count):
        cui = str(2_300_000 + n)
        place = rng.choice(districts)
        unit = rng.choice(units)
        cost = money(rng, 1e5, 5e7)
        spent = (cost * Decimal(str(rng.uniform(0, 1.1)))).quantize(Decimal("0.01"))
        invs.append(
            dict(
                cui=cui,
                name=f"MEJORAMIENTO DEL SERVICIO {n} EN EL DISTRITO DE {place.name.upper()}",
                source="mef-inversiones",
                sec_ejec=unit[0],
                executing_unit_name=unit[1],
                ubigeo=place.ubigeo,
                district=place.name,
                viable_cost=cost,
                updated_cost=(cost * Decimal(str(rng.uniform(0.9, 1.6)))).quantize(Decimal("0.01")),
                devengado_accumulated=spent,
                pia_current=money(rng, 0, 2e6),
                pim_current=money(rng, 0, 3e6),
                devengado_current=money(rng, 0, 2e6),
                physical_progress=Decimal(rng.randint(0, 100)),
                registered_on=dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 1500)),
                viable_on=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1200)),
                last_devengado_on=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1300)),
                execution_end_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1200)),
                process_year=CURRENT,
                status=rng.choice(statuses),
                phase="ejecucion",
                red_flags="",
                row_hash="x",
                first_seen_at=NOW,
                changed_at=NOW,
                coords_status="ok",
            )
        )
        for year in YEARS:
            yearly.append(
                dict(
                    cui=cui,
                    year=year,
                    sec_ejec=unit[0],
                    executing_unit_name=unit[1],
                    pia=money(rng, 0, 2e6),
                    pim=money(rng, 0, 3e6),
                    devengado=money(rng, 0, 2e6),
                )
            )
        if n % 2 == 0:
            reports.append(
                dict(
                    cui=cui,
                    year=CURRENT,
                    updated_at=dt.datetime(2026, 10, 20),
                    physical_progress=Decimal(rng.randint(0, 100)),
                    situation="EN EJECUCIÓN",
                    problem="NINGUNO",
                    estimated_end_on=dt.date(2027, 3, 1),
                )
            )
            months += [
                dict(cui=cui, month=m, programmed=money(rng, 0, 3e5), actual=money(rng, 0, 3e5))
                for m in range(1, 13)
            ]
            situations += [
                dict(
                    cui=cui,
                    period=dt.date(2022 + k // 12, k % 12 + 1, 1),
                    description="EN EJECUCIÓN" if k % 7 else "OBRA PARALIZADA",
                )
                for k in range(0, 60, 3)
            ]
        if n % 4 != 3:
            works.append(
                dict(
                    infobras_code=str(800_000 + n),
                    cui=cui,
                    name="OBRA",
                    status="En ejecución",
                    actual_progress=Decimal(rng.randint(0, 100)),
                    contract_amount=cost,
                    updated_on=dt.date(2026, 11, 22),
                    coords_status="ok",
                )
            )
        if n % 10 == 0:
            pps.append(
                dict(
                    year=rng.choice(YEARS),
                    cui=cui,
                    rank=rng.randint(1, 30),
                    amount=cost,
                    committee="Comité de vigilancia",
                    act="Acta",
                )
            )
        changes += [
            dict(
                cui=cui,
                field="updated_cost",
                old_value="1",
                new_value="2",
                import_run_id=1,
                changed_at=NOW - dt.timedelta(days=k),
            )
            for k in range(5)
        ]
    with engine.begin() as conn:
        conn.execute(
            insert(ImportRun),
            [
                dict(source=s, location="bench", started_at=NOW, finished_at=NOW, status="imported")
                for s in (
                    "mef-inversiones",
                    "mef-f12b",
                    "mef-seguimiento",
                    "infobras",
                    "mef-estado-situacional",
                    "presupuesto-participativo",
                )
            ],
        )
        for model, rows in (
            (Investment, invs),
            (YearlyExecution, yearly),
            (F12BReport, reports),
            (F12BMonth, months),
            (SituationEntry, situations),
            (InfobrasWork, works),
            (Prioritisation, pps),
            (ChangeLogEntry, changes),
        ):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(model), rows[start : start + 5000])
        refresh_derived_fields(conn, "06")
    return [row["cui"] for row in invs]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(client, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--investments", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "PORTAL_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "PORTAL_INSTANCE_DIR": tmp,
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            engine = get_engine()
            upgrade_database(engine)
            started = time.perf_counter()
            cuis = build(engine, args.investments)
            print(
                f"built {len(cuis):,} investments with {len(YEARS) + 1} years in {time.perf_counter() - started:.1f} s"
            )
            started = time.perf_counter()
            with engine.begin() as conn:
                refresh_red_flags(conn, FlagThresholds(), dt.date(2026, 11, 23))
            print(f"red-flag refresh of every investment: {time.perf_counter() - started:.2f} s")
        client = app.test_client()
        rng = random.Random(2)
        for cui in rng.sample(cuis, 20):  # warm up caches and templates
            client.get(f"/inversiones/{cui}")
        times, sizes = [], []
        for cui in rng.sample(cuis, min(args.requests, len(cuis))):
            elapsed, size = timed(client, f"/inversiones/{cui}")
            times.append(elapsed)
            sizes.append(size)
        print(
            f"/inversiones/<CUI>: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
            f"max {max(times):.1f} ms over {len(times)} requests; page {max(sizes) / 1024:.1f} KB max, "
            f"{statistics.mean(sizes) / 1024:.1f} KB mean (+ portal.css "
            f"{len(client.get('/static/css/portal.css').data) / 1024:.1f} KB)"
        )
        page = client.get(f"/inversiones/{cuis[0]}").data
        assets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', page)
        bodies = [page] + [client.get((css or js).decode()).data for css, js in assets]
        print(
            f"transferred without tiles: {sum(map(len, bodies)) / 1024:.1f} KB uncompressed, "
            f"{sum(len(gzip.compress(b)) for b in bodies) / 1024:.1f} KB gzipped "
            f"(page + {len(assets)} assets: {', '.join((c or j).decode() for c, j in assets)})"
        )
        json_times = [timed(client, f"/inversiones/{cui}.json")[0] for cui in rng.sample(cuis, 100)]
        print(f"/inversiones/<CUI>.json: p95 {percentile(json_times, 0.95):.1f} ms")
        for path in ("/", "/lugares/0601", "/lugares/060101", "/unidades/unidad-ejecutora-7"):
            first = timed(client, path)
            again = [timed(client, path)[0] for _ in range(5)]
            print(
                f"{path}: first {first[0]:.1f} ms (figures computed), then median "
                f"{statistics.median(again):.1f} ms (figures kept until the next import), "
                f"{first[1] / 1024:.1f} KB"
            )


if __name__ == "__main__":
    main()
