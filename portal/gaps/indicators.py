"""Each district's population, poverty and human development, from the bundled INEI lists.

The lists (portal/data/places/ubigeo_distrito.csv, "ubigeo-peru-aumentado", MIT) give area and
2020 density, so the population is their product: the public list has no head count of its own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from portal.places import PLACES_DIR

SOURCE_FILE = "ubigeo_distrito.csv"


@dataclass(frozen=True)
class DistrictIndicators:
    ubigeo: str
    #: superficie (km²) × pob_densidad_2020 (inhabitants per km²), rounded to a person.
    population: int | None
    poverty_pct: float | None
    extreme_poverty_pct: float | None
    hdi: float | None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "NA") else None
    except ValueError:
        return None


@cache
def district_indicators() -> dict[str, DistrictIndicators]:
    """Every district of Peru's indicators by INEI ubigeo, read once per process."""
    found = {}
    with (PLACES_DIR / SOURCE_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["inei"].strip()
            if not (code.isdigit() and len(code) == 6):
                continue
            area, density = _number(row["superficie"]), _number(row["pob_densidad_2020"])
            found[code] = DistrictIndicators(
                ubigeo=code,
                population=round(area * density) if area and density else None,
                poverty_pct=_number(row["pct_pobreza_total"]),
                extreme_poverty_pct=_number(row["pct_pobreza_extrema"]),
                hdi=_number(row["idh_2019"]),
            )
    return found
