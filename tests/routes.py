"""Every GET page of the app with sample arguments, for tests that must cover each route.

New routes are picked up from ``app.url_map``; an argument name not listed in ``sample_values``
gets a placeholder, which still exercises the route (a 404 page must carry the headers too).
"""

from __future__ import annotations

import itertools

from flask import Flask, url_for
from sqlalchemy import select


def sample_values(app: Flask) -> dict:
    """A real value from the demo data for each URL argument name the portal uses.

    An endpoint's name as key gives arguments for that endpoint only.
    """
    from portal.complaints.models import Observation
    from portal.contracts.models import ContractAward, ContractingProcess
    from portal.db import get_session
    from portal.investments.models import ExecutingUnit, Investment
    from portal.maps import render

    with app.app_context():
        session = get_session()
        cui = session.scalars(select(Investment.cui).order_by(Investment.cui).limit(1)).first()
        slug = session.scalars(
            select(ExecutingUnit.slug).order_by(ExecutingUnit.slug).limit(1)
        ).first()
        code = session.scalars(select(Observation.code).limit(1)).first()
        ruc = session.scalars(
            select(ContractAward.ruc).where(ContractAward.ruc.is_not(None)).limit(1)
        ).first()
        contract_cui = session.scalars(select(ContractingProcess.cui).limit(1)).first()
    return {
        # Arguments of one endpoint only, where a name means different things on two routes.
        "maps.vendor": {"package": render.LEAFLET, "filename": "leaflet.js"},
        "code": code or "VC-AAAA-BBBB",
        "level": ["provincias", "distritos"],
        "cui": cui or "2000001",
        "ubigeo": ["0601", "060101"],
        "slug": slug or "gobierno-regional-cajamarca",
        "name": "mef-inversiones",
        "source": "mef-inversiones",
        "filename": "css/portal.css",
        "lang": "es",
        "ruc": ruc or "20601234561",
        # Not a URL argument: an investment whose page has the "Contrataciones" section.
        "contract_cui": contract_cui or cui or "2000001",
    }


def get_routes(app: Flask, values: dict) -> list[tuple[str, str]]:
    """(endpoint, URL) for every rule answering GET, arguments filled from ``values``.

    A value given as a list yields one URL per item (e.g. a province and a district ubigeo).
    """
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            choices = []
            own = values.get(rule.endpoint, {})
            for name in sorted(rule.arguments):
                numeric = type(rule._converters[name]).__name__ in (
                    "IntegerConverter",
                    "FloatConverter",
                )
                given = own.get(name, values.get(name, "1" if numeric else "x"))
                items = given if isinstance(given, list) else [given]
                choices.append(
                    [
                        (name, int(v) if numeric and str(v).isdigit() else (1 if numeric else v))
                        for v in items
                    ]
                )
            for combination in itertools.product(*choices):
                routes.append((rule.endpoint, url_for(rule.endpoint, **dict(combination))))
    return routes
