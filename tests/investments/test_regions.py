"""Any department by one setting: Puno (21) and the whole country, from the project's own rows."""

from __future__ import annotations

import html
import json
import re

import pytest

from portal import create_app
from tests.conftest import _empty_all_tables, import_sources, make_test_app
from tests.importer.factories import detalle_row, write_detalle

PUNO = dict(DEPARTAMENTO="PUNO", SECTOR="GOBIERNOS REGIONALES", NOMBRE_UEP="REGION PUNO-SEDE")
JULIACA = "2400001"  # district 211101 (San Román)
REGION_WIDE = "2400002"  # UBIGEO 210000, '- TODOS -'
CAJAMARCA = "2400003"
MULTI = "2400004"  # -MUL.DEP-, no ubigeo


def _rows() -> list[dict[str, str]]:
    return [
        detalle_row(
            JULIACA,
            "MEJORAMIENTO DEL MERCADO DE JULIACA",
            **PUNO,
            PROVINCIA="SAN ROMAN",
            DISTRITO="JULIACA",
            UBIGEO="211101",
            LATITUD="-15.4997",
            LONGITUD="-70.1331",
        ),
        detalle_row(
            REGION_WIDE,
            "MEJORAMIENTO DE LA VIGILANCIA EPIDEMIOLOGICA DE LA REGION PUNO",
            **PUNO,
            PROVINCIA="- TODOS -",
            DISTRITO="- TODOS -",
            UBIGEO="210000",
            LATITUD="0.0",
            LONGITUD="0.0",
            COSTO_ACTUALIZADO="9000000.0",
        ),
        detalle_row(CAJAMARCA, "OBRA EN CHOTA"),
        detalle_row(
            MULTI,
            "CARRETERA INTERDEPARTAMENTAL",
            DEPARTAMENTO="-MUL.DEP-",
            PROVINCIA="-MUL.PROV-",
            DISTRITO="-MUL.DIST-",
            UBIGEO="",
            LATITUD="",
            LONGITUD="",
        ),
    ]


@pytest.fixture
def region_app(request, database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "instance", PORTAL_REGION=request.param)
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", _rows())
    [result] = import_sources(app, [("mef-inversiones", path)])
    assert result.status == "imported", result.as_dict()
    yield app
    _empty_all_tables(app)


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


puno = pytest.mark.parametrize("region_app", ["21"], indirect=True)
country = pytest.mark.parametrize("region_app", ["all"], indirect=True)


@puno
def test_puno_takes_its_name_from_the_boundaries(region_app):
    assert region_app.config["PORTAL_REGION_NAME"] == "Puno"
    page = _text(region_app.test_client(), "/")
    assert "<h1>Inversiones públicas de Puno</h1>" in page


@puno
def test_a_puno_investment_and_its_district_page_serve(region_app):
    client = region_app.test_client()
    sheet = _text(client, f"/inversiones/{JULIACA}")
    assert '<a href="/lugares/211101">Juliaca</a>' in sheet
    assert '<a href="/lugares/2111">provincia de San Román</a>' in sheet

    district = _text(client, "/lugares/211101")
    assert "<h1>Inversiones públicas en Juliaca</h1>" in district
    assert "MEJORAMIENTO DEL MERCADO DE JULIACA" in district
    province = _text(client, "/lugares/2111")
    assert 'href="/lugares/211101">Juliaca</a>' in province
    assert client.get("/lugares/060401").status_code == 404  # Cajamarca is not published
    island = _text(client, "/lugares/210103")  # Amantaní: no outline in the boundary files
    assert "<h1>Inversiones públicas en Amantaní</h1>" in island
    assert "no incluyen el contorno de este distrito: se muestra el de su provincia" in island


@puno
def test_only_rows_of_the_region_import(region_app):
    client = region_app.test_client()
    assert client.get(f"/inversiones/{CAJAMARCA}").status_code == 404
    assert client.get(f"/inversiones/{MULTI}").status_code == 404


@puno
def test_a_department_wide_investment_is_shown_for_the_whole_region(region_app):
    client = region_app.test_client()
    sheet = _text(client, f"/inversiones/{REGION_WIDE}")
    assert '<a href="/">Toda la región de Puno</a>' in sheet
    assert "Inversión en toda la región: no tiene un punto en el mapa" in sheet

    home = _text(client, "/")
    listed = home.split('id="toda-la-region"')[1].split("</section>")[0]
    assert f"/inversiones/{REGION_WIDE}" in listed and f"/inversiones/{JULIACA}" not in listed

    listed = _text(client, "/mapa").split(f"/inversiones/{REGION_WIDE}")[1].split("</tr>")[0]
    assert ">Toda la región</td>" in listed

    found = _text(client, "/buscar?q=vigilancia+epidemiologica")
    assert f"/inversiones/{REGION_WIDE}" in found and "<span>Toda la región</span>" in found
    assert "- Todos -" not in found

    points = json.loads(client.get("/api/v1/inversiones.geojson").data)
    where = {f["properties"]["c"]: f["geometry"] for f in points["features"]}
    assert where[REGION_WIDE] is None
    assert where[JULIACA]["coordinates"] == [-70.1331, -15.4997]


