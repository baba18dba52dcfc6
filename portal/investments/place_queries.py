"""The page of a place (district, province, or with ``all`` a department): totals, participatory
budget, flags and investment list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from portal.investments.flags import financial_progress
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
from portal.places import NATIONAL
from portal.search.filters import Filters, apply_filters

#: Twenty rows a page, as in search: on a phone each is a card, and fifty made pages ~20,000 px tall.
PAGE_SIZE = 20


@dataclass
class ChildTotals:
    """One district of a province (or province of a department), as its parent's page lists them."""

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
    """Investments inside a department (2 digits), province (4) or district (6).

    A range of codes rather than ``LIKE '0601%'``: the ubigeo index answers a range on every
    engine and collation, while PostgreSQL reads the whole table for that LIKE (459 ms against
    12 ms for one province at 300,000 investments)."""
    if len(ubigeo) == 6:
        return Investment.ubigeo == ubigeo
    if not (ubigeo.isascii() and ubigeo.isdigit()):  # a forgiving page's odd value: no range
        return Investment.ubigeo.startswith(ubigeo, autoescape=True)
    following = str(int(ubigeo) + 1).zfill(len(ubigeo))
    return and_(Investment.ubigeo >= ubigeo, Investment.ubigeo < following)


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
        children=district_totals(session, ubigeo) if len(ubigeo) < 6 else [],
    )


def place_summary(session: Session, ubigeo: str, cache: Cache = compute_now) -> PlaceSummary:
    """The place's figures, kept until the next import (and precomputed by it: precompute.py)."""
    return cache(("place", ubigeo), lambda: summarise_place(session, ubigeo))


def find_place_page(
    session: Session, ubigeo: str, filters: Filters, cache: Cache = compute_now
) -> PlacePage | None:
    """Everything the place page shows; None unless ``ubigeo`` is a place we know (departments
    have a page of their own only when the whole country is published).

    ``cache(key, compute)`` may keep the figures between requests (the list is always fresh).
    """
    if not (ubigeo.isascii() and ubigeo.isdigit() and len(ubigeo) in (2, 4, 6)):
        return None
    place = session.get(Place, ubigeo)
    if place is None:
        return None
    # The list keeps the search filters, but the place is the page's own.
    if len(ubigeo) == 6:
        filters = replace(filters, distrito=ubigeo, provincia="")
    else:
        # A department's code is a prefix like a province's: the same filter narrows to it.
        district = filters.distrito if filters.distrito.startswith(ubigeo) else ""
        filters = replace(filters, provincia=ubigeo, distrito=district)
    # The place by a range of codes (place_condition), the other filters as search has them.
    inside = place_condition(filters.distrito or filters.provincia)
    listed = apply_filters(select(Investment), replace(filters, provincia="", distrito=""))
    listed = listed.where(inside)
    summary = place_summary(session, ubigeo, cache)
    if set(filters.active) <= {"provincia", "distrito"}:
        total = summary.portfolio.investments  # the place's own list: its count is kept
    else:
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


def district_totals(session: Session, parent: str) -> list[ChildTotals]:
    """Every district of a province (or province of a department) with its count, cost and
    spending (zero when it has none)."""
    size = len(parent) + 2
    child = Investment.ubigeo if size == 6 else func.substr(Investment.ubigeo, 1, size)
    sums = {
        ubigeo: (count, cost, devengado)
        for ubigeo, count, cost, devengado in session.execute(
            select(
                child,
                func.count(),
                func.coalesce(func.sum(Investment.updated_cost), 0),
                func.coalesce(func.sum(Investment.devengado_accumulated), 0),
            )
            .where(place_condition(parent))
            .group_by(child)
        )
    }
    children = session.scalars(
        select(Place).where(Place.parent_ubigeo == parent).order_by(Place.name)
    )
    totals = []
    for place in children:
        count, cost, devengado = sums.get(place.ubigeo, (0, 0, 0))
        totals.append(
            ChildTotals(place.ubigeo, place.name, count, Decimal(cost), Decimal(devengado))
        )
    return totals


def list_provinces(session: Session, region: str) -> list[Place]:
    """The places the home page lists: a department's provinces, or the country's departments."""
    if region == NATIONAL:
        where = Place.level == "departamento"
    else:
        where = Place.parent_ubigeo == region
    return list(session.scalars(select(Place).where(where).order_by(Place.name)))


def list_region_wide(
    session: Session, limit: int = PAGE_SIZE, cache: Cache = compute_now
) -> list[Investment]:
    """Investments published for a whole department (UBIGEO 'DD0000', stored as 'DD'): no
    district's page lists them, so the region's page does, the costliest first.

    Finding them scans every investment (no index answers ``length(ubigeo) = 2``), so which ones
    they are is kept with the figures until the next import; the rows themselves are read fresh.
    """
    cuis = cache(
        ("region-wide", limit),
        lambda: list(
            session.scalars(
                select(Investment.cui)
                .where(func.length(Investment.ubigeo) == 2)
                .order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
                .limit(limit)
            )
        ),
    )
    if not cuis:
        return []
    return list(
        session.scalars(
            select(Investment)
            .where(Investment.cui.in_(cuis))
            .order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
        )
    )


