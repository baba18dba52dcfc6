"""An investment's figures as they were after an import: a version, or the last one of a date.

Rebuilt from the change log: start from today's values and undo, newest first, every change made
by a later import. A version is the number of an import run (``?version=``, which citations
carry): it names exactly one state of the data, even when a day had several imports, so a
journalist's cited figure can be checked next year. ``?fecha=`` alone gives the last import of
that day (Lima time).
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
    #: The import run (version) whose figures are shown.
    run_id: int | None = None
    #: True when the page was asked for a version rather than for a date.
    by_version: bool = False


SHOWN_RUNS = ("imported", "unchanged")


def latest_run_id(session: Session) -> int | None:
    """The newest import run that left the data as they are now: the current version."""
    return session.scalar(
        select(ImportRun.id)
        .where(ImportRun.status.in_(SHOWN_RUNS))
        .order_by(ImportRun.id.desc())
        .limit(1)
    )


def parse_version(text: str) -> int | None:
    """A version (import run number) as written in a link, else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text) or None


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
        .where(ImportRun.status.in_(SHOWN_RUNS))
        .order_by(ImportRun.id.desc())
        .limit(1)
    ).first()
    if run is None:
        return AsOf(day, None, False, [])
    return _rebuild(session, inv, day, run.id, _utc(run.started_at), _utc(inv.first_seen_at) < end)


def figures_of_version(
    session: Session, inv: Investment, run_id: int, timezone: str
) -> AsOf | None:
    """The shown figures of ``inv`` right after import run ``run_id``; None: no such version."""
    run = session.execute(
        select(ImportRun.id, ImportRun.started_at)
        .where(ImportRun.id == run_id)
        .where(ImportRun.status.in_(SHOWN_RUNS))
    ).first()
    if run is None:
        return None
    started = _utc(run.started_at)
    # An investment is first seen at the start of the run that brought it.
    existed = _utc(inv.first_seen_at) <= started
    as_of = _rebuild(session, inv, started.astimezone(ZoneInfo(timezone)).date(), run.id, started,
                     existed)  # fmt: skip
    return AsOf(as_of.day, as_of.imported_at, as_of.existed, as_of.figures, run.id, True)


def _rebuild(session, inv, day, run_id: int, started: dt.datetime, existed: bool) -> AsOf:
    current = {field: _as_text(getattr(inv, field)) for field in SHOWN_FIELDS}
    values = dict(current)
    later = session.scalars(
        select(ChangeLogEntry)
        .where(ChangeLogEntry.cui == inv.cui, ChangeLogEntry.import_run_id > run_id)
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
    return AsOf(day, started, existed, figures if existed else [], run_id)


def _as_text(value) -> str | None:
    """A value as the change log writes it (ISO dates, ``str`` of the rest)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
