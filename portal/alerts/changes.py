"""What changed, in plain words: the change log grouped by investment and import.

Feeds and email digests tell the same story from the same rows: one group per investment and
import run, each line a field's label with its old and new value as the investment page shows them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.labels import CHANGE_FIELD_LABELS, STATUS_LABELS, change_value_text
from portal.investments.models import ChangeLogEntry, Investment

#: How far back a feed of many investments looks in the change log, and in what steps.
MAX_SCANNED, SCAN_CHUNK = 100_000, 5_000
#: Change-log fields that say an investment entered or left the published records.
ADDED, REMOVED = "_added", "_removed"
#: The change-log field of a work joining or leaving its unit's pending closures.
STAGE_FIELD, PENDING = "cycle_stage", "terminada"
#: The change-log field of a contracting process an import added or changed (its ocid).
PROCESS_FIELD = "contract_process"


@dataclass(frozen=True)
class ProcessChange:
    """A contracting process of the investment that an import added (new) or changed."""

    ocid: str
    title: str
    new: bool
    #: The ids of its awarded suppliers today, as published: who follows it.
    suppliers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChangedField:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class InvestmentChange:
    """Everything one import changed in one investment."""

    cui: str
    name: str
    ubigeo: str | None
    import_run_id: int
    changed_at: dt.datetime
    #: The day the data was published by the import (what a citation names).
    data_date: dt.date
    added: bool
    removed: bool
    fields: list[ChangedField]
    last_entry_id: int
    #: The investment's status word today (None once it left the records), as the page says it.
    status: str | None = None
    #: The executing unit today (SEC_EJEC): whose pending closures the change is about.
    sec_ejec: str | None = None
    #: "joined" (finished, not closed), "closed" or "left" (another stage) the unit's pending
    #: closures with this import; None when the list did not change.
    pending_closure: str | None = None
    #: The contracting processes this import added or changed.
    processes: tuple[ProcessChange, ...] = ()


def describe_changes(session: Session, entries: Iterable[ChangeLogEntry]) -> list[InvestmentChange]:
    """Group change-log entries by (CUI, import run), newest first, with plain-words fields."""
    groups: dict[tuple[str, int], list[ChangeLogEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.cui, entry.import_run_id)].append(entry)
    if not groups:
        return []
    cuis = {cui for cui, _ in groups}
    investments = {
        row.cui: row
        for row in session.execute(
            select(
                Investment.cui,
                Investment.name,
                Investment.ubigeo,
                Investment.status,
                Investment.sec_ejec,
            ).where(Investment.cui.in_(cuis))
        )
    }
    run_dates = dict(
        session.execute(
            select(ImportRun.id, ImportRun.finished_at).where(
                ImportRun.id.in_({run for _, run in groups})
            )
        ).all()
    )
    processes = _processes(
        session, [e for rows in groups.values() for e in rows if e.field == PROCESS_FIELD]
    )
    changes = []
    for (cui, run_id), rows in groups.items():
        rows.sort(key=lambda e: e.id)
        known = investments.get(cui)
        changed_at = rows[-1].changed_at
        changes.append(
            InvestmentChange(
                cui=cui,
                name=known.name if known else cui,
                ubigeo=known.ubigeo if known else None,
                import_run_id=run_id,
                changed_at=changed_at,
                data_date=(run_dates.get(run_id) or changed_at).date(),
                added=any(e.field == ADDED for e in rows),
                removed=any(e.field == REMOVED for e in rows),
                fields=[
                    ChangedField(
                        label=str(CHANGE_FIELD_LABELS.get(e.field, e.field)),
                        old=change_value_text(e.old_value, e.field),
                        new=change_value_text(e.new_value, e.field),
                    )
                    for e in rows
                    if e.field not in (ADDED, REMOVED, PROCESS_FIELD)
                ],
                last_entry_id=rows[-1].id,
                status=str(STATUS_LABELS.get(known.status, known.status)) if known else None,
                sec_ejec=known.sec_ejec if known else None,
                pending_closure=_pending_closure(rows),
                processes=tuple(
                    processes[e.new_value]
                    for e in rows
                    if e.field == PROCESS_FIELD and e.new_value in processes
                ),
            )
        )
    changes.sort(key=lambda c: (c.changed_at, c.last_entry_id), reverse=True)
    return changes


def _processes(session: Session, entries: list[ChangeLogEntry]) -> dict[str, ProcessChange]:
    """ocid → what the change log says of each process (new when it had no old value)."""
    from portal.contracts.models import ContractAward, ContractingProcess

    if not entries:
        return {}
    ocids = {e.new_value for e in entries}
    new = {e.new_value for e in entries if e.old_value is None}
    suppliers: dict[str, set[str]] = defaultdict(set)
    for ocid, ruc in session.execute(
        select(ContractAward.ocid, ContractAward.ruc).where(ContractAward.ocid.in_(ocids))
    ):
        if ruc:
            suppliers[ocid].add(ruc)
    return {
        ocid: ProcessChange(ocid, title or ocid, ocid in new, frozenset(suppliers[ocid]))
        for ocid, title in session.execute(
            select(ContractingProcess.ocid, ContractingProcess.title).where(
                ContractingProcess.ocid.in_(ocids)
            )
        )
    }


def _pending_closure(rows: list[ChangeLogEntry]) -> str | None:
    """How an import's entries moved the investment in or out of the pending closures."""
    stage = next((e for e in reversed(rows) if e.field == STAGE_FIELD), None)
    if stage is None or (stage.old_value == PENDING) == (stage.new_value == PENDING):
        return None
    if stage.new_value == PENDING:
        return "joined"
    return "closed" if stage.new_value == "cerrada" else "left"


