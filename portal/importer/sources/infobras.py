"""Contraloría's INFObras open data set (DataSet-Obras-Publicas DD-MM-YYYY.xlsx): works on site.

It carries no ubigeo, only names, so the region filter uses the department name or the CUI.
"""

from __future__ import annotations

from portal.importer.reading import (
    PERU_BBOX,
    normalize_name,
    parse_coordinates,
    parse_date,
    parse_flag,
    parse_infobras_amount,
    parse_progress,
)
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import InfobrasWork

COLUMNS = {
    "infobras_code": ("Código INFOBRAS", "Codigo Infobras", "Código de la obra"),
    "cui": ("Código Único de Inversión", "Código único de inversiones", "CUI"),
    "snip": ("Código SNIP",),
    "name": ("Nombre de la obra", "Nombre de obra"),
    "entity": ("Entidad",),
    "department": ("Departamento",),
    "province": ("Provincia",),
    "district": ("Distrito",),
    "work_type": ("Tipo de obra",),
    "modality": ("Modalidad de ejecución",),
    "status": ("Estado de ejecución", "Estado de la obra"),
    "approved_amount": ("Monto aprobado en soles",),
    "contract_amount": ("Monto del contrato en soles",),
    "work_amount": ("Monto de la obra en soles",),
    "started_on": ("Fecha de inicio de obra",),
    "planned_end_on": ("Fecha de finalización programada",),
    "actual_end_on": ("Fecha de finalización real",),
    "planned_progress": ("Avance físico programado (%)",),
    "actual_progress": ("Avance físico real (%)",),
    "stalled": ("Existe paralización",),
    "stall_cause": ("Causal de paralización",),
    "stalled_on": ("Fecha de paralización",),
    "contractor_ruc": ("RUC del contratista",),
    "contractor": ("Contratista",),
    "supervisor": ("Supervisor",),
    "latitude": ("Latitud",),
    "longitude": ("Longitud",),
    "updated_on": ("Fecha de última actualización",),
}
REQUIRED = frozenset({"infobras_code", "cui", "name", "status"})
#: The header row is found by these names, below however many title rows the workbook has.
HEADER_MARKERS = ("Código INFOBRAS", "Código Único de Inversión")


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
        "snip": clean_code(row["snip"]),
        "name": clean_text(row["name"]) or "",
        "latitude": latitude,
        "longitude": longitude,
        "coords_status": coords_status,
        "stalled": parse_flag(row["stalled"]),
        "contractor_ruc": clean_code(row["contractor_ruc"]),
    }
    for field in (
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
    ):
        record[field] = clean_text(row[field])
    for field in ("approved_amount", "contract_amount", "work_amount"):
        record[field] = parse_infobras_amount(row[field])
    for field in ("started_on", "planned_end_on", "actual_end_on", "stalled_on", "updated_on"):
        record[field] = parse_date(row[field])
    for field in ("planned_progress", "actual_progress"):
        record[field] = parse_progress(row[field])
    return [(InfobrasWork.__table__, record)]


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
