"""Load test: gunicorn (2 workers) + PostgreSQL + Redis, 100 visitors, while DETALLE imports.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load/run.py --database URL --file NATIONAL_DETALLE.csv [--users 100]

The database must already hold one import of the file (the import under load is the next night's
file: ``--file`` with 1 % of rows changed, written beside it). Redis is a throwaway
``redis-server`` on a free port. With ``--quiet-seconds N``, first the visitors' mix for N s
with no import running (phase 0). Then three phases, each ``--seconds`` long:
  1. the visitors' mix while imports run back to back: failed requests and p95 per page
     (``--import-seconds`` long if given: a national import and its hooks take minutes);
  2. investment pages only, no pause between pages: requests per second;
  3. a bare Flask + Jinja page under the same gunicorn settings: requests per second.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def changed_copy(source: Path, out: Path, share: float = 0.01, seed: int = 14) -> Path:
    """The next night's file: the same rows, ``share`` of them with new figures.

    A run against a database that already imported this seed's copy finds the file unchanged
    (and measures no import at all): each run takes a new seed unless ``--seed`` is given.
    """
    csv.field_size_limit(32 * 1024 * 1024)
    rng = random.Random(seed)
    with (
        source.open(encoding="utf-8-sig", newline="") as inp,
        out.open("w", encoding="utf-8-sig", newline="") as dst,
    ):
        reader, writer = csv.reader(inp), csv.writer(dst, quoting=csv.QUOTE_ALL)
        header = next(reader)
        writer.writerow(header)
        column = header.index("DEV_ANIO_ACTUAL")
        for row in reader:
            if rng.random() < share:
                row[column] = f"{rng.uniform(1000, 900000):.2f}"
            writer.writerow(row)
    return out


def sample_cuis(database: str, count: int, path: Path) -> Path:
    engine = create_engine(database)
    with engine.connect() as conn:
        cuis = conn.scalars(
            text("SELECT cui FROM investments ORDER BY random() LIMIT :n"), {"n": count}
        ).all()
    engine.dispose()
    path.write_text("\n".join(cuis) + "\n", encoding="ascii")
    return path


def throwaway_redis() -> tuple[subprocess.Popen, int]:
    """A ``redis-server`` that keeps nothing, on a free port (the rate limits' storage)."""
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for(port)
    return redis, port


def web_env(database: str, instance: Path | str, region: str, redis_port: int) -> dict:
    """The environment of the portal's gunicorn under a benchmark."""
    return {
        **os.environ,
        "PORTAL_DATABASE_URL": database,
        "PORTAL_INSTANCE_DIR": str(instance),
        "PORTAL_REGION": region,
        "PORTAL_SECRET_KEY": "load-test",
        "PORTAL_RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{redis_port}/0",
        # Every visitor comes from 127.0.0.1 here: the API's per-address budget (120 a minute)
        # would treat the hundred as one client and answer 429 to the map data they share.
        "PORTAL_RATELIMIT_API": "100000 per minute",
        "PORTAL_LOG_FORMAT": "json",
        "PORTAL_LOG_LEVEL": "WARNING",
    }


def gunicorn(app: str, port: int, env: dict, chdir: Path | None = None) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if chdir:
        command += ["--chdir", str(chdir)]
    # VIGIA_GUNICORN_LOG=path keeps gunicorn's own log (worker timeouts, restarts) for a look.
    log_path = env.get("VIGIA_GUNICORN_LOG")
    log = open(log_path, "a", encoding="utf-8") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen([*command, app], env=env, stdout=log, stderr=log)
    wait_for(port)
    return process


def locust(port: int, users: int, seconds: int, env: dict, prefix: Path) -> dict:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--host",
            f"http://127.0.0.1:{port}",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 10)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


class ImportLoop(threading.Thread):
    """``portal import`` of the given files in turn until ``finish``, which waits for the last."""

    def __init__(self, env: dict, files: list[Path], nice: int) -> None:
        super().__init__(daemon=True)
        self.env, self.files = env, files
        # As docs/deploying.md runs it (Nice=10, IOSchedulingClass=idle): visitors come first.
        self.prefix = ["nice", "-n", str(nice), "ionice", "-c", "3"] if nice else []
        self.stopping = threading.Event()
        self.runs: list[tuple[str, str, float, object]] = []

    def run(self) -> None:
        turn = 0
        while not self.stopping.is_set():
            path = self.files[turn % len(self.files)]
            started = time.monotonic()
            source = f"mef-inversiones={path}"
            command = [str(BIN / "portal"), "import", "--json", "--source", source]
            done = subprocess.run(
                [*self.prefix, *command],
                env=self.env,
                capture_output=True,
                text=True,
                check=False,
            )
            try:
                result = json.loads(done.stdout or "{}").get("sources", [{}])[0]
            except ValueError:
                result = {"status": f"exit {done.returncode}"}
            self.runs.append(
                (path.name, result.get("status"), time.monotonic() - started, result.get("changes"))
            )
            turn += 1

    def finish(self) -> None:
        self.stopping.set()
        self.join()

    def report(self) -> list[str]:
        return [
            f"import {n}: {status} in {seconds:.0f} s ({changes} changes)"
            for n, (_name, status, seconds, changes) in enumerate(self.runs, 1)
        ]


