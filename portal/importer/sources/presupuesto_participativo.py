"""Our curated presupuesto_participativo.csv: each year's participatory-budget priorities.

No official machine-readable list exists; the format is documented in README.md. Layout facts
(tests/fixtures/published/presupuesto_participativo.csv is a sample): plain UTF-8 without BOM,
comma separated, quoted only where needed, ``anio, cui, prioridad, nombre, ubigeo,
monto_asignado, acta, comite_vigilancia, observaciones``; ``ubigeo`` keeps its leading zero.
An unreadable ``ubigeo`` (the region filter) rejects the row; other optional values that cannot
be read are left empty and counted.
"""

from __future__ import annotations

from portal.importer.reading import parse_decimal, parse_int, parse_ubigeo
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import Prioritisation

COLUMNS = {
    "year": ("anio", "año"),
    "cui": ("cui", "codigo_unico"),
    "rank": ("prioridad",),
    "name": ("nombre",),
    "ubigeo": ("ubigeo",),
    "amount": ("monto_asignado",),
    "act": ("acta",),
    "committee": ("comite_vigilancia",),
    "notes": ("observaciones",),
}


def parse_prioritisation(row: Row, context: ImportContext) -> list[Record]:
    try:  # the place decides the region: an unreadable one rejects the row
        ubigeo = parse_ubigeo(row["ubigeo"])
    except ValueError as exc:
        raise ValueError(f"ubigeo: {exc}") from None
    if not context.national and ubigeo and not ubigeo.startswith(context.region):
        return []
    year = row.parse("year", parse_int)
    if year is None or not 2000 <= year <= context.today.year + 1:
        raise ValueError(f"anio is not a plausible year: {row['year']!r}")
    cui = row.parse("cui", clean_code)
    if cui is None:
        raise ValueError("cui is empty")
    return [
        (
            Prioritisation.__table__,
            {
                "year": year,
                "cui": cui,
                "rank": row.parse("rank", parse_int),
                "name": clean_text(row["name"]),
                "ubigeo": ubigeo,
                "amount": row.parse("amount", parse_decimal),
                "act": clean_text(row["act"]),
                "committee": clean_text(row["committee"]),
                "notes": clean_text(row["notes"]),
            },
        )
    ]


SOURCE = SourceSpec(
    name="presupuesto-participativo",
    description="Presupuesto participativo (lista curada por Vigía)",
    file_format="csv",
    columns=COLUMNS,
    required=frozenset({"year", "cui", "rank"}),
    tables=(Prioritisation.__table__,),
    parse_row=parse_prioritisation,
    key_columns=("year", "cui"),
)
