"""Where each executing unit's investments sit in the investment cycle, and for how long.

The regional government names the cycle's bottlenecks itself (works finished but never liquidated
and closed, spending that starts years after viability); these figures show them per unit, from
the dates the public records carry, never from our own guesses.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.investments.models import ExecutingUnit, F12BReport, InfobrasWork, Investment

#: The stages, in the order an investment goes through them.
STAGES = ("formulacion", "viable", "ejecucion", "terminada", "cerrada")
#: The intervals whose median is shown: (key, start date, end date).
INTERVALS = (
    ("viable_a_gasto", "viable_on", "first_spending_on"),
    ("gasto_a_termino", "first_spending_on", "completed_on"),
    ("termino_a_cierre", "completed_on", "closed_on"),
)


@dataclass(frozen=True)
class CycleInvestment:
    """One investment's place in the cycle, with the source dates that put it there."""

    cui: str
    name: str
    sec_ejec: str | None
    stage: str
    updated_cost: Decimal | None
    viable_on: dt.date | None
    first_spending_on: dt.date | None
    completed_on: dt.date | None
    #: Which record gave ``completed_on`` ("infobras", "f12b", "mef", "devengado").
    completed_source: str | None
    closed_on: dt.date | None

    def waiting_days(self, today: dt.date) -> int | None:
        """Days since the works ended, for a finished investment not yet closed."""
        if self.stage != "terminada" or self.completed_on is None:
            return None
        return max((today - self.completed_on).days, 0)


@dataclass
class UnitCycle:
    sec_ejec: str
    name: str
    slug: str
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    #: Median days of each interval (None: no investment of the unit has both dates).
    medians: dict[str, int | None] = field(default_factory=dict)
    #: How many investments each median rests on.
    median_counts: dict[str, int] = field(default_factory=dict)
    pending_closures: list[CycleInvestment] = field(default_factory=list)

    @property
    def investments(self) -> int:
        return sum(self.stages.values())


def stage_of(status: str, phase: str, viable_on: dt.date | None) -> str:
    """The cycle stage of an investment from its plain-words status and phase.

    Closed means the MEF's closures file lists it; finished-not-closed is the status "finalizada"
    without that closure, exactly the unit page's pending closures.
    """
    if phase == "cierre":
        return "cerrada"
    if status == "finalizada":
        return "terminada"
    if status in ("en_ejecucion", "paralizada"):
        return "ejecucion"
    if viable_on is not None:
        return "viable"
    return "formulacion"


def load_cycle(session: Session, where: Sequence = ()) -> list[CycleInvestment]:
    """Every investment with its stage and the four dates of the cycle, in one query.

    The works' end comes from INFObras' actual end, else the 12-B's or the bank's physical end,
    else the last *devengado* (the last payment is the last sign of the works).
    """
    infobras_end = (
        select(func.max(InfobrasWork.actual_end_on))
        .where(InfobrasWork.cui == Investment.cui)
        .scalar_subquery()
    )
    f12b_end = (
        select(F12BReport.physical_end_on).where(F12BReport.cui == Investment.cui).scalar_subquery()
    )
    rows = session.execute(
        select(
            Investment.cui,
            Investment.name,
            Investment.sec_ejec,
            Investment.status,
            Investment.phase,
            Investment.updated_cost,
            Investment.viable_on,
            Investment.first_devengado_on,
            Investment.last_devengado_on,
            Investment.physical_end_on,
            Investment.closed_on,
            infobras_end.label("infobras_end"),
            f12b_end.label("f12b_end"),
        ).where(*where)
    )
    found = []
    for row in rows:
        stage = stage_of(row.status, row.phase, row.viable_on)
        completed_on, completed_source = None, None
        if stage in ("terminada", "cerrada"):
            for value, source in (
                (row.infobras_end, "infobras"),
                (row.f12b_end, "f12b"),
                (row.physical_end_on, "mef"),
                (row.last_devengado_on, "devengado"),
            ):
                if value is not None:
                    completed_on, completed_source = value, source
                    break
        found.append(
            CycleInvestment(
                cui=row.cui,
                name=row.name,
                sec_ejec=row.sec_ejec,
                stage=stage,
                updated_cost=row.updated_cost,
                viable_on=row.viable_on,
                first_spending_on=row.first_devengado_on,
                completed_on=completed_on,
                completed_source=completed_source,
                closed_on=row.closed_on,
            )
        )
    return found


def summarise_cycle(
    session: Session, today: dt.date, sec_ejec: str | None = None, where: Sequence = ()
) -> list[UnitCycle]:
    """Per executing unit (or only ``sec_ejec``'s; only investments matching ``where``):
    investments per stage, median days per interval, pending closures.
    Units with most pending closures first: there the cycle is stuck.
    """
    units_query = select(ExecutingUnit)
    if sec_ejec is not None:
        units_query = units_query.where(ExecutingUnit.sec_ejec == sec_ejec)
        where = [*where, Investment.sec_ejec == sec_ejec]
    units = {
        u.sec_ejec: UnitCycle(u.sec_ejec, u.name, u.slug) for u in session.scalars(units_query)
    }
    intervals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for inv in load_cycle(session, where):
        unit = units.get(inv.sec_ejec or "")
        if unit is None:
            continue
        unit.stages[inv.stage] += 1
        if inv.stage == "terminada":
            unit.pending_closures.append(inv)
        for key, start, end in INTERVALS:
            days = _days_between(getattr(inv, start), getattr(inv, end))
            if days is not None:
                intervals[unit.sec_ejec][key].append(days)
    for unit in units.values():
        for key, _start, _end in INTERVALS:
            values = intervals[unit.sec_ejec][key]
            unit.medians[key] = round(statistics.median(values)) if values else None
            unit.median_counts[key] = len(values)
        unit.pending_closures.sort(key=lambda inv: _oldest_first(inv, today))
    listed = [u for u in units.values() if u.investments]
    return sorted(listed, key=lambda u: (-len(u.pending_closures), -u.investments, u.name))


def find_unit_cycle(session: Session, sec_ejec: str, today: dt.date) -> UnitCycle | None:
    """One unit's cycle figures (the same numbers as on /ciclo)."""
    return next(iter(summarise_cycle(session, today, sec_ejec)), None)


def _days_between(start: dt.date | None, end: dt.date | None) -> int | None:
    """Days from ``start`` to ``end``; None when a date is missing or the records contradict."""
    if start is None or end is None or end < start:
        return None
    return (end - start).days


def _oldest_first(inv: CycleInvestment, today: dt.date) -> tuple:
    """Longest wait first; works with no end date in any record go last, by cost."""
    waiting = inv.waiting_days(today)
    return (waiting is None, -(waiting or 0), -(inv.updated_cost or 0), inv.cui)
