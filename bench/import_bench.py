"""Import speed and memory on a national-size DETALLE_INVERSIONES.csv, next to the floor.

    python bench/import_bench.py [--file PATH] [--rows 300000] [--postgres URL]

Without --file, the file is generated with ../shared/data/make_samples.py --scale ROWS.
Each measurement runs in its own process so its peak RSS is its own. Prints one line per step.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "make_samples.py"


def step_csv_reader(path: str) -> dict:
    csv.field_size_limit(32 * 1024 * 1024)
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as stream:
        for _ in csv.reader(stream):
            rows += 1
    return {"rows": rows - 1}


def step_sqlite_executemany(path: str) -> dict:
    import sqlite3

    csv.field_size_limit(32 * 1024 * 1024)
    db = Path(tempfile.mkdtemp()) / "plain.db"
    conn = sqlite3.connect(db)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        columns = ", ".join(f'"{name}"' for name in header)
        conn.execute(f"CREATE TABLE t ({columns})")
        marks = ", ".join("?" for _ in header)
        batch, rows = [], 0
        for row in reader:
            batch.append(row)
            if len(batch) == 5000:
                conn.executemany(f"INSERT INTO t VALUES ({marks})", batch)
                rows += len(batch)
                batch = []
        conn.executemany(f"INSERT INTO t VALUES ({marks})", batch)
        rows += len(batch)
    conn.commit()
    return {"rows": rows}


def step_portal_import(path: str) -> dict:
    from portal import create_app
    from portal.db import get_engine
    from portal.importer.pipeline import ImportSettings, run_import
    from portal.importer.sources import all_sources
    from portal.migrate import upgrade_database

    app = create_app()
    with app.app_context():
        engine = get_engine()
        upgrade_database(engine)
        [result] = run_import(
            engine,
            ImportSettings.from_config(app.config),
            [(all_sources()["mef-inversiones"], path)],
        )
    return {
        k: getattr(result, k) for k in ("status", "rows_read", "rows_imported", "changes", "error")
    }


STEPS = {
    "csv.reader": step_csv_reader,
    "sqlite3.executemany": step_sqlite_executemany,
    "portal import": step_portal_import,
}


def run_step(name: str, path: str, env: dict | None = None) -> dict:
    """Run one step in a child process; returns its figures with seconds and peak RSS."""
    command = [sys.executable, __file__, "--child", name, "--file", path]
    # PYTHONPATH: measure this checkout's code, whatever checkout the virtualenv points at.
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    output = subprocess.run(
        command, capture_output=True, text=True, env=child_env, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(name: str, path: str) -> None:
    started = time.perf_counter()
    figures = STEPS[name](path)
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))


def changed_copy(path: str, share: float = 0.01) -> str:
    """The same file with ~1% of the rows' updated cost changed, as a nightly delta looks."""
    rng = random.Random(1)
    target = str(Path(path).with_name("DETALLE_changed.csv"))
    csv.field_size_limit(32 * 1024 * 1024)
    with (
        open(path, encoding="utf-8-sig", newline="") as src,
        open(target, "w", encoding="utf-8-sig", newline="") as out,
    ):
        reader = csv.reader(src)
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        header = next(reader)
        writer.writerow(header)
        cost = header.index("COSTO_ACTUALIZADO")
        for row in reader:
            if rng.random() < share:
                row[cost] = f"{float(row[cost] or 0) + 1234.5}"
            writer.writerow(row)
    return target


def report(label: str, figures: dict, rows: int) -> None:
    rate = rows / figures["seconds"] if figures["seconds"] else 0
    extra = {k: v for k, v in figures.items() if k not in ("seconds", "peak_rss_mb")}
    print(
        f"{label:<48} {figures['seconds']:>7.2f} s  {rate:>9,.0f} rows/s  "
        f"peak RSS {figures['peak_rss_mb']:>4} MB  {extra}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    path = args.file
    if not path:
        out = Path(tempfile.mkdtemp())
        subprocess.run(
            [sys.executable, str(SHARED), str(out), "--scale", str(args.rows)], check=True
        )
        path = str(out / "DETALLE_INVERSIONES.csv")
    size_mb = Path(path).stat().st_size / 1e6
    first = run_step("csv.reader", path)
    rows = first["rows"]
    print(f"file: {path} ({size_mb:,.0f} MB, {rows:,} rows)")
    report("plain csv.reader pass (the floor)", first, rows)
    report(
        "plain sqlite3 executemany, every column as text",
        run_step("sqlite3.executemany", path),
        rows,
    )
    changed = changed_copy(path)
    engines = {"SQLite": None, "PostgreSQL": args.postgres}
    for engine_name, url in engines.items():
        instance = tempfile.mkdtemp()
        env = {"PORTAL_INSTANCE_DIR": instance}
        if url:
            env["PORTAL_DATABASE_URL"] = url
            _reset_postgres(url)
        region = run_step("portal import", path, env)
        report(f"{engine_name}: region 06 (first import)", region, rows)
        report(
            f"{engine_name}: region 06, same file again", run_step("portal import", path, env), rows
        )
        instance = tempfile.mkdtemp()
        env = {"PORTAL_INSTANCE_DIR": instance, "PORTAL_REGION": "all"}
        if url:
            env["PORTAL_DATABASE_URL"] = url
            _reset_postgres(url)
        report(
            f"{engine_name}: whole country, first import",
            run_step("portal import", path, env),
            rows,
        )
        report(
            f"{engine_name}: whole country, ~1% changed",
            run_step("portal import", changed, env),
            rows,
        )
        report(
            f"{engine_name}: whole country, unchanged rerun",
            run_step("portal import", changed, env),
            rows,
        )


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
