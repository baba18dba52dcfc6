"""Places of Peru: departments, provinces and districts, named by INEI, drawn by the boundaries.

The portal names places by their INEI ubigeo ('06', '0601', '060101'). Names come from one table,
the INEI ubigeo lists in ``data/places`` (see its README): public records and the boundary files
write names in capitals without accents, and the boundary files cut them at 19 characters, so this
module is the one place that spells them (``place_name``) and gives their centroids and outlines.
One department (or, with ``all``, the whole country) is published: its places are the national ones
with its ubigeo prefix, so no file per region is needed. The files are read once per process.
"""

from __future__ import annotations

import csv
import gzip
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
PLACES_DIR = DATA_DIR / "places"
#: The setting value that publishes the whole country.
NATIONAL = "all"
LEVELS = ("departamento", "provincia", "distrito")
_FILES = {
    "departamento": "peru_departamentos.geojson.gz",
    "provincia": "peru_provincias.geojson.gz",
    "distrito": "peru_distritos.geojson.gz",
}
#: The INEI lists of names, one per level (the column of the name is the level's name).
_NAME_FILES = {
    "departamento": "ubigeo_departamento.csv",
    "provincia": "ubigeo_provincia.csv",
    "distrito": "ubigeo_distrito.csv",
}
#: (ubigeo, name) properties of each file: the three files of peru-geojson name them differently.
_KEYS = {
    "departamento": ("FIRST_IDDP", "NOMBDEP"),
    "provincia": ("FIRST_IDPR", "NOMBPROV"),
    "distrito": ("IDDIST", "NOMBDIST"),
}
_DIGITS = {"departamento": 2, "provincia": 4, "distrito": 6}
_LEVEL_OF_DIGITS = {digits: level for level, digits in _DIGITS.items()}
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y"}
COUNTRY_NAME = "Perú"


@dataclass(frozen=True)
class Place:
    """A department, province or district, keyed by its INEI ubigeo."""

    ubigeo: str
    level: str  # 'departamento' | 'provincia' | 'distrito'
    name: str
    parent: str | None
    capital: str | None
    #: None for the few places known neither by an outline nor by their capital's position.
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Boundary:
    """One place's outline as the files give it, its parts merged under one ubigeo."""

    ubigeo: str
    name: str  # upper case, as the file writes it (maybe cut short): never shown, see place_name
    capital: str | None
    geometry: dict | None


@dataclass(frozen=True)
class NamedPlace:
    """One row of the INEI lists: the place's spelling and its capital town."""

    ubigeo: str
    level: str
    name: str  # 'José Gálvez'
    inei_name: str  # 'JOSE GALVEZ', as INEI and the MEF files write it
    capital: str | None
    #: The capital town's position (the lists have no outline).
    lat: float | None
    lon: float | None


def fold(text: str) -> str:
    """'Cañete  Jaén' -> 'CANETE JAEN': upper case, no accents, single spaces, to compare names."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.upper().split())


def title_name(upper: str) -> str:
    """'SAN JOSE DE LOS ALISOS' -> 'San Jose de los Alisos': how people write place names."""
    words = upper.strip().title().split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


@cache
def accented_words() -> dict[str, str]:
    """The reviewed spelling of words INEI writes without accents: 'CHAVEZ' -> 'Chávez'."""
    with (PLACES_DIR / "acentos.csv").open(encoding="utf-8", newline="") as fh:
        return {row["palabra"]: row["escritura"] for row in csv.DictReader(fh)}


def spell_name(inei_name: str, capital: str | None = None) -> str:
    """A place's name as people write it, from INEI's capitals and its capital town's spelling.

    'CELENDIN' with capital 'Celendín' -> 'Celendín'; 'JOSE GALVEZ' (capital Huacapampa) ->
    'José Gálvez' by the reviewed words of ``acentos.csv``.
    """
    if capital and fold(capital) == fold(inei_name):
        # The capital's own letters, with the small words in lower case ('San José De Sisa').
        words = capital.split()
        written = [words[0]] + [w.lower() if w.lower() in _SMALL_WORDS else w for w in words[1:]]
    else:
        written = title_name(inei_name).split()
    accents = accented_words()
    return " ".join(accents.get(word.upper(), word) for word in written)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@cache
def named_places(level: str) -> dict[str, NamedPlace]:
    """Every place of one level in the INEI lists, by ubigeo, read once per process."""
    digits = _DIGITS[level]
    places = {}
    with (PLACES_DIR / _NAME_FILES[level]).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["inei"].strip()
            if not code.isdigit():
                continue  # a RENIEC-only row: no INEI code, not in the MEF files
            ubigeo = code[:digits]
            capital = " ".join(row["capital"].split())
            capital = None if capital in ("", "NA") else capital
            inei_name = " ".join(row[level].split())
            places[ubigeo] = NamedPlace(
                ubigeo=ubigeo,
                level=level,
                name=spell_name(inei_name, capital),
                inei_name=inei_name.upper(),
                capital=capital,
                lat=_number(row["latitude"]),
                lon=_number(row["longitude"]),
            )
    return dict(sorted(places.items()))


def named_place(ubigeo: str | None) -> NamedPlace | None:
    """The list's row of a department (2 digits), province (4) or district (6), if known."""
    level = _LEVEL_OF_DIGITS.get(len(ubigeo or ""))
    return named_places(level).get(ubigeo) if level else None


