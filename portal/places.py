"""Places of the region: department, provinces and districts, from the shipped boundaries.

The portal names places by their INEI ubigeo ('06', '0601', '060101'); public records publish the
ubigeo as a number and the names in upper case, so this module is the one place that turns the
boundary files into the names and centroids people see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
REGION = "06"
REGION_NAME = "Cajamarca"
_FILES = {
    "provincia": "cajamarca_provincias.geojson",
    "distrito": "cajamarca_distritos.geojson",
}
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y"}


@dataclass(frozen=True)
class Place:
    """A department, province or district, keyed by its INEI ubigeo."""

    ubigeo: str
    level: str  # 'departamento' | 'provincia' | 'distrito'
    name: str
    parent: str | None
    capital: str | None
    lat: float
    lon: float


def boundaries_path(level: str) -> Path:
    """Path of the shipped GeoJSON for 'provincia' or 'distrito' (the maps serve it as is)."""
    try:
        return DATA_DIR / _FILES[level]
    except KeyError:
        raise ValueError(f"no boundaries for level {level!r}") from None


def title_name(upper: str) -> str:
    """'SAN JOSE DE LOS ALISOS' -> 'San Jose de los Alisos': how people write place names."""
    words = upper.strip().title().split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


def load_places(region: str = REGION) -> list[Place]:
    """All places of `region`: the department, then its provinces, then its districts, by ubigeo.

    Only Cajamarca's boundaries ship with the portal (the national files are ten times larger and
    the portal covers one region), so any other region returns an empty list rather than guesses.
    """
    if region != REGION:
        return []
    return list(_cajamarca())


@cache
def _cajamarca() -> tuple[Place, ...]:
    """Read both boundary files once; a tuple so the cached value cannot be changed by callers."""
    districts = sorted((_district(f) for f in _features("distrito")), key=lambda p: p.ubigeo)
    capitals = {d.parent: d.capital for d in districts if d.ubigeo.endswith("01")}
    provinces = sorted(
        (_province(f, capitals) for f in _features("provincia")), key=lambda p: p.ubigeo
    )
    department = Place(
        ubigeo=REGION,
        level="departamento",
        name=REGION_NAME,
        parent=None,
        capital=capitals.get(REGION + "01"),
        **_centroid_of([f["geometry"] for f in _features("provincia")]),
    )
    return (department, *provinces, *districts)


def _features(level: str) -> list[dict]:
    """The features of one shipped file."""
    with boundaries_path(level).open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _district(feature: dict) -> Place:
    """A district from its feature; its capital is the town named in NOM_CAP."""
    props = feature["properties"]
    return Place(
        ubigeo=props["IDDIST"],
        level="distrito",
        name=title_name(props["NOMBDIST"]),
        parent=props["IDPROV"],
        capital=title_name(props["NOM_CAP"]) if props.get("NOM_CAP") else None,
        **_centroid_of([feature["geometry"]]),
    )


def _province(feature: dict, capitals: dict[str, str | None]) -> Place:
    """A province; its capital is the capital of its first district (ubigeo ending in 01)."""
    props = feature["properties"]
    ubigeo = props["FIRST_IDPR"]
    return Place(
        ubigeo=ubigeo,
        level="provincia",
        name=title_name(props["NOMBPROV"]),
        parent=ubigeo[:2],
        capital=capitals.get(ubigeo),
        **_centroid_of([feature["geometry"]]),
    )


def _centroid_of(geometries: list[dict]) -> dict[str, float]:
    """Area-weighted centroid of Polygons and MultiPolygons (holes subtract), as lat/lon.

    Planar on degrees: at Cajamarca's size the error is far below what a map marker shows.
    """
    total_area = sum_x = sum_y = 0.0
    for geometry in geometries:
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for i, ring in enumerate(polygon):
                area, cx, cy = _ring_moments(ring)
                # GeoJSON does not guarantee winding: the outer ring adds, holes subtract.
                sign = 1 if i == 0 else -1
                area = sign * abs(area)
                total_area += area
                sum_x += area * cx
                sum_y += area * cy
    return {"lat": round(sum_y / total_area, 5), "lon": round(sum_x / total_area, 5)}


def _ring_moments(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of one closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    return area, cx / (6 * area), cy / (6 * area)