def summary(stats: dict) -> list[str]:
    lines = []
    for name, row in stats.items():
        lines.append(
            f"  {name:<42} requests {int(row['Request Count']):>6}  failed "
            f"{int(row['Failure Count']):>4}  p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  "
            f"{float(row['Requests/s']):6.1f} req/s"
        )
    return lines


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--file", required=True, type=Path)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--instance", type=Path)
    parser.add_argument("--region", default="all")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument(
        "--quiet-seconds", type=int, default=0, help="first the mix without import (phase 0)"
    )
    parser.add_argument(
        "--import-nice", type=int, default=10, help="nice of the imports (0: same as the web)"
    )
    parser.add_argument(
        "--import-seconds",
        type=int,
        help="length of phase 1 (default --seconds; 0 skips it): a national "
        "import with its after-import hooks takes minutes",
    )
    args = parser.parse_args()
    if args.import_seconds is None:
        args.import_seconds = args.seconds

    work = Path(tempfile.mkdtemp(prefix="vigia-load-"))
    instance = args.instance or work / "instance"
    web_port, bare_port = free_port(), free_port()
    redis, redis_port = throwaway_redis()
    env = web_env(args.database, instance, args.region, redis_port)
    env["VIGIA_CUIS"] = str(sample_cuis(args.database, 2000, work / "cuis.txt"))
    if args.import_seconds:
        print(f"writing the next night's file (1 % of rows changed, seed {args.seed})…", flush=True)
        next_night = changed_copy(args.file, work / "DETALLE_INVERSIONES.csv", seed=args.seed)
    web = gunicorn("portal:create_app()", web_port, env)
    try:
        # Warm up: each worker opens the search index and the map data once.
        for path in ("/", "/buscar?q=agua", "/api/v1/inversiones.geojson?provincia=0601"):
            subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{web_port}{path}"])
        if args.quiet_seconds:
            quiet = locust(web_port, args.users, args.quiet_seconds, env, work / "quiet")
            print(f"\n0. {args.users} visitors for {args.quiet_seconds} s, no import running")
            print("\n".join(summary(quiet)))
        if args.import_seconds:
            # Imports back to back for the whole phase, the next night's file then the original
            # again (each one changes 1 % of the rows): every visit of phase 1 meets an import.
            imports = ImportLoop(env, [next_night, args.file], args.import_nice)
            imports.start()
            mix = locust(web_port, args.users, args.import_seconds, env, work / "mix")
            imports.finish()
            print(
                f"\n1. {args.users} visitors for {args.import_seconds} s, imports running "
                f"throughout (nice {args.import_nice})"
            )
            for line in imports.report():
                print(f"   {line}")
            print("\n".join(summary(mix)))
        if args.seconds:
            only = {**env, "VIGIA_WAIT": "0", "VIGIA_ONLY": "investment"}
            pages = locust(web_port, args.users, args.seconds // 2, only, work / "investment")
            print("\n2. investment pages only, no pause (2,000 random CUIs)")
            print("\n".join(summary(pages)))
            story = {**env, "VIGIA_WAIT": "0", "VIGIA_ONLY": "story"}
            one = locust(web_port, args.users, args.seconds // 2, story, work / "story")
            print("\n2b. one investment page for everybody (a story's link), no pause")
            print("\n".join(summary(one)))
    finally:
        stop(web)
    try:
        if args.seconds:
            bare = gunicorn("bare_app:app", bare_port, env, chdir=ROOT / "bench" / "load")
            try:
                bare_env = {**env, "VIGIA_WAIT": "0", "VIGIA_ONLY": "bare"}
                floor = locust(bare_port, args.users, args.seconds // 2, bare_env, work / "bare")
                print("\n3. bare Flask + Jinja page, same gunicorn settings, no pause")
                print("\n".join(summary(floor)))
            finally:
                stop(bare)
    finally:
        stop(redis)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
