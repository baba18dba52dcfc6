"""Map data by place instead of by investment: one circle per department, province or district.

A national portal has 300,000 investments: one department's points alone were ~1 MB gzipped and
took half a second to build. The national and department views therefore open on the places one
level down (the country on its departments, a department on its provinces), each a circle sized
by its number of investments and linked to the map of that place; a province, a district or a
filter shows points. A selection with more than ``PORTAL_MAP_MAX_POINTS`` investments (a filter
that still selects most of the country) is grouped the same way, so no response outgrows the
limit. These are server-side clusters whose borders are the administrative ones people know.
"""

from __future__ import annotations

from sqlalchemy import Float, func, select, type_coerce
from sqlalchemy.orm import Session

from portal.i18n import Formatters, money_value
from portal.investments.models import Investment, Place
from portal.maps.geo import COORD_DIGITS
from portal.maps.queries import selected
from portal.places import NATIONAL
from portal.search.filters import Filters

#: The level each place level opens on: the country on departments, a department on provinces…
LEVEL_BELOW = {0: "departamento", 2: "provincia", 4: "distrito"}
#: Digits of the ubigeo at each level.
DIGITS = {"departamento": 2, "provincia": 4, "distrito": 6}
#: Default for ``PORTAL_MAP_MAX_POINTS``: ~60 bytes gzipped a point, ~0.3 MB at most. Building
#: points costs ~27 µs each at national size (fetch, progress, figures as written, JSON): 9,000
#: took 260–370 ms on the first request, over the 300 ms any map data must keep to; 5,000 ~150 ms.
MAX_POINTS = 5_000


def place_of(filters: Filters, region: str) -> str:
    """The ubigeo of the place the selection is narrowed to ('' for the whole country)."""
    if filters.distrito:
        return filters.distrito
    if filters.provincia:
        return filters.provincia
    return "" if region == NATIONAL else region


def only_a_place(filters: Filters) -> bool:
    """True when the selection is a place and nothing else (no words, no other filter)."""
    return not filters.q and not any(
        value for name, value in filters.active.items() if name not in ("provincia", "distrito")
    )


def opening_level(filters: Filters, region: str) -> str | None:
    """The level a national portal's country or department opens on (nothing else is counted:
    those views are grouped whatever their size), or None."""
    if region != NATIONAL or not only_a_place(filters):
        return None
    place = place_of(filters, region)
    return LEVEL_BELOW.get(len(place)) if len(place) <= 2 else None


def level_below(filters: Filters, region: str) -> str | None:
    """The level a selection beyond the limit of points is grouped by: one below its place; None
    for a district, which is always points (it never holds more than a few thousand)."""
    return LEVEL_BELOW.get(len(place_of(filters, region)))


def aggregate_collection(session: Session, filters: Filters, level: str, texts: Formatters) -> dict:
    """GeoJSON of the selection by place of ``level``: a point at each place's centre.

    Properties: u = ubigeo, n = name, i = investments, it = i as the pages write it, k = updated
    cost (soles), kt = k as written. Members beside the features: ``aggregate`` (the level),
    ``total`` (investments selected) and ``unplaced`` (those whose record names no place at that
    level, such as a department-wide work: counted, not drawn), with ``totalt`` and
    ``unplacedt`` as the pages write them.
    """
    digits = DIGITS[level]
    code = func.substr(Investment.ubigeo, 1, digits) if digits < 6 else Investment.ubigeo
    # One pass over the selection: the total is the sum of every group, including those whose
    # code is too short for the level (a department-wide work) or missing, counted not drawn.
    query = selected(
        session,
        filters,
        select(
            code,
            func.count(),  # not of a column: the index on the filter can answer alone
            type_coerce(func.coalesce(func.sum(Investment.updated_cost), 0), Float),
        ),
    ).group_by(code)
    groups = session.execute(query).all()
    total = sum(count for _, count, _ in groups)
    sums = {u: (count, cost) for u, count, cost in groups if u is not None and len(u) == digits}
    places = session.execute(
        select(Place.ubigeo, Place.name, Place.latitude, Place.longitude)
        .where(Place.ubigeo.in_(list(sums)))
        .order_by(Place.ubigeo)
    )
    features, drawn = [], 0
    for ubigeo, name, lat, lon in places:
        count, cost = sums[ubigeo]
        if lat is None or lon is None:
            continue
        drawn += count
        amount = money_value(cost or 0)
        features.append(
            {
                "type": "Feature",
                "id": ubigeo,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, COORD_DIGITS), round(lat, COORD_DIGITS)],
                },
                "properties": {
                    "u": ubigeo,
                    "n": name,
                    "i": count,
                    "it": texts.number(count),
                    "k": float(amount),
                    "kt": texts.money(amount),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "aggregate": level,
        "total": total,
        "totalt": texts.number(total),
        "unplaced": total - drawn,
        "unplacedt": texts.number(total - drawn),
        "features": features,
    }
