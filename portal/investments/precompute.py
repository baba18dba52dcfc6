"""The figures each page keeps until the next import, named once: the pages ask for them by
these functions and the import precomputes them with the same ones (figures_store.py), so the
keys can never drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import local_today
from portal.investments.figures_store import write_figures
from portal.investments.models import Place
from portal.investments.place_queries import (
    PlaceFigures,
    compare_places,
    list_region_wide,
    place_summary,
)
from portal.investments.queries import (
    Cache,
    find_bottlenecks,
    latest_changed_investments,
    prioritised_status_counts,
    summarise_portfolio,
)
from portal.investments.unit_list import UnitList, UnitRow, list_units, sort_units
from portal.places import NATIONAL


def home_figures(session: Session, cache: Cache) -> dict[str, Any]:
    """The region's totals, participatory budget and bottlenecks (the home page)."""
    return {
        "totals": cache("region", lambda: summarise_portfolio(session)),
        "prioritised": cache("region-pp", lambda: prioritised_status_counts(session)),
        "bottlenecks": cache("bottlenecks", lambda: find_bottlenecks(session)),
    }


def compared_places(session: Session, parent: str, cache: Cache) -> list[PlaceFigures]:
    """/provincias: the departments of the country, or the provinces of ``parent``."""
    return cache(("compare-places", parent), lambda: compare_places(session, parent))


def unit_rows(
    session: Session, today: dt.date, provincia: str, cache: Cache
) -> tuple[list[int], list[UnitRow]]:
    """(closure years, units by updated cost) of /unidades, for the day ``today``."""

    def compute():
        listing = list_units(session, today, provincia, "costo")
        return listing.years, listing.units

    return cache(("units", provincia, today.isoformat()), compute)


def unit_list(
    session: Session, today: dt.date, provincia: str, orden: str, cache: Cache
) -> UnitList:
    """/unidades (and its CSV): the kept rows in the order asked for."""
    years, units = unit_rows(session, today, provincia, cache)
    return UnitList(
        years=years,
        units=sort_units(units, orden),
        place=session.get(Place, provincia) if provincia else None,
        orden=orden,
    )


def map_choices(session: Session, cache: Cache) -> tuple[list[str], list[tuple[str, str]]]:
    """The map page's choices of function and of unit (each a pass over every investment)."""
    from portal.maps.queries import function_options, unit_options

    return (
        cache("map-functions", lambda: function_options(session)),
        cache("map-units", lambda: unit_options(session)),
    )


def national_figures(session: Session, region: str, cache: Cache) -> None:
    """Ask for every figure that reads more than one district's investments: the home page,
    the comparison of places, each department's and province's page, and the list of units
    (whole, and narrowed to each province or department) of today."""
    home_figures(session, cache)
    map_choices(session, cache)
    list_region_wide(session, cache=cache)
    latest_changed_investments(session, cache=cache)
    levels = ("departamento", "provincia") if region == NATIONAL else ("provincia",)
    places = list(
        session.scalars(select(Place.ubigeo).where(Place.level.in_(levels)).order_by(Place.ubigeo))
    )
    compared = [region] + [u for u in places if len(u) == 2]
    for parent in compared:
        compared_places(session, parent, cache)
    for ubigeo in places:
        place_summary(session, ubigeo, cache)
    today = local_today()
    choices = [u for u in places if len(u) == (2 if region == NATIONAL else 4)]
    for provincia in ["", *choices]:
        unit_rows(session, today, provincia, cache)


# --- The import's part -----------------------------------------------------------------------


def precompute_after_import(app: Flask):
    """An after-import hook: compute the figures of the pages that read the whole region (home,
    comparison of places, department and province pages, list of units) and store them."""

    def precompute() -> None:
        try:
            _precompute()
        except Exception:  # noqa: BLE001 - the pages compute what is missing: only speed is lost
            app.logger.exception("The figures were not precomputed: pages will compute them")

    def _precompute() -> None:
        from portal.db import session_scope
        from portal.investments.figures_cache import data_version

        with app.test_request_context(), session_scope() as session:
            # The statistics are fresh: the import ran VACUUM (ANALYZE) before this hook (an
            # ANALYZE in this transaction served nobody else until the figures were written).
            version = data_version(session)
            figures: dict[Hashable, Any] = {}

            def record(key: Hashable, compute: Callable[[], Any]) -> Any:
                if key not in figures:
                    figures[key] = compute()
                return figures[key]

            national_figures(session, app.config["PORTAL_REGION"], record)
            write_figures(session, version, figures)

    return precompute
