"""The filter parameters shared by search, map, lists, API and CSV, so a filtered view is one URL.

``q`` is matched by the search index; every other parameter is a plain SQL condition here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from sqlalchemy import Select, exists, or_

from portal.investments.models import Investment, Prioritisation

#: Public parameter names (the interface: keep them as they are).
FILTER_PARAMS = ("q", "provincia", "distrito", "estado", "fase", "funcion", "unidad", "pp", "alerta")
SORTS = ("relevancia", "costo", "avance", "cambio")
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Filters:
    q: str = ""
    provincia: str = ""
    distrito: str = ""
    estado: str = ""
    fase: str = ""
    funcion: str = ""
    unidad: str = ""
    pp: str = ""
    alerta: str = ""
    orden: str = "relevancia"
    pagina: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Parse query-string arguments; anything malformed is dropped, never an error."""
        values = {name: _clean(args.get(name, "")) for name in FILTER_PARAMS}
        values["q"] = values["q"][:MAX_QUERY_LENGTH]
        # pp is a year, or any other value for "prioritised in any year" (spelled "todos").
        if values["pp"] and not values["pp"].isdigit():
            values["pp"] = "todos"
        orden = args.get("orden", "relevancia")
        try:
            pagina = max(1, min(int(args.get("pagina", 1)), 10_000))
        except (TypeError, ValueError):
            pagina = 1
        return cls(**values, orden=orden if orden in SORTS else "relevancia", pagina=pagina)

    def as_args(self, **changes) -> dict[str, str]:
        """Non-empty parameters (for links that keep the other filters), with ``changes`` applied."""
        current = replace(self, **changes) if changes else self
        args = {}
        for field in fields(current):
            value = getattr(current, field.name)
            if field.name == "orden" and value == "relevancia":
                continue
            if field.name == "pagina" and value == 1:
                continue
            if value:
                args[field.name] = str(value)
        return args

    @property
    def active(self) -> dict[str, str]:
        """The filters other than q, order and page that are set."""
        return {name: getattr(self, name) for name in FILTER_PARAMS[1:] if getattr(self, name)}


def _clean(value: str) -> str:
    """Drop control characters and surrounding space: hostile input is treated as words."""
    return "".join(ch for ch in str(value) if ch.isprintable()).strip()


def apply_filters(query: Select, filters: Filters, on=None) -> Select:
    """Add the structured filters (all but ``q``) to a query over Investment, or over ``on``: a
    table with the same column names (PostgreSQL's search documents carry copies of them, so a
    search reads one table)."""
    cols = Investment if on is None else on.c
    if filters.distrito:
        query = query.where(cols.ubigeo == filters.distrito)
    elif filters.provincia:
        query = query.where(cols.ubigeo.startswith(filters.provincia, autoescape=True))
    if filters.estado:
        query = query.where(cols.status == filters.estado)
    if filters.fase:
        query = query.where(cols.phase == filters.fase)
    if filters.funcion:
        query = query.where(cols.function == filters.funcion)
    if filters.unidad:
        query = query.where(cols.sec_ejec == filters.unidad)
    if filters.pp:
        prioritised = exists().where(Prioritisation.cui == cols.cui)
        if filters.pp.isdigit():
            prioritised = prioritised.where(Prioritisation.year == int(filters.pp))
        query = query.where(prioritised)
    if filters.alerta:
        query = query.where(
            or_(
                cols.red_flags == filters.alerta,
                cols.red_flags.startswith(filters.alerta + " ", autoescape=True),
                cols.red_flags.endswith(" " + filters.alerta, autoescape=True),
                cols.red_flags.contains(" " + filters.alerta + " ", autoescape=True),
            )
        )
    return query
