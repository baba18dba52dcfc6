"""Every executing unit of the region side by side: portfolio, spending and closures per year.

One page per unit cannot answer "which sub-region closed most investments in 2024?"; this list
(and its CSV) can. Figures are summed with the same rules as the unit's own page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from portal.investments.flags import financial_progress
from portal.investments.models import ExecutingUnit, Investment
from portal.spreadsheets import spreadsheet_text

#: Closures are shown for this many years, ending with the latest year with a closure.
CLOSURE_YEARS = 3


@dataclass(frozen=True)
class UnitRow:
    sec_ejec: str
    name: str
    slug: str
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal
    closures: dict[int, int]

    @property
    def execution(self) -> Decimal | None:
        """Spent so far over the updated cost of its investments, as on an investment page."""
        return financial_progress(self.devengado_accumulated, self.updated_cost)


@dataclass(frozen=True)
class UnitList:
    years: list[int]
    units: list[UnitRow]


def closure_years(session: Session, today: dt.date) -> list[int]:
    """The last CLOSURE_YEARS years up to the latest closure on record (never after today).

    Ending on the latest closure rather than on today keeps the columns useful early in a year
    and when the closures file lags behind.
    """
    latest = session.scalar(select(func.max(Investment.closed_on)))
    last = min(latest.year, today.year) if latest else today.year
    return list(range(last - CLOSURE_YEARS + 1, last + 1))


def list_units(session: Session, today: dt.date) -> UnitList:
    """Every executing unit with at least one investment, largest updated cost first."""
    years = closure_years(session, today)
    totals = (
        select(
            Investment.sec_ejec,
            func.count().label("investments"),
            func.coalesce(func.sum(Investment.updated_cost), 0).label("cost"),
            func.coalesce(func.sum(Investment.devengado_accumulated), 0).label("spent"),
        )
        .where(Investment.sec_ejec.is_not(None))
        .group_by(Investment.sec_ejec)
        .subquery()
    )
    closed_year = extract("year", Investment.closed_on)
    closures: dict[str, dict[int, int]] = {}
    for sec_ejec, year, count in session.execute(
        select(Investment.sec_ejec, closed_year, func.count())
        .where(
            Investment.sec_ejec.is_not(None),
            Investment.closed_on.is_not(None),
            closed_year.between(years[0], years[-1]),
        )
        .group_by(Investment.sec_ejec, closed_year)
    ):
        closures.setdefault(sec_ejec, {})[int(year)] = count
    rows = session.execute(
        select(ExecutingUnit, totals.c.investments, totals.c.cost, totals.c.spent)
        .join(totals, totals.c.sec_ejec == ExecutingUnit.sec_ejec)
        .order_by(totals.c.cost.desc(), ExecutingUnit.name)
    ).all()
    return UnitList(
        years=years,
        units=[
            UnitRow(
                sec_ejec=unit.sec_ejec,
                name=unit.name,
                slug=unit.slug,
                investments=count,
                updated_cost=Decimal(cost),
                devengado_accumulated=Decimal(spent),
                closures={y: closures.get(unit.sec_ejec, {}).get(y, 0) for y in years},
            )
            for unit, count, cost, spent in rows
        ],
    )


def units_csv(listing: UnitList) -> str:
    """The list as CSV with fixed column names (for scripts) and a BOM (for Excel's accents)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "unidad",
            "sec_ejec",
            "inversiones",
            "costo_actualizado",
            "devengado_acumulado",
            "ejecucion_pct",
            *(f"cierres_{year}" for year in listing.years),
        ]
    )
    for row in listing.units:
        execution = row.execution
        writer.writerow(
            [
                spreadsheet_text(row.name),
                row.sec_ejec,
                row.investments,
                f"{row.updated_cost:.2f}",
                f"{row.devengado_accumulated:.2f}",
                "" if execution is None else str(execution),
                *(row.closures[year] for year in listing.years),
            ]
        )
    return out.getvalue()
