"""What the imports did, for Prometheus: runs, rows and blanked values per source.

Read from the ``import_runs`` table at scrape time, because imports run in another process (cron
or a worker machine) whose counters a web node never sees. The importer hands this collector to
the metrics service at start-up (``portal.operations.metrics.add_collector``).
"""

from __future__ import annotations

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from portal.importer.models import ImportRun

RUNS = ImportRun.__table__
#: Statuses that mean the source's data is current (the file was read; maybe it had not changed).
SUCCESSFUL = ("imported", "unchanged")


class ImportCollector:
    """Import runs, rows and blanked values per source, read from the database when scraped."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def collect(self):
        up = GaugeMetricFamily("vigia_database_up", "1 when the database answered this scrape")
        try:
            families = list(self._import_families())
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _import_families(self):
        runs = CounterMetricFamily(
            "vigia_import_runs",
            "Import runs recorded, by source and outcome",
            labels=["source", "status"],
        )
        rows = GaugeMetricFamily(
            "vigia_import_last_rows",
            "Rows in the last import attempt of each source, by what happened to them",
            labels=["source", "kind"],
        )
        blanked = GaugeMetricFamily(
            "vigia_import_last_values_blanked",
            "Unreadable optional values left blank in the last import of each source, by column",
            labels=["source", "column"],
        )
        last_success = GaugeMetricFamily(
            "vigia_import_last_success_timestamp_seconds",
            "When each source was last imported or found unchanged (Unix time)",
            labels=["source"],
        )
        with self.engine.connect() as conn:
            counts = conn.execute(
                select(RUNS.c.source, RUNS.c.status, func.count()).group_by(
                    RUNS.c.source, RUNS.c.status
                )
            )
            for source, status, count in counts:
                runs.add_metric([source, status], count)
            latest = select(func.max(RUNS.c.id)).group_by(RUNS.c.source)
            # values_blanked arrives with another branch's migration: read it only if present.
            has_blanked = "values_blanked" in RUNS.c
            columns = [RUNS.c.source, RUNS.c.rows_read, RUNS.c.rows_imported, RUNS.c.rows_rejected]
            if has_blanked:
                columns.append(RUNS.c.values_blanked)
            for row in conn.execute(select(*columns).where(RUNS.c.id.in_(latest))):
                rows.add_metric([row.source, "read"], row.rows_read or 0)
                rows.add_metric([row.source, "imported"], row.rows_imported or 0)
                rows.add_metric([row.source, "rejected"], row.rows_rejected or 0)
                for column, count in _blanked_counts(row.values_blanked if has_blanked else None):
                    blanked.add_metric([row.source, column], count)
            successes = conn.execute(
                select(RUNS.c.source, func.max(RUNS.c.finished_at))
                .where(RUNS.c.status.in_(SUCCESSFUL))
                .group_by(RUNS.c.source)
            )
            for source, finished in successes:
                if finished is not None:
                    last_success.add_metric([source], finished.timestamp())
        return runs, rows, blanked, last_success


def _blanked_counts(values) -> list[tuple[str, int]]:
    """``{"COLUMN": {"count": n, ...}}`` or ``{"COLUMN": n}``; anything else counts as nothing."""
    if not isinstance(values, dict):
        return []
    counts = []
    for column, entry in values.items():
        count = entry.get("count") if isinstance(entry, dict) else entry
        if isinstance(count, int | float):
            counts.append((str(column), int(count)))
    return counts
