"""What the index knows about each investment: its words and the values the filters and facets use.

Read from the database in one pass when the index is built, and saved beside it, so a search
filters, counts facets and sorts in memory and asks the database only for the rows it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.investments.models import ExecutingUnit, Investment, Place, Prioritisation

#: Facet dimensions, in the order the page shows them; names are the public filter parameters.
DIMENSIONS = ("provincia", "distrito", "estado", "fase", "funcion", "unidad", "pp", "alerta")
MULTI_VALUED = ("pp", "alerta")
SORT_COLUMNS = ("costo", "avance", "cambio")
#: Version of the saved catalogue and index fields (2: unit names and their lengths).
FORMAT = 2


@dataclass
class Entry:
    """One investment as the search sees it."""

    cui: str
    snip: str
    name: str
    places: str
    #: Executing unit and entity names ("REGION CAJAMARCA-SUB REGION CHOTA"), searchable too.
    units: str
    values: dict[str, list[str]]
    sort: dict[str, float | str | None]
    #: Number of terms in the name, for length normalisation when ranking (set when indexing).
    length: int = 0
    #: Number of distinct terms in the unit and entity names (set when indexing): a query naming
    #: most of them ("municipalidad de cutervo") means that unit, not "... de San Juan de Cutervo".
    unit_length: int = 0

    def as_json(self) -> list:
        return [self.cui, self.snip, self.values, self.sort, self.length, self.unit_length]


@dataclass
class Catalogue:
    entries: list[Entry]
    #: Place and executing-unit names for the facet labels, by code.
    labels: dict[str, dict[str, str]]
    #: Words of the names and places, as written, with how many investments use them (spelling).
    vocabulary: dict[str, int] = field(default_factory=dict)
    #: Words of the place, unit and entity names, with their use: what a typo is corrected to.
    known: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "format": FORMAT,
            "entries": [e.as_json() for e in self.entries],
            "labels": self.labels,
            "vocabulary": self.vocabulary,
            "known": self.known,
        }


def load_catalogue(session: Session) -> Catalogue:
    """Every investment with its words, filter values and sort keys, ordered by CUI."""
    places = dict(session.execute(select(Place.ubigeo, Place.name)).all())
    units = dict(session.execute(select(ExecutingUnit.sec_ejec, ExecutingUnit.name)).all())
    years: dict[str, list[str]] = {}
    for cui, year in session.execute(select(Prioritisation.cui, Prioritisation.year)):
        years.setdefault(cui, []).append(str(year))
    columns = (
        Investment.cui, Investment.snip, Investment.name, Investment.ubigeo, Investment.province,
        Investment.district, Investment.status, Investment.phase, Investment.function,
        Investment.sec_ejec, Investment.executing_unit_name, Investment.entity,
        Investment.red_flags, Investment.updated_cost,
        Investment.progress.label("physical_progress"),
        Investment.changed_at,
    )  # fmt: skip
    entries = []
    for row in session.execute(select(*columns).order_by(Investment.cui)):
        ubigeo = row.ubigeo or ""
        place_words = {row.province or "", row.district or ""}
        if len(ubigeo) >= 4:
            place_words.update((places.get(ubigeo, ""), places.get(ubigeo[:4], "")))
        if row.sec_ejec and row.sec_ejec not in units and row.executing_unit_name:
            units[row.sec_ejec] = row.executing_unit_name
        unit_words = {row.executing_unit_name or "", row.entity or "", units.get(row.sec_ejec, "")}
        values = {
            "provincia": [ubigeo[:4]] if len(ubigeo) >= 4 else [],
            "distrito": [ubigeo] if len(ubigeo) == 6 else [],
            "estado": [row.status] if row.status else [],
            "fase": [row.phase] if row.phase else [],
            "funcion": [row.function] if row.function else [],
            "unidad": [row.sec_ejec] if row.sec_ejec else [],
            "pp": sorted(years.get(row.cui, [])),
            "alerta": (row.red_flags or "").split(),
        }
        sort = {
            "costo": float(row.updated_cost) if row.updated_cost is not None else None,
            "avance": float(row.physical_progress) if row.physical_progress is not None else None,
            "cambio": row.changed_at.isoformat() if row.changed_at else None,
        }
        entries.append(
            Entry(
                row.cui,
                row.snip or "",
                row.name,
                " ".join(sorted(place_words)),
                " ".join(sorted(unit_words)),
                values,
                sort,
            )  # fmt: skip
        )
    labels = {
        "provincia": {k: v for k, v in places.items() if len(k) == 4},
        "distrito": {k: v for k, v in places.items() if len(k) == 6},
        "unidad": units,
    }
    return Catalogue(entries, labels)


def catalogue_from_json(data: dict) -> Catalogue:
    """The saved catalogue; ValueError for one saved by an older portal (searching rebuilds it)."""
    if data.get("format") != FORMAT:
        raise ValueError("search index written by another version of the portal")
    entries = [
        Entry(cui, snip, "", "", "", values, sort, n, u)
        for cui, snip, values, sort, n, u in data["entries"]
    ]
    return Catalogue(entries, data["labels"], data.get("vocabulary", {}), data.get("known", {}))
