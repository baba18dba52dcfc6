"""The ledger of imports (``import_runs``): one row per source and attempt, and what later
imports and /estado ask of it (was this file already imported? how many rows last time?)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, insert, select

from portal.importer.models import ImportRun

RUNS = ImportRun.__table__


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


def record_run(engine, result: SourceResult, started) -> None:
    with engine.begin() as conn:
        values = run_values(result, started) | {"finished_at": now()}
        result.run_id = conn.execute(insert(RUNS).values(values)).inserted_primary_key[0]


def run_values(result: SourceResult, started) -> dict:
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


def already_imported(engine, source: str, sha256: str) -> bool:
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


def last_good_rows(engine, source: str, scope: str | None) -> int | None:
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


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
