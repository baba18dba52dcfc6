"""A national portal's maps: the country and each department open on places, not on points.

At 300,000 investments one department's points were ~1 MB gzipped and half a second to build,
and ``/mapa?provincia=06`` asked for map data the API refused (400): the department map was
broken. Now the department's data is its provinces (count and cost), built by the import.
"""

from __future__ import annotations

import html
import os
import re

import pytest
from sqlalchemy import create_engine, event, text

from portal.investments.models import Investment
from tests.conftest import (
    _empty_all_tables,
    fresh_web_process,
    import_sources,
    make_test_app,
    statements_run,
)
from tests.importer.factories import detalle_row, write_detalle
from tests.maps.conftest import NOW

PUNO = dict(DEPARTAMENTO="PUNO", PROVINCIA="SAN ROMAN", DISTRITO="JULIACA", UBIGEO="211101")
JULIACA = dict(PUNO, LATITUD="-15.4997", LONGITUD="-70.1331")


MAP = "/api/v1/inversiones.geojson"


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


# --- The first visitor after an import, at national size ----------------------------------------

ON_POSTGRES = os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql")
#: A statement that adds up investments (what costs seconds at national size).
SUMS_INVESTMENTS = re.compile(r"\b(count|sum)\(.*\bFROM investments\b", re.I | re.S)


def test_an_unchanged_import_keeps_what_the_last_import_built(national_app, tmp_path):
    """A night whose file did not change records a run but changes no row and builds nothing:
    the home page and the opening maps are still read, not computed (home took 2.7 s and the
    country's map 0.4 s at national size, in every web process, after each such night)."""
    [again] = import_sources(
        national_app, [("mef-inversiones", tmp_path / "DETALLE_INVERSIONES.csv")]
    )
    assert again.status == "unchanged"
    fresh_web_process(national_app)

    home = statements_run(national_app, ["/"])
    maps = statements_run(national_app, [MAP, MAP + "?departamento=06"])

    assert [s for s in home if SUMS_INVESTMENTS.search(s)] == []
    assert maps
    assert [s for s in maps if "investments" in s] == []


def test_a_filtered_selection_is_never_counted_whole(national_app):
    """Whether a selection has too many points is counted up to one beyond the limit: a full
    count read a department's rows once more (a national filter: 56,100 rows, 210 ms)."""
    statements = statements_run(national_app, [MAP + "?departamento=06&estado=sin_iniciar"])
    counts = [s for s in statements if SUMS_INVESTMENTS.search(s)]
    assert counts
    assert all("LIMIT" in s.upper() for s in counts), counts


def test_a_selection_beyond_the_limit_reads_the_investments_twice_at_most(small_limit_app):
    statements = statements_run(small_limit_app, [MAP + "?funcion=SANEAMIENTO"])
    assert len([s for s in statements if "FROM investments" in s]) <= 2
    data = _data(small_limit_app.test_client(), "?funcion=SANEAMIENTO")
    assert data["aggregate"] == "provincia"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: SQLite has no JIT and no VACUUM debt")
def test_the_web_never_waits_for_postgresql_to_compile_a_query(national_app):
    """JIT compiled every department-size query for ~75 ms before running it for ~30 ms."""
    with national_app.extensions["portal.engine"].connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: SQLite has no JIT and no VACUUM debt")
def test_the_import_reclaims_old_rows_before_anyone_reads_the_new_ones(database_url, tmp_path):
    """Before the after-import hooks (and the visitors) read the new rows, the rows the import
    replaced are vacuumed and the statistics refreshed, visible to every other connection."""
    app = make_test_app(database_url, tmp_path / "instance", PORTAL_REGION="all")
    other = create_engine(database_url)  # another process's view
    seen = {}

    def probe() -> None:
        with other.connect() as conn:
            query = text(
                "SELECT n_dead_tup, last_vacuum >= :t AS vacuumed, last_analyze >= :t AS analyzed "
                "FROM pg_stat_user_tables WHERE relname = 'investments'"
            )
            seen.update(conn.execute(query, {"t": started}).one()._asdict())

    app.extensions["portal.after_import"].insert(0, probe)
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", _rows())
    try:
        with other.connect() as conn:
            started = conn.exec_driver_sql("SELECT now()").scalar()
        [result] = import_sources(app, [("mef-inversiones", path)])
        assert result.status == "imported"
        assert seen == {"n_dead_tup": 0, "vacuumed": True, "analyzed": True}
    finally:
        other.dispose()
        _empty_all_tables(app)


def test_a_filter_selecting_more_than_five_thousand_investments_is_sent_by_place(map_app):
    """Beyond ~5,000 points the first request of a selection no longer keeps to 300 ms at
    national size (9,000 took 260–370 ms): a larger selection comes by place."""
    rows = [
        dict(
            cui=f"3{n:06d}",
            name=f"OBRA {n}",
            source="mef-inversiones",
            status="paralizada",
            phase="ejecucion",
            ubigeo="060405",
            coords_status="ok",
            latitude=-6.47,
            longitude=-78.86,
            red_flags="",
            row_hash="x",
            first_seen_at=NOW,
            changed_at=NOW,
        )
        for n in range(5_000)
    ]
    with map_app.extensions["portal.engine"].begin() as conn:
        conn.execute(Investment.__table__.insert(), rows)
    client = map_app.test_client()

    data = _data(client, "?estado=paralizada")  # 5,001 with the fixture's own

    assert data["aggregate"] == "provincia"
    assert data["total"] == 5_001
    assert "aggregate" not in _data(client, "?estado=paralizada&distrito=060401")
