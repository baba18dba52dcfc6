"""Search results as data: the JSON of the API and the CSV journalists open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import iso_local, local_day
from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.investments.models import Investment, Prioritisation
from portal.places import investment_places
from portal.search.filters import Filters
from portal.spreadsheets import spreadsheet_text

_CHUNK = 500


def investment_json(inv: Investment) -> dict:
    """The public fields of one investment; money as a string so no cent is lost.

    Province and district are named by the INEI list (``portal.places``), as on the pages.
    """
    province, district = investment_places(inv.ubigeo, inv.province, inv.district)
    return {
        "cui": inv.cui,
        "snip": inv.snip,
        "nombre": inv.name,
        "estado": inv.status,
        "fase": inv.phase,
        "provincia": province,
        "distrito": district,
        "ubigeo": inv.ubigeo,
        "funcion": inv.function,
        "unidad_ejecutora": inv.sec_ejec,
        "unidad_ejecutora_nombre": inv.executing_unit_name,
        "costo_actualizado": _decimal(inv.updated_cost),
        "devengado_acumulado": _decimal(inv.devengado_accumulated),
        "avance_fisico": _decimal(inv.progress),
        "alertas": inv.red_flags.split() if inv.red_flags else [],
        "cambio": iso_local(inv.changed_at),
        "url": url_for("investments.show", cui=inv.cui, _external=True),
    }


def find_prioritisations(
    session: Session, cuis: list[str], year: int | None
) -> dict[str, Prioritisation]:
    """Each CUI's participatory-budget entry: of ``year`` when given, else its latest year."""
    chosen: dict[str, Prioritisation] = {}
    for start in range(0, len(cuis), _CHUNK):
        query = select(Prioritisation).where(Prioritisation.cui.in_(cuis[start : start + _CHUNK]))
        if year is not None:
            query = query.where(Prioritisation.year == year)
        for row in session.scalars(query.order_by(Prioritisation.year)):
            chosen[row.cui] = row  # later years overwrite earlier ones
    return chosen


def csv_document(investments: list[Investment], prioritised: dict[str, Prioritisation]) -> str:
    """UTF-8 CSV with a byte-order mark, which is what makes Excel read the accents right.

    Words, not codes (a committee reads "En ejecución", not "en_ejecucion"); every text cell is
    kept from running as a spreadsheet formula.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("CUI"), _("SNIP"), _("Nombre"), _("Estado"), _("Fase"), _("Provincia"),
            _("Distrito"), _("Ubigeo"), _("Función"), _("Unidad ejecutora"),
            _("Costo actualizado (S/)"), _("Devengado acumulado (S/)"), _("Avance físico (%)"),
            _("Alertas"), _("Último cambio"),
            _("Presupuesto participativo: año"), _("Presupuesto participativo: puesto"),
            _("Presupuesto participativo: monto asignado (S/)"),
            _("Presupuesto participativo: comité"), _("Presupuesto participativo: acta"),
        ]
    )  # fmt: skip
    for inv in investments:
        pp = prioritised.get(inv.cui)
        province, district = investment_places(inv.ubigeo, inv.province, inv.district)
        flags = "; ".join(str(FLAG_LABELS.get(code, code)) for code in inv.red_flags.split())
        writer.writerow(
            [
                inv.cui, inv.snip or "", spreadsheet_text(inv.name),
                str(STATUS_LABELS.get(inv.status, inv.status)),
                str(PHASE_LABELS.get(inv.phase, inv.phase)),
                spreadsheet_text(province), spreadsheet_text(district), inv.ubigeo or "",
                spreadsheet_text(inv.function),
                spreadsheet_text(inv.executing_unit_name or inv.sec_ejec),
                _decimal(inv.updated_cost) or "",
                _decimal(inv.devengado_accumulated) or "", _decimal(inv.progress) or "",
                flags, local_day(inv.changed_at).isoformat() if inv.changed_at else "",
                pp.year if pp else "", pp.rank if pp and pp.rank is not None else "",
                _decimal(pp.amount) or "" if pp else "",
                spreadsheet_text(pp.committee) if pp else "",
                spreadsheet_text(pp.act) if pp else "",
            ]
        )  # fmt: skip
    return out.getvalue()


def csv_filename(filters: Filters, facets: dict[str, list], today: dt.date) -> str:
    """'vigia-inversiones-cutervo-en-ejecucion-2026-12-01.csv': what was chosen, in words."""
    parts = ["vigia", "inversiones"]
    if filters.q:
        parts.append(_slug(filters.q))
    for name, value in filters.active.items():
        if name == "pp":
            parts.append(f"pp-{value}" if value.isdigit() else "pp")
            continue
        chosen = next((f for f in facets.get(name, []) if f.value == value), None)
        parts.append(_slug(str(chosen.label) if chosen else value))
    return "-".join(p for p in parts if p)[:150].strip("-") + f"-{today.isoformat()}.csv"


def _slug(text: str) -> str:
    """ASCII words joined by dashes (nothing for emoji or punctuation): safe in any file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")


def _decimal(value) -> str | None:
    return None if value is None else str(value)
