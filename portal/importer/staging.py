"""Stage → diff → swap: rows are written to scratch tables in small batches, then swapped into
the live tables in ONE short transaction, so a reader never sees half an import and a rejected
file never touches the live data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    except_,
    exists,
    func,
    insert,
    select,
    update,
)

from portal.importer.sources import Record, SourceSpec, clean_code
from portal.importer.sources.mef_inversiones import TRACKED_FIELDS
from portal.investments.models import ChangeLogEntry, Investment

BATCH_SIZE = 5000
HASHED_FIELDS = TRACKED_FIELDS + ("source",)
CHANGE_LOG = ChangeLogEntry.__table__
INVESTMENTS = Investment.__table__


def row_hash(record: dict) -> str:
    """Digest of the tracked fields: an unchanged investment is skipped unseen."""
    values = tuple([record.get(field) for field in HASHED_FIELDS])
    return hashlib.sha1(repr(values).encode()).hexdigest()


class Stage:
    """Scratch copies of a source's tables (no indexes, no constraints), filled in batches."""

    def __init__(self, engine: Engine, spec: SourceSpec, now: dt.datetime):
        self.engine = engine
        self.spec = spec
        self.now = now
        self.metadata = MetaData()
        self.tables: dict[str, Table] = {
            table.name: Table(
                f"stage_{table.name}",
                self.metadata,
                *(Column(c.name, c.type) for c in table.columns if not _is_surrogate_key(c)),
            )
            for table in spec.tables
        }
        main = self.tables[spec.tables[0].name]
        if spec.key_columns:
            # The diff joins staged and live rows by key: without this index it is quadratic.
            Index(f"ix_{main.name}_key", *(main.c[name] for name in spec.key_columns))
        self._buffers: dict[str, list[dict]] = defaultdict(list)
        self._text_limits = {table.name: _text_limits(table) for table in spec.tables}
        #: Investments mode: CUI → (row hash, source) of the live rows, and the CUIs this file has.
        #: A row whose hash is unchanged is never staged: a nightly file differs in ~1% of rows.
        self.live: dict[str, tuple[str, str]] = {}
        self.seen: set[str] = set()
        if spec.mode == "investments":
            with engine.connect() as conn:
                query = select(INVESTMENTS.c.cui, INVESTMENTS.c.row_hash, INVESTMENTS.c.source)
                self.live = {cui: (digest, source) for cui, digest, source in conn.execute(query)}
        self.metadata.drop_all(engine)
        self.metadata.create_all(engine)

    def add(self, records: Iterable[Record]) -> None:
        for table, record in records:
            if table is INVESTMENTS:
                digest = row_hash(record)
                self.seen.add(record["cui"])
                if self.live.get(record["cui"], ("",))[0] == digest:
                    continue
                record.update(
                    row_hash=digest,
                    first_seen_at=self.now,
                    changed_at=self.now,
                    status="sin_iniciar",
                    phase="formulacion",
                    red_flags="",
                )
            _fit_text(record, self._text_limits[table.name])
            buffer = self._buffers[table.name]
            buffer.append(record)
            if len(buffer) >= BATCH_SIZE:
                self._write(table.name)

    def keep_previous(self, row) -> None:
        """A rejected row of a known investment keeps its live version instead of removing it."""
        if self.spec.mode != "investments":
            return
        try:
            cui = clean_code(row["cui"])
        except ValueError:
            return
        if cui in self.live:
            self.seen.add(cui)

    def flush(self) -> None:
        for name in list(self._buffers):
            self._write(name)

    def _write(self, name: str) -> None:
        buffer = self._buffers[name]
        if buffer:
            with self.engine.begin() as conn:
                conn.execute(self.tables[name].insert(), buffer)
            buffer.clear()

    def scopes(self, connection: Connection) -> list:
        """The values of the scope column present in the file (the years of a Seguimiento file)."""
        column = self.spec.scope_column
        if column is None:
            return []
        staged = self.tables[self.spec.tables[0].name]
        return list(connection.scalars(select(staged.c[column]).distinct()))

    def count_by_scope(self, connection: Connection) -> dict:
        """Staged records per scope value (per year of a Seguimiento-PI file)."""
        staged = self.tables[self.spec.tables[0].name]
        column = staged.c[self.spec.scope_column]
        return dict(connection.execute(select(column, func.count()).group_by(column)).all())

    def drop(self) -> None:
        self.metadata.drop_all(self.engine)


#: Free text (Text columns) is cut here: a 20 MB "name" must not reach every page and export.
TEXT_LIMIT = 4000


def _text_limits(table: Table) -> list[tuple[str, int]]:
    limits = []
    for column in table.columns:
        if isinstance(column.type, String):
            limits.append((column.name, column.type.length or TEXT_LIMIT))
    return limits


def _fit_text(record: dict, limits: list[tuple[str, int]]) -> None:
    """Cut text longer than its column (PostgreSQL would refuse it) with an ellipsis."""
    for name, limit in limits:
        value = record.get(name)
        if isinstance(value, str) and len(value) > limit:
            record[name] = value[: limit - 1] + "…"


def _is_surrogate_key(column: Column) -> bool:
    return column.primary_key and column.name == "id"


