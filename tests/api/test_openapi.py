"""The OpenAPI description tells the truth: servers, every JSON answer's schema, the limits."""

from __future__ import annotations

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.investments.flags import FLAG_LABELS


@pytest.fixture(scope="module")
def document(demo_app) -> dict:
    return demo_app.test_client().get("/api/v1/openapi.json").get_json()


def _validator(document: dict, path: str, status: str, media: str = "application/json"):
    """A JSON Schema validator of one documented response, its $refs resolved in the document."""
    response = document["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    ref = response["content"][media]["schema"]["$ref"]
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    return jsonschema.Draft202012Validator({"$ref": "urn:openapi" + ref}, registry=registry)


def test_servers_come_from_the_public_url_setting(demo_app):
    demo_app.config["PORTAL_PUBLIC_URL"] = "https://vigia.example.pe/"
    try:
        doc = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    finally:
        demo_app.config["PORTAL_PUBLIC_URL"] = "http://localhost:5000"
    assert doc["servers"][0]["url"] == "https://vigia.example.pe"


@pytest.mark.parametrize(
    ("path", "url", "status", "media"),
    [
        ("/inversiones/{cui}.json", "/inversiones/{cui}.json", "200", "application/json"),
        ("/inversiones/{cui}.json", "/inversiones/9999999.json", "404", "application/json"),
        ("/oembed", "/oembed?url=http://localhost/inversiones/{cui}", "200", "application/json"),
        ("/oembed", "/oembed?url=http://localhost/x&maxheight=200", "404", "application/json"),
        ("/oembed", "/oembed?format=xml&url=http://localhost/", "501", "application/json"),
        ("/api/v1/inversiones", "/api/v1/inversiones?alerta=sobrecosto", "200", "application/json"),
        ("/api/v1/inversiones", "/api/v1/inversiones?alerta=xyz", "400", "application/json"),
        (
            "/mapa/limites/{level}.geojson",
            "/mapa/limites/provincias.geojson",
            "200",
            "application/geo+json",
        ),
        ("/datos.json", "/datos.json", "200", "application/json"),
        ("/healthz", "/healthz", "200", "application/json"),
        ("/readyz", "/readyz", "200", "application/json"),
    ],
)
def test_each_json_answer_matches_its_description(demo_client, document, path, url, status, media):
    from sqlalchemy import select

    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_client.application.app_context():
        cui = get_session().scalar(
            select(Investment.cui).where(Investment.red_flags != "").order_by(Investment.cui)
        )
    response = demo_client.get(url.format(cui=cui), headers={"Accept-Encoding": "identity"})
    assert str(response.status_code) == status
    assert response.mimetype == media
    _validator(document, path, status, media).validate(response.get_json(force=True))


def test_an_unknown_warning_sign_is_refused_naming_the_allowed_ones(demo_client):
    """alerta=xyz used to answer 200 with nothing: a typo looked like 'no such investments'."""
    response = demo_client.get("/api/v1/inversiones?alerta=xyz")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "alerta"
    assert all(code in body["error"] for code in FLAG_LABELS)
    assert demo_client.get("/api/v1/inversiones.geojson?alerta=xyz").status_code == 400


def test_every_enumerated_parameter_is_checked(demo_client, document):
    for path in ("/api/v1/inversiones", "/api/v1/inversiones.geojson"):
        for parameter in document["paths"][path]["get"]["parameters"]:
            if "enum" not in parameter["schema"]:
                continue
            response = demo_client.get(path, query_string={parameter["name"]: "xyz"})
            assert response.status_code == 400, (path, parameter["name"])
            body = response.get_json()
            assert body["parameter"] == parameter["name"]
            assert ", ".join(parameter["schema"]["enum"]) in body["error"]


def test_the_rate_limit_is_documented_as_configured(document, demo_app):
    assert demo_app.config["PORTAL_RATELIMIT_API"] in document["info"]["description"]
    search = document["paths"]["/api/v1/inversiones"]["get"]["responses"]
    assert set(search["200"]["headers"]) == {
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    }
    too_many = document["components"]["responses"]["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]
    assert search["429"] == {"$ref": "#/components/responses/TooManyRequests"}
