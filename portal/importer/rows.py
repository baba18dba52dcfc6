"""A published file read into the stage: each row parsed by its source, checked, counted; then
the whole file judged plausible or refused (nothing usable, mostly bad, far too short)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from portal.importer.reading import SourceFileError, Table, map_columns, open_csv_table
from portal.importer.runs import last_good_rows
from portal.importer.sources import ImportContext, Row, RowLayout, SourceSpec
from portal.importer.sources.infobras import HEADER_MARKERS
from portal.importer.staging import Stage
from portal.importer.xlsx import open_xlsx_table
from portal.investments.models import Investment

#: Called with the rows read so far and the estimated share of the file read (0–1), for the
#: terminal's progress bar.
Progress = Callable[[int, float], None]
#: Rows between progress reports; the bytes of one sampled row stand for the whole stretch.
PROGRESS_EVERY = 1000


@dataclass
class Validated:
    """What reading one file came to: rows read, staged, left out and rejected (with why)."""

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


def read_into_stage(engine, settings, spec, path, stage, progress) -> Validated:
    context = ImportContext(
        region=settings.region,
        region_name=settings.region_name,
        known_cuis=known_cuis(engine, settings.region),
        today=dt.date.today(),
    )
    if spec.read_items is not None:
        return _read_items_into_stage(spec, path, context, stage, progress)
    if path.is_dir():
        raise SourceFileError(f"{path} is a folder: {spec.name} reads one file at a time")
    validated = Validated()
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


def by_size(progress: Progress | None, size: int):
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


def _read_items_into_stage(spec, path, context, stage, progress) -> Validated:
    """A source that is not a table (OCDS JSON): one outcome per process, already merged."""
    validated = Validated(rows_unlinked=0, rows_linked_by_text=0)
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


def check_plausible(engine, spec: SourceSpec, validated: Validated, ratio: float, stage) -> None:
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
    previous = last_good_rows(engine, spec.name, None)
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


def write_rejects(settings, spec, started, validated: Validated, dry_run) -> str | None:
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


def known_cuis(engine, region: str) -> frozenset[str]:
    if region == "all":
        return frozenset()
    with engine.connect() as conn:
        return frozenset(conn.scalars(select(Investment.cui)))
