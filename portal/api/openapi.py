"""The OpenAPI 3.1 description of every public JSON answer, built from the declarations the views
check (the API's parameters) and the oEmbed card size, so the two cannot drift apart."""

from __future__ import annotations

from portal.api.openapi_figures import FIGURE_PATHS, FIGURE_SCHEMAS
from portal.api.params import FILTERS, SEARCH_PARAMETERS, Parameter
from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.search.catalogue import DIMENSIONS
from portal.sharing.oembed import CARD_HEIGHT, CARD_WIDTH, MIN_WIDTH

#: /mapa/limites/<level>.geojson (portal/maps/views.py BOUNDARY_FILES).
BOUNDARY_LEVELS = ("departamentos", "provincias", "distritos")

DECIMAL = {"type": ["string", "null"], "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
NULLABLE_TEXT = {"type": ["string", "null"]}

INVESTMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "cui", "snip", "nombre", "estado", "fase", "provincia", "distrito", "ubigeo", "funcion",
        "unidad_ejecutora", "unidad_ejecutora_nombre", "costo_actualizado",
        "devengado_acumulado", "avance_fisico", "alertas", "cambio", "url",
    ],
    "properties": {
        "cui": {"type": "string", "description": "Código Único de Inversiones (CUI)."},
        "snip": {**NULLABLE_TEXT, "description": "Former SNIP code, if any."},
        "nombre": {"type": "string"},
        "estado": {"type": "string", "enum": list(STATUS_LABELS)},
        "fase": {"type": "string", "enum": list(PHASE_LABELS)},
        "provincia": NULLABLE_TEXT,
        "distrito": NULLABLE_TEXT,
        "ubigeo": NULLABLE_TEXT,
        "funcion": NULLABLE_TEXT,
        "unidad_ejecutora": {**NULLABLE_TEXT, "description": "SEC_EJEC code."},
        "unidad_ejecutora_nombre": NULLABLE_TEXT,
        "costo_actualizado": {**DECIMAL, "description": "Soles, as a decimal string (exact)."},
        "devengado_acumulado": {**DECIMAL, "description": "Soles spent so far (devengado)."},
        "avance_fisico": {**DECIMAL, "description": "Physical progress, percent."},
        "alertas": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "description": "Red-flag codes: " + ", ".join(FLAG_LABELS) + " (see /metodologia).",
        },
        "cambio": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
    },
}  # fmt: skip

FACET = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "label", "count"],
    "properties": {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 1},
    },
}

SEARCH_RESULT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["total", "page", "pages", "results", "facets", "suggestion"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "results": {
            "type": "array", "maxItems": 20, "items": {"$ref": "#/components/schemas/Investment"},
        },
        "facets": {
            "type": "object",
            "additionalProperties": False,
            "required": list(DIMENSIONS),
            "properties": {
                dim: {"type": "array", "items": {"$ref": "#/components/schemas/Facet"}}
                for dim in DIMENSIONS
            },
        },
        "suggestion": {
            "type": ["string", "null"],
            "description": "Corrected words when nothing matched.",
        },
    },
}  # fmt: skip

POINT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"const": "Point"},
        "coordinates": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number"},
            "description": "[longitude, latitude], WGS 84.",
        },
    },
}

FEATURE_COLLECTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {"oneOf": [{"type": "null"}, POINT]},
                    "properties": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["c", "n", "s"],
                        "properties": {
                            "c": {"type": "string", "description": "CUI."},
                            "n": {"type": "string", "description": "Name."},
                            "s": {"type": "string", "enum": list(STATUS_LABELS)},
                            "k": {
                                "type": "number",
                                "description": "Updated cost, soles to the céntimo.",
                            },
                            "kt": {
                                "type": "string",
                                "description": "k as the pages write it ('S/ 12,314,605').",
                            },
                            "p": {"type": "number", "description": "Physical progress, %."},
                            "pt": {
                                "type": "string",
                                "description": "p as the pages write it ('84.5%').",
                            },
                            "a": {
                                "const": 1,
                                "description": "Drawn at the district centre (approximate).",
                            },
                        },
                    },
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {
        "error": {"type": "string", "description": "What was wrong, in English."},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "status": {"type": "integer"},
        "retry_after": {
            "type": "integer",
            "minimum": 1,
            "description": "On 429: seconds until the limit resets (as in Retry-After).",
        },
    },
}

NULLABLE_OBJECT = {"type": ["object", "null"]}
ARRAY_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}
CODE_LABEL = {
    "type": "object",
    "required": ["code", "label"],
    "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
}

