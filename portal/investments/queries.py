"""Portfolio figures shared by the home, place and unit pages; plain data for the templates.

Every level (region, province, district, unit) is summed by the same functions with a different
condition on ``Investment``, so the figures reconcile: the districts add up to their province and
the provinces to the region.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.i18n import percent_value
from portal.investments.flags import FLAG_LABELS, has_flag
from portal.investments.models import Investment, Prioritisation, YearlyExecution

Conditions = Sequence[ColumnElement[bool]]
#: ``cache(key, compute)``: returns ``compute()``, possibly kept from an earlier request.
Cache = Callable[[Hashable, Callable[[], Any]], Any]


def compute_now(_key: Hashable, compute: Callable[[], Any]) -> Any:
    """The no-cache ``Cache``: always compute."""
    return compute()


@dataclass
class YearExecution:
    """Budget of one fiscal year: opening (PIA), modified (PIM) and spent (*devengado*)."""

    year: int
    pia: Decimal
    pim: Decimal
    devengado: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Financial execution: devengado / PIM, the figure the MEF ranks units by."""
        if not self.pim:
            return None
        return percent_value(self.devengado * 100 / self.pim)


@dataclass
class Portfolio:
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal
    by_status: dict[str, int]
    years: list[YearExecution]
    current_year: int | None

    @property
    def this_year(self) -> YearExecution | None:
        return next((y for y in self.years if y.year == self.current_year), None)


@dataclass
class PrioritisedYear:
    year: int
    investments: int = 0
    amount: Decimal = Decimal(0)
    by_status: dict[str, int] = field(default_factory=dict)


def data_year(session: Session) -> int | None:
    """The fiscal year the MEF records describe ("this year" on every page)."""
    return session.scalar(select(func.max(Investment.process_year)))


def summarise_portfolio(
    session: Session,
    where: Conditions = (),
    yearly_where: Conditions | None = None,
    current_year: int | None = None,
) -> Portfolio:
    """Count, cost, spending and yearly execution of the investments matching ``where``.

    ``yearly_where`` selects the Seguimiento-PI rows (default: those of the same investments);
    an executing unit passes its own SEC_EJEC there because a CUI can change units over the years.
    """
    count, cost, devengado = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Investment.updated_cost), 0),
            func.coalesce(func.sum(Investment.devengado_accumulated), 0),
        ).where(*where)
    ).one()
    by_status = dict(
        session.execute(
            select(Investment.status, func.count()).where(*where).group_by(Investment.status)
        ).all()
    )
    if yearly_where is None:
        yearly_where = (
            [YearlyExecution.cui.in_(select(Investment.cui).where(*where))] if where else []
        )
    if current_year is None:
        current_year = data_year(session)
    return Portfolio(
        investments=count,
        updated_cost=Decimal(cost),
        devengado_accumulated=Decimal(devengado),
        by_status=by_status,
        years=execution_by_year(session, yearly_where, where, current_year),
        current_year=current_year,
    )


def execution_by_year(
    session: Session, yearly_where: Conditions, where: Conditions, current_year: int | None
) -> list[YearExecution]:
    """PIA, PIM and devengado per year; the current year from the MEF record if no Seguimiento file."""
    rows = session.execute(
        select(
            YearlyExecution.year,
            func.coalesce(func.sum(YearlyExecution.pia), 0),
            func.coalesce(func.sum(YearlyExecution.pim), 0),
            func.coalesce(func.sum(YearlyExecution.devengado), 0),
        )
        .where(*yearly_where)
        .group_by(YearlyExecution.year)
        .order_by(YearlyExecution.year)
    ).all()
    years = [YearExecution(y, Decimal(a), Decimal(b), Decimal(c)) for y, a, b, c in rows]
    if current_year is not None and current_year not in {y.year for y in years}:
        pia, pim, devengado = session.execute(
            select(
                func.coalesce(func.sum(Investment.pia_current), 0),
                func.coalesce(func.sum(Investment.pim_current), 0),
                func.coalesce(func.sum(Investment.devengado_current), 0),
            ).where(Investment.process_year == current_year, *where)
        ).one()
        if pim or pia or devengado:
            years.append(
                YearExecution(current_year, Decimal(pia), Decimal(pim), Decimal(devengado))
            )
    return years


