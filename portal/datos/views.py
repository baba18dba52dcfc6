"""/datos: the published versions of the files, their checksums, licence and dictionary.

``/datos/<version>/<file>`` never changes (cached for a year); ``/datos/ultimo/<file>`` redirects
to the newest version; ``/datos.json`` is the catalogue of every version kept.
"""

from __future__ import annotations

import itertools
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import lazy_gettext as _l

from portal.datos.columns import (
    CYCLE_COLUMNS,
    GAPS_COLUMNS,
    INVESTMENT_COLUMNS,
    YEARLY_COLUMNS,
)
from portal.datos.snapshot import datos_root, list_days, read_manifest

bp = Blueprint("datos", __name__)

FILE_TITLES = {
    "inversiones.csv": _l("Todas las inversiones"),
    "inversiones.xlsx": _l("Todas las inversiones (Excel)"),
    "ejecucion_anual.csv": _l("Ejecución presupuestal por año y unidad ejecutora"),
    "ciclo.csv": _l("Etapas del ciclo y cierres pendientes por unidad ejecutora"),
    "brechas.csv": _l("Inversión por habitante y pobreza por distrito"),
    "oc4ids.json": _l("Paquete de proyectos OC4IDS 0.9"),
    "diccionario.csv": _l("Diccionario de datos"),
    "datapackage.json": _l("Descripción de los archivos (Frictionless Data Package)"),
}
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@bp.get("/datos")
def index():
    versions = list_days(datos_root(current_app.config))
    return render_template(
        "datos/index.html",
        days=[(day, list(group)) for day, group in itertools.groupby(versions, lambda v: v.day)],
        titles=FILE_TITLES,
        timezone=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        dictionary=(
            ("inversiones", INVESTMENT_COLUMNS),
            ("ejecucion_anual", YEARLY_COLUMNS),
            ("ciclo", CYCLE_COLUMNS),
            ("brechas", GAPS_COLUMNS),
        ),
    )


@bp.get("/datos.json")
def catalogue():
    """Every version kept, newest first: files, sizes, SHA-256, Lima times, import runs."""
    timezone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    versions = list_days(datos_root(current_app.config))
    response = jsonify(
        {
            "publicador": current_app.config["PORTAL_PUBLISHER_NAME"],
            "licencia": "CC-BY-4.0",
            "pagina": url_for("datos.index", _external=True),
            "ultimo": url_for("datos.latest", filename="datapackage.json", _external=True),
            "versiones": [
                {
                    "version": v.name,
                    "dia": v.day.isoformat(),
                    "numero_del_dia": v.number,
                    "publicado": v.published.astimezone(timezone).isoformat(timespec="seconds"),
                    "importacion": v.import_run,
                    "importaciones": v.runs,
                    "direccion": f"{url_for('datos.index', _external=True)}/{v.name}/",
                    "datapackage": url_for(
                        "datos.download", day=v.name, filename="datapackage.json", _external=True
                    ),
                    "archivos": [
                        {
                            "nombre": f.name,
                            "formato": f.format,
                            "url": url_for(
                                "datos.download", day=v.name, filename=f.name, _external=True
                            ),
                            "bytes": f.size,
                            "sha256": f.sha256,
                            "filas": f.rows,
                        }
                        for f in v.files
                    ],
                }
                for v in versions
            ],
        }
    )
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    return response


@bp.get("/datos/ultimo/<filename>")
def latest(filename: str):
    """The newest version of a file: a redirect that is never cached for long."""
    versions = list_days(datos_root(current_app.config))
    if not versions or versions[0].file(filename) is None:
        abort(404)
    response = redirect(url_for("datos.download", day=versions[0].name, filename=filename), 302)
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    return response


@bp.get("/datos/<day>/<filename>")
def download(day: str, filename: str):
    """A file of a kept version, as written by the import: cacheable for a year, never changes."""
    root = datos_root(current_app.config)
    manifest = read_manifest(root, day)
    entry = manifest.file(filename) if manifest else None
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
