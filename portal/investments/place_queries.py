"""The page of a province or district: its totals, participatory budget, flags and investment list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.investments.models import Investment, Place
from portal.investments.queries import (
    Cache,
    Portfolio,
    PrioritisedYear,
    compute_now,
    count_flags,
    prioritised_by_year,
    summarise_portfolio,
)
from portal.search.filters import Filters, apply_filters

#: Twenty rows a page, as in search: on a phone each is a card, and fifty made pages ~20,000 px tall.
PAGE_SIZE = 20


@dataclass
class ChildTotals:
    """One district of a province, as the province page lists them."""

    ubigeo: str
    name: str
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal


@dataclass
class PlacePage:
    place: Place
    province: Place | None
    portfolio: Portfolio
    prioritised: list[PrioritisedYear]
    flags: dict[str, int]
    children: list[ChildTotals]
    filters: Filters
    listing: list[Investment]
    listing_total: int
    pages: int


def place_condition(ubigeo: str):
    """Investments inside a province (4 digits) or district (6 digits)."""
    if len(ubigeo) == 6:
        return Investment.ubigeo == ubigeo
    return Investment.ubigeo.startswith(ubigeo, autoescape=True)


@dataclass
class PlaceSummary:
    """The place's figures: plain data, the same for every visitor until the next import."""

    portfolio: Portfolio
    prioritised: list[PrioritisedYear]
    flags: dict[str, int]
    children: list[ChildTotals]


def summarise_place(session: Session, ubigeo: str) -> PlaceSummary:
    where = [place_condition(ubigeo)]
    return PlaceSummary(
        portfolio=summarise_portfolio(session, where),
        prioritised=prioritised_by_year(session, where),
        flags=count_flags(session, where),
        children=district_totals(session, ubigeo) if len(ubigeo) == 4 else [],
    )


def find_place_page(
    session: Session, ubigeo: str, filters: Filters, cache: Cache = compute_now
) -> PlacePage | None:
    """Everything the place page shows; None unless ``ubigeo`` is a province or district we know.

    ``cache(key, compute)`` may keep the figures between requests (the list is always fresh).
    """
    if not (ubigeo.isascii() and ubigeo.isdigit() and len(ubigeo) in (4, 6)):
        return None
    place = session.get(Place, ubigeo)
    if place is None:
        return None
    # The list keeps the search filters, but the place is the page's own.
    if len(ubigeo) == 6:
        filters = replace(filters, distrito=ubigeo, provincia="")
    else:
        district = filters.distrito if filters.distrito.startswith(ubigeo) else ""
        filters = replace(filters, provincia=ubigeo, distrito=district)
    listed = apply_filters(select(Investment), filters)
    total = session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.pagina, pages)
    listing = list(
        session.scalars(
            listed.order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    summary = cache(("place", ubigeo), lambda: summarise_place(session, ubigeo))
    return PlacePage(
        place=place,
        province=session.get(Place, ubigeo[:4]) if len(ubigeo) == 6 else None,
        portfolio=summary.portfolio,
        prioritised=summary.prioritised,
        flags=summary.flags,
        children=summary.children,
        filters=replace(filters, pagina=page),
        listing=listing,
        listing_total=total,
        pages=pages,
    )


def district_totals(session: Session, province: str) -> list[ChildTotals]:
    """Every district of a province with its count, cost and spending (zero when it has none)."""
    sums = {
        ubigeo: (count, cost, devengado)
        for ubigeo, count, cost, devengado in session.execute(
            select(
                Investment.ubigeo,
                func.count(),
                func.coalesce(func.sum(Investment.updated_cost), 0),
                func.coalesce(func.sum(Investment.devengado_accumulated), 0),
            )
            .where(place_condition(province))
            .group_by(Investment.ubigeo)
        )
    }
    districts = session.scalars(
        select(Place).where(Place.parent_ubigeo == province).order_by(Place.name)
    )
    totals = []
    for district in districts:
        count, cost, devengado = sums.get(district.ubigeo, (0, 0, 0))
        totals.append(
            ChildTotals(district.ubigeo, district.name, count, Decimal(cost), Decimal(devengado))
        )
    return totals


def list_provinces(session: Session, region: str) -> list[Place]:
    return list(
        session.scalars(select(Place).where(Place.parent_ubigeo == region).order_by(Place.name))
    )
