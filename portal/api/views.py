"""/api/v1/openapi.json and the readable API page /api."""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, current_app, jsonify, render_template, url_for

from portal.api.openapi import openapi_document
from portal.api.params import MAP_PARAMETERS, SEARCH_PARAMETERS
from portal.maps.points import max_points

bp = Blueprint("api", __name__)


def _version() -> str:
    try:
        return metadata.version("vigia-portal")
    except metadata.PackageNotFoundError:
        return "0"


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document(_version()))


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
    )