def swap_replace(conn: Connection, stage: Stage, scopes: Sequence) -> int:
    """Replace the live tables (or their scoped part) by the staged rows; count rows that differ."""
    changes = 0
    for live in stage.spec.tables:
        staged = stage.tables[live.name]
        names = [column.name for column in staged.columns]
        live_rows = select(*(live.c[name] for name in names))
        scoped = stage.spec.scope_column if live is stage.spec.tables[0] else None
        if scoped:
            live_rows = live_rows.where(live.c[scoped].in_(scopes))
        staged_rows = select(*(staged.c[name] for name in names))
        for difference in (except_(staged_rows, live_rows), except_(live_rows, staged_rows)):
            changes += conn.scalar(select(func.count()).select_from(difference.subquery()))
        removal = delete(live)
        if scoped:
            removal = removal.where(live.c[scoped].in_(scopes))
        conn.execute(removal)
        conn.execute(insert(live).from_select(names, staged_rows))
    return changes


def swap_keyed(conn: Connection, stage: Stage, run_id: int | None = None) -> int:
    """Replace the live records of the keys staged (OCDS processes); count rows that differ.

    Every table of the source carries the key column (``ocid``): a process's awards go with it.
    With a ``run_id``, the processes added or changed are written into the change log.
    """
    from portal.contracts.process_log import changed_processes, log_process_changes

    changed = changed_processes(conn, stage.tables) if run_id is not None else {}
    [key] = stage.spec.key_columns
    main = stage.tables[stage.spec.tables[0].name]
    keys = select(main.c[key])
    changes = 0
    for live in stage.spec.tables:
        staged = stage.tables[live.name]
        names = [column.name for column in staged.columns]
        live_rows = select(*(live.c[name] for name in names)).where(live.c[key].in_(keys))
        staged_rows = select(*(staged.c[name] for name in names))
        for difference in (except_(staged_rows, live_rows), except_(live_rows, staged_rows)):
            changes += conn.scalar(select(func.count()).select_from(difference.subquery()))
        conn.execute(delete(live).where(live.c[key].in_(keys)))
        conn.execute(insert(live).from_select(names, staged_rows))
    if changed:
        log_process_changes(conn, changed, run_id, stage.now)
    return changes


def swap_investments(
    conn: Connection, stage: Stage, run_id: int | None, log_additions: bool
) -> int:
    """Upsert the staged investments, writing one change-log entry per changed field."""
    spec, now = stage.spec, stage.now
    staged = stage.tables[INVESTMENTS.name]
    if spec.name == "mef-inversiones":
        # A CUI already closed keeps its closure record: closure is the later fact.
        closed = select(INVESTMENTS.c.cui).where(INVESTMENTS.c.source == "mef-cierre")
        conn.execute(delete(staged).where(staged.c.cui.in_(closed)))
    entries = _update_changed(conn, staged, run_id, now)
    added = list(
        conn.scalars(select(staged.c.cui).where(~exists().where(INVESTMENTS.c.cui == staged.c.cui)))
    )
    names = [column.name for column in staged.columns]
    # In place order: the rows of one department or province end up in neighbouring pages of
    # the table, so a map or list of a place reads a few hundred pages instead of one page per
    # row (a file in CUI order, as the samples are, scatters every place over the table).
    conn.execute(
        insert(INVESTMENTS).from_select(
            names,
            select(*(staged.c[n] for n in names))
            .where(~exists().where(INVESTMENTS.c.cui == staged.c.cui))
            .order_by(staged.c.ubigeo, staged.c.cui),
        )
    )
    removed = sorted(
        cui
        for cui, (_, source) in stage.live.items()
        if source == spec.name and cui not in stage.seen
    )
    for start in range(0, len(removed), 1000):
        conn.execute(
            delete(INVESTMENTS).where(INVESTMENTS.c.cui.in_(removed[start : start + 1000]))
        )
    if log_additions:
        entries += [_entry(cui, "_added", None, spec.name, run_id, now) for cui in added]
    entries += [_entry(cui, "_removed", spec.name, None, run_id, now) for cui in removed]
    if entries and run_id is not None:
        conn.execute(insert(CHANGE_LOG), entries)
    return len(entries) if log_additions else len(entries) + len(added)


def _update_changed(
    conn: Connection, staged: Table, run_id: int | None, now: dt.datetime
) -> list[dict]:
    fields = TRACKED_FIELDS + ("source",)
    query = (
        select(staged, *(INVESTMENTS.c[f].label(f"old_{f}") for f in fields))
        .join(INVESTMENTS, INVESTMENTS.c.cui == staged.c.cui)
        .where(staged.c.row_hash != INVESTMENTS.c.row_hash)
    )
    entries, updates = [], []
    for row in conn.execute(query).mappings():
        for field in fields:
            if row[field] != row[f"old_{field}"]:
                entries.append(
                    _entry(row["cui"], field, row[f"old_{field}"], row[field], run_id, now)
                )
        updates.append(
            {f"v_{f}": row[f] for f in fields + ("row_hash", "cui")} | {"v_changed_at": now}
        )
    if updates:
        values = {f: bindparam(f"v_{f}") for f in fields + ("row_hash", "changed_at")}
        statement = (
            update(INVESTMENTS).where(INVESTMENTS.c.cui == bindparam("v_cui")).values(values)
        )
        conn.execute(statement, updates)
    return entries


def _entry(cui: str, field: str, old, new, run_id: int | None, now: dt.datetime) -> dict:
    return {
        "cui": cui,
        "field": field,
        "old_value": _as_text(old),
        "new_value": _as_text(new),
        "import_run_id": run_id,
        "changed_at": now,
    }


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:TEXT_LIMIT]
