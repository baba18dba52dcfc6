"""The API refuses bad parameters by name, HTML pages stay forgiving, CORS only on data."""

from __future__ import annotations

import html

import pytest


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("estado=abandonada", "estado"),
        ("pagina=0", "pagina"),
        ("pagina=dos", "pagina"),
        ("pagina=10001", "pagina"),
        ("provincia=06", "provincia"),
        ("distrito=Chota", "distrito"),
        ("orden=precio", "orden"),
        ("pp=ayer", "pp"),
        ("alerta=Rara!", "alerta"),
        ("alerta=xyz", "alerta"),
        ("q=" + "a" * 201, "q"),
        ("estado=paralizada&estado=finalizada", "estado"),
        ("color=rojo", "color"),
    ],
)
def test_a_bad_api_parameter_gets_400_naming_it(search_client, query, parameter):
    response = search_client.get(f"/api/v1/inversiones?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


def test_the_map_data_refuses_paging_parameters_it_does_not_use(search_client):
    response = search_client.get("/api/v1/inversiones.geojson?pagina=2")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "pagina"


def test_the_search_page_still_forgives_the_same_mistakes(search_client):
    response = search_client.get("/buscar?estado=abandonada&pagina=dos&orden=precio&color=rojo")
    assert response.status_code == 200


def test_a_page_past_the_last_is_empty_not_the_last_page_again(search_client):
    first = search_client.get("/api/v1/inversiones").get_json()
    assert first["pages"] == 1 and first["results"]
    past = search_client.get("/api/v1/inversiones?pagina=5").get_json()
    assert past["page"] == 5
    assert past["results"] == []
    assert past["total"] == first["total"]


def test_valid_filters_still_select(search_client):
    body = search_client.get("/api/v1/inversiones?estado=paralizada").get_json()
    assert body["total"] >= 1
    assert {r["estado"] for r in body["results"]} == {"paralizada"}
    assert all(r["cambio"].endswith("-05:00") for r in body["results"])  # Lima, as pages


def test_openapi_description_is_3_1_and_names_the_limits(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    params = {p["name"]: p for p in doc["paths"]["/api/v1/inversiones"]["get"]["parameters"]}
    assert params["pagina"]["schema"]["maximum"] == 10_000
    assert "paralizada" in params["estado"]["schema"]["enum"]
    assert "400" in doc["paths"]["/api/v1/inversiones"]["get"]["responses"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inversiones",
        "/api/v1/inversiones.geojson",
        "/api/v1/openapi.json",
        "/api/v1/inversiones?estado=mal",
        "/buscar.csv",
        "/mapa/limites/provincias.geojson",
        "/inversiones/2100001.json",
    ],
)
def test_read_only_data_can_be_read_by_any_site(search_client, path):
    assert search_client.get(path).headers.get("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize(
    "path", ["/", "/buscar", "/inversiones/2100001", "/api", "/observaciones/consultar", "/admin/"]
)
def test_pages_are_not_open_to_other_sites(search_client, path):
    assert "Access-Control-Allow-Origin" not in search_client.get(path).headers


def test_posting_is_never_open_to_other_sites(search_client):
    response = search_client.post("/api/v1/inversiones")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_api_page_shows_examples_and_is_linked_from_the_footer(search_client):
    home = search_client.get("/").get_data(as_text=True)
    assert 'href="/api"' in home
    page = search_client.get("/api").get_data(as_text=True)
    assert "http://localhost/api/v1/openapi.json" in page
    assert "http://localhost/api/v1/inversiones?q=agua+potable" in page
    assert "<code>estado</code>" in page


def test_api_page_says_what_each_code_parameter_means(search_client):
    page = html.unescape(search_client.get("/api").get_data(as_text=True))
    # A journalist reads "ubigeo of the province, 4 digits", not only ^[0-9]{4}$.
    assert "ubigeo de la provincia, 4 cifras (por ejemplo 0604)" in page
    assert "ubigeo del distrito, 6 cifras" in page
    # The warning signs a caller may ask for, by their codes.
    assert "plazo_vencido" in page and "sobrecosto" in page


def test_api_answers_say_how_much_of_the_rate_limit_is_left(app, search_client):
    app.config["PORTAL_RATELIMIT_API"] = "3 per minute"
    first = search_client.get("/api/v1/inversiones")
    assert first.headers["RateLimit-Limit"] == "3"
    assert first.headers["RateLimit-Remaining"] == "2"
    assert 0 < int(first.headers["RateLimit-Reset"]) <= 61
    assert "Retry-After" not in first.headers
    assert "RateLimit-Remaining" in first.headers["Access-Control-Expose-Headers"]
    # One budget for the whole API: the map data counts against the same.
    assert search_client.get("/api/v1/inversiones.geojson").headers["RateLimit-Remaining"] == "1"
    search_client.get("/api/v1/openapi.json")
    refused = search_client.get("/api/v1/inversiones")
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    body = refused.get_json()
    assert body["status"] == 429 and body["retry_after"] == int(refused.headers["Retry-After"])
    assert 0 < body["retry_after"] <= 61
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    # Pages are not counted.
    assert search_client.get("/buscar").status_code == 200


def test_api_page_states_the_rate_limit_in_words(app, search_client):
    app.config["PORTAL_RATELIMIT_API"] = "90 per minute; 2000 per hour"
    page = html.unescape(search_client.get("/api").get_data(as_text=True))
    assert "90 solicitudes por minuto y 2000 solicitudes por hora" in page
    assert "Retry-After" in page and "RateLimit-Remaining" in page
