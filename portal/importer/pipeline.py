"""The nightly import: fetch → read → validate → stage → diff → swap → derive, one source at a time.

Every source ends as a ``SourceResult`` (imported, unchanged or rejected) and an ``ImportRun``
row, so /estado can say what happened and which data is stale. A rejected file changes nothing.
This module runs the steps; a file's rows are read, staged and judged in rows.py, the ledger
of runs is runs.py, the stage and the swap are staging.py, the sources are sources/.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert, update

from portal.db import vacuum_analyze
from portal.importer.fetch import FetchedFile, fetch
from portal.importer.lock import import_lock
from portal.importer.reading import SourceFileError, normalize_name
from portal.importer.rows import (
    Progress,
    by_size,
    check_plausible,
    read_into_stage,
    write_rejects,
)
from portal.importer.runs import (
    RUNS,
    SourceResult,
    already_imported,
    last_good_rows,
    now,
    record_run,
    run_values,
    scope_text,
)
from portal.importer.sources import SourceSpec
from portal.importer.staging import Stage, swap_investments, swap_keyed, swap_replace
from portal.places import region_name, valid_region
from portal.search.backends.pg_documents import has_search_tables, sync_documents

__all__ = ["ImportSettings", "SourceResult", "import_source", "run_import"]


@dataclass
class ImportSettings:
    region: str = "06"
    region_name: str = "CAJAMARCA"
    reports_dir: Path = Path("instance/reports")
    min_rows_ratio: float = 0.5
    retries: int = 3
    timeout: float = 120

    @classmethod
    def from_config(cls, config) -> ImportSettings:
        region = str(config["PORTAL_REGION"])
        # Sources that carry only names are matched on the department's name in the boundaries,
        # not on PORTAL_REGION_NAME, which an operator may set to any title.
        name = region_name(region) if valid_region(region) else config["PORTAL_REGION_NAME"]
        return cls(
            region=region,
            region_name=normalize_name(name),
            reports_dir=Path(config["PORTAL_INSTANCE_DIR"]) / "reports",
            min_rows_ratio=float(config["PORTAL_IMPORT_MIN_ROWS_RATIO"]),
            retries=int(config["PORTAL_DOWNLOAD_RETRIES"]),
            timeout=float(config["PORTAL_DOWNLOAD_TIMEOUT"]),
        )


def run_import(
    engine: Engine,
    settings: ImportSettings,
    requests: Sequence[tuple[SourceSpec, str]],
    dry_run: bool = False,
    progress_for: Callable[[str], Progress] | None = None,
    after_import: Sequence[Callable[[], None]] = (),
) -> list[SourceResult]:
    """Import each (source, location) in order; derived figures are refreshed once at the end."""
    from portal.cycle.closures import cycle_stages, log_pending_closure_changes
    from portal.investments.derived import refresh_derived_fields

    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    with import_lock(engine, settings.reports_dir.parent / "import.lock"):
        # Each investment's cycle stage as the previous import left it: the works that finish or
        # close with this import are told to the followers of a unit's pending closures.
        stages_before = {}
        if not dry_run:
            with engine.connect() as conn:
                stages_before = cycle_stages(conn)
        results = []
        for spec, location in requests:
            progress = progress_for(spec.name) if progress_for else None
            results.append(import_source(engine, settings, spec, location, dry_run, progress))
        if not dry_run and any(result.status == "imported" for result in results):
            with engine.begin() as conn:
                refresh_derived_fields(conn, settings.region)
                log_pending_closure_changes(
                    conn,
                    stages_before,
                    [r.run_id for r in results if r.status == "imported" and r.run_id],
                )
                if has_search_tables(conn):
                    sync_documents(conn)  # place and unit names the derived step (re)wrote
            vacuum_analyze(engine)  # before the hooks: they and every visitor read the new rows
            for hook in after_import:
                hook()
    return results


def import_source(
    engine: Engine,
    settings: ImportSettings,
    spec: SourceSpec,
    location: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> SourceResult:
    result = SourceResult(spec.name, location)
    started = now()
    fetched: FetchedFile | None = None
    stage: Stage | None = None
    try:
        fetched = fetch(location, settings.retries, settings.timeout)
        result.file_hash = fetched.sha256
        if already_imported(engine, spec.name, fetched.sha256):
            result.status = "unchanged"
        else:
            stage = Stage(engine, spec, started)
            validated = read_into_stage(
                engine, settings, spec, fetched.path, stage, by_size(progress, fetched.size)
            )
            result.rows_read, result.rows_imported = validated.rows_read, validated.rows_imported
            result.rows_rejected = len(validated.rejects)
            result.blanked_details = validated.blanked
            result.values_blanked = {
                column: entry["count"] for column, entry in validated.blanked.items()
            }
            result.rows_outside_region = validated.rows_outside
            result.rows_unlinked = validated.rows_unlinked
            result.rows_linked_by_text = validated.rows_linked_by_text
            check_plausible(engine, spec, validated, settings.min_rows_ratio, stage)
            result.rejects_file = write_rejects(settings, spec, started, validated, dry_run)
            _swap(engine, spec, stage, result, started, dry_run)
            result.status = "imported"
    except SourceFileError as exc:
        result.status, result.error = "rejected", str(exc)
    finally:
        if stage is not None:
            stage.drop()
        if fetched is not None:
            fetched.discard()
    if not dry_run and result.status != "imported":
        record_run(engine, result, started)
    return result


def _swap(engine, spec: SourceSpec, stage: Stage, result: SourceResult, started, dry_run) -> None:
    """The one transaction that replaces live data and records the run; rolled back on dry runs."""
    with engine.connect() as conn:
        transaction = conn.begin()
        scopes = stage.scopes(conn)
        run_id = None
        if not dry_run:
            run_id = conn.execute(
                insert(RUNS).values(run_values(result, started))
            ).inserted_primary_key[0]
        if spec.mode == "investments":
            log_additions = last_good_rows(engine, spec.name, None) is not None
            result.changes = swap_investments(conn, stage, run_id, log_additions)
        elif spec.mode == "processes":
            # Processes added or changed are news for followers, not those of a first import.
            first = last_good_rows(engine, spec.name, None) is None
            result.changes = swap_keyed(conn, stage, None if first else run_id)
        else:
            result.changes = swap_replace(conn, stage, scopes)
        if has_search_tables(conn):
            # PostgreSQL search: the documents change with the data, in this transaction.
            sync_documents(conn)
        if dry_run:
            transaction.rollback()
            return
        result.run_id = run_id
        conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(
                status="imported",
                changes=result.changes,
                scope=scope_text(scopes),
                finished_at=now(),
            )
        )
        transaction.commit()