def pending_closure_changes(
    session: Session, sec_ejec: str, limit: int = 50
) -> list[InvestmentChange]:
    """The latest works of a unit that joined or left its pending closures, newest first."""
    entries = session.scalars(
        select(ChangeLogEntry)
        .join(Investment, Investment.cui == ChangeLogEntry.cui)
        .where(ChangeLogEntry.field == STAGE_FIELD, Investment.sec_ejec == sec_ejec)
        .order_by(ChangeLogEntry.id.desc())
        .limit(limit)
    ).all()
    return [c for c in describe_changes(session, entries) if c.pending_closure][:limit]


def latest_changes_of(
    session: Session, cuis: Iterable[str], limit: int = 50
) -> list[InvestmentChange]:
    """The latest ``limit`` change groups among ``cuis`` (a feed's entries).

    Walks the change log from the newest entry in chunks and keeps the entries of ``cuis``: a
    search may match thousands of investments, and an IN list of them would cost more than the
    walk, which stops as soon as the feed is full (or after ``MAX_SCANNED`` entries).
    """
    wanted = set(cuis)
    if not wanted:
        return []
    if len(wanted) <= 50:
        entries = session.scalars(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.cui.in_(wanted))
            .order_by(ChangeLogEntry.id.desc())
            .limit(limit * 60)
        ).all()
        return describe_changes(session, entries)[:limit]
    kept: list[int] = []
    groups: set[tuple[str, int]] = set()
    below = None
    for _ in range(MAX_SCANNED // SCAN_CHUNK):
        stmt = select(ChangeLogEntry.id, ChangeLogEntry.cui, ChangeLogEntry.import_run_id)
        if below is not None:
            stmt = stmt.where(ChangeLogEntry.id < below)
        chunk = session.execute(stmt.order_by(ChangeLogEntry.id.desc()).limit(SCAN_CHUNK)).all()
        for entry_id, cui, run_id in chunk:
            if cui in wanted and (len(groups) < limit or (cui, run_id) in groups):
                groups.add((cui, run_id))
                kept.append(entry_id)
        if len(chunk) < SCAN_CHUNK or len(groups) >= limit:
            break
        below = chunk[-1][0]
    if not kept:
        return []
    entries = session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.id.in_(kept))).all()
    return describe_changes(session, entries)[:limit]


def latest_change_id(session: Session) -> int:
    """The newest change-log entry: what a new subscription has already 'seen'."""
    return (
        session.scalar(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id.desc()).limit(1)) or 0
    )
