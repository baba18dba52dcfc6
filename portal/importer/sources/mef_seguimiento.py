"""MEF's {YEAR}-Seguimiento-PI.csv: budget execution (PIA, PIM, devengado) per CUI, unit and year.

Layout facts (tests/fixtures/published/2026-Seguimiento-PI.csv is a sample):

- 35 columns, names and order as in a real 2026 file: ``ANO_EJE``, ``NIVEL_GOBIERNO`` (R / M /
  E), ``SECTOR``/``PLIEGO`` (a single space for local governments), ``SEC_EJEC``,
  ``EJECUTORA_NOMBRE``, ``DEPARTAMENTO_EJECUTORA``/``_NOMBRE`` (where the executing unit sits),
  ``PRODUCTO_PROYECTO`` (= CUI), ``FUNCION``, ``DEPARTAMENTO_META``/``_NOMBRE`` (where the works
  are), ``FUENTE_FINANCIAMIENTO``, ``RUBRO``, ``COSTO_ACTUAL``, ``MONTO_PIA``, ``MONTO_PIM``,
  ``MONTO_DEVENGADO_ANO_EJE``, ``MONTO_EJECUCION_TOTAL`` … Older layouts wrote
  ``MONTO_DEVENGADO``, ``MONTO_CERTIFICADO``, ``MONTO_COMPROMETIDO_ANUAL`` and ``MONTO_GIRADO``:
  their aliases stay. UTF-8 with BOM, every field quoted, CRLF.
- One row is an investment's execution by one executing unit in one year **split by function,
  department of the works, source of funds and rubro**: the rows of one CUI, year and
  ``SEC_EJEC`` are **added up** into one record (``merge_execution``). An amount left empty in
  every row stays unknown; an empty amount next to known ones counts as nothing.
- The region is where the works are: ``DEPARTAMENTO_META`` (a department code published as a
  number, ``6``), not the executing unit's department (a ministry in Lima builds in Cajamarca).
  A layout without it falls back to the known CUIs and the executing unit's department.
- One file carries **every year since 2005**. Each year present in the file replaces that year
  only (``scope_column``); a year the file lacks keeps its live rows. So the "far fewer rows
  than last time" guard compares each year with that year's live records instead of the whole
  file with the last run (a new year, or the next year's file with one year more, must not look
  like a change of size); the same file given again is ``unchanged`` by its hash as for any
  source. Several year files given in one run are imported in name order, so the newest file
  has the last word on the years they share.
"""

from __future__ import annotations

from decimal import Decimal

from portal.importer.reading import normalize_name, parse_decimal, parse_int, parse_ubigeo
from portal.importer.sources import (
    ImportContext,
    Record,
    Row,
    SourceSpec,
    clean_code,
    clean_text,
)
from portal.investments.models import YearlyExecution

COLUMNS = {
    "year": ("ANO_EJE", "ANIO_EJE", "AÑO_EJE"),
    "government_level": ("NIVEL_GOBIERNO",),
    "sec_ejec": ("SEC_EJEC",),
    "executing_unit_name": ("EJECUTORA_NOMBRE", "NOMBRE_EJECUTORA"),
    "department": ("DEPARTAMENTO_EJECUTORA_NOMBRE",),
    "works_department": ("DEPARTAMENTO_META",),
    "works_department_name": ("DEPARTAMENTO_META_NOMBRE",),
    "cui": ("PRODUCTO_PROYECTO", "CODIGO_UNICO"),
    "pia": ("MONTO_PIA",),
    "pim": ("MONTO_PIM",),
    "certified": ("MONTO_CERTIFICADO",),
    "committed": ("MONTO_COMPROMETIDO_ANUAL", "MONTO_COMPROMETIDO"),
    "devengado": ("MONTO_DEVENGADO_ANO_EJE", "MONTO_DEVENGADO"),
    "paid": ("MONTO_GIRADO",),
}
AMOUNTS = ("pia", "pim", "certified", "committed", "devengado", "paid")


def in_region(row: Row, cui: str, context: ImportContext) -> bool:
    """Where the works are (DEPARTAMENTO_META); older layouts by CUI or the unit's department."""
    if context.national:
        return True
    code = row.parse("works_department", parse_ubigeo)
    if code:
        return code == context.region
    name = row["works_department_name"]
    if name:
        return normalize_name(name) == context.region_name
    return context.cui_in_region(cui) or normalize_name(row["department"]) == context.region_name


def parse_execution(row: Row, context: ImportContext) -> list[Record]:
    cui = row.parse("cui", clean_code)
    if cui is None:
        raise ValueError("PRODUCTO_PROYECTO is empty")
    if not in_region(row, cui, context):
        return []
    year = row.parse("year", parse_int)
    if year is None:
        raise ValueError("ANO_EJE is empty")
    sec_ejec = row.parse("sec_ejec", clean_code)
    if sec_ejec is None:
        raise ValueError("SEC_EJEC is empty")
    record = {
        "cui": cui,
        "year": year,
        "sec_ejec": sec_ejec,
        "executing_unit_name": clean_text(row["executing_unit_name"]),
        "government_level": clean_text(row["government_level"]),
    }
    for field in AMOUNTS:
        record[field] = row.parse(field, parse_decimal)
    return [(YearlyExecution.__table__, record)]


def merge_execution(first: list[Record], other: list[Record]) -> None:
    """Add another row of the same CUI, year and unit (another source of funds or rubro)."""
    total, more = first[0][1], other[0][1]
    for field in AMOUNTS:
        if more[field] is not None:
            total[field] = (total[field] or Decimal(0)) + more[field]
    for field in ("executing_unit_name", "government_level"):
        total[field] = total[field] or more[field]


SOURCE = SourceSpec(
    name="mef-seguimiento",
    description="MEF, seguimiento de proyectos de inversión — AAAA-Seguimiento-PI.csv",
    file_format="csv",
    columns=COLUMNS,
    required=frozenset({"year", "sec_ejec", "cui", "pim", "devengado"}),
    tables=(YearlyExecution.__table__,),
    parse_row=parse_execution,
    scope_column="year",
    key_columns=("cui", "year", "sec_ejec"),
    merge_rows=merge_execution,
)
