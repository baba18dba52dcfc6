"""MEF's {YEAR}-Seguimiento-PI.csv: budget execution (PIA, PIM, devengado) per CUI, unit and year.

Published one file per year, so each file replaces only the years it contains.
"""

from __future__ import annotations

from portal.importer.reading import normalize_name, parse_decimal, parse_int
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import YearlyExecution

COLUMNS = {
    "year": ("ANO_EJE", "ANIO_EJE", "AÑO_EJE"),
    "government_level": ("NIVEL_GOBIERNO",),
    "sec_ejec": ("SEC_EJEC",),
    "executing_unit_name": ("EJECUTORA_NOMBRE", "NOMBRE_EJECUTORA"),
    "department": ("DEPARTAMENTO_EJECUTORA_NOMBRE",),
    "cui": ("PRODUCTO_PROYECTO", "CODIGO_UNICO"),
    "pia": ("MONTO_PIA",),
    "pim": ("MONTO_PIM",),
    "certified": ("MONTO_CERTIFICADO",),
    "committed": ("MONTO_COMPROMETIDO_ANUAL", "MONTO_COMPROMETIDO"),
    "devengado": ("MONTO_DEVENGADO",),
    "paid": ("MONTO_GIRADO",),
}


def parse_execution(row: Row, context: ImportContext) -> list[Record]:
    cui = clean_code(row["cui"])
    if cui is None:
        raise ValueError("PRODUCTO_PROYECTO is empty")
    in_region = context.cui_in_region(cui) or (
        normalize_name(row["department"]) == context.region_name
    )
    if not in_region:
        return []
    year = parse_int(row["year"])
    if year is None:
        raise ValueError("ANO_EJE is empty")
    sec_ejec = clean_code(row["sec_ejec"])
    if sec_ejec is None:
        raise ValueError("SEC_EJEC is empty")
    record = {
        "cui": cui,
        "year": year,
        "sec_ejec": sec_ejec,
        "executing_unit_name": clean_text(row["executing_unit_name"]),
        "government_level": clean_text(row["government_level"]),
    }
    for field in ("pia", "pim", "certified", "committed", "devengado", "paid"):
        record[field] = parse_decimal(row[field])
    return [(YearlyExecution.__table__, record)]


SOURCE = SourceSpec(
    name="mef-seguimiento",
    description="MEF, seguimiento de proyectos de inversión — {AÑO}-Seguimiento-PI.csv",
    file_format="csv",
    columns=COLUMNS,
    required=frozenset({"year", "sec_ejec", "cui", "pim", "devengado"}),
    tables=(YearlyExecution.__table__,),
    parse_row=parse_execution,
    scope_column="year",
    key_columns=("cui", "year", "sec_ejec"),
)
