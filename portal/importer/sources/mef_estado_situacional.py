"""MEF's ESTADO_SITUACIONAL.csv: the monthly history of situations, stoppages and their causes.

Layout facts (tests/fixtures/published/ESTADO_SITUACIONAL.csv is a sample): six columns,
``CODIGO_UNICO``, ``PERIODO`` (``YYYYMM``), ``DESCRIPCION``, ``TIP_REGISTRO`` (e.g. ``ESTADO
SITUACIONAL``, ``PROBLEMA (Paralización)``), ``COD_TIPO``, ``FECHA_REGISTRO`` (``YYYY-MM-DD
HH:MM:SS``); UTF-8 with BOM, quoted, CRLF; ~1.4M rows for 2017–2026 nationally, several per CUI.
No place: rows are kept for the CUIs the region's investments already have. Required:
``CODIGO_UNICO``, ``PERIODO``, ``DESCRIPCION``.
"""

from __future__ import annotations

import datetime as dt

from portal.importer.reading import parse_date, parse_period
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import SituationEntry

COLUMNS = {
    "cui": ("CODIGO_UNICO",),
    "period": ("PERIODO",),
    "description": ("DESCRIPCION",),
    "record_type": ("TIP_REGISTRO", "TIPO_REGISTRO"),
    "type_code": ("COD_TIPO",),
    "registered_at": ("FECHA_REGISTRO",),
}


def parse_entry(row: Row, context: ImportContext) -> list[Record]:
    cui = row.parse("cui", clean_code)
    if cui is None:
        raise ValueError("CODIGO_UNICO is empty")
    if not context.cui_in_region(cui):
        return []
    period = row.parse("period", parse_period)
    if period is None:
        raise ValueError("PERIODO is empty")
    registered = row.parse("registered_at", parse_date)
    return [
        (
            SituationEntry.__table__,
            {
                "cui": cui,
                "period": period,
                "description": clean_text(row["description"]),
                "record_type": clean_text(row["record_type"]),
                "type_code": clean_text(row["type_code"]),
                "registered_at": dt.datetime.combine(registered, dt.time()) if registered else None,
            },
        )
    ]


SOURCE = SourceSpec(
    name="mef-estado-situacional",
    description="MEF, estado situacional — ESTADO_SITUACIONAL.csv",
    file_format="csv",
    columns=COLUMNS,
    required=frozenset({"cui", "period", "description"}),
    tables=(SituationEntry.__table__,),
    parse_row=parse_entry,
)
