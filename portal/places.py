"""Places of Peru: departments, provinces and districts, from the shipped national boundaries.

The portal names places by their INEI ubigeo ('06', '0601', '060101'); public records publish the
ubigeo as a number and the names in upper case, so this module is the one place that turns the
boundary files into the names, centroids and outlines people see. One department (or, with
``all``, the whole country) is published: its places are the national ones with its ubigeo prefix,
so no file per region is needed. The files are read once per process, when first needed.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
#: The setting value that publishes the whole country.
NATIONAL = "all"
LEVELS = ("departamento", "provincia", "distrito")
_FILES = {
    "departamento": "peru_departamentos.geojson.gz",
    "provincia": "peru_provincias.geojson.gz",
    "distrito": "peru_distritos.geojson.gz",
}
#: (ubigeo, name) properties of each file: the three files of peru-geojson name them differently.
_KEYS = {
    "departamento": ("FIRST_IDDP", "NOMBDEP"),
    "provincia": ("FIRST_IDPR", "NOMBPROV"),
    "distrito": ("IDDIST", "NOMBDIST"),
}
_DIGITS = {"departamento": 2, "provincia": 4, "distrito": 6}
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y"}
#: The boundary files write names without accents; a department's name is on every page.
_DEPARTMENT_SPELLING = {
    "ANCASH": "Áncash",
    "APURIMAC": "Apurímac",
    "HUANUCO": "Huánuco",
    "JUNIN": "Junín",
    "SAN MARTIN": "San Martín",
}
COUNTRY_NAME = "Perú"


@dataclass(frozen=True)
class Place:
    """A department, province or district, keyed by its INEI ubigeo."""

    ubigeo: str
    level: str  # 'departamento' | 'provincia' | 'distrito'
    name: str
    parent: str | None
    capital: str | None
    #: None for the few districts the boundary files list without an outline.
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Boundary:
    """One place's outline as the files give it, its parts merged under one ubigeo."""

    ubigeo: str
    name: str  # upper case, as published
    capital: str | None
    geometry: dict | None


def boundaries_path(level: str) -> Path:
    """Path of the shipped national file (gzipped GeoJSON) of one level."""
    try:
        return DATA_DIR / _FILES[level]
    except KeyError:
        raise ValueError(f"no boundaries for level {level!r}") from None


def valid_region(region: str) -> bool:
    """A department code the boundaries know ('01'–'25'), or ``all``."""
    return region == NATIONAL or region in {b.ubigeo for b in national_boundaries("departamento")}


def title_name(upper: str) -> str:
    """'SAN JOSE DE LOS ALISOS' -> 'San Jose de los Alisos': how people write place names."""
    words = upper.strip().title().split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


def department_name(upper: str) -> str:
    """'SAN MARTIN' -> 'San Martín': a department's name as people write it."""
    return _DEPARTMENT_SPELLING.get(upper.strip(), title_name(upper))


def region_name(region: str) -> str:
    """The name of the region published: its department's name, or the country's."""
    if region == NATIONAL:
        return COUNTRY_NAME
    for boundary in national_boundaries("departamento"):
        if boundary.ubigeo == region:
            return department_name(boundary.name)
    raise ValueError(f"unknown department code {region!r}")


def region_boundaries(region: str, level: str) -> tuple[Boundary, ...]:
    """The outlines of one level inside the region (all of them for ``all``), by ubigeo."""
    boundaries = national_boundaries(level)
    if region == NATIONAL:
        return boundaries
    return tuple(b for b in boundaries if b.ubigeo.startswith(region))


def load_places(region: str = "06") -> list[Place]:
    """All places of ``region``: departments, then provinces, then districts, each by ubigeo.

    A department publishes itself (its page is the home page) with its provinces and districts;
    ``all`` publishes every department as the top level. An unknown code has no places.
    """
    return list(_places(region))


@cache
def _places(region: str) -> tuple[Place, ...]:
    """Built once per region and process; a tuple so callers cannot change the cached value."""
    if not valid_region(region):
        return ()
    districts = [_district(b) for b in region_boundaries(region, "distrito")]
    capitals = {d.parent: d.capital for d in districts if d.ubigeo.endswith("01")}
    province_boundaries = region_boundaries(region, "provincia")
    provinces = [
        Place(
            b.ubigeo,
            "provincia",
            title_name(b.name),
            b.ubigeo[:2],
            capitals.get(b.ubigeo),
            **_centroid_of([b.geometry]),
        )
        for b in province_boundaries
    ]
    departments = []
    for b in region_boundaries(region, "departamento"):
        # A department's centre from its provinces' outlines, as the province lines are drawn.
        own = [p.geometry for p in province_boundaries if p.ubigeo.startswith(b.ubigeo)]
        departments.append(
            Place(
                b.ubigeo,
                "departamento",
                department_name(b.name),
                None,
                capitals.get(b.ubigeo + "01"),
                **_centroid_of(own or [b.geometry]),
            )
        )
    return (*departments, *provinces, *districts)


def _district(boundary: Boundary) -> Place:
    return Place(
        ubigeo=boundary.ubigeo,
        level="distrito",
        name=title_name(boundary.name),
        parent=boundary.ubigeo[:4],
        capital=title_name(boundary.capital) if boundary.capital else None,
        **_centroid_of([boundary.geometry]),
    )


@cache
def national_boundaries(level: str) -> tuple[Boundary, ...]:
    """Every outline of one level, read once per process, by ubigeo.

    The files have quirks: ubigeos may lose their leading zero, a province can come in two
    features (the small one with a misspelt name: 'PUIRA', 'VICTOR FAFARDO'), and a few
    districts have no outline at all; parts are merged, the name of the largest part is kept.
    """
    with gzip.open(boundaries_path(level), "rt", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    id_key, name_key = _KEYS[level]
    parts: dict[str, list[dict]] = {}
    for feature in features:
        ubigeo = str(feature["properties"][id_key]).strip().zfill(_DIGITS[level])
        parts.setdefault(ubigeo, []).append(feature)
    boundaries = []
    for ubigeo, group in sorted(parts.items()):
        main = max(group, key=lambda f: f["properties"].get("COUNT") or 0)
        props = main["properties"]
        boundaries.append(
            Boundary(
                ubigeo=ubigeo,
                name=props[name_key].strip(),
                capital=(props.get("NOM_CAP") or "").strip() or None,
                geometry=_merged([f["geometry"] for f in group if f.get("geometry")]),
            )
        )
    return tuple(boundaries)


def _merged(geometries: list[dict]) -> dict | None:
    """One geometry from the parts: the part itself, or a MultiPolygon of all their polygons."""
    if len(geometries) <= 1:
        return geometries[0] if geometries else None
    polygons = []
    for geometry in geometries:
        if geometry["type"] == "Polygon":
            polygons.append(geometry["coordinates"])
        else:
            polygons.extend(geometry["coordinates"])
    return {"type": "MultiPolygon", "coordinates": polygons}


def _centroid_of(geometries: list[dict | None]) -> dict[str, float | None]:
    """Area-weighted centroid of Polygons and MultiPolygons (holes subtract), as lat/lon.

    Planar on degrees: at a department's size the error is far below what a map marker shows.
    """
    total_area = sum_x = sum_y = 0.0
    for geometry in geometries:
        if geometry is None:
            continue
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
    if not total_area:
        return {"lat": None, "lon": None}
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
    if not area:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area), cy / (6 * area)
