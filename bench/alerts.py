"""Digest run and feed latency: 10,000 followers after an import that changed 1% of 20,000.

Builds a synthetic SQLite database (no network): 20,000 investments, one import run that changed
200 of them (3 fields each), 10,000 confirmed subscribers (60% follow an investment, 30% a place,
10% a search). Times ``send_alerts`` (digests queued in the outbox), then requests the three feeds.
Usage: .venv/bin/python bench/alerts.py [--investments 20000] [--subscribers 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from portal import create_app
from portal.alerts.digests import mail_context, send_alerts
from portal.alerts.models import Subscriber, Subscription
from portal.complaints.models import OutboxMessage
from portal.db import get_engine, session_scope
from portal.importer.models import ImportRun
from portal.investments.derived import seed_places
from portal.investments.models import ChangeLogEntry, Investment
from portal.migrate import upgrade_database
from portal.places import load_places
from portal.search.queries import rebuild_index

NOW = dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC)
WORDS = ["salud", "colegio", "camino vecinal", "agua potable", "riego", "puente", "electrificacion"]


def build(engine, investments: int, subscribers: int, rng: random.Random) -> list[str]:
    districts = [p.ubigeo for p in load_places() if p.level == "distrito"]
    cuis = [str(2_300_000 + n) for n in range(investments)]
    with engine.begin() as conn:
        seed_places(conn, "06")
        conn.execute(
            insert(ImportRun),
            [
                dict(id=i, source="mef-inversiones", location="x", started_at=NOW,
                     finished_at=NOW, status="imported")
                for i in (1, 2)
            ],
        )
        conn.execute(
            insert(Investment),
            [
                dict(cui=cui, name=f"MEJORAMIENTO DEL SERVICIO DE {rng.choice(WORDS).upper()} {n}",
                     source="mef-inversiones", ubigeo=rng.choice(districts), row_hash="x",
                     first_seen_at=NOW, changed_at=NOW, updated_cost=1000 + n)
                for n, cui in enumerate(cuis)
            ],
        )
        changed = rng.sample(cuis, investments // 100)
        conn.execute(
            insert(ChangeLogEntry),
            [
                dict(cui=cui, field=field, old_value="1000.00", new_value="1500.00",
                     import_run_id=2, changed_at=NOW)
                for cui in changed
                for field in ("updated_cost", "devengado_accumulated", "physical_progress")
            ],
        )
        conn.execute(
            insert(Subscriber),
            [
                dict(id=n + 1, email=f"persona{n}@example.pe", token=f"t{n:040d}",
                     language="es", created_at=NOW)
                for n in range(subscribers)
            ],
        )
        rows = []
        for n in range(subscribers):
            roll = rng.random()
            if roll < 0.6:
                kind, target = "investment", rng.choice(cuis)
            elif roll < 0.9:
                kind, target = "place", rng.choice(districts)[: rng.choice((4, 6))]
            else:
                kind, target = "search", f"q={rng.choice(WORDS).replace(' ', '+')}"
            rows.append(
                dict(subscriber_id=n + 1, kind=kind, target=target, label=target,
                     requested_at=NOW, confirmed_at=NOW, last_change_id=0)
            )
        conn.execute(insert(Subscription), rows)
    return cuis


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investments", type=int, default=20_000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"PORTAL_INSTANCE_DIR": str(Path(tmp) / "instance"),
             "PORTAL_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
             "PORTAL_PUBLIC_URL": "https://vigia.example.pe"}
        )
        with app.app_context():
            upgrade_database(get_engine())
            cuis = build(get_engine(), args.investments, args.subscribers, rng)
            with session_scope() as session:
                rebuild_index(session)
            started = time.perf_counter()
            with mail_context(app), session_scope() as session:
                queued = send_alerts(session)
            elapsed = time.perf_counter() - started
            with session_scope() as session:
                stored = session.scalar(select(func.count()).select_from(OutboxMessage))
        print(f"digests: {queued} queued ({stored} in the outbox) for {args.subscribers} "
              f"subscribers, {args.investments // 100} investments changed: {elapsed:.2f} s")
        client = app.test_client()
        districts = [p.ubigeo for p in load_places() if p.level == "distrito"]
        for label, make in (
            ("investment feed", lambda: f"/inversiones/{rng.choice(cuis)}.atom"),
            ("place feed", lambda: f"/lugares/{rng.choice(districts)[:rng.choice((4, 6))]}.atom"),
            ("search feed", lambda: f"/buscar.atom?q={rng.choice(WORDS)}"),
        ):
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = client.get(make())
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.status_code
            print(f"{label}: p50 {statistics.median(times):.1f} ms, "
                  f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms")


if __name__ == "__main__":
    main()
