"""/datos: the dated files of each import day kept, their checksums, licence and dictionary."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_from_directory
from flask_babel import lazy_gettext as _l

from portal.datos.columns import INVESTMENT_COLUMNS, YEARLY_COLUMNS
from portal.datos.snapshot import datos_root, list_days, read_manifest

bp = Blueprint("datos", __name__)

FILE_TITLES = {
    "inversiones.csv": _l("Todas las inversiones"),
    "inversiones.xlsx": _l("Todas las inversiones (Excel)"),
    "ejecucion_anual.csv": _l("Ejecución presupuestal por año y unidad ejecutora"),
    "oc4ids.json": _l("Paquete de proyectos OC4IDS 0.9"),
    "diccionario.csv": _l("Diccionario de datos"),
}
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@bp.get("/datos")
def index():
    return render_template(
        "datos/index.html",
        days=list_days(datos_root(current_app.config)),
        titles=FILE_TITLES,
        dictionary=(("inversiones", INVESTMENT_COLUMNS), ("ejecucion_anual", YEARLY_COLUMNS)),
    )


@bp.get("/datos/<day>/<filename>")
def download(day: str, filename: str):
    """A file of a kept day, as written by the import: cacheable for a year, it never changes."""
    root = datos_root(current_app.config)
    manifest = read_manifest(root, day)
    entry = next((f for f in manifest.files if f.name == filename), None) if manifest else None
    if entry is None:
        abort(404)
    return send_from_directory(
        root / day,
        filename,
        mimetype=MIMETYPES[filename.rsplit(".", 1)[1]],
        as_attachment=True,
        download_name=f"vigia-{day}-{filename}",
        max_age=365 * 86400,
        etag=entry.sha256,
    )
