"""Processes an OCDS import added or changed, written into the change log of their investment.

A process is one change-log entry ``contract_process`` (old value: None when new, else its ocid;
new value: its ocid) on the investment it is linked to, so the investment's feed, the digests and
the followers of a supplier (``/contratistas/<RUC>``) tell it from the same rows as every change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Table, except_, insert, select
from sqlalchemy.engine import Connection

from portal.contracts.models import ContractAward, ContractingProcess
from portal.investments.models import ChangeLogEntry

#: The change-log field of a contracting process added or changed by an import.
PROCESS_FIELD = "contract_process"
PROCESSES, AWARDS = ContractingProcess.__table__, ContractAward.__table__


def changed_processes(conn: Connection, staged: dict[str, Table]) -> dict[str, tuple[str, bool]]:
    """ocid → (CUI, is new) of the staged processes that differ from the live ones (the process
    or any of its awards). Call before the live rows are replaced."""
    process, awards = staged[PROCESSES.name], staged[AWARDS.name]
    ocids: set[str] = set()
    for live, stage in ((PROCESSES, process), (AWARDS, awards)):
        names = [c.name for c in stage.columns]
        keys = select(process.c.ocid)
        staged_rows = select(*(stage.c[n] for n in names))
        live_rows = select(*(live.c[n] for n in names)).where(live.c.ocid.in_(keys))
        for difference in (except_(staged_rows, live_rows), except_(live_rows, staged_rows)):
            ocids.update(conn.scalars(select(difference.subquery().c.ocid)))
    if not ocids:
        return {}
    known = set(conn.scalars(select(PROCESSES.c.ocid).where(PROCESSES.c.ocid.in_(ocids))))
    rows = conn.execute(select(process.c.ocid, process.c.cui).where(process.c.ocid.in_(ocids)))
    return {ocid: (cui, ocid not in known) for ocid, cui in rows}


def log_process_changes(
    conn: Connection, changed: dict[str, tuple[str, bool]], run_id: int, now: dt.datetime
) -> int:
    """One change-log entry per process added or changed; returns how many were written."""
    entries = [
        {
            "cui": cui,
            "field": PROCESS_FIELD,
            "old_value": None if new else ocid,
            "new_value": ocid,
            "import_run_id": run_id,
            "changed_at": now,
        }
        for ocid, (cui, new) in sorted(changed.items())
    ]
    if entries:
        conn.execute(insert(ChangeLogEntry.__table__), entries)
    return len(entries)
