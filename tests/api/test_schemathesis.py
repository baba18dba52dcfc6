"""Property-based: every /api/v1 operation answers as /api/v1/openapi.json says, all checks on.

Both generation modes run: valid parameters must be accepted (2xx) and match the response schema;
invalid ones must be refused with a 4xx. Examples are kept modest so the run stays under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.conftest import _empty_all_tables, make_test_app
from tests.search.factories import add_sample_investments

EXAMPLES_PER_MODE = 40


@pytest.fixture(scope="module")
def api_app(database_url, tmp_path_factory):
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    # Hundreds of calls a minute: the per-address API limit is not what is tested here.
    app = make_test_app(
        database_url, tmp_path_factory.mktemp("api-instance"), PORTAL_RATELIMIT_API="10000/minute"
    )
    with app.app_context(), session_scope() as session:
        add_sample_investments(session)
        session.flush()
        rebuild_index(session)
    yield app
    _empty_all_tables(app)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_description_covers_every_public_json_route(api_app):
    """Every route that answers JSON (the API, the fact sheet, map outlines, oEmbed, health) is
    described, and nothing described is missing."""
    document = api_app.test_client().get("/api/v1/openapi.json").get_json()
    described = {p.replace("{", "<").replace("}", ">") for p in document["paths"]}
    routes = {r.rule for r in api_app.url_map.iter_rules()}
    json_routes = {
        rule
        for rule in routes
        if rule.startswith("/api/v1/")
        or rule.endswith((".json", ".geojson"))
        or rule in ("/oembed", "/healthz", "/readyz")
    }
    assert json_routes - described == set(), "routes answering JSON without a description"
    assert described - routes == set(), "descriptions of routes that do not exist"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", ["/api/v1/inversiones", "/api/v1/inversiones.geojson"])
def test_api_conforms_to_its_description(api_app, path, mode):
    load_all_checks()
    checks = CHECKS.get_all()
    operation = next(op for op in _operations(api_app) if op.path == path)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case):
        # The WSGI transport does not decompress: ask for the plain body.
        case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

    run()


@pytest.mark.parametrize("path", ["/ciclo.json", "/brechas.json"])
def test_figures_conform_to_their_description(api_app, path):
    load_all_checks()
    operation = next(op for op in _operations(api_app) if op.path == path)

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(checks=CHECKS.get_all(), headers={"Accept-Encoding": "identity"})

    run()