INVESTMENT_SHEET = {
    "type": "object",
    "description": (
        "The whole fact sheet, with the same figures as the page /inversiones/{cui}. Money and "
        "percentages are decimal strings; dates ISO 8601. Record fields follow the sources' "
        "columns and may gain members."
    ),
    "required": [
        "cui", "url", "investment", "status", "phase", "place", "executing_unit", "money",
        "works", "prioritisations", "red_flags", "timeline", "changes", "sources", "data_date",
        "official_links",
    ],
    "properties": {
        "cui": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "investment": {"type": "object", "description": "Every column of the investment."},
        "status": {**CODE_LABEL, "properties": {
            "code": {"type": "string", "enum": list(STATUS_LABELS)}, "label": {"type": "string"},
        }},
        "phase": CODE_LABEL,
        "place": {
            "type": "object",
            "required": ["district", "province"],
            "properties": {"district": NULLABLE_OBJECT, "province": NULLABLE_OBJECT},
        },
        "executing_unit": NULLABLE_OBJECT,
        "money": {
            "type": "object",
            "required": ["viable_cost", "updated_cost", "devengado_accumulated", "years"],
            "properties": {
                "viable_cost": DECIMAL,
                "updated_cost": DECIMAL,
                "devengado_accumulated": DECIMAL,
                "financial_progress": DECIMAL,
                "years": ARRAY_OF_OBJECTS,
                "yearly_by_unit": ARRAY_OF_OBJECTS,
            },
        },
        "works": {
            "type": "object",
            "properties": {
                "physical_progress": DECIMAL,
                "mef_physical_progress": DECIMAL,
                "f12b": NULLABLE_OBJECT,
                "f12b_months": ARRAY_OF_OBJECTS,
                "situations": ARRAY_OF_OBJECTS,
                "infobras": ARRAY_OF_OBJECTS,
            },
        },
        "prioritisations": ARRAY_OF_OBJECTS,
        "red_flags": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "label", "explanation"],
                "properties": {
                    "code": {"type": "string", "enum": list(FLAG_LABELS)},
                    "label": {"type": "string"},
                    "explanation": {"type": "string"},
                },
            },
        },
        "timeline": ARRAY_OF_OBJECTS,
        "changes": ARRAY_OF_OBJECTS,
        "sources": {"type": "object", "additionalProperties": {"type": "object"}},
        "data_date": {"type": ["string", "null"], "format": "date"},
        "official_links": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}  # fmt: skip

OEMBED = {
    "type": "object",
    "description": "oEmbed 1.0 rich type: an iframe of the card /inversiones/{cui}/tarjeta.",
    "required": ["version", "type", "title", "html", "width", "height", "provider_name"],
    "properties": {
        "version": {"const": "1.0"},
        "type": {"const": "rich"},
        "title": {"type": "string"},
        "provider_name": {"type": "string"},
        "provider_url": {"type": "string", "format": "uri"},
        "html": {"type": "string"},
        "width": {"type": "integer", "minimum": MIN_WIDTH, "maximum": CARD_WIDTH},
        "height": {"type": "integer", "const": CARD_HEIGHT},
        "thumbnail_url": {"type": "string", "format": "uri"},
        "thumbnail_width": {"type": "integer"},
        "thumbnail_height": {"type": "integer"},
        "cache_age": {"type": "integer"},
    },
}

BOUNDARIES = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": ARRAY_OF_OBJECTS},
}

DATOS_CATALOGUE = {
    "type": "object",
    "description": "Every dated version of the downloadable files kept, newest first.",
    "required": ["publicador", "licencia", "pagina", "ultimo", "versiones"],
    "properties": {
        "publicador": {"type": "string"},
        "licencia": {"const": "CC-BY-4.0"},
        "pagina": {"type": "string", "format": "uri"},
        "ultimo": {"type": "string", "format": "uri", "description": "Latest datapackage.json."},
        "versiones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["version", "dia", "publicado", "direccion", "archivos"],
                "properties": {
                    "version": {"type": "string"},
                    "dia": {"type": "string", "format": "date"},
                    "numero_del_dia": {"type": "integer"},
                    "publicado": {"type": "string", "format": "date-time"},
                    "direccion": {"type": "string", "format": "uri"},
                    "datapackage": {"type": "string", "format": "uri"},
                    "archivos": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["nombre", "url", "bytes", "sha256"],
                            "properties": {
                                "nombre": {"type": "string"},
                                "formato": {"type": "string"},
                                "url": {"type": "string", "format": "uri"},
                                "bytes": {"type": "integer", "minimum": 0},
                                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                "filas": {"type": ["integer", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
}

HEALTH = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok", "ready", "unavailable"]}},
}


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
                    "summary": "Every matching investment as a GeoJSON point (no paging).",
                    "parameters": [_parameter(p) for p in FILTERS],
                    "responses": {
                        "200": _limited(
                            _json(
                                "FeatureCollection",
                                "Points; geometry null where no place is known.",
                                "application/geo+json",
                            )
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
