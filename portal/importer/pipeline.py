"""The nightly import: fetch → read → validate → stage → diff → swap → derive, one source at a time.

Every source ends as a ``SourceResult`` (imported, unchanged or rejected) and an ``ImportRun``
row, so /estado can say what happened and which data is stale. A rejected file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, update

from portal.importer.fetch import FetchedFile, fetch
from portal.importer.lock import import_lock
from portal.importer.models import ImportRun
from portal.importer.reading import (
    SourceFileError,
    Table,
    map_columns,
    normalize_name,
    open_csv_table,
)
from portal.importer.sources import ImportContext, Row, RowLayout, SourceSpec
from portal.importer.sources.infobras import HEADER_MARKERS
from portal.importer.staging import Stage, swap_investments, swap_keyed, swap_replace
from portal.importer.xlsx import open_xlsx_table
from portal.investments.models import Investment
from portal.places import region_name, valid_region
from portal.search.backends.pg_documents import has_search_tables, sync_documents

RUNS = ImportRun.__table__
#: Called with the rows read so far and the estimated share of the file read (0–1), for the
#: terminal's progress bar.
Progress = Callable[[int, float], None]
#: Rows between progress reports; the bytes of one sampled row stand for the whole stretch.
PROGRESS_EVERY = 1000


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


@dataclass
class SourceResult:
    name: str
    location: str
    status: str = "rejected"
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    #: Rows of other departments, read and left out (0 when the whole country is published).
    rows_outside_region: int = 0
    #: OCDS processes that name no CUI at all, and those linked only by a CUI found in their
    #: texts (weaker evidence); None for the sources that have no such thing.
    rows_unlinked: int | None = None
    rows_linked_by_text: int | None = None
    changes: int = 0
    error: str | None = None
    file_hash: str | None = None
    run_id: int | None = None
    rejects_file: str | None = None
    #: Optional values left empty because they could not be read, per published column.
    values_blanked: dict[str, int] = field(default_factory=dict)
    #: The same with what was expected, one example and how many values the column had.
    blanked_details: dict[str, dict] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        summary = asdict(self)
        del summary["blanked_details"]
        return summary


@dataclass
class _Validated:
    rows_read: int = 0
    rows_imported: int = 0
    rows_outside: int = 0
    rows_unlinked: int | None = None
    rows_linked_by_text: int | None = None
    rejects: list[tuple[int, str, list[str]]] = field(default_factory=list)
    #: Published column → {"count", "expected", "example", "present"} (see ImportRun).
    blanked: dict[str, dict] = field(default_factory=dict)

    def note_blanked(self, row: Row) -> None:
        """Count the optional values this accepted row had to leave empty, keeping one example."""
        names = row.layout.names
        for name, text, expected in row.blanked or ():
            column = names[name]
            entry = self.blanked.get(column)
            if entry is None:
                entry = self.blanked[column] = {"count": 0, "expected": expected, "example": text}
            entry["count"] += 1


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
    started = _now()
    fetched: FetchedFile | None = None
    stage: Stage | None = None
    try:
        fetched = fetch(location, settings.retries, settings.timeout)
        result.file_hash = fetched.sha256
        if _already_imported(engine, spec.name, fetched.sha256):
            result.status = "unchanged"
        else:
            stage = Stage(engine, spec, started)
            validated = _read_into_stage(
                engine, settings, spec, fetched.path, stage, _by_size(progress, fetched.size)
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
            _check_plausible(engine, spec, validated, settings.min_rows_ratio, stage)
            result.rejects_file = _write_rejects(settings, spec, started, validated, dry_run)
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
        _record_run(engine, result, started)
    return result


def _read_into_stage(engine, settings, spec, path, stage, progress) -> _Validated:
    context = ImportContext(
        region=settings.region,
        region_name=settings.region_name,
        known_cuis=_known_cuis(engine, settings.region),
        today=dt.date.today(),
    )
    if spec.read_items is not None:
        return _read_items_into_stage(spec, path, context, stage, progress)
    if path.is_dir():
        raise SourceFileError(f"{path} is a folder: {spec.name} reads one file at a time")
    validated = _Validated()
    seen: dict[tuple, int] = {}
    #: Sources whose rows add up (Seguimiento-PI): key → records, staged once the file is read.
    merged: dict[tuple, list] = {}
    with _open(spec, path) as table:
        found = map_columns(table.header, spec.columns, spec.required)
        layout = RowLayout(
            index={name: found.get(name, -1) for name in spec.columns},
            names={
                name: table.header[found[name]] if name in found else aliases[0]
                for name, aliases in spec.columns.items()
            },
            required=spec.required,
        )
        width = len(table.header)
        last_row_width = width
        #: A CSV row has as many fields as its header; XLSX rows omit trailing empty cells.
        exact_width = spec.file_format == "csv"
        for line, values in table.rows():
            validated.rows_read += 1
            last_row_width = len(values)
            if exact_width and len(values) != width:
                # Shifted fields put a name where UBIGEO is read: such a row would be counted
                # as another region's or import wrong values. Rejected, with its line.
                validated.rejects.append(
                    (line, f"{len(values)} fields where the header has {width}", values)
                )
                continue
            if len(values) < width:
                values.extend([""] * (width - len(values)))
            values.append("")
            if progress and validated.rows_read % PROGRESS_EVERY == 0:
                progress(validated.rows_read, values)
            row = Row(values, layout)
            try:
                records = list(spec.parse_row(row, context))
            except ValueError as exc:
                validated.rejects.append((line, str(exc), values))
                stage.keep_previous(row)
                continue
            if not records:
                # A source gives no records only for a row of another department.
                validated.rows_outside += 1
                continue
            main = records[0][1]
            key = tuple(main[column] for column in spec.key_columns)
            if spec.merge_rows is not None:
                if key in merged:
                    spec.merge_rows(merged[key], records)
                else:
                    merged[key] = records
            elif key and key in seen:
                validated.rejects.append((line, f"duplicate of line {seen[key]}", values))
                continue
            else:
                if key:
                    seen[key] = line
                stage.add(records)
            validated.rows_imported += 1
            if row.blanked:
                validated.note_blanked(row)
    for name, column in layout.names.items():
        if column in validated.blanked:
            validated.blanked[column]["present"] = layout.present.get(name, 0)
    if spec.file_format == "csv" and last_row_width < width:
        raise SourceFileError(
            f"the last row is incomplete ({last_row_width} of {width} fields): the file was "
            "cut off, probably an interrupted download, so the previous data is kept"
        )
    for records in merged.values():
        stage.add(records)
    stage.flush()
    if progress:
        progress(validated.rows_read, None)
    return validated


def _read_items_into_stage(spec, path, context, stage, progress) -> _Validated:
    """A source that is not a table (OCDS JSON): one outcome per process, already merged."""
    validated = _Validated(rows_unlinked=0, rows_linked_by_text=0)
    for item in spec.read_items(path, context):
        validated.rows_read += 1
        if progress and validated.rows_read % PROGRESS_EVERY == 0:
            progress(validated.rows_read, None)
        if item.kind == "outside":
            validated.rows_outside += 1
        elif item.kind == "unlinked":
            validated.rows_unlinked += 1
        elif item.kind == "rejected":
            validated.rejects.append((validated.rows_read, item.reason or "", [item.ocid]))
        else:
            stage.add(item.records)
            validated.rows_imported += 1
            if item.records[0][1].get("matched_by") == "text":
                validated.rows_linked_by_text += 1
    stage.flush()
    if progress:
        progress(validated.rows_read, None)
    return validated


def _by_size(progress: Progress | None, size: int):
    """Sampled rows → estimated share of the file read (rows are streamed, never counted first)."""
    if progress is None:
        return None
    estimated = 0

    def report(rows: int, sample: list[str] | None) -> None:
        nonlocal estimated
        if sample is None:
            progress(rows, 1.0)
            return
        estimated += (sum(len(value) for value in sample) + 3 * len(sample)) * PROGRESS_EVERY
        progress(rows, min(estimated / size, 0.99) if size else 0.0)

    return report


def _open(spec: SourceSpec, path: Path) -> Table:
    if spec.file_format == "xlsx":
        return open_xlsx_table(path, HEADER_MARKERS)
    return open_csv_table(path)


def _check_plausible(engine, spec: SourceSpec, validated: _Validated, ratio: float, stage) -> None:
    """Refuse files that read but cannot be right: nothing usable, mostly bad, or far too short.

    A file of OCDS processes only adds or updates the processes it carries, so one that links
    none to the region is read and changes nothing; the JSON reader catches cut-off files.
    """
    if spec.mode == "processes":
        if validated.rejects and len(validated.rejects) > validated.rows_read / 2:
            raise SourceFileError(
                f"most processes are invalid ({len(validated.rejects)} of "
                f"{validated.rows_read}); first: {validated.rejects[0][1]}"
            )
        return
    if validated.rows_imported == 0:
        raise SourceFileError(
            f"no valid rows for the region ({validated.rows_read} read, "
            f"{len(validated.rejects)} rejected, {validated.rows_outside} of other departments)"
        )
    if len(validated.rejects) > validated.rows_read / 2:
        first_line, first_reason, _ = validated.rejects[0]
        raise SourceFileError(
            f"most rows are invalid ({len(validated.rejects)} of {validated.rows_read}); "
            f"first at line {first_line}: {first_reason}"
        )
    if spec.scope_column is not None:
        _check_each_scope(engine, spec, stage, ratio)
        return
    previous = _last_good_rows(engine, spec.name, None)
    if previous and validated.rows_imported < previous * ratio:
        raise SourceFileError(
            f"only {validated.rows_imported} rows, far fewer than the {previous} of the last "
            "good import: the file looks truncated, so the previous data is kept"
        )


def _check_each_scope(engine, spec: SourceSpec, stage: Stage, ratio: float) -> None:
    """A file of many years (Seguimiento-PI) is compared year by year with the live data.

    Each year it carries replaces only that year, so a year far shorter than its live rows
    (records after adding up) means a cut file; years it lacks keep their live rows.
    """
    live_table = spec.tables[0]
    column = spec.scope_column
    with engine.connect() as conn:
        staged = stage.count_by_scope(conn)
        live = dict(
            conn.execute(
                select(live_table.c[column], func.count())
                .where(live_table.c[column].in_(list(staged)))
                .group_by(live_table.c[column])
            ).all()
        )
    published_name = spec.columns[column][0]
    for scope in sorted(staged):
        if live.get(scope) and staged[scope] < live[scope] * ratio:
            raise SourceFileError(
                f"{published_name} {scope}: only {staged[scope]} records, far fewer than the "
                f"{live[scope]} imported before: the file looks truncated, so the previous "
                "data is kept"
            )


def scope_text(scopes) -> str | None:
    """'2005-2026' for a run of years, '2019,2021-2022' with gaps: what /estado shows."""
    values = sorted(scopes)
    if not values:
        return None
    if not all(isinstance(value, int) for value in values):
        return ",".join(str(value) for value in values)
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _swap(engine, spec: SourceSpec, stage: Stage, result: SourceResult, started, dry_run) -> None:
    """The one transaction that replaces live data and records the run; rolled back on dry runs."""
    with engine.connect() as conn:
        transaction = conn.begin()
        scopes = stage.scopes(conn)
        run_id = None
        if not dry_run:
            run_id = conn.execute(
                insert(RUNS).values(_run_values(result, started))
            ).inserted_primary_key[0]
        if spec.mode == "investments":
            log_additions = _last_good_rows(engine, spec.name, None) is not None
            result.changes = swap_investments(conn, stage, run_id, log_additions)
        elif spec.mode == "processes":
            result.changes = swap_keyed(conn, stage)
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
                finished_at=_now(),
            )
        )
        transaction.commit()


def _record_run(engine, result: SourceResult, started) -> None:
    with engine.begin() as conn:
        values = _run_values(result, started) | {"finished_at": _now()}
        result.run_id = conn.execute(insert(RUNS).values(values)).inserted_primary_key[0]


def _run_values(result: SourceResult, started) -> dict:
    return {
        "source": result.name,
        "location": result.location,
        "started_at": started,
        "status": result.status,
        "file_hash": result.file_hash,
        "rows_read": result.rows_read,
        "rows_imported": result.rows_imported,
        "rows_rejected": result.rows_rejected,
        "rows_outside_region": result.rows_outside_region,
        "rows_unlinked": result.rows_unlinked,
        "rows_linked_by_text": result.rows_linked_by_text,
        "changes": result.changes,
        "error": result.error,
        "rejects_file": result.rejects_file,
        "values_blanked": result.blanked_details or None,
    }


def _write_rejects(settings, spec, started, validated: _Validated, dry_run) -> str | None:
    """A CSV of the rejected rows (line, reason, the row as read), linked from /estado."""
    if not validated.rejects or dry_run:
        return None
    name = f"rechazos-{spec.name}-{started:%Y%m%dT%H%M%S%f}.csv"
    with (settings.reports_dir / name).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["linea", "motivo", "fila"])
        for line, reason, values in validated.rejects:
            writer.writerow([line, reason, " | ".join(values)[:2000]])
    return name


def _already_imported(engine, source: str, sha256: str) -> bool:
    """The file is the one whose data is live: no later import of the same scope replaced it."""
    with engine.connect() as conn:
        match = conn.execute(
            select(RUNS.c.id, RUNS.c.scope)
            .where(RUNS.c.source == source, RUNS.c.file_hash == sha256, RUNS.c.status == "imported")
            .order_by(RUNS.c.id.desc())
            .limit(1)
        ).first()
        if match is None:
            return False
        later = select(func.count()).where(
            RUNS.c.source == source, RUNS.c.status == "imported", RUNS.c.id > match.id
        )
        if match.scope is not None:
            later = later.where(RUNS.c.scope == match.scope)
        return not conn.scalar(later)


def _last_good_rows(engine, source: str, scope: str | None) -> int | None:
    query = (
        select(RUNS.c.rows_imported)
        .where(RUNS.c.source == source, RUNS.c.status == "imported")
        .order_by(RUNS.c.id.desc())
        .limit(1)
    )
    if scope is not None:
        query = query.where(RUNS.c.scope == scope)
    with engine.connect() as conn:
        return conn.scalar(query)


def _known_cuis(engine, region: str) -> frozenset[str]:
    if region == "all":
        return frozenset()
    with engine.connect() as conn:
        return frozenset(conn.scalars(select(Investment.cui)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
