"""An investment's figures as they were after the last import on or before a date.

Rebuilt from the change log: start from today's values and undo, newest first, every change made
by a later import. A journalist's cited figure can so be checked next year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.models import ChangeLogEntry, Investment

#: The figures the dated view shows, in page order (all are written by the import and logged).
SHOWN_FIELDS = (
    "situation", "updated_cost", "viable_cost", "devengado_accumulated", "devengado_current",
    "pim_current", "physical_progress", "execution_progress", "execution_start_on",
    "execution_end_on", "closed_on", "executing_unit_name",
)  # fmt: skip


@dataclass(frozen=True)
class DatedFigure:
    field: str
    then: str | None
    now: str | None

    @property
    def changed(self) -> bool:
        try:  # "375295.0" and "375295.00" are the same figure
            return Decimal(self.then) != Decimal(self.now)
        except (InvalidOperation, TypeError):
            return self.then != self.now


@dataclass(frozen=True)
class AsOf:
    day: dt.date
    #: The import whose figures are shown (None: nothing had been imported by that day).
    imported_at: dt.datetime | None
    #: False when the investment was not yet in the data on that day.
    existed: bool
    figures: list[DatedFigure]


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """A YYYY-MM-DD date not in the future, else None."""
    try:
        day = dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None
    return day if day is not None and day <= today else None


def figures_as_of(session: Session, inv: Investment, day: dt.date, timezone: str) -> AsOf:
    """The shown figures of ``inv`` after the last import that started on or before ``day``."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(timezone))
    run = session.execute(
        select(ImportRun.id, ImportRun.started_at)
        .where(ImportRun.started_at < end.astimezone(dt.UTC))
        .where(ImportRun.status.in_(("imported", "unchanged")))
        .order_by(ImportRun.id.desc())
        .limit(1)
    ).first()
    current = {field: _as_text(getattr(inv, field)) for field in SHOWN_FIELDS}
    if run is None:
        return AsOf(day, None, False, [])
    values = dict(current)
    existed = _utc(inv.first_seen_at) < end
    later = session.scalars(
        select(ChangeLogEntry)
        .where(ChangeLogEntry.cui == inv.cui, ChangeLogEntry.import_run_id > run.id)
        .order_by(ChangeLogEntry.id.desc())
    )
    for entry in later:
        if entry.field == "_added":
            existed = False
        elif entry.field == "_removed":
            existed = True
        elif entry.field in values:
            values[entry.field] = entry.old_value
    figures = [DatedFigure(f, values[f], current[f]) for f in SHOWN_FIELDS]
    return AsOf(day, _utc(run.started_at), existed, figures if existed else [])


def _as_text(value) -> str | None:
    """A value as the change log writes it (ISO dates, ``str`` of the rest)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
