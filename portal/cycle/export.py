"""The cycle's figures for programs: /ciclo.json and the ``ciclo.csv`` of each dated version.

The same ``UnitCycle`` objects as /ciclo and the unit pages, so every figure is the page's. The
dated file holds only what depends on the data (stages, medians, pending closures); the days a
work has waited grow every day and are in /ciclo.json, which is computed on the day asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import url_for

from portal.cycle.queries import INTERVALS, STAGES, UnitCycle
from portal.datos.columns import CYCLE_COLUMNS
from portal.spreadsheets import spreadsheet_text

#: ``ciclo.csv``: one row per executing unit, in /ciclo's order (most pending closures first);
#: the columns and their descriptions are declared with the other files' (``portal.datos.columns``).
CYCLE_CSV_COLUMNS = tuple(c.name for c in CYCLE_COLUMNS)
assert CYCLE_CSV_COLUMNS == (
    "sec_ejec",
    "unidad",
    "inversiones",
    *(f"etapa_{stage}" for stage in STAGES),
    "pendientes_de_cierre",
    *(f"mediana_dias_{key}" for key, _start, _end in INTERVALS),
    *(f"inversiones_mediana_{key}" for key, _start, _end in INTERVALS),
)


def cycle_rows(units: list[UnitCycle]):
    for unit in units:
        yield [
            unit.sec_ejec,
            unit.name,
            unit.investments,
            *(unit.stages[stage] for stage in STAGES),
            len(unit.pending_closures),
            *(unit.medians[key] for key, _start, _end in INTERVALS),
            *(unit.median_counts[key] for key, _start, _end in INTERVALS),
        ]


def cycle_csv(units: list[UnitCycle]) -> str:
    """``ciclo.csv``: a BOM for Excel's accents, empty cells where a median has no data."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CYCLE_CSV_COLUMNS)
    for row in cycle_rows(units):
        row[1] = spreadsheet_text(row[1])
        writer.writerow(row)
    return out.getvalue()


def cycle_document(units: list[UnitCycle], today: dt.date) -> dict:
    """/ciclo.json: per unit its stages, medians and pending closures with the days waited."""
    return {
        "fecha": today.isoformat(),
        "etapas": list(STAGES),
        "unidades": [_unit(unit, today) for unit in units],
    }


def _unit(unit: UnitCycle, today: dt.date) -> dict:
    return {
        "sec_ejec": unit.sec_ejec,
        "unidad": unit.name,
        "url": url_for("investments.unit", slug=unit.slug, _external=True),
        "inversiones": unit.investments,
        "etapas": {stage: unit.stages[stage] for stage in STAGES},
        "pendientes_de_cierre": len(unit.pending_closures),
        "mediana_dias": {key: unit.medians[key] for key, _start, _end in INTERVALS},
        "inversiones_mediana": {key: unit.median_counts[key] for key, _start, _end in INTERVALS},
        "cierres_pendientes": [
            {
                "cui": inv.cui,
                "nombre": inv.name,
                "costo_actualizado": None
                if inv.updated_cost is None
                else f"{inv.updated_cost:.2f}",
                "termino_obra": inv.completed_on.isoformat() if inv.completed_on else None,
                "fuente_termino": inv.completed_source,
                "dias_de_espera": inv.waiting_days(today),
                "url": url_for("investments.show", cui=inv.cui, _external=True),
            }
            for inv in unit.pending_closures
        ],
    }
