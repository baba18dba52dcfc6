"""Contraloría's INFObras open data set (DataSet-Obras-Publicas DD-MM-YYYY.xlsx): works on site.

Layout facts (tests/fixtures/published; the workbook is read by portal.importer.xlsx):

- One sheet, title rows above the header (three so far; the header is found by name, not by
  counting). Every cell an inline string, numbers too; every tag with an ``x:`` prefix; cells
  without ``r=`` references, empty ones written out. ~191,000 works, 97 columns, ~57 MB zipped.
- 2025 layout, 113 columns, seen in a real file: ``Codigo unico de inversión`` (no accents on the
  first words), ``Monto del contrato  en soles`` (two spaces). ``RUC``, the company name and the
  contract amount come **twice**: contractor first, then supervisor; the supervisor's company
  name ends in a colon. Columns are matched by name (case, accents, spaces and trailing colon
  ignored) and a repeated name by its position among its namesakes (``"RUC #2"``).
- 2026 layout, reported with 97 columns: drops ``Fecha de aprobación``, ``Fecha de
  actualización`` and the CIPRIL columns; renames ``Monto Viable actualizado`` to ``Costo
  Actualizado de la inversión`` and the technical-file amounts to ``Costo de obra según
  Expediente técnico`` / ``Costo de obra en soles según ET en soles``; splits ``RUC`` by
  contractor and supervisor. Expect the next one to differ again: every field but the four
  required ones may be missing, extra columns are ignored.
- Amounts **and percentages** put a space before the decimals: ``1205287 56`` = 1,205,287.56,
  ``1234 50`` = 1,234.50 % (typos above 999 % are published as is). Flags ``Si``/``No``/``Sí``.
  Dates ``dd/mm/yyyy``. Paralysis: ``Existe Paralización``, ``Causal de paralización``,
  ``Fecha de paralización``, ``Número de dias paralizado``.
- No ubigeo and no coordinates, only department, province and district names (a district may
  not belong to the named department), so the region filter uses the department name or a CUI
  of the region's investments.

An optional value that cannot be read is left empty and the row kept (``_optional``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from portal.importer.reading import (
    PERU_BBOX,
    normalize_name,
    parse_coordinates,
    parse_date,
    parse_flag,
    parse_infobras_amount,
    parse_int,
)
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import InfobrasWork

T = TypeVar("T")

#: Field → the names it has been published under, newest first; "NAME #2" is the second NAME.
COLUMNS = {
    "infobras_code": ("Código INFOBRAS", "Codigo Infobras", "Código de la obra"),
    "cui": ("Codigo unico de inversión", "Código único de inversiones", "CUI"),
    "snip": ("Código SNIP",),
    "name": ("Nombre de obra", "Nombre de la obra"),
    "entity": ("Entidad Pública", "Entidad"),
    "department": ("Departamento",),
    "province": ("Provincia",),
    "district": ("Distrito",),
    "work_type": ("Tipo de obra - Clasificador Nivel 1", "Tipo de obra"),
    "modality": ("Modalidad de ejecución de la obra", "Modalidad de ejecución"),
    "status": ("Estado de ejecución", "Estado de la obra"),
    "approved_amount": ("Monto aprobado en soles", "Costo de obra en soles según ET en soles"),
    "contract_amount": ("Monto del contrato en soles",),
    "supervisor_amount": ("Monto del contrato en soles #2",),
    "work_amount": ("Costo de la obra en soles", "Monto de la obra en soles"),
    "total_accrued": ("Monto Total devengado del proyecto",),
    "started_on": ("Fecha de inicio de obra",),
    "planned_end_on": ("Fecha finalización programada de obra", "Fecha de finalización programada"),
    "rescheduled_end_on": ("Fecha finalización reprogramada de obra",),
    "actual_end_on": ("Fecha de finalización real",),
    "planned_progress": ("Avance Físico Programado Acumulado (%)", "Avance físico programado (%)"),
    "actual_progress": ("Avance Físico Real Acumulado (%)", "Avance físico real (%)"),
    "stalled": ("Existe Paralización",),
    "stall_cause": ("Causal de paralización",),
    "stalled_on": ("Fecha de paralización",),
    "stalled_days": ("Número de dias paralizado",),
    "contractor_ruc": ("RUC (Ejecución)", "RUC del contratista", "RUC"),
    "contractor": (
        "Nombre o razón social de la empresa o consorcio",
        "Contratista",
    ),
    "supervisor_ruc": ("RUC (Supervisión)", "RUC del supervisor", "RUC #2"),
    "supervisor": (
        "Nombre o razón social de la empresa o consorcio #2",
        "Supervisor",
    ),
    "latitude": ("Latitud",),
    "longitude": ("Longitud",),
    "updated_on": ("Fecha de registro de avance", "Fecha de última actualización"),
}
REQUIRED = frozenset({"infobras_code", "cui", "name", "status"})
#: The header row is found by these names, below however many title rows the workbook has.
HEADER_MARKERS = ("Código INFOBRAS", "Código Único de Inversión")
#: The largest percentage our column holds; a bigger one is a typo beyond reading.
MAX_PERCENT = Decimal("99999.99")


def parse_percent(text: str) -> Decimal | None:
    """Parse an INFObras percentage, '45 25' = 45.25 %; above 100 kept as published."""
    value = parse_infobras_amount(text)
    if value is not None and not 0 <= value <= MAX_PERCENT:
        raise ValueError(f"not a percentage: {text!r}")
    return value


def parse_ruc(text: str) -> str | None:
    """A RUC is 11 digits (a company's starts with 20)."""
    code = clean_code(text)
    if code is not None and len(code) != 11:
        raise ValueError(f"not a RUC: {text!r}")
    return code


#: Optional fields read from their text; a value that does not parse is left empty.
OPTIONAL_VALUES: dict[str, Callable[[str], object]] = {
    "snip": clean_code,
    "approved_amount": parse_infobras_amount,
    "contract_amount": parse_infobras_amount,
    "supervisor_amount": parse_infobras_amount,
    "work_amount": parse_infobras_amount,
    "total_accrued": parse_infobras_amount,
    "started_on": parse_date,
    "planned_end_on": parse_date,
    "rescheduled_end_on": parse_date,
    "actual_end_on": parse_date,
    "stalled_on": parse_date,
    "updated_on": parse_date,
    "planned_progress": parse_percent,
    "actual_progress": parse_percent,
    "stalled": parse_flag,
    "stalled_days": parse_int,
    "contractor_ruc": parse_ruc,
    "supervisor_ruc": parse_ruc,
}
TEXT_FIELDS = (
    "entity",
    "department",
    "province",
    "district",
    "work_type",
    "modality",
    "status",
    "stall_cause",
    "contractor",
    "supervisor",
)


def parse_work(row: Row, context: ImportContext) -> list[Record]:
    code = clean_code(row["infobras_code"])
    if code is None:
        raise ValueError("Código INFOBRAS is empty")
    cui = clean_code(row["cui"])
    in_region = context.national or normalize_name(row["department"]) == context.region_name
    if not in_region and not (cui and cui in context.known_cuis):
        return []
    latitude, longitude, coords_status = parse_coordinates(
        row["latitude"], row["longitude"], PERU_BBOX
    )
    record = {
        "infobras_code": code,
        "cui": cui,
        "name": clean_text(row["name"]) or "",
        "latitude": latitude,
        "longitude": longitude,
        "coords_status": coords_status,
    }
    for field in TEXT_FIELDS:
        record[field] = clean_text(row[field])
    for field, parse in OPTIONAL_VALUES.items():
        record[field] = _optional(row, field, parse)
    return [(InfobrasWork.__table__, record)]


def _optional(row: Row, field: str, parse: Callable[[str], T]) -> T | None:
    """The one place an optional value that cannot be read is left empty, keeping the row, and
    counted per published column (``values_blanked`` in the import summary and on /estado)."""
    return row.parse(field, parse)


SOURCE = SourceSpec(
    name="infobras",
    description="Contraloría, INFObras — DataSet-Obras-Publicas.xlsx",
    file_format="xlsx",
    columns=COLUMNS,
    required=REQUIRED,
    tables=(InfobrasWork.__table__,),
    parse_row=parse_work,
    key_columns=("infobras_code",),
)