def place_name(ubigeo: str | None) -> str | None:
    """'060306' -> 'José Gálvez': the one spelling of a place everywhere; None when unknown."""
    place = named_place(ubigeo)
    return place.name if place else None


def inei_name(ubigeo: str | None) -> str | None:
    """'060306' -> 'JOSE GALVEZ': the name as the MEF files write it (the demo data uses it)."""
    place = named_place(ubigeo)
    return place.inei_name if place else None


def investment_places(
    ubigeo: str | None, province: str | None, district: str | None
) -> tuple[str | None, str | None]:
    """(province, district) of a record as shown: the list's names by ubigeo, else the text.

    A record of a whole department ('060000') or of no known place keeps what the file says
    ('- TODOS -'); one of a district is named by the list, whatever spelling the file used.
    """
    code = ubigeo or ""
    return (
        place_name(code[:4]) if len(code) >= 4 and place_name(code[:4]) else province,
        place_name(code) if len(code) == 6 and place_name(code) else district,
    )


def boundaries_path(level: str) -> Path:
    """Path of the shipped national file (gzipped GeoJSON) of one level."""
    try:
        return DATA_DIR / _FILES[level]
    except KeyError:
        raise ValueError(f"no boundaries for level {level!r}") from None


def place_line(ubigeo: str | None, province: str | None, district: str | None) -> str:
    """'José Gálvez, Celendín': where a record lies, in one line (a file's capitals title-cased).

    The files' markers of no one place ('- TODOS -', '-MUL.DEP-') are left out.
    """
    parts = investment_places(ubigeo, province, district)[::-1]
    return ", ".join(
        title_name(p) if p.isupper() else p for p in parts if p and not p.startswith("-")
    )


def valid_region(region: str) -> bool:
    """A department code of the INEI list ('01'–'25'), or ``all``."""
    return region == NATIONAL or region in named_places("departamento")


def region_name(region: str) -> str:
    """The name of the region published: its department's name, or the country's."""
    if region == NATIONAL:
        return COUNTRY_NAME
    name = place_name(region) if len(region) == 2 else None
    if name is None:
        raise ValueError(f"unknown department code {region!r}")
    return name


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
    """Built once per region and process; a tuple so callers cannot change the cached value.

    Every place of the INEI lists, named by them; centred on its outline, or on its capital town
    for the places created after the boundaries were drawn (and the few they leave without one).
    """
    if not valid_region(region):
        return ()
    places = []
    province_outlines = {b.ubigeo: b.geometry for b in region_boundaries(region, "provincia")}
    for level in LEVELS:
        outlines = {b.ubigeo: b.geometry for b in region_boundaries(region, level)}
        for ubigeo, named in named_places(level).items():
            if region != NATIONAL and not ubigeo.startswith(region):
                continue
            if level == "departamento":
                # A department's centre from its provinces' outlines, as the province lines are.
                shapes = [g for u, g in province_outlines.items() if u.startswith(ubigeo)]
                shapes = shapes or [outlines.get(ubigeo)]
            else:
                shapes = [outlines.get(ubigeo)]
            centre = _centroid_of(shapes)
            if centre["lat"] is None:
                centre = {"lat": named.lat, "lon": named.lon}
            parent = {"departamento": None, "provincia": ubigeo[:2], "distrito": ubigeo[:4]}
            places.append(Place(ubigeo, level, named.name, parent[level], named.capital, **centre))
    return tuple(places)


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
