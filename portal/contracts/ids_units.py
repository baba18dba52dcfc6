"""The CoST IDS points disclosed, averaged per executing unit (``/unidades`` and its CSV).

Every investment is checked with the same rules as its page (``ids.disclose``), reading only the
columns the rules need, a handful of queries for the whole list.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.contracts.ids import IdsFacts, disclose, mean_points
from portal.contracts.queries import all_processes
from portal.investments.models import F12BReport, InfobrasWork, Investment, SituationEntry

#: The Investment columns the rules read (see ids_points.tsv, answered_by).
_COLUMNS = (
    "cui", "sec_ejec", "entity", "executing_unit_name", "sector", "function", "program",
    "subprogram", "typology", "name", "ubigeo", "latitude", "viable_cost", "updated_cost",
    "viable_on", "status", "liquidation_total", "physical_end_on", "execution_end_on",
    "closed_on", "closure_note", "concurrent_control_amount",
)  # fmt: skip


def unit_point_counts(session: Session, where: list) -> dict[str, list[int]]:
    """Points disclosed by each investment (matching ``where``), grouped by ``sec_ejec``."""
    rows = session.execute(
        select(*(getattr(Investment, c) for c in _COLUMNS)).where(
            Investment.sec_ejec.is_not(None), *where
        )
    ).all()
    if not rows:
        return {}
    f12b = {
        r.cui: r
        for r in session.execute(
            select(F12BReport.cui, F12BReport.estimated_end_on, F12BReport.problem)
        )
    }
    works = defaultdict(list)
    for work in session.execute(
        select(InfobrasWork.cui, InfobrasWork.planned_end_on, InfobrasWork.rescheduled_end_on)
    ):
        works[work.cui].append(work)
    situations = set(session.scalars(select(SituationEntry.cui).distinct()))
    processes = defaultdict(list)
    for view in all_processes(session):
        processes[view.process.cui].append(view)
    counts: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        facts = IdsFacts(
            investment=row,
            f12b=f12b.get(row.cui),
            works=tuple(works.get(row.cui, ())),
            has_situations=row.cui in situations,
            processes=tuple(processes.get(row.cui, ())),
        )
        counts[row.sec_ejec].append(disclose(facts).count)
    return dict(counts)


def unit_point_averages(session: Session, where: list) -> dict[str, Decimal | None]:
    """The mean of the points disclosed by each unit's investments, to one decimal."""
    return {
        sec_ejec: mean_points(counts)
        for sec_ejec, counts in unit_point_counts(session, where).items()
    }
