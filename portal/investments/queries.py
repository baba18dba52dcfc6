"""Queries behind the home page and the investment fact sheet; plain data for the templates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.investments.models import (
    ChangeLogEntry,
    F12BReport,
    InfobrasWork,
    Investment,
    Place,
    Prioritisation,
    YearlyExecution,
)


@dataclass
class RegionTotals:
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal
    by_status: dict[str, int]


def region_totals(session: Session) -> RegionTotals:
    count, cost, devengado = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Investment.updated_cost), 0),
            func.coalesce(func.sum(Investment.devengado_accumulated), 0),
        )
    ).one()
    by_status = dict(
        session.execute(select(Investment.status, func.count()).group_by(Investment.status)).all()
    )
    return RegionTotals(count, Decimal(cost), Decimal(devengado), by_status)


def latest_changed_investments(session: Session, limit: int = 10) -> list[Investment]:
    return list(
        session.scalars(
            select(Investment).order_by(Investment.changed_at.desc(), Investment.cui).limit(limit)
        )
    )


def is_valid_cui(cui: str) -> bool:
    return cui.isdigit() and 4 <= len(cui) <= 10


@dataclass
class InvestmentSheet:
    investment: Investment
    district: Place | None
    province: Place | None
    yearly: list[YearlyExecution]
    f12b: F12BReport | None
    works: list[InfobrasWork]
    prioritisations: list[Prioritisation]
    changes: list[ChangeLogEntry]


def find_investment_sheet(session: Session, cui: str) -> InvestmentSheet | None:
    """Everything the fact sheet shows, loaded up front so the template runs no query."""
    if not is_valid_cui(cui):
        return None
    investment = session.get(Investment, cui)
    if investment is None:
        return None
    district = session.get(Place, investment.ubigeo) if investment.ubigeo else None
    province = session.get(Place, investment.ubigeo[:4]) if investment.ubigeo else None
    return InvestmentSheet(
        investment=investment,
        district=district,
        province=province,
        yearly=list(
            session.scalars(
                select(YearlyExecution)
                .where(YearlyExecution.cui == cui)
                .order_by(YearlyExecution.year, YearlyExecution.sec_ejec)
            )
        ),
        f12b=session.get(F12BReport, cui),
        works=list(session.scalars(select(InfobrasWork).where(InfobrasWork.cui == cui))),
        prioritisations=list(
            session.scalars(
                select(Prioritisation).where(Prioritisation.cui == cui).order_by(Prioritisation.year)
            )
        ),
        changes=list(
            session.scalars(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.cui == cui)
                .order_by(ChangeLogEntry.id.desc())
                .limit(100)
            )
        ),
    )
