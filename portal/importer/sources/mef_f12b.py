"""MEF's FORMATO_12B.csv: each investment's latest physical/financial progress report.

Layout facts (tests/fixtures/published/FORMATO_12B.csv is a sample):

- 54 columns (names from code that reads the real file; order reconstructed), matched by name.
  Headers keep the ``Ñ``: ``DEV_AÑO_ACTUAL``, ``PIM_AÑO_ACTUAL``, ``DEV_ENE_AÑO_VIG`` …
  ``DEV_DIC_AÑO_VIG`` (``ANIO`` spellings are aliases); ``MONTO_ACTUALIZADO_1..12`` and
  ``MONTO_PROGRAMADO_1..12`` are the monthly reprogrammed and programmed amounts.
- UTF-8 with BOM, every field quoted, CRLF. One row per CUI (a repeated CUI is rejected).
- ``FECHA_ULT_ACT_F12B`` ``YYYY-MM-DD HH:MM:SS``; ``ULT_PERIODO_REG_F12B`` ``YYYYMM`` (may be
  empty); ``ULT_ESTADO_SITUACIONAL`` starts with a ``dd/mm/yyyy:`` date; months not yet
  reported are empty (unknown, not zero).
- The file has no place: rows are kept for the CUIs the region's investments already have.

Required: ``CODIGO_UNICO``, ``AVANCE_FISICO``, ``FECHA_ULT_ACT_F12B``; other unreadable values
are left empty and counted per column.
"""

from __future__ import annotations

import datetime as dt

from portal.importer.reading import (
    parse_date,
    parse_decimal,
    parse_period,
    parse_progress,
    parse_situation_note,
)
from portal.importer.sources import ImportContext, Record, Row, SourceSpec, clean_code, clean_text
from portal.investments.models import F12BMonth, F12BReport

MONTHS = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")

COLUMNS = {
    "cui": ("CODIGO_UNICO",),
    "updated_at": ("FECHA_ULT_ACT_F12B",),
    "last_period": ("ULT_PERIODO_REG_F12B",),
    "physical_progress": ("AVANCE_FISICO",),
    "execution_progress": ("AVANCE_EJECUCION",),
    "devengado_accumulated": ("DEVENGADO_ACUMULADO",),
    "devengado_year": ("DEV_AÑO_ACTUAL", "DEV_ANIO_ACTUAL"),
    "pim_year": ("PIM_AÑO_ACTUAL", "PIM_ANIO_ACTUAL"),
    "situation": ("ULT_ESTADO_SITUACIONAL",),
    "problem": ("ULT_PROBLEMA",),
    "action": ("ACC_PROBLEMA",),
    "estimated_end_on": ("ULT_FEC_DECLA_ESTIM",),
    "physical_start_on": ("INICIO_EJEC_FISICA", "FEC_INI_EJEC_FISICA"),
    "physical_end_on": ("CULMINA_EJEC_FISICA", "FEC_FIN_EJEC_FISICA"),
    **{f"actual_{n}": (f"DEV_{m}_AÑO_VIG", f"DEV_{m}_ANIO_VIG") for n, m in enumerate(MONTHS, 1)},
    **{f"updated_{n}": (f"MONTO_ACTUALIZADO_{n}",) for n in range(1, 13)},
    **{f"programmed_{n}": (f"MONTO_PROGRAMADO_{n}",) for n in range(1, 13)},
}


def parse_report(row: Row, context: ImportContext) -> list[Record]:
    cui = row.parse("cui", clean_code)
    if cui is None:
        raise ValueError("CODIGO_UNICO is empty")
    if not context.cui_in_region(cui):
        return []
    updated = row.parse("updated_at", parse_date)
    last_period = row.parse("last_period", parse_period)
    situation_on, situation = parse_situation_note(row["situation"])
    report = {
        "cui": cui,
        "year": (last_period or updated or context.today).year,
        "updated_at": dt.datetime.combine(updated, dt.time()) if updated else None,
        "last_period": last_period,
        "physical_progress": row.parse("physical_progress", parse_progress),
        "execution_progress": row.parse("execution_progress", parse_progress),
        "devengado_accumulated": row.parse("devengado_accumulated", parse_decimal),
        "devengado_year": row.parse("devengado_year", parse_decimal),
        "pim_year": row.parse("pim_year", parse_decimal),
        "situation_on": situation_on,
        "situation": clean_text(situation),
        "problem": clean_text(row["problem"]),
        "action": clean_text(row["action"]),
        "estimated_end_on": row.parse("estimated_end_on", parse_date),
        "physical_start_on": row.parse("physical_start_on", parse_date),
        "physical_end_on": row.parse("physical_end_on", parse_date),
    }
    records: list[Record] = [(F12BReport.__table__, report)]
    for month in range(1, 13):
        amounts = {
            kind: row.parse(f"{kind}_{month}", parse_decimal)
            for kind in ("programmed", "updated", "actual")
        }
        if any(value is not None for value in amounts.values()):
            records.append((F12BMonth.__table__, {"cui": cui, "month": month, **amounts}))
    return records


SOURCE = SourceSpec(
    name="mef-f12b",
    description="MEF, Formato 12-B — FORMATO_12B.csv",
    file_format="csv",
    columns=COLUMNS,
    required=frozenset({"cui", "physical_progress", "updated_at"}),
    tables=(F12BReport.__table__, F12BMonth.__table__),
    parse_row=parse_report,
    key_columns=("cui",),
)
