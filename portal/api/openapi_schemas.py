"""The JSON Schemas of each resource the API and its neighbours answer with: an investment, a
page of search results, the map's points, the fact sheet, the oEmbed card, the boundaries, the
dated files' catalogue, the health checks and the errors.

Apart from ``portal.api.openapi`` (which assembles the document: its paths, parameters and
responses) so that a newcomer changing what an answer holds finds its schema here, next to the
other resources, and the document stays readable.
"""

from __future__ import annotations

from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.search.catalogue import DIMENSIONS
from portal.sharing.oembed import CARD_HEIGHT, CARD_WIDTH, MIN_WIDTH

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
