"""One import at a time across machines, and a killed import leaves nothing behind."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from portal.importer.lock import ADVISORY_LOCK_KEY
from portal.importer.models import ImportRun
from portal.investments.models import Investment
from tests.conftest import import_sources

ON_POSTGRES = os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql")


def _counts(app) -> tuple[int, int]:
    with app.extensions["portal.engine"].connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(Investment)),
            conn.scalar(select(func.count()).select_from(ImportRun)),
        )


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="PostgreSQL only: the advisory lock guards imports across machines; on SQLite the "
    "database is one machine's file and the file lock (tested below) is the guard",
)
def test_an_import_on_another_machine_is_refused_clearly(app, runner, demo_dir, database_url):
    """Another node holds the import lock: this one says so, exits 75, changes nothing."""
    other_machine = create_engine(database_url)
    with other_machine.connect() as held:
        assert held.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        result = runner.invoke(
            args=["import", "--source", f"mef-inversiones={demo_dir / 'DETALLE_INVERSIONES.csv'}"]
        )
        held.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
    other_machine.dispose()
    assert result.exit_code == 75
    assert "another import is already running" in result.output
    assert _counts(app) == (0, 0)
    # Once the other import ends, the next one runs.
    again = runner.invoke(
        args=["import", "--source", f"mef-inversiones={demo_dir / 'DETALLE_INVERSIONES.csv'}"]
    )
    assert again.exit_code == 0, again.output


def test_a_second_import_on_the_same_machine_is_refused(app, runner, demo_dir):
    import fcntl

    lock_path = Path(app.config["PORTAL_INSTANCE_DIR"]) / "import.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = runner.invoke(
            args=[
                "import",
                "--json",
                "--source",
                f"mef-inversiones={demo_dir / 'DETALLE_INVERSIONES.csv'}",
            ]
        )
    assert result.exit_code == 75
    assert '"ok": false' in result.output and "already running" in result.output
    assert _counts(app) == (0, 0)


def _big_detalle(demo_dir: Path, out: Path, copies: int) -> Path:
    """The demo DETALLE repeated with fresh CUIs: long enough to be killed half-way."""
    source = demo_dir / "DETALLE_INVERSIONES.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    cui = header.index("CODIGO_UNICO")
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        serial = 3_000_000
        for _ in range(copies):
            for row in body:
                serial += 1
                writer.writerow([*row[:cui], str(serial), *row[cui + 1 :]])
    return out


def test_a_killed_import_leaves_no_lock_and_no_half_data(app, demo_dir, database_url, tmp_path):
    """SIGKILL half-way through staging: live data, import runs and locks are as before."""
    first = import_sources(app, [("mef-inversiones", demo_dir / "DETALLE_INVERSIONES.csv")])
    assert first[0].status == "imported"
    before = _counts(app)
    big = _big_detalle(demo_dir, tmp_path / "DETALLE_grande.csv", copies=60)
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_DIR": app.config["PORTAL_INSTANCE_DIR"],
        "PORTAL_SECRET_KEY": "test-secret",
    }
    command = [sys.executable, "-c", "from portal.cli import main; main()", "import"]
    process = subprocess.Popen(
        [*command, "--source", f"mef-inversiones={big}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = app.extensions["portal.engine"]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if "stage_investments" in inspect(engine).get_table_names():
                with engine.connect() as conn:
                    staged = conn.scalar(text("SELECT count(*) FROM stage_investments"))
                if staged:
                    break
            time.sleep(0.05)
        assert process.poll() is None, "the import ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert _counts(app) == before, "the killed import changed live data or the run log"
    # No stale lock: the next import starts at once and finishes.
    after = subprocess.run(
        [*command, "--json", "--source", f"mef-inversiones={demo_dir / 'DETALLE_INVERSIONES.csv'}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert after.returncode == 0, after.stdout + after.stderr
    assert '"status": "unchanged"' in after.stdout
    engine.dispose()
