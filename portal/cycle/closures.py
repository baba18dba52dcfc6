"""Works that join or leave a unit's list of pending closures, written into the change log.

The plain-words status and phase are derived after every import (``refresh_statuses``), from the
MEF records, the closures file and INFObras, so no single source field says "finished" or
"closed". The import notes each investment's cycle stage before it starts and after the derived
fields are refreshed; an investment that entered or left the stage "terminada" (finished, not in
the closures file) gets a change-log entry ``cycle_stage`` (old → new stage). Feeds and digests
then tell it as every other change, from the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from portal.cycle.queries import stage_of
from portal.investments.models import ChangeLogEntry, Investment

#: The change-log field; its values are the stages of ``portal.cycle.queries.STAGES``.
STAGE_FIELD = "cycle_stage"
PENDING = "terminada"
ADDED = "_added"


def cycle_stages(conn: Connection) -> dict[str, str]:
    """Every investment's cycle stage from its derived status and phase, by CUI."""
    rows = conn.execute(
        select(Investment.cui, Investment.status, Investment.phase, Investment.viable_on)
    )
    return {cui: stage_of(status, phase, viable_on) for cui, status, phase, viable_on in rows}


def log_pending_closure_changes(
    conn: Connection, before: dict[str, str], run_ids: Iterable[int], now: dt.datetime | None = None
) -> int:
    """Log the investments that joined or left the pending closures since ``before``.

    A new investment counts only when the import logged its arrival (not on a first import,
    which would announce the whole region at once). One that left the records is already told
    by its ``_removed`` entry. Returns how many entries were written.
    """
    runs = sorted(set(run_ids))
    if not runs:
        return 0
    after = cycle_stages(conn)
    announced = set(
        conn.scalars(
            select(ChangeLogEntry.cui).where(
                ChangeLogEntry.field == ADDED, ChangeLogEntry.import_run_id.in_(runs)
            )
        )
    )
    now = now or dt.datetime.now(dt.UTC)
    entries = []
    for cui, stage in sorted(after.items()):
        if cui in before:
            old = before[cui]
            if (old == PENDING) == (stage == PENDING):
                continue
        elif stage == PENDING and cui in announced:
            old = None
        else:
            continue
        entries.append(
            {
                "cui": cui,
                "field": STAGE_FIELD,
                "old_value": old,
                "new_value": stage,
                "import_run_id": runs[-1],
                "changed_at": now,
            }
        )
    if entries:
        conn.execute(insert(ChangeLogEntry.__table__), entries)
    return len(entries)