def count_flags(session: Session, where: Conditions = ()) -> dict[str, int]:
    """How many investments carry each red flag (one query)."""
    columns = [
        func.coalesce(func.sum(case((has_flag(code), 1), else_=0)), 0) for code in FLAG_LABELS
    ]
    row = session.execute(select(*columns).where(*where)).one()
    return dict(zip(FLAG_LABELS, (int(value) for value in row), strict=True))


def prioritised_by_year(session: Session, where: Conditions = ()) -> list[PrioritisedYear]:
    """Participatory-budget investments per year, with their amount and today's status."""
    years: dict[int, PrioritisedYear] = {}
    for year, status, count, amount in session.execute(
        select(
            Prioritisation.year,
            Investment.status,
            func.count(),
            func.coalesce(func.sum(Prioritisation.amount), 0),
        )
        .join(Investment, Investment.cui == Prioritisation.cui)
        .where(*where)
        .group_by(Prioritisation.year, Investment.status)
        .order_by(Prioritisation.year)
    ):
        entry = years.setdefault(year, PrioritisedYear(year))
        entry.investments += count
        entry.amount += Decimal(amount)
        entry.by_status[status] = count
    return list(years.values())


def prioritised_status_counts(session: Session, where: Conditions = ()) -> dict[str, int]:
    """Investments prioritised in any year, by status (each CUI counted once)."""
    prioritised = exists().where(Prioritisation.cui == Investment.cui)
    return dict(
        session.execute(
            select(Investment.status, func.count())
            .where(prioritised, *where)
            .group_by(Investment.status)
        ).all()
    )


@dataclass(frozen=True)
class InvestmentRow:
    """The columns an investment list shows: plain values that can be kept between requests."""

    cui: str
    name: str
    status: str
    updated_cost: Decimal | None
    progress: Decimal | None
    red_flags: str


@dataclass
class Bottleneck:
    """One kind of trouble: how many investments have it and the costliest of them."""

    code: str
    total: int
    investments: list[InvestmentRow]


def find_bottlenecks(session: Session, limit: int = 5) -> list[Bottleneck]:
    """The worst cases of the region: stalled, overdue, and spending far ahead of the works."""
    conditions = {
        "paralizada": Investment.status == "paralizada",
        "plazo_vencido": has_flag("plazo_vencido"),
        "gasto_adelantado": has_flag("gasto_adelantado"),
    }
    columns = [getattr(Investment, f.name) for f in fields(InvestmentRow)]
    result = []
    for code, condition in conditions.items():
        total = session.scalar(select(func.count()).where(condition))
        rows = session.execute(
            select(*columns)
            .where(condition)
            .order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
            .limit(limit)
        )
        result.append(Bottleneck(code, total or 0, [InvestmentRow(*row) for row in rows]))
    return result


def latest_changed_investments(
    session: Session, limit: int = 10, cache: Cache = compute_now
) -> list[Investment]:
    """The investments changed last. Which ones they are is kept with the figures (it changes
    only with an import): after a full import every row shares one ``changed_at``, so the sort
    reads the whole table (35 ms at 20,000 rows, on every home page); the rows are read fresh."""
    order = (Investment.changed_at.desc(), Investment.cui)
    cuis = cache(
        ("latest-changed", limit),
        lambda: list(session.scalars(select(Investment.cui).order_by(*order).limit(limit))),
    )
    if not cuis:
        return []
    return list(
        session.scalars(select(Investment).where(Investment.cui.in_(cuis)).order_by(*order))
    )
