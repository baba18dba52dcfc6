"""The OpenAPI 3.1 description of every public JSON answer, built from the declarations the views
check (the API's parameters) and the oEmbed card size, so the two cannot drift apart.

This module assembles the document (its paths, parameters, responses and headers); the schema of
each resource lives in ``portal.api.openapi_schemas``, the figures' in ``openapi_figures``."""

from __future__ import annotations

from portal.api.openapi_figures import FIGURE_PATHS, FIGURE_SCHEMAS
from portal.api.openapi_schemas import (
    BOUNDARIES,
    DATOS_CATALOGUE,
    ERROR,
    FACET,
    FEATURE_COLLECTION,
    HEALTH,
    INVESTMENT,
    INVESTMENT_SHEET,
    OEMBED,
    PLACE_COLLECTION,
    SEARCH_RESULT,
)
from portal.api.params import MAP_PARAMETERS, SEARCH_PARAMETERS, Parameter
from portal.sharing.oembed import CARD_HEIGHT, MIN_WIDTH

#: /mapa/limites/<level>.geojson (portal/maps/views.py BOUNDARY_FILES).
BOUNDARY_LEVELS = ("departamentos", "provincias", "distritos")


def _parameter(p: Parameter) -> dict:
    out = {"name": p.name, "in": "query", "required": False, "description": p.description}
    out["schema"] = p.schema
    if p.example is not None:
        out["example"] = int(p.example) if p.schema["type"] == "integer" else p.example
    return out


def _json(schema_ref: str, description: str, media: str = "application/json", **extra) -> dict:
    return {
        "description": description,
        "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
        **extra,
    }


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}
TOO_MANY = {"$ref": "#/components/responses/TooManyRequests"}
NOT_MODIFIED = {"description": "Unchanged since the ETag given in If-None-Match."}
RATE_LIMIT_HEADERS = {
    name: {"$ref": f"#/components/headers/{name}"}
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
}


def _limited(response: dict) -> dict:
    """A response of a rate-limited operation: it carries the RateLimit-* headers."""
    return {**response, "headers": RATE_LIMIT_HEADERS}


def _path_parameter(name: str, schema: dict, description: str, example: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
        "example": example,
    }