@puno
def test_the_map_outlines_are_punos_and_only_punos(region_app):
    client = region_app.test_client()
    provinces = json.loads(client.get("/mapa/limites/provincias.geojson").data)["features"]
    districts = json.loads(client.get("/mapa/limites/distritos.geojson").data)["features"]
    assert len(provinces) == 13 and all(f["id"].startswith("21") for f in provinces)
    # 108 outlines of 110 districts: Amantaní (an island) and San Miguel (2016) have none.
    assert len(districts) == 108 and all(f["id"].startswith("21") for f in districts)
    assert {f["properties"]["name"] for f in provinces} >= {"Puno", "San Román", "Chucuito"}
    page = _text(client, "/mapa")
    assert "/mapa/limites/provincias.geojson" in page
    assert '<option value="2111">San Román</option>' in page
    assert "Chota" not in page


@puno
def test_the_choropleth_colours_puno_districts(region_app):
    page = _text(region_app.test_client(), "/mapa?modo=coropletas&medida=cantidad")
    assert '"211101": [' in page


@country
def test_the_whole_country_lists_departments_first(region_app):
    client = region_app.test_client()
    assert region_app.config["PORTAL_REGION_NAME"] == "Perú"
    home = _text(client, "/")
    assert "Por departamento" in home
    assert (
        '<a href="/lugares/21">Puno</a>' in home and '<a href="/lugares/22">San Martín</a>' in home
    )
    department = _text(client, "/lugares/21")
    assert "<h1>Inversiones públicas en Puno</h1>" in department
    assert 'href="/lugares/2111">San Román</a>' in department
    assert f"/inversiones/{REGION_WIDE}" in department and f"/inversiones/{JULIACA}" in department
    sheet = _text(client, f"/inversiones/{REGION_WIDE}")
    assert '<a href="/lugares/21">Toda la región de Puno</a>' in sheet


@country
def test_the_whole_country_keeps_multi_department_rows_without_a_place(region_app):
    client = region_app.test_client()
    assert "Varios departamentos" in _text(client, f"/inversiones/{MULTI}")
    assert "OBRA EN CHOTA" in _text(client, "/lugares/060401")
    outlines = json.loads(client.get("/mapa/limites/departamentos.geojson").data)["features"]
    assert len(outlines) == 25
    assert "/mapa/limites/departamentos.geojson" in _text(client, "/mapa")


def test_an_unknown_region_stops_the_start_with_a_clear_message(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_REGION='26' is not a department code"):
        create_app({"PORTAL_REGION": "26", "PORTAL_INSTANCE_DIR": str(tmp_path)})


def test_a_department_code_written_as_a_number_is_accepted(tmp_path):
    app = create_app({"PORTAL_REGION": "6", "PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert (app.config["PORTAL_REGION"], app.config["PORTAL_REGION_NAME"]) == ("06", "Cajamarca")


@puno
def test_status_page_says_how_many_rows_were_of_other_regions(region_app):
    from portal.importer.models import ImportRun

    with region_app.app_context():
        from portal.db import get_session

        [run] = get_session().query(ImportRun).all()
        assert (run.rows_read, run.rows_imported, run.rows_outside_region) == (4, 2, 2)
    page = _text(region_app.test_client(), "/estado")
    assert 'data-outside="mef-inversiones">2<' in page
    assert "la columna «De otras regiones» dice cuántas fueron" in page


def test_a_file_of_another_region_is_refused_and_says_why(app, tmp_path):
    path = write_detalle(tmp_path / "d.csv", [detalle_row("2400009", UBIGEO="211101")])
    [result] = import_sources(app, [("mef-inversiones", path)])  # Cajamarca's portal
    assert result.status == "rejected" and result.rows_outside_region == 1
    assert "1 of other departments" in result.error


@country
def test_provinces_comparison_lists_departments_then_a_departments_provinces(region_app):
    client = region_app.test_client()
    country_page = _text(client, "/provincias")
    assert "<h1>Departamentos de Perú, lado a lado</h1>" in country_page
    puno = re.search(r'<tr data-place="21">(.*?)</tr>', country_page, re.S).group(1)
    # Juliaca and the region-wide one are Puno's; the multi-department one is nobody's.
    assert re.search(r'data-figure="investments"><a [^>]+>2</a>', puno)
    assert 'data-place="06"' in country_page
    provinces = _text(client, "/provincias?departamento=21")
    assert "<h1>Provincias de Puno, lado a lado</h1>" in provinces
    san_roman = re.search(r'<tr data-place="2111">(.*?)</tr>', provinces, re.S).group(1)
    assert re.search(r'data-figure="investments"><a [^>]+>1</a>', san_roman)
    assert "No hay un departamento con el código «99»" in _text(
        client, "/provincias?departamento=99"
    )
    units = _text(client, "/unidades?provincia=21")
    assert "1 unidad ejecutora con inversiones en Puno." in units
