"""Plain words for the codes of the public records, translatable, in one place."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "en_ejecucion": _l("En ejecución"),
    "paralizada": _l("Paralizada"),
    "finalizada": _l("Finalizada"),
    "sin_iniciar": _l("Sin iniciar"),
}

PHASE_LABELS = {
    "formulacion": _l("Formulación y evaluación"),
    "ejecucion": _l("Ejecución"),
    "funcionamiento": _l("Funcionamiento"),
    "cierre": _l("Cerrada"),
}

SOURCE_LABELS = {
    "mef-inversiones": _l("MEF, Banco de Inversiones (Invierte.pe)"),
    "mef-cierre": _l("MEF, inversiones cerradas"),
    "mef-f12b": _l("MEF, Formato 12-B"),
    "mef-estado-situacional": _l("MEF, estado situacional"),
    "mef-seguimiento": _l("MEF, seguimiento de la ejecución presupuestal"),
    "infobras": _l("Contraloría, INFObras"),
    "presupuesto-participativo": _l("Presupuesto participativo (lista curada)"),
}

RUN_STATUS_LABELS = {
    "imported": _l("importado"),
    "unchanged": _l("sin cambios"),
    "rejected": _l("rechazado"),
}

COORDINATE_LABELS = {
    "ok": _l("correctas"),
    "missing": _l("sin coordenadas"),
    "zero": _l("en 0,0"),
    "swapped": _l("latitud y longitud invertidas (corregidas)"),
    "outside": _l("fuera del Perú"),
}


def init_app(app) -> None:
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        PHASE_LABELS=PHASE_LABELS,
        SOURCE_LABELS=SOURCE_LABELS,
        RUN_STATUS_LABELS=RUN_STATUS_LABELS,
        COORDINATE_LABELS=COORDINATE_LABELS,
    )
