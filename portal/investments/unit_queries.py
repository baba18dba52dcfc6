"""The page of an executing unit: its portfolio, yearly execution, closures and red flags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from portal.investments.models import ExecutingUnit, Investment, YearlyExecution
from portal.investments.queries import (
    Cache,
    Portfolio,
    compute_now,
    count_flags,
    summarise_portfolio,
)

MAX_LISTED = 100


@dataclass
class UnitPage:
    unit: ExecutingUnit
    portfolio: Portfolio
    closed_by_year: list[tuple[int, int]]
    flags: dict[str, int]
    investments: list[Investment]


def summarise_unit(session: Session, sec_ejec: str) -> tuple[Portfolio, list[tuple[int, int]]]:
    """The unit's portfolio and investments closed per year (plain data)."""
    where = [Investment.sec_ejec == sec_ejec]
    closed_year = extract("year", Investment.closed_on)
    # Execution by year follows the unit's own budget lines: a CUI may change units.
    portfolio = summarise_portfolio(
        session, where, yearly_where=[YearlyExecution.sec_ejec == sec_ejec]
    )
    closed = [
        (int(year), count)
        for year, count in session.execute(
            select(closed_year, func.count())
            .where(*where, Investment.closed_on.is_not(None))
            .group_by(closed_year)
            .order_by(closed_year)
        )
    ]
    return portfolio, closed


def find_unit_page(session: Session, slug: str, cache: Cache = compute_now) -> UnitPage | None:
    unit = session.scalar(select(ExecutingUnit).where(ExecutingUnit.slug == slug[:200]))
    if unit is None:
        return None
    where = [Investment.sec_ejec == unit.sec_ejec]
    portfolio, closed = cache(
        ("unit", unit.sec_ejec), lambda: summarise_unit(session, unit.sec_ejec)
    )
    return UnitPage(
        unit=unit,
        portfolio=portfolio,
        closed_by_year=closed,
        flags=cache(("unit-flags", unit.sec_ejec), lambda: count_flags(session, where)),
        investments=list(
            session.scalars(
                select(Investment)
                .where(*where)
                .order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
                .limit(MAX_LISTED)
            )
        ),
    )
