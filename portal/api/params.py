"""The API's query parameters, declared once: checked strictly here and described in OpenAPI.

HTML pages keep ``Filters.from_args`` (forgiving: a bad value is dropped). The API answers a bad
value with 400 naming the parameter, because a program that sent it would otherwise get a silent,
different answer than it asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask import jsonify
from werkzeug.datastructures import MultiDict

from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.search.filters import FILTER_PARAMS, MAX_QUERY_LENGTH, SORTS, Filters

MAX_PAGE = 10_000


@dataclass(frozen=True)
class Parameter:
    name: str
    schema: dict
    description: str
    example: str | None = None


class InvalidParameter(Exception):
    """A query parameter the API does not accept; answered with 400 and the parameter's name."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


FILTERS = (
    Parameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "Words of the name, place, unit or function; a CUI or SNIP code.",
        "agua potable",
    ),
    Parameter("provincia", {"type": "string", "pattern": "^[0-9]{4}$"}, "Province ubigeo.", "0604"),
    Parameter(
        "distrito", {"type": "string", "pattern": "^[0-9]{6}$"}, "District ubigeo.", "060401"
    ),
    Parameter("estado", {"type": "string", "enum": list(STATUS_LABELS)}, "Plain-words status."),
    Parameter("fase", {"type": "string", "enum": list(PHASE_LABELS)}, "Invierte.pe cycle phase."),
    Parameter(
        "funcion",
        {"type": "string", "minLength": 1, "maxLength": 120},
        "Budget function, as the MEF writes it.",
        "SANEAMIENTO",
    ),
    Parameter(
        "unidad",
        {"type": "string", "pattern": "^[0-9]{1,12}$"},
        "Executing unit (SEC_EJEC code).",
        "301001",
    ),
    Parameter(
        "pp",
        {"type": "string", "pattern": "^([0-9]{4}|todos|si)$"},
        "Prioritised in the participatory budget of a year, or in any year (`todos` or `si`).",
        "2025",
    ),
    Parameter(
        "alerta",
        {"type": "string", "enum": list(FLAG_LABELS)},
        "Red-flag code (see /metodologia).",
        "sobrecosto",
    ),
)
#: The map data's own place parameter: a department (the search filters stop at provinces).
DEPARTMENT = Parameter(
    "departamento",
    {"type": "string", "pattern": "^[0-9]{2}$"},
    "Department ubigeo (map data only): with `PORTAL_REGION=all` the map of a department. "
    "A `provincia` or `distrito` given with it must lie in it.",
    "06",
)
MAP_PARAMETERS = (*FILTERS, DEPARTMENT)
ORDER = Parameter(
    "orden", {"type": "string", "enum": list(SORTS), "default": "relevancia"}, "Order of results."
)
PAGE = Parameter(
    "pagina",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    "Page of 20 results. A page past the last one is empty.",
    "2",
)
SEARCH_PARAMETERS = (*FILTERS, ORDER, PAGE)
assert tuple(p.name for p in FILTERS) == FILTER_PARAMS

_POSITIVE = re.compile(r"[1-9][0-9]*")


def parse_api_filters(args: MultiDict, accepted: Iterable[Parameter]) -> Filters:
    """``Filters`` from the query string, or ``InvalidParameter`` for the first bad value."""
    accepted = {p.name: p for p in accepted}
    for name in args:
        if name not in accepted:
            raise InvalidParameter(name, f"Unknown parameter {name!r}.")
    values: dict = {}
    for name, parameter in accepted.items():
        given = args.getlist(name)
        if not given:
            continue
        if len(given) > 1:
            raise InvalidParameter(name, f"Parameter {name!r} was given more than once.")
        values[name] = _check(parameter, given[0])
    if values.get("pp") == "si":
        values["pp"] = "todos"  # the HTML pages' spelling of "any year"
    return Filters(**values)


def parse_map_filters(args: MultiDict) -> Filters | None:
    """``Filters`` of the map data: the search filters plus ``departamento``, which narrows the
    selection like a province's code does (a department's ubigeo is its provinces' prefix).

    None when nothing can match: a ``provincia`` or ``distrito`` outside the ``departamento``
    selects no investment, as contradictory filters do in search."""
    rest = MultiDict(args)
    given = rest.poplist(DEPARTMENT.name)
    filters = parse_api_filters(rest, FILTERS)
    if not given:
        return filters
    if len(given) > 1:
        raise InvalidParameter(
            DEPARTMENT.name, "Parameter 'departamento' was given more than once."
        )
    department = _check(DEPARTMENT, given[0])
    if any(v and not v.startswith(department) for v in (filters.provincia, filters.distrito)):
        return None
    return filters if filters.provincia else replace(filters, provincia=department)


def _check(parameter: Parameter, value: str):
    schema, name = parameter.schema, parameter.name
    if schema["type"] == "integer":
        if not _POSITIVE.fullmatch(value) or int(value) > schema["maximum"]:
            raise InvalidParameter(
                name, f"{name!r} must be a whole number from 1 to {schema['maximum']}."
            )
        return int(value)
    if "enum" in schema and value not in schema["enum"]:
        raise InvalidParameter(name, f"{name!r} must be one of: {', '.join(schema['enum'])}.")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise InvalidParameter(name, f"{name!r} must match {schema['pattern']}.")
    if len(value) > schema.get("maxLength", len(value)):
        raise InvalidParameter(name, f"{name!r} is longer than {schema['maxLength']} characters.")
    if len(value) < schema.get("minLength", 0):
        raise InvalidParameter(name, f"{name!r} must not be empty.")
    # Control characters are dropped as on the HTML pages: they are not part of any name.
    return "".join(ch for ch in value if ch.isprintable())


def invalid_parameter_response(exc: InvalidParameter):
    response = jsonify(error=exc.message, parameter=exc.parameter, status=400)
    response.status_code = 400
    return response
