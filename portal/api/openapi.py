"""The OpenAPI 3.1 description of /api/v1, built from the same declarations the views check."""

from __future__ import annotations

from portal.api.params import MAP_PARAMETERS, SEARCH_PARAMETERS, Parameter
from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.search.catalogue import DIMENSIONS

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

PLACE_COLLECTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "aggregate", "total", "totalt", "unplaced", "unplacedt", "features"],
    "description": "The selection by place: one point per department, province or district.",
    "properties": {
        "type": {"const": "FeatureCollection"},
        "aggregate": {
            "type": "string",
            "enum": ["departamento", "provincia", "distrito"],
            "description": "The level of the places.",
        },
        "total": {"type": "integer", "description": "Investments selected."},
        "totalt": {"type": "string", "description": "total as the pages write it."},
        "unplaced": {
            "type": "integer",
            "description": "Investments whose record names no place of this level (not drawn).",
        },
        "unplacedt": {"type": "string", "description": "unplaced as the pages write it."},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "string", "description": "The place's ubigeo."},
                    "geometry": POINT,
                    "properties": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["u", "n", "i", "it", "k", "kt"],
                        "properties": {
                            "u": {"type": "string", "description": "Ubigeo of the place."},
                            "n": {"type": "string", "description": "Name of the place."},
                            "i": {"type": "integer", "description": "Investments there."},
                            "it": {"type": "string", "description": "i as the pages write it."},
                            "k": {
                                "type": "number",
                                "description": "Their updated cost, soles to the céntimo.",
                            },
                            "kt": {"type": "string", "description": "k as the pages write it."},
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
    },
}


def _parameter(p: Parameter) -> dict:
    out = {"name": p.name, "in": "query", "required": False, "description": p.description}
    out["schema"] = p.schema
    if p.example is not None:
        out["example"] = int(p.example) if p.schema["type"] == "integer" else p.example
    return out


def _json(schema_ref: str, description: str, media: str = "application/json") -> dict:
    return {
        "description": description,
        "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}


def openapi_document(version: str) -> dict:
    """The whole description; ``version`` is the portal's version."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vigía API",
            "version": version,
            "summary": "Public investments of a Peruvian region: search, filters and map points.",
            "description": (
                "Read-only, no key, CORS open (`Access-Control-Allow-Origin: *`). Every parameter "
                "is checked: a bad value, an unknown or a repeated parameter gets 400 with the "
                "parameter's name. Data: MEF and Contraloría, compiled by Vigía under CC BY 4.0."
            ),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "paths": {
            "/api/v1/inversiones": {
                "get": {
                    "operationId": "searchInvestments",
                    "summary": "Investments matching words and filters, 20 per page, with facets.",
                    "parameters": [_parameter(p) for p in SEARCH_PARAMETERS],
                    "responses": {
                        "200": _json("SearchResult", "One page of results."),
                        "400": BAD_REQUEST,
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
                        "200": {
                            "description": "Points (geometry null where no place is known), "
                            "or places.",
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
                        },
                        "304": {"description": "Unchanged since the ETag given in If-None-Match."},
                        "400": BAD_REQUEST,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "describeApi",
                    "summary": "This description.",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Investment": INVESTMENT,
                "Facet": FACET,
                "SearchResult": SEARCH_RESULT,
                "FeatureCollection": FEATURE_COLLECTION,
                "PlaceCollection": PLACE_COLLECTION,
                "Error": ERROR,
            },
            "responses": {"BadRequest": _json("Error", "A parameter is not valid.")},
        },
    }
