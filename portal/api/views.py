"""/api/v1/openapi.json and the readable API page /api."""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from limits import parse_many

from portal.api.openapi import openapi_document
from portal.api.params import MAP_PARAMETERS, SEARCH_PARAMETERS
from portal.maps.points import max_points

bp = Blueprint("api", __name__)


def _version() -> str:
    try:
        return metadata.version("vigia-portal")
    except metadata.PackageNotFoundError:
        return "0"


#: A rate limit's time unit, in words (one, and several: "por minuto", "cada 15 minutos").
UNITS = {
    "second": (_l("por segundo"), _l("cada %(num)d segundos")),
    "minute": (_l("por minuto"), _l("cada %(num)d minutos")),
    "hour": (_l("por hora"), _l("cada %(num)d horas")),
    "day": (_l("por día"), _l("cada %(num)d días")),
}


def limit_in_words(setting: str) -> str:
    """'120 per minute; 3000 per hour' → '120 solicitudes por minuto y 3000 solicitudes por
    hora' (the setting is written in English, the page is not)."""
    parts = []
    for item in parse_many(setting):
        one, several = UNITS.get(item.GRANULARITY.name, (item.GRANULARITY.name, "%(num)d"))
        unit = str(one) if item.multiples == 1 else str(several) % {"num": item.multiples}
        parts.append(
            ngettext(
                "%(num)d solicitud %(unit)s", "%(num)d solicitudes %(unit)s", item.amount, unit=unit
            )
        )
    return _(" y ").join(parts)


@bp.get("/api/v1/openapi.json")
def openapi():
    config = current_app.config
    return jsonify(
        openapi_document(_version(), config["PORTAL_PUBLIC_URL"], config["PORTAL_RATELIMIT_API"])
    )


@bp.get("/api")
def page():
    examples = [
        url_for("search.api", q="agua potable", _external=True),
        url_for("search.api", estado="paralizada", provincia="0604", orden="costo", _external=True),
        url_for("search.api", alerta="sobrecosto", pagina=2, _external=True),
        url_for("maps.points", distrito="060401", _external=True),
    ]
    return render_template(
        "api/page.html",
        examples=examples,
        search_parameters=SEARCH_PARAMETERS,
        map_parameters=MAP_PARAMETERS,
        map_max_points=max_points(current_app.config),
        openapi_url=url_for("api.openapi", _external=True),
        bad_example=url_for("search.api", estado="abandonada", _external=True),
        api_limit=limit_in_words(current_app.config["PORTAL_RATELIMIT_API"]),
    )
