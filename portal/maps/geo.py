"""GeoJSON for the maps: where each investment is drawn, and the region's boundaries.

A point is drawn where the record says only when the importer found it sound ('ok') and it lies in
the region; anything else is drawn at its district's centroid and flagged as approximate, so a
bad coordinate never puts a work in the wrong place.
"""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from flask import current_app

from portal.i18n import Formatters, money_value, percent_value
from portal.importer.reading import BoundingBox
from portal.places import NATIONAL, place_name, region_boundaries, title_name

#: Decimal places kept in served coordinates: 5 is about one metre, more is noise.
COORD_DIGITS = 5


def leaflet_bounds(box: BoundingBox) -> list[list[float]]:
    """[[south, west], [north, east]], as Leaflet's fitBounds takes it."""
    return [[box.south, box.west], [box.north, box.east]]


def current_region() -> str:
    """The department published (or ``all``), as the settings say."""
    return current_app.config["PORTAL_REGION"]


def outline_level(region: str) -> str:
    """The level drawn as the region's main lines: departments for the country, else provinces."""
    return "departamento" if region == NATIONAL else "provincia"


def region_bbox() -> BoundingBox:
    """The bounding box of the region's outlines."""
    return _region_bbox(current_region())


@cache
def _region_bbox(region: str) -> BoundingBox:
    return _bbox(boundary_features(region, outline_level(region)))


def feature_bbox(feature: dict) -> BoundingBox:
    """The bounding box of one boundary feature (a district or province outline)."""
    return _bbox((feature,))


def _bbox(features) -> BoundingBox:
    lons, lats = [], []
    for feature in features:
        for lon, lat in _positions(feature["geometry"]):
            lons.append(lon)
            lats.append(lat)
    return BoundingBox(min(lats), min(lons), max(lats), max(lons))


def _positions(geometry: dict):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


@cache
def boundary_features(region: str, level: str) -> tuple[dict, ...]:
    """The region's outlines of one level, reduced to an id (ubigeo) and a name; once per region.

    The name is the INEI list's (the files cut names at 19 characters and write no accents).
    Places the files list without an outline are left out (the map cannot draw them).
    """
    return tuple(
        {
            "type": "Feature",
            "id": b.ubigeo,
            "properties": {"name": place_name(b.ubigeo) or title_name(b.name)},
            "geometry": b.geometry,
        }
        for b in region_boundaries(region, level)
        if b.geometry is not None
    )


@cache
def boundaries_json(region: str, level: str) -> bytes:
    """The region's outlines of one level as compact GeoJSON bytes (served to the browser)."""
    collection = {"type": "FeatureCollection", "features": list(boundary_features(region, level))}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


def place_feature(ubigeo: str | None) -> dict | None:
    """The outline of one district (6 digits), province (4) or department (2), for small maps."""
    level = {6: "distrito", 4: "provincia", 2: "departamento"}.get(len(ubigeo or ""))
    if level is None:
        return None
    return _features_by_ubigeo(level).get(ubigeo)


@cache
def _features_by_ubigeo(level: str) -> dict[str, dict]:
    return {f["id"]: f for f in boundary_features(NATIONAL, level)}


#: The importer fixes swapped latitude/longitude, so those points are drawn where they belong.
USABLE_COORDINATES = frozenset({"ok", "swapped"})


def locate(
    lat: float | None,
    lon: float | None,
    coords_status: str,
    centroid: tuple[float, float] | None,
) -> tuple[float, float, bool] | None:
    """(lat, lon, approximate) where an investment is drawn, or None when nowhere is known."""
    if coords_status in USABLE_COORDINATES and lat is not None and lon is not None:
        if region_bbox().contains(lat, lon):
            return lat, lon, False
    if centroid is not None and None not in centroid:
        return centroid[0], centroid[1], True
    return None


class MapRow(NamedTuple):
    """What the map needs of one investment (a tuple: 20,000 of them are built per response)."""

    cui: str
    name: str
    status: str
    #: Floats, not Decimal: converting 20,000 of them was most of the build time.
    updated_cost: float | None
    physical_progress: float | None
    latitude: float | None
    longitude: float | None
    coords_status: str
    ubigeo: str | None


def feature_collection(
    rows: list[MapRow], centroids: dict[str, tuple[float, float]], texts: Formatters
) -> dict:
    """Compact GeoJSON: one feature per investment, geometry null where nowhere is known.

    Properties: c = CUI, n = name, s = status, k = updated cost (soles to the céntimo),
    p = physical progress %, a = 1 when drawn at the district centroid; kt and pt are k and p
    as the pages write them (``texts``: the request language's formatters), which the popup
    shows, so a popup never rounds a figure differently from the page.
    """
    features = []
    box = region_bbox()
    for row in rows:
        lat, lon = row.latitude, row.longitude
        if (
            row.coords_status in USABLE_COORDINATES
            and lat is not None
            and lon is not None
            and box.contains(lat, lon)
        ):
            where = (lat, lon, False)
        else:
            where = locate(lat, lon, row.coords_status, centroids.get(row.ubigeo))
        props = {"c": row.cui, "n": row.name, "s": row.status}
        if row.updated_cost is not None:
            cost = money_value(row.updated_cost)
            props["k"] = float(cost)
            props["kt"] = texts.money(cost)
        if row.physical_progress is not None:
            progress = percent_value(row.physical_progress)
            props["p"] = float(progress)
            props["pt"] = texts.percent(progress)
        geometry = None
        if where is not None:
            lat, lon, approximate = where
            geometry = {
                "type": "Point",
                "coordinates": [round(lon, COORD_DIGITS), round(lat, COORD_DIGITS)],
            }
            if approximate:
                props["a"] = 1
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}
