"""A national portal's maps: the country and each department open on places, not on points.

At 300,000 investments one department's points were ~1 MB gzipped and half a second to build,
and ``/mapa?provincia=06`` asked for map data the API refused (400): the department map was
broken. Now the department's data is its provinces (count and cost), built by the import.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event

from tests.conftest import _empty_all_tables, import_sources, make_test_app
from tests.importer.factories import detalle_row, write_detalle

PUNO = dict(DEPARTAMENTO="PUNO", PROVINCIA="SAN ROMAN", DISTRITO="JULIACA", UBIGEO="211101")
JULIACA = dict(PUNO, LATITUD="-15.4997", LONGITUD="-70.1331")


def _rows() -> list[dict[str, str]]:
    return [
        detalle_row("2500001", "AGUA EN CHOTA"),  # 060401, Chota
        detalle_row("2500002", "COLEGIO EN CHOTA", COSTO_ACTUALIZADO="2000000.0"),
        detalle_row(
            "2500003",
            "PISTA EN CAJAMARCA",
            PROVINCIA="CAJAMARCA",
            DISTRITO="CAJAMARCA",
            UBIGEO="60101",
            LATITUD="-7.16",
            LONGITUD="-78.51",
        ),
        detalle_row("2500004", "MERCADO DE JULIACA", **JULIACA),
        detalle_row(
            "2500005",
            "VIGILANCIA EPIDEMIOLOGICA DE LA REGION CAJAMARCA",
            PROVINCIA="- TODOS -",
            DISTRITO="- TODOS -",
            UBIGEO="60000",
            LATITUD="",
            LONGITUD="",
        ),
    ]


@pytest.fixture
def national_app(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "instance", PORTAL_REGION="all")
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", _rows())
    [result] = import_sources(app, [("mef-inversiones", path)])
    assert result.status == "imported", result.as_dict()
    yield app
    _empty_all_tables(app)


def _data(client, query: str) -> dict:
    response = client.get("/api/v1/inversiones.geojson" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _places(collection: dict) -> dict[str, int]:
    return {f["properties"]["u"]: f["properties"]["i"] for f in collection["features"]}


def test_the_department_map_asks_for_data_the_api_answers(national_app):
    client = national_app.test_client()
    page = html.unescape(client.get("/mapa?provincia=06").get_data(as_text=True))
    [url] = set(re.findall(r'"(/api/v1/inversiones\.geojson[^"]*)"', page))
    assert url == "/api/v1/inversiones.geojson?departamento=06"
    assert "Departamento: Cajamarca" in page  # the filter's chip names it

    data = _data(client, "?departamento=06")

    # Its provinces with their investments, not the investments one by one.
    assert data["aggregate"] == "provincia"
    assert _places(data) == {"0601": 1, "0604": 2}
    chota = next(f for f in data["features"] if f["id"] == "0604")
    assert chota["properties"]["n"] == "Chota"
    assert chota["properties"]["kt"].startswith("S/ ")
    assert chota["geometry"]["type"] == "Point"
    assert "c" not in chota["properties"]
    # The department-wide investment counts but has no province to be drawn in.
    assert (data["total"], data["unplaced"]) == (4, 1)


def test_the_country_opens_on_its_departments(national_app):
    data = _data(national_app.test_client(), "")
    assert data["aggregate"] == "departamento"
    assert _places(data) == {"06": 4, "21": 1}


def test_a_province_a_district_or_a_filter_shows_points(national_app):
    client = national_app.test_client()
    cuis = lambda data: {f["properties"]["c"] for f in data["features"]}  # noqa: E731
    assert cuis(_data(client, "?provincia=0604")) == {"2500001", "2500002"}
    assert cuis(_data(client, "?distrito=211101")) == {"2500004"}
    assert cuis(_data(client, "?departamento=06&q=colegio")) == {"2500002"}
    assert cuis(_data(client, "?departamento=21&estado=en_ejecucion")) <= {"2500004"}
    assert "aggregate" not in _data(client, "?departamento=06&estado=sin_iniciar")


def test_a_place_outside_the_department_selects_nothing(national_app):
    client = national_app.test_client()
    assert _data(client, "?departamento=21&provincia=0604")["features"] == []
    response = client.get("/api/v1/inversiones.geojson?departamento=6")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "departamento"


def test_the_import_builds_every_department_map_before_anyone_asks(national_app):
    """The first visitor after an import reads a file: no query over the investments."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = national_app.extensions["portal.engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        client = national_app.test_client()
        for query in ("", "?departamento=06", "?departamento=21"):
            for language in ("es", "en"):
                response = client.get(
                    "/api/v1/inversiones.geojson" + query, headers={"Accept-Language": language}
                )
                assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements
    assert not [s for s in statements if "investments" in s], statements


@pytest.fixture
def small_limit_app(map_app):
    map_app.config["PORTAL_MAP_MAX_POINTS"] = 2
    return map_app


def test_a_selection_beyond_the_limit_is_sent_by_place(small_limit_app):
    """A regional portal (06) whose selection has more investments than the limit."""
    client = small_limit_app.test_client()
    data = _data(client, "")
    assert data["aggregate"] == "provincia"
    assert _places(data) == {"0604": 3, "0601": 2}
    assert data["total"] == 6  # one without a district: counted, not drawn
    by_district = _data(client, "?provincia=0604")
    assert by_district["aggregate"] == "distrito"
    assert _places(by_district) == {"060401": 1, "060405": 2}
    # A district is always points; so is a selection within the limit.
    assert len(_data(client, "?distrito=060405")["features"]) == 2
    assert "aggregate" not in _data(client, "?estado=paralizada")


def test_the_map_links_each_place_circle_to_its_own_map(national_app):
    page = html.unescape(national_app.test_client().get("/mapa").get_data(as_text=True))
    assert '"provincia": "/mapa?provincia={ubigeo}"' in page
    assert '"distrito": "/mapa?distrito={ubigeo}"' in page