#: ``?orden=`` of the comparison of places (public: links use them), the first the default.
COMPARE_ORDERS = {
    "nombre": _l("Nombre (A–Z)"),
    "inversiones": _l("Número de inversiones"),
    "costo": _l("Costo actualizado"),
    "devengado": _l("Devengado acumulado"),
    "ejecucion": _l("Avance financiero"),
    "avance": _l("Avance físico"),
    "paralizadas": _l("Obras paralizadas"),
    "sobrecostos": _l("Costo mayor que el viable"),
}
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class PlaceFigures:
    """One province (or department) beside the others: the figures /provincias compares."""

    ubigeo: str
    name: str
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal
    #: Physical progress averaged over the investments that report one, each weighing its
    #: updated cost (a large hospital counts more than a small canal); None when none reports.
    progress: Decimal | None
    #: Investments whose status is "paralizada".
    stalled: int
    #: Investments whose updated cost is above their viable cost, and by how much in all.
    overruns: int
    overrun_amount: Decimal

    @property
    def execution(self) -> Decimal | None:
        """Devengado accumulated over the updated cost, as on an investment page."""
        return financial_progress(self.devengado_accumulated, self.updated_cost)


def compared_level(parent: str) -> str:
    """The level ``compare_places(parent)`` lists: departments of the country, else provinces."""
    return "departamento" if parent == NATIONAL else "provincia"


def compare_places(session: Session, parent: str) -> list[PlaceFigures]:
    """Every province of a department (``parent`` its ubigeo), or every department of the
    country (``parent`` NATIONAL), with its figures, by name; zero for a place without
    investments. Investments published for a whole department are in none of its provinces."""
    size = 2 if parent == NATIONAL else len(parent) + 2
    inside = true() if parent == NATIONAL else place_condition(parent)
    rows = (
        select(
            func.substr(Investment.ubigeo, 1, size).label("child"),
            Investment.updated_cost.label("cost"),
            Investment.viable_cost.label("viable"),
            Investment.devengado_accumulated.label("spent"),
            Investment.status.label("status"),
            Investment.progress.label("progress"),
        )
        .where(inside, func.length(Investment.ubigeo) >= size)
        .subquery()
    )
    reports = and_(rows.c.progress.is_not(None), rows.c.cost > 0)
    overrun = and_(rows.c.viable.is_not(None), rows.c.cost > rows.c.viable)
    sums = {
        child: rest
        for child, *rest in session.execute(
            select(
                rows.c.child,
                func.count(),
                func.coalesce(func.sum(rows.c.cost), 0),
                func.coalesce(func.sum(rows.c.spent), 0),
                func.sum(case((reports, rows.c.cost * rows.c.progress))),
                func.sum(case((reports, rows.c.cost))),
                func.coalesce(func.sum(case((rows.c.status == "paralizada", 1), else_=0)), 0),
                func.coalesce(func.sum(case((overrun, 1), else_=0)), 0),
                func.coalesce(func.sum(case((overrun, rows.c.cost - rows.c.viable))), 0),
            ).group_by(rows.c.child)
        )
    }
    if parent == NATIONAL:
        where = Place.level == "departamento"
    else:
        where = and_(Place.parent_ubigeo == parent, Place.level == "provincia")
    out = []
    for place in session.scalars(select(Place).where(where).order_by(Place.name)):
        count, cost, spent, weighted, weight, stalled, overruns, excess = sums.get(
            place.ubigeo, (0, 0, 0, None, None, 0, 0, 0)
        )
        progress = None
        if weighted is not None and weight:
            progress = (_decimal(weighted) / _decimal(weight)).quantize(_ONE_DECIMAL)
        out.append(
            PlaceFigures(
                ubigeo=place.ubigeo,
                name=place.name,
                investments=int(count),
                updated_cost=_decimal(cost),
                devengado_accumulated=_decimal(spent),
                progress=progress,
                stalled=int(stalled),
                overruns=int(overruns),
                overrun_amount=_decimal(excess).quantize(Decimal("0.01")),
            )
        )
    return out


def sort_places(places: list[PlaceFigures], orden: str) -> list[PlaceFigures]:
    """``places`` (by name) in the order ``orden`` (a key of COMPARE_ORDERS): largest first,
    places without the figure last; ties keep the name order."""
    keys = {
        "inversiones": lambda p: -p.investments,
        "costo": lambda p: -p.updated_cost,
        "devengado": lambda p: -p.devengado_accumulated,
        "ejecucion": lambda p: (p.execution is None, -(p.execution or 0)),
        "avance": lambda p: (p.progress is None, -(p.progress or 0)),
        "paralizadas": lambda p: -p.stalled,
        "sobrecostos": lambda p: (-p.overruns, -p.overrun_amount),
    }
    key = keys.get(orden)
    return sorted(places, key=key) if key else list(places)


def _decimal(value) -> Decimal:
    """A sum as the database returns it (Decimal, int or, on SQLite, float) as a Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
