"""OpenAPI paths and schemas of the figures published beside the pages: /ciclo.json, /brechas.json.

Kept apart from ``portal.api.openapi`` (the search API): these answer with the same figures as
/ciclo, /unidades.csv, /brechas and /brechas.csv, and take no parameters.
"""

from __future__ import annotations

from portal.cycle.queries import INTERVALS, STAGES

_DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}
_NULLABLE_DECIMAL = {"type": ["string", "null"], "pattern": r"^-?[0-9]+\.[0-9]{2}$"}
_DAYS = {"type": ["integer", "null"], "minimum": 0}
_INTERVAL_KEYS = [key for key, _start, _end in INTERVALS]


def _counts(keys: list[str], schema: dict, description: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": keys,
        "properties": {key: schema for key in keys},
        "description": description,
    }


PENDING_CLOSURE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "cui", "nombre", "costo_actualizado", "termino_obra", "fuente_termino", "dias_de_espera",
        "url",
    ],
    "properties": {
        "cui": {"type": "string", "description": "Código Único de Inversiones."},
        "nombre": {"type": "string"},
        "costo_actualizado": {**_NULLABLE_DECIMAL, "description": "Soles, decimal string."},
        "termino_obra": {
            "type": ["string", "null"],
            "format": "date",
            "description": "End of the works, from the first record that gives it.",
        },
        "fuente_termino": {
            "type": ["string", "null"],
            "enum": ["infobras", "f12b", "mef", "devengado", None],
            "description": "Record giving the end: INFObras, Formato 12-B, the MEF bank, or "
            "the last devengado.",
        },
        "dias_de_espera": {**_DAYS, "description": "Days since the works ended (Lima's today)."},
        "url": {"type": "string", "format": "uri"},
    },
}  # fmt: skip

UNIT_CYCLE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "sec_ejec", "unidad", "url", "inversiones", "etapas", "pendientes_de_cierre",
        "mediana_dias", "inversiones_mediana", "cierres_pendientes",
    ],
    "properties": {
        "sec_ejec": {"type": "string", "description": "Executing unit code (SEC_EJEC)."},
        "unidad": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "inversiones": {"type": "integer", "minimum": 1},
        "etapas": _counts(
            list(STAGES), {"type": "integer", "minimum": 0}, "Investments in each stage."
        ),
        "pendientes_de_cierre": {
            "type": "integer",
            "minimum": 0,
            "description": "Finished works not in the MEF closures file (as in /unidades.csv).",
        },
        "mediana_dias": _counts(
            _INTERVAL_KEYS, _DAYS, "Median days of each step; null without data."
        ),
        "inversiones_mediana": _counts(
            _INTERVAL_KEYS, {"type": "integer", "minimum": 0}, "Investments behind each median."
        ),
        "cierres_pendientes": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/PendingClosure"},
            "description": "Longest wait first.",
        },
    },
}  # fmt: skip

CYCLE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["fecha", "etapas", "unidades"],
    "properties": {
        "fecha": {"type": "string", "format": "date", "description": "Lima's day of the waits."},
        "etapas": {"type": "array", "items": {"type": "string", "enum": list(STAGES)}},
        "unidades": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/UnitCycle"},
            "description": "Units with most pending closures first.",
        },
    },
}

DISTRICT_GAP = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "ubigeo", "distrito", "provincia", "poblacion", "pobreza_total_pct", "idh",
        "inversiones", "costo_actualizado", "inversion_por_habitante",
    ],
    "properties": {
        "ubigeo": {"type": "string", "pattern": "^[0-9]{6}$"},
        "distrito": {"type": "string"},
        "provincia": {"type": ["string", "null"]},
        "poblacion": {
            "type": ["integer", "null"],
            "description": "INEI area × 2020 density, rounded to a person.",
        },
        "pobreza_total_pct": {"type": ["number", "null"], "description": "Total poverty, %."},
        "idh": {"type": ["number", "null"], "description": "Human development index, 2019."},
        "inversiones": {"type": "integer", "minimum": 0},
        "costo_actualizado": {**_DECIMAL, "description": "Soles, decimal string."},
        "inversion_por_habitante": {
            **_NULLABLE_DECIMAL,
            "description": "costo_actualizado / poblacion, soles to the céntimo.",
        },
    },
}  # fmt: skip

GAPS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["distritos", "fuera_de_distritos"],
    "properties": {
        "distritos": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/DistrictGap"},
            "description": "Every district of the region, largest updated cost first.",
        },
        "fuera_de_distritos": {
            "type": "object",
            "additionalProperties": False,
            "required": ["inversiones", "costo_actualizado"],
            "properties": {
                "inversiones": {"type": "integer", "minimum": 0},
                "costo_actualizado": _DECIMAL,
            },
            "description": "Investments of a whole province or the department, counted apart.",
        },
    },
}


def _get(operation_id: str, summary: str, schema: str) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                }
            },
        }
    }


FIGURE_PATHS = {
    "/ciclo.json": _get(
        "investmentCycle",
        "Per executing unit: investments per cycle stage, median days, pending closures.",
        "Cycle",
    ),
    "/brechas.json": _get(
        "districtGaps",
        "Per district: population, poverty, HDI, investment and investment per inhabitant.",
        "Gaps",
    ),
}
FIGURE_SCHEMAS = {
    "Cycle": CYCLE,
    "UnitCycle": UNIT_CYCLE,
    "PendingClosure": PENDING_CLOSURE,
    "Gaps": GAPS,
    "DistrictGap": DISTRICT_GAP,
}
