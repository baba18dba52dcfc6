"""Words for the observation categories, workflow stages and routing targets (Spanish msgids)."""

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "not_started": _l("La obra no empieza"),
    "stalled": _l("La obra está paralizada"),
    "poor_quality": _l("Mala calidad de la obra"),
    "irregular_spending": _l("Gasto irregular"),
    "other": _l("Otro"),
}

STATUS_LABELS = {
    "received": _l("Recibida"),
    "under_review": _l("En revisión"),
    "published": _l("Publicada"),
    "not_published": _l("No publicada"),
    "routed": _l("Derivada"),
    "answered": _l("Respondida"),
    "closed": _l("Cerrada"),
}

#: Steps of the timeline that are not stages: the sender's answer to an official reply.
EVENT_LABELS = {
    **STATUS_LABELS,
    "reopened": _l("Reabierta: quien la envió dice que no se resolvió"),
    "resolved": _l("Quien la envió dice que se resolvió"),
}

SENDER_ANSWER_LABELS = {
    "resolved": _l("Se resolvió"),
    "not_resolved": _l("No se resolvió"),
}

ROUTE_LABELS = {
    "executing_unit": _l("Unidad ejecutora"),
    "oci": _l("Órgano de Control Institucional (OCI) de la entidad"),
    "contraloria": _l("Contraloría General de la República"),
}
