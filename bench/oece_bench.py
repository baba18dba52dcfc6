"""A month of OECE's OCDS publication, every release written out, into one region: time and memory.

    .venv/bin/python bench/oece_bench.py [--releases 80000] [--per-process 12.4]
                                         [--region-share 0.04] [--keep DIR]

Writes a synthetic month in OECE's form (no network): one release package of ``--releases``
releases (~6 KB each, a real 2025 release as the template, ~470 MB of JSON, like July 2026's
80,789 releases written out), zipped; processes of ~12 releases each, written together as the API
and the bulk files do; ``--region-share`` of them carry a CUI of the region's investments (half in
``planning.budget.projectID``, half only in the tender text), the rest CUIs of other regions or
none; one process in ten has a single bidder and a 5-day tender period (Cardinal's R018 and
R003). Then runs ``portal import --source oece-ocds=ZIP --json`` in a child process against a
temporary SQLite database holding those investments, and prints its wall and CPU seconds, its
peak RSS (the child's own ru_maxrss) and the risk signals stored.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.importer.factories import detalle_row, write_detalle  # noqa: E402

TEMPLATE = ROOT / "tests" / "fixtures" / "oece" / "ocds-dgv273-seacev3-1147593.json"
FIRST_CUI = 2300000
#: The template's tender period starts and ends at once, as OECE publishes an unknown one.
PERIOD_START, FIVE_DAYS_LATER = "2025-09-02T00:00:00-05:00", "2025-09-07T00:00:00-05:00"


def _template() -> str:
    """A real release (planning, tender, award, contract) with markers where the fields vary."""
    releases = json.loads(TEMPLATE.read_text(encoding="utf-8"))["releases"]
    release = max(releases, key=lambda r: r["date"])
    release["ocid"] = "@OCID@"
    release["id"] = "@OCID@-@N@"
    release["date"] = "2026-07-@DD@T10:00:00-05:00"
    release["tender"]["id"] = "@TID@"
    release["tender"]["description"] = "@TEXT@"
    release["tender"]["value"]["amount"] = 111111.11
    release["awards"][0]["value"]["amount"] = 99999.99
    release["planning"]["budget"]["projectID"] = "@CUI@"
    release["tender"]["numberOfTenderers"] = 333
    release["tender"]["tenderPeriod"] = {"startDate": PERIOD_START, "endDate": "@END@"}
    text = json.dumps(release, ensure_ascii=False)
    return text.replace("111111.11", "@EST@").replace("99999.99", "@AWD@").replace("333", "@BIDS@")


def write_month(path: Path, releases: int, per_process: float, share: float, cuis: list[str]):
    """The zipped release package; returns (processes, of the region, bytes of JSON)."""
    rng = random.Random(2026)
    # A process in ten has one bidder and a 5-day tender period (Cardinal's R018 and R003): a
    # generator of its own, so the processes and CUIs stay those of earlier runs.
    flagged = random.Random(23)
    template = _template()
    written = processes = ours = size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("2026-07_seace_v3_releases.json", "w", force_zip64=True) as out:
            head = {
                "uri": "https://contratacionesabiertas.oece.gob.pe/api/v1/file/seace_v3/json/2026/07/",
                "version": "1.1",
                "publisher": {"name": "Organismo Supervisor de las Contrataciones del Estado"},
                "license": "https://creativecommons.org/licenses/by/4.0/",
            }
            start = (json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": [\n').encode()
            out.write(start)
            size += len(start)
            while written < releases:
                processes += 1
                count = min(releases - written, max(2, round(rng.gauss(per_process, 3))))
                tender_id = str(1300000 + processes)
                text = "ADQUISICIÓN DE BIENES PARA ¿LA OBRA¿"
                cui = ""
                if rng.random() < share:
                    ours += 1
                    cui = rng.choice(cuis)
                    if rng.random() < 0.5:
                        text += f" CON CUI {cui}"
                        cui = ""
                elif rng.random() < 0.45:
                    cui = str(2700000 + rng.randrange(90000))  # another region's
                base = (
                    template.replace("@OCID@", f"ocds-dgv273-seacev3-{tender_id}")
                    .replace("@TID@", tender_id)
                    .replace('"@CUI@"', f'"{cui}"' if cui else "null")
                    .replace("@TEXT@", text)
                    .replace("@EST@", f"{rng.uniform(3e4, 9e6):.2f}")
                )
                if flagged.random() < 0.1:
                    base = base.replace("@BIDS@", "1").replace("@END@", FIVE_DAYS_LATER)
                else:
                    base = base.replace("@BIDS@", "3").replace("@END@", PERIOD_START)
                for n in range(count):
                    chunk = (
                        base.replace("@N@", str(n))
                        .replace("@DD@", f"{1 + n % 28:02d}")
                        .replace("@AWD@", f"{rng.uniform(3e4, 9e6):.2f}")
                    )
                    data = (("" if written == 0 else ",\n") + chunk).encode()
                    out.write(data)
                    size += len(data)
                    written += 1
            out.write(b"\n]}\n")
    return processes, ours, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=80_000)
    parser.add_argument("--per-process", type=float, default=12.4)
    parser.add_argument("--region-share", type=float, default=0.04)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="oece-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    cuis = [str(FIRST_CUI + n) for n in range(400)]
    detalle = write_detalle(folder / "DETALLE_INVERSIONES.csv", [detalle_row(c) for c in cuis])
    month = folder / "oece-2026-07.zip"
    began = time.perf_counter()
    processes, ours, size = write_month(
        month, args.releases, args.per_process, args.region_share, cuis
    )
    print(
        f"wrote {args.releases:,} releases of {processes:,} processes ({ours:,} of the region): "
        f"{size / 1e6:.0f} MB of JSON, {month.stat().st_size / 1e6:.1f} MB zipped, "
        f"in {time.perf_counter() - began:.0f} s"
    )
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        PORTAL_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        PORTAL_INSTANCE_DIR=str(folder / "instance"),
        PORTAL_REGION="06",
    )
    # The child reports its own peak RSS on exit (the CLI ends with sys.exit).
    portal = [
        sys.executable,
        "-c",
        "import atexit, resource, sys; atexit.register(lambda: print('peak_rss_kb', "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)); "
        "from portal.cli import main; main()",
    ]
    subprocess.run(
        [*portal, "import", "--json", "--source", f"mef-inversiones={detalle}"],
        env=env,
        check=True,
        capture_output=True,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [*portal, "import", "--json", "--source", f"oece-ocds={month}"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    [summary] = json.loads(done.stdout)["sources"]
    keys = ("status", "rows_read", "rows_imported", "rows_outside_region", "rows_unlinked")
    print({key: summary[key] for key in keys} | {"by_text": summary["rows_linked_by_text"]})
    with sqlite3.connect(folder / "bench.db") as db:
        signals = dict(db.execute("SELECT code, count(*) FROM contract_signals GROUP BY code"))
    print(f"Cardinal's signals stored: {signals}")
    peak_kb = int(done.stderr.split("peak_rss_kb")[-1].split()[0])
    print(f"oece-ocds import: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak_kb / 1024:.0f} MB")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
