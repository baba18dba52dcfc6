"""/estado: every import run per source, and the rejected-rows reports."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from portal.db import get_session
from portal.importer.queries import (
    blanked_columns,
    coordinate_fallbacks,
    list_import_runs,
    rejected_rows,
    source_freshness,
)

bp = Blueprint("importer", __name__)


@bp.get("/estado")
def status():
    session = get_session()
    freshness = source_freshness(session)
    reports = Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "reports"
    return render_template(
        "importer/status.html",
        freshness=freshness,
        rejected={
            f.name: (f.last_import, rejected_rows(f.last_import, reports)) for f in freshness
        },
        blanked={source.name: blanked_columns(source.last_import) for source in freshness},
        runs=list_import_runs(session),
        coordinates=coordinate_fallbacks(session),
    )


@bp.get("/estado/rechazos/<name>")
def rejects(name: str):
    if not name.startswith("rechazos-") or not name.endswith(".csv"):
        abort(404)
    reports = Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "reports"
    return send_from_directory(reports, name, mimetype="text/csv", as_attachment=True)