def openapi_document(version: str, public_url: str, api_limit: str) -> dict:
    """The whole description; ``version`` is the portal's version, ``public_url`` its address
    (PORTAL_PUBLIC_URL) and ``api_limit`` the per-address limit (PORTAL_RATELIMIT_API)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vigía API",
            "version": version,
            "summary": "Public investments of a Peruvian region: search, filters and map points.",
            "description": (
                "Read-only, no key, CORS open (`Access-Control-Allow-Origin: *`). Every parameter "
                "is checked: a bad value, an unknown or a repeated parameter gets 400 with the "
                "parameter's name (and the allowed values, for a list). "
                f"The /api/v1 operations share one rate limit per address: {api_limit}. Each "
                "answer says what is left in `RateLimit-Limit`, `RateLimit-Remaining` and "
                "`RateLimit-Reset` (seconds); past the limit, 429 with `Retry-After` (seconds). "
                "Data: MEF and Contraloría, compiled by Vigía under CC BY 4.0."
            ),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": public_url.rstrip("/"), "description": "This portal."}],
        "paths": {
            "/api/v1/inversiones": {
                "get": {
                    "operationId": "searchInvestments",
                    "summary": "Investments matching words and filters, 20 per page, with facets.",
                    "parameters": [_parameter(p) for p in SEARCH_PARAMETERS],
                    "responses": {
                        "200": _limited(_json("SearchResult", "One page of results.")),
                        "400": BAD_REQUEST,
                        "429": TOO_MANY,
                    },
                }
            },
            "/api/v1/inversiones.geojson": {
                "get": {
                    "operationId": "mapInvestments",
                    "summary": "Every matching investment as a GeoJSON point (no paging), or for "
                    "a large selection its count and cost per place.",
                    "description": "A national portal's country and departments, and any "
                    "selection of more investments than the portal's limit (10,000 by default), "
                    "are answered by place (PlaceCollection: the places one level below the "
                    "selection's); a province, a district or a narrower filter by investment.",
                    "parameters": [_parameter(p) for p in MAP_PARAMETERS],
                    "responses": {
                        "200": _limited(
                            {
                                "description": "Points (geometry null where no place is "
                                "known), or places.",
                                "content": {
                                    "application/geo+json": {
                                        "schema": {
                                            "oneOf": [
                                                {"$ref": "#/components/schemas/FeatureCollection"},
                                                {"$ref": "#/components/schemas/PlaceCollection"},
                                            ]
                                        }
                                    }
                                },
                            }
                        ),
                        "304": NOT_MODIFIED,
                        "400": BAD_REQUEST,
                        "429": TOO_MANY,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "describeApi",
                    "summary": "This description.",
                    "responses": {
                        "200": _limited(
                            {
                                "description": "OpenAPI 3.1 document.",
                                "content": {"application/json": {"schema": {"type": "object"}}},
                            }
                        ),
                        "429": TOO_MANY,
                    },
                }
            },
            "/inversiones/{cui}.json": {
                "get": {
                    "operationId": "investmentSheet",
                    "summary": "One investment's whole fact sheet (the page as data).",
                    "parameters": [
                        _path_parameter(
                            "cui",
                            {"type": "string", "pattern": "^[0-9]+$"},
                            "Código Único de Inversiones.",
                            "2100001",
                        )
                    ],
                    "responses": {
                        "200": _json("InvestmentSheet", "The fact sheet."),
                        "404": NOT_FOUND,
                    },
                }
            },
            "/mapa/limites/{level}.geojson": {
                "get": {
                    "operationId": "boundaries",
                    "summary": "Outlines of the region's department, provinces or districts.",
                    "parameters": [
                        _path_parameter(
                            "level",
                            {"type": "string", "enum": list(BOUNDARY_LEVELS)},
                            "Which outlines.",
                            "provincias",
                        )
                    ],
                    "responses": {
                        "200": _json("Boundaries", "Polygons.", "application/geo+json"),
                        "304": NOT_MODIFIED,
                        "404": {"description": "Not one of the levels."},
                    },
                }
            },
            "/oembed": {
                "get": {
                    "operationId": "oembed",
                    "summary": "oEmbed (https://oembed.com) of an investment page of this portal.",
                    "parameters": [
                        {
                            "name": "url",
                            "in": "query",
                            "required": True,
                            "description": "An investment page: {server}/inversiones/{cui}.",
                            "schema": {"type": "string", "format": "uri"},
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "description": "Only json (anything else: 501).",
                            "schema": {"type": "string", "enum": ["json"], "default": "json"},
                        },
                        {
                            "name": "maxwidth",
                            "in": "query",
                            "required": False,
                            "description": f"Narrower frame, down to {MIN_WIDTH} (less: 404).",
                            "schema": {"type": "integer", "minimum": MIN_WIDTH},
                        },
                        {
                            "name": "maxheight",
                            "in": "query",
                            "required": False,
                            "description": f"The card needs {CARD_HEIGHT} (less: 404).",
                            "schema": {"type": "integer", "minimum": CARD_HEIGHT},
                        },
                    ],
                    "responses": {
                        "200": _json("OEmbed", "The embed."),
                        "400": BAD_REQUEST,
                        "404": _json("Error", "Not an investment of this portal, or too small."),
                        "501": _json("Error", "A format other than json."),
                    },
                }
            },
            "/datos.json": {
                "get": {
                    "operationId": "datedFiles",
                    "summary": "The dated downloads (CSV, XLSX, OC4IDS) of every import kept.",
                    "responses": {"200": _json("DatosCatalogue", "The versions and their files.")},
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "liveness",
                    "summary": "The process answers (no database).",
                    "responses": {"200": _json("Health", "Alive.")},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "readiness",
                    "summary": "The portal can serve real pages (database reachable).",
                    "responses": {
                        "200": _json("Health", "Ready."),
                        "503": _json("Health", "Not ready."),
                    },
                }
            },
            **FIGURE_PATHS,  # /ciclo.json, /brechas.json (portal/api/openapi_figures.py)
        },
        "components": {
            "schemas": {
                "Investment": INVESTMENT,
                "Facet": FACET,
                "SearchResult": SEARCH_RESULT,
                "FeatureCollection": FEATURE_COLLECTION,
                "PlaceCollection": PLACE_COLLECTION,
                "InvestmentSheet": INVESTMENT_SHEET,
                "OEmbed": OEMBED,
                "Boundaries": BOUNDARIES,
                "DatosCatalogue": DATOS_CATALOGUE,
                "Health": HEALTH,
                "Error": ERROR,
                **FIGURE_SCHEMAS,
            },
            "responses": {
                "BadRequest": _json("Error", "A parameter is not valid."),
                "NotFound": _json("Error", "Nothing has that code."),
                "TooManyRequests": _json(
                    "Error",
                    "Past the rate limit of this address.",
                    headers={
                        "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                        **RATE_LIMIT_HEADERS,
                    },
                ),
            },
            "headers": {
                "RateLimit-Limit": {
                    "description": "Requests allowed in the current window.",
                    "schema": {"type": "integer", "minimum": 1},
                },
                "RateLimit-Remaining": {
                    "description": "Requests left in the current window.",
                    "schema": {"type": "integer", "minimum": 0},
                },
                "RateLimit-Reset": {
                    "description": "Seconds until the window resets.",
                    "schema": {"type": "integer", "minimum": 0},
                },
                "Retry-After": {
                    "description": "Seconds to wait before asking again.",
                    "schema": {"type": "integer", "minimum": 1},
                },
            },
        },
    }
