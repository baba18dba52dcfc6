"""The map page, its data and its list: the same investments, whatever the filters."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.maps.conftest import add_import_run


def geojson(client, query: str = "") -> dict:
    response = client.get("/api/v1/inversiones.geojson" + query)
    assert response.status_code == 200
    return json.loads(response.data)


def map_cuis(client, query: str = "") -> set[str]:
    return {f["properties"]["c"] for f in geojson(client, query)["features"]}


def list_cuis(client, query: str = "") -> set[str]:
    html = client.get("/mapa" + query).get_data(as_text=True)
    listing = html.split('id="list-heading"', 1)[1]
    return set(re.findall(r'href="/inversiones/(\d+)"', listing))


class Links(HTMLParser):
    """Every src/href of a page, and the text of its inline scripts."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?provincia=0604",
        "?distrito=060405",
        "?estado=paralizada",
        "?funcion=EDUCACION",
        "?provincia=0601&estado=en_ejecucion",
        "?estado=finalizada&distrito=060401",
    ],
)
def test_map_data_and_list_show_the_same_investments(map_client, query):
    assert map_cuis(map_client, query) == list_cuis(map_client, query)


def test_filters_narrow_the_map_data(map_client):
    assert map_cuis(map_client) == {f"200000{i}" for i in range(1, 7)}
    assert map_cuis(map_client, "?provincia=0604") == {"2000001", "2000002", "2000004"}
    assert map_cuis(map_client, "?estado=paralizada") == {"2000002"}


def test_words_narrow_the_map_and_the_list_alike(map_app):
    from portal.db import session_scope

    try:
        from portal.search.queries import rebuild_index
    except ImportError:
        rebuild_index = None
    if rebuild_index is not None:
        with map_app.app_context(), session_scope() as session:
            rebuild_index(session)
    client = map_app.test_client()
    assert map_cuis(client, "?q=puente") == list_cuis(client, "?q=puente") == {"2000002"}


def test_bad_coordinates_are_drawn_at_the_district_centre(map_client):
    features = {f["properties"]["c"]: f for f in geojson(map_client)["features"]}
    good = features["2000001"]
    assert good["geometry"]["coordinates"] == [-78.66, -6.55]
    assert "a" not in good["properties"]
    missing = features["2000004"]
    assert missing["geometry"]["coordinates"] == [-78.87, -6.48]
    assert missing["properties"]["a"] == 1
    # Marked 'ok' by the importer (inside Peru) but outside the region: not trusted either.
    in_lima = features["2000005"]
    assert in_lima["geometry"]["coordinates"] == [-78.51, -7.16]
    assert in_lima["properties"]["a"] == 1


def test_an_investment_with_no_known_place_is_listed_but_not_drawn(map_client):
    features = {f["properties"]["c"]: f for f in geojson(map_client)["features"]}
    assert features["2000006"]["geometry"] is None
    assert "2000006" in list_cuis(map_client)


def test_map_data_carries_what_the_popup_shows(map_client):
    feature = next(f for f in geojson(map_client)["features"] if f["properties"]["c"] == "2000002")
    assert feature["properties"] == {
        "c": "2000002",
        "n": "PUENTE PARALIZADO EN COCHABAMBA",
        "s": "paralizada",
        "k": 1000000.0,
        "kt": "S/ 1,000,000",
        "p": 10.0,
        "pt": "10.0%",
    }


