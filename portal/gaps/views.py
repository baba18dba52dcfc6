"""/brechas, /brechas.csv and /brechas.json: investment per inhabitant beside poverty, district by
district (the JSON is described in /api/v1/openapi.json)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, jsonify, render_template

from portal.datos.columns import GAPS_COLUMNS
from portal.db import get_session
from portal.gaps.chart import gaps_chart
from portal.gaps.queries import Gaps, find_gaps
from portal.i18n import local_today
from portal.page_cache import cached_page
from portal.spreadsheets import spreadsheet_text

bp = Blueprint("gaps", __name__)

#: Declared with the other files' columns: the dated ``brechas.csv`` is this very file.
CSV_COLUMNS = tuple(c.name for c in GAPS_COLUMNS)


@bp.get("/brechas")
@cached_page
def index():
    gaps = find_gaps(get_session(), current_app.config["PORTAL_REGION"])
    by_poverty = sorted(
        gaps.districts,
        key=lambda d: (d.poverty_pct is None, -(d.poverty_pct or 0), d.ubigeo),
    )
    return render_template(
        "gaps/index.html",
        gaps=gaps,
        by_poverty=by_poverty,
        chart=gaps_chart(gaps.districts, gaps.neglected),
    )


@bp.get("/brechas.csv")
def download():
    gaps = find_gaps(get_session(), current_app.config["PORTAL_REGION"])
    name = f"vigia-brechas-{local_today().isoformat()}.csv"
    return Response(
        gaps_csv(gaps),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def gaps_csv(gaps: Gaps) -> str:
    """One row per district, largest updated cost first; plain numbers, a BOM for Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for d in gaps.districts:
        writer.writerow(
            [
                d.ubigeo,
                spreadsheet_text(d.name),
                spreadsheet_text(d.province or ""),
                "" if d.population is None else d.population,
                "" if d.poverty_pct is None else d.poverty_pct,
                "" if d.hdi is None else d.hdi,
                d.investments,
                f"{d.updated_cost:.2f}",
                "" if d.per_inhabitant is None else f"{d.per_inhabitant:.2f}",
            ]
        )
    return out.getvalue()


@bp.get("/brechas.json")
def data():
    return jsonify(gaps_document(find_gaps(get_session(), current_app.config["PORTAL_REGION"])))


def gaps_document(gaps: Gaps) -> dict:
    """The figures of /brechas.csv (same names); amounts as exact decimal strings, as in the API."""
    return {
        "distritos": [
            {
                "ubigeo": d.ubigeo,
                "distrito": d.name,
                "provincia": d.province,
                "poblacion": d.population,
                "pobreza_total_pct": d.poverty_pct,
                "idh": d.hdi,
                "inversiones": d.investments,
                "costo_actualizado": f"{d.updated_cost:.2f}",
                "inversion_por_habitante": (
                    None if d.per_inhabitant is None else f"{d.per_inhabitant:.2f}"
                ),
            }
            for d in gaps.districts
        ],
        # Investments of a whole province or the department: counted apart, never spread.
        "fuera_de_distritos": {
            "inversiones": gaps.wider_count,
            "costo_actualizado": f"{gaps.wider_cost:.2f}",
        },
    }
