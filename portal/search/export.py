"""Search results as data: the JSON of the API and the CSV journalists open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import url_for
from flask_babel import gettext as _

from portal.investments.models import Investment
from portal.spreadsheets import spreadsheet_text


def investment_json(inv: Investment) -> dict:
    """The public fields of one investment; money as a string so no cent is lost."""
    return {
        "cui": inv.cui,
        "snip": inv.snip,
        "nombre": inv.name,
        "estado": inv.status,
        "fase": inv.phase,
        "provincia": inv.province,
        "distrito": inv.district,
        "ubigeo": inv.ubigeo,
        "funcion": inv.function,
        "unidad_ejecutora": inv.sec_ejec,
        "unidad_ejecutora_nombre": inv.executing_unit_name,
        "costo_actualizado": _decimal(inv.updated_cost),
        "devengado_acumulado": _decimal(inv.devengado_accumulated),
        "avance_fisico": _decimal(inv.physical_progress),
        "alertas": inv.red_flags.split() if inv.red_flags else [],
        "cambio": utc_isoformat(inv.changed_at),
        "url": url_for("investments.show", cui=inv.cui, _external=True),
    }


def csv_document(investments: list[Investment]) -> str:
    """UTF-8 CSV with a byte-order mark, which is what makes Excel read the accents right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("CUI"), _("SNIP"), _("Nombre"), _("Estado"), _("Fase"), _("Provincia"),
            _("Distrito"), _("Ubigeo"), _("Función"), _("Unidad ejecutora"),
            _("Costo actualizado (S/)"), _("Devengado acumulado (S/)"), _("Avance físico (%)"),
            _("Alertas"), _("Último cambio"),
        ]
    )  # fmt: skip
    for inv in investments:
        writer.writerow(
            [
                inv.cui, inv.snip or "", spreadsheet_text(inv.name), inv.status, inv.phase,
                spreadsheet_text(inv.province), spreadsheet_text(inv.district), inv.ubigeo or "",
                spreadsheet_text(inv.function),
                spreadsheet_text(inv.executing_unit_name or inv.sec_ejec),
                _decimal(inv.updated_cost) or "",
                _decimal(inv.devengado_accumulated) or "", _decimal(inv.physical_progress) or "",
                inv.red_flags or "", inv.changed_at.date().isoformat() if inv.changed_at else "",
            ]
        )  # fmt: skip
    return out.getvalue()


def utc_isoformat(moment: dt.datetime | None) -> str | None:
    """RFC 3339 with its offset; SQLite gives back stored UTC times without one."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def _decimal(value) -> str | None:
    return None if value is None else str(value)