def test_map_data_answers_304_to_its_etag_until_the_next_import(map_app):
    client = map_app.test_client()
    first = client.get("/api/v1/inversiones.geojson?estado=paralizada")
    etag = first.headers["ETag"]
    again = client.get(
        "/api/v1/inversiones.geojson?estado=paralizada", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    other_filter = client.get(
        "/api/v1/inversiones.geojson?estado=finalizada", headers={"If-None-Match": etag}
    )
    assert other_filter.status_code == 200
    from portal.db import session_scope

    with map_app.app_context(), session_scope() as session:
        add_import_run(session)
    after_import = client.get(
        "/api/v1/inversiones.geojson?estado=paralizada", headers={"If-None-Match": etag}
    )
    assert after_import.status_code == 200
    assert after_import.headers["ETag"] != etag


def test_map_data_is_gzipped_for_browsers_that_accept_it(map_client):
    response = map_client.get("/api/v1/inversiones.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["features"]) == 6


@pytest.mark.parametrize("query", ["", "?modo=coropletas&medida=costo"])
def test_map_page_loads_nothing_from_other_hosts_but_tiles(map_app, query):
    client = map_app.test_client()
    page = Links()
    page.feed(client.get("/mapa" + query).get_data(as_text=True))
    assert page.urls
    for url in page.urls:
        assert url.startswith(("/", "#", "?")) and not url.startswith("//"), url
    tile_url = map_app.config["PORTAL_TILE_URL"]
    outside = re.findall(r"(?:https?:)?//[^\s\"']+", "".join(page.scripts))
    assert outside == [tile_url]
    for url in page.urls:
        if url.endswith((".js", ".css")):
            with client.get(url) as asset:
                assert asset.status_code == 200, url
                assert not re.search(rb"url\(['\"]?(https?:)?//", asset.data), url


def test_leaflet_images_referenced_by_its_stylesheet_are_served(map_client):
    with map_client.get("/mapa/vendor/leaflet-1.9.3/images/layers.png") as image:
        assert image.status_code == 200
    assert map_client.get("/mapa/vendor/unknown/x.js").status_code == 404


def test_without_javascript_the_page_lists_the_investments_with_links(map_client):
    html = map_client.get("/mapa?provincia=0604").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert '<form class="map-filters" method="get"' in html
    assert '<label for="f-provincia">' in html
    assert "3 inversiones con estos filtros." in html
    assert '<a href="/inversiones/2000004">CAMINO SIN COORDENADAS</a>' in html
    # The map canvas is hidden by CSS until map.js runs, so nothing empty takes the space.
    assert 'class="folium-map map-canvas"' in html
    with map_client.get("/static/css/maps.css") as response:
        css = response.get_data(as_text=True)
    assert ".map-canvas { display: none; }" in css


def test_page_has_no_inline_style_and_every_script_carries_the_nonce(map_client):
    response = map_client.get("/mapa")
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert not re.search(r"<[a-zA-Z][^>]*?\sstyle\s*=", html)
    assert "<style" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag


def test_list_pages_keep_the_filters(map_app):
    from portal.db import session_scope
    from tests.maps.conftest import add_investment

    with map_app.app_context(), session_scope() as session:
        for i in range(60):
            add_investment(session, f"30000{i:02d}", f"CANAL {i:02d}", status="paralizada")
    client = map_app.test_client()
    first = client.get("/mapa?estado=paralizada").get_data(as_text=True)
    assert "61 inversiones con estos filtros." in first
    assert "/mapa?estado=paralizada&amp;pagina=2" in first
    last = list_cuis(client, "?estado=paralizada&pagina=4")
    assert len(last) == 1  # 61 = 3 pages of 20 and one
    assert last <= map_cuis(client, "?estado=paralizada")


def test_choropleth_counts_investments_without_coordinates_in_their_district(map_client):
    html = map_client.get("/mapa?modo=coropletas&medida=cantidad").get_data(as_text=True)
    # Cochabamba: one drawn point and one investment without coordinates.
    assert re.search(r'<th scope="row">Cochabamba</th><td class="num"[^>]*>2</td>', html)
    options = re.search(r"VigiaMap\.boundaries\([^,]+, (\{.*?\})\);", html).group(1)
    choropleth = json.loads(options)["choropleth"]
    assert choropleth["060405"][1] == "2"
    assert "VigiaMap.points" not in html
    assert 'class="swatch choro-0"' in html


def test_choropleth_by_execution_shows_the_share_spent(map_client):
    html = map_client.get("/mapa?modo=coropletas&medida=ejecucion&distrito=060401").get_data(
        as_text=True
    )
    options = re.search(r"VigiaMap\.boundaries\([^,]+, (\{.*?\})\);", html).group(1)
    index, figure = json.loads(options)["choropleth"]["060401"]
    assert index == 1 and figure.startswith("25")


def test_boundaries_are_served_with_ids_and_names(map_client):
    provinces = json.loads(map_client.get("/mapa/limites/provincias.geojson").data)
    districts = json.loads(map_client.get("/mapa/limites/distritos.geojson").data)
    assert len(provinces["features"]) == 13
    chota = next(f for f in districts["features"] if f["id"] == "060401")
    assert chota["properties"] == {"name": "Chota"}  # the name table's, not the file's capitals
    assert len(districts["features"]) == 127
    assert map_client.get("/mapa/limites/paises.geojson").status_code == 404


def test_small_map_shows_an_approximate_point_for_bad_coordinates(map_app):
    from flask import render_template_string

    from portal.db import get_session
    from portal.investments.models import Investment, Place

    template = '{% from "maps/_small_map.html" import small_map %}{{ small_map(inv, place) }}'
    with map_app.test_request_context("/inversiones/2000004"):
        session = get_session()
        html = render_template_string(
            template, inv=session.get(Investment, "2000004"), place=session.get(Place, "060405")
        )
        good = render_template_string(
            template, inv=session.get(Investment, "2000001"), place=session.get(Place, "060401")
        )
        district_only = render_template_string(
            '{% from "maps/_small_map.html" import small_map %}{{ small_map(None, place) }}',
            place=session.get(Place, "060405"),
        )
    assert "Ubicación aproximada" in html
    assert "[-6.48, -78.87]" in html
    assert "Ubicación según el registro público" in good and "[-6.55, -78.66]" in good
    assert "Límite del distrito." in district_only and "circleMarker" not in district_only
    for fragment in (html, good, district_only):
        assert "cdn" not in fragment and "https://" not in fragment
        assert 'class="folium-map map-canvas"' in fragment


def test_only_the_render_module_imports_folium():
    portal = Path(__file__).resolve().parents[2] / "portal"
    importers = {
        p.relative_to(portal).as_posix()
        for p in portal.rglob("*.py")
        if re.search(r"^\s*(import folium|from folium)", p.read_text(), re.M)
    }
    assert importers == {"maps/render.py"}


def test_coordinates_the_importer_unswapped_are_drawn_where_they_belong(map_app):
    from portal.db import session_scope
    from tests.maps.conftest import add_investment

    with map_app.app_context(), session_scope() as session:
        add_investment(
            session, "2000007", "RIEGO CON COORDENADAS INVERTIDAS", coords_status="swapped"
        )

    features = {f["properties"]["c"]: f for f in geojson(map_app.test_client())["features"]}

    assert features["2000007"]["geometry"]["coordinates"] == [-78.66, -6.55]
    assert "a" not in features["2000007"]["properties"]


def test_choropleth_legend_of_counts_puts_each_number_in_one_class(map_client):
    html = map_client.get("/mapa?modo=coropletas&medida=cantidad").get_data(as_text=True)
    labels = re.findall(
        r'<span class="swatch choro-\d" aria-hidden="true"></span> ([^<]+)</li>', html
    )
    assert labels, "no legend"
    covered: list[int] = []
    for label in labels:
        numbers = [int(n) for n in re.findall(r"\d+", label)]
        covered += list(range(numbers[0], numbers[-1] + 1))
    # '1 a 2', '2 a 3' put a district with 2 investments in two colours at once.
    assert len(covered) == len(set(covered)), labels
