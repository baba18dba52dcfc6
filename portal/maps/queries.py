"""Which investments the map shows: one selection feeds the map data, the list and the choropleth,
so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import Float, Select, and_, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.models import ExecutingUnit, Investment, Place, Prioritisation
from portal.investments.place_queries import place_condition
from portal.maps.geo import MapRow
from portal.search.filters import Filters, apply_filters
from portal.search.queries import matching_cuis

#: Twenty rows a page, as in search: on a phone each is a card, and fifty made pages ~20,000 px tall.
PAGE_SIZE = 20


def selected(session: Session, filters: Filters, query: Select) -> Select:
    """``query`` over Investment narrowed to the investments the filters select.

    With words in ``q`` the search index decides — it applies every other filter too, so map,
    list and search agree; its CUIs are inlined rather than bound one parameter each, which
    PostgreSQL caps at 65,535. Without words, the filters are plain SQL.
    """
    if not filters.q:
        place = filters.distrito or filters.provincia
        if not place:
            return apply_filters(query, filters)
        # The place by a range of codes, which the ubigeo index answers (LIKE 'NN%' read the
        # whole table on PostgreSQL: 0.5 s for one department at national size).
        others = apply_filters(query, replace(filters, provincia="", distrito=""))
        return others.where(place_condition(place))
    cuis = list(matching_cuis(session, filters))
    return query.where(
        Investment.cui.in_(bindparam("cuis", cuis, expanding=True, literal_execute=True))
    )


def district_centroids(session: Session) -> dict[str, tuple[float, float]]:
    """Where investments without usable coordinates are drawn: their district's centroid."""
    rows = session.execute(
        select(Place.ubigeo, Place.latitude, Place.longitude).where(Place.level == "distrito")
    )
    return {u: (lat, lon) for u, lat, lon in rows if lat is not None and lon is not None}


def more_than(session: Session, filters: Filters, limit: int) -> bool:
    """True when the selection holds more than ``limit`` investments: counted up to one beyond
    the limit only, most often from an index alone (1 ms for a national filter of 56,100, which
    a full count or fetching the first points read from the table for 60-200 ms)."""
    some = selected(session, filters, select(Investment.cui)).limit(limit + 1).subquery()
    return session.scalar(select(func.count()).select_from(some)) > limit


def find_map_rows(session: Session, filters: Filters) -> list[MapRow]:
    """Every selected investment, with what the map draws of it, by CUI (sorted here: the
    database then never sorts the rows of a large selection)."""
    query = selected(
        session,
        filters,
        select(
            Investment.cui,
            Investment.name,
            Investment.status,
            type_coerce(Investment.updated_cost, Float),
            type_coerce(Investment.progress, Float),
            Investment.latitude,
            Investment.longitude,
            Investment.coords_status,
            Investment.ubigeo,
        ),
    )
    return sorted(MapRow._make(row) for row in session.execute(query))


@dataclass
class ListRow:
    cui: str
    name: str
    status: str
    district: str | None
    updated_cost: Decimal | None
    physical_progress: Decimal | None
    #: Two digits for an investment of a whole department (no district to name).
    ubigeo: str | None = None


@dataclass
class MapList:
    """One page of the list under the map."""

    total: int
    page: int
    pages: int
    rows: list[ListRow]


def find_map_list(session: Session, filters: Filters, page_size: int = PAGE_SIZE) -> MapList:
    """The page ``filters.pagina`` of the selected investments, by name."""
    total = session.scalar(selected(session, filters, select(func.count(Investment.cui))))
    pages = max(1, -(-total // page_size))
    page = min(filters.pagina, pages)
    query = (
        selected(
            session,
            filters,
            select(
                Investment.cui,
                Investment.name,
                Investment.status,
                Place.name,
                Investment.updated_cost,
                Investment.progress,
                Investment.ubigeo,
            ).outerjoin(Place, and_(Place.ubigeo == Investment.ubigeo, Place.level == "distrito")),
        )
        .order_by(Investment.name, Investment.cui)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return MapList(total, page, pages, [ListRow(*row) for row in session.execute(query)])


def latest_import_id(session: Session) -> int:
    """Changes with every import that changed the data: the version of everything the maps serve.

    A run that found its file unchanged (or rejected it) changes nothing and runs no
    after-import hook: counting it made every map the import had built stale until rebuilt.
    """
    newest = select(func.max(ImportRun.id)).where(ImportRun.status == "imported")
    return session.scalar(select(func.coalesce(newest.scalar_subquery(), 0)))


def place_options(session: Session) -> tuple[list[Place], list[Place]]:
    """Provinces and districts for the filter form, by name."""
    places = list(
        session.scalars(
            select(Place).where(Place.level.in_(("provincia", "distrito"))).order_by(Place.name)
        )
    )
    return (
        [p for p in places if p.level == "provincia"],
        [p for p in places if p.level == "distrito"],
    )


def function_options(session: Session) -> list[str]:
    """The functions (education, transport…) present in the data."""
    query = select(Investment.function).where(Investment.function.is_not(None)).distinct()
    return sorted(session.scalars(query))


def unit_options(session: Session) -> list[tuple[str, str]]:
    """(SEC_EJEC, name) of the executing units that have investments, by name."""
    query = select(ExecutingUnit.sec_ejec, ExecutingUnit.name).where(
        ExecutingUnit.sec_ejec.in_(select(Investment.sec_ejec))
    )
    return sorted(((code, name) for code, name in session.execute(query)), key=lambda unit: unit[1])


def participatory_budget_years(session: Session) -> list[int]:
    return sorted(session.scalars(select(Prioritisation.year).distinct()), reverse=True)
