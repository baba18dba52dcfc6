"""The map opens on the place chosen in the URL, and the province follows a chosen district."""

from __future__ import annotations

import json
import re

from portal.maps.geo import feature_bbox, place_feature, region_bbox


def _call_options(html: str, function: str) -> dict:
    return json.loads(re.search(rf"VigiaMap\.{function}\([^,]+, (\{{.*?\}})\);", html).group(1))


def _fitted_bounds(html: str) -> list[list[float]]:
    return json.loads(re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S).group(1))


def test_a_chosen_district_opens_the_map_on_its_outline(map_client):
    html = map_client.get("/mapa?distrito=060401").get_data(as_text=True)
    box = feature_bbox(place_feature("060401"))
    assert _fitted_bounds(html) == [[box.south, box.west], [box.north, box.east]]
    assert _call_options(html, "boundaries")["chosen"] == "060401"


def test_without_a_place_the_map_shows_the_region(map_app, map_client):
    html = map_client.get("/mapa").get_data(as_text=True)
    with map_app.app_context():  # the region is a setting
        box = region_bbox()
    assert _fitted_bounds(html) == [[box.south, box.west], [box.north, box.east]]
    assert _call_options(html, "boundaries")["chosen"] is None
    assert _call_options(html, "points")["fit"] is False


def test_a_chosen_district_selects_its_province(map_client):
    html = map_client.get("/mapa?distrito=060401").get_data(as_text=True)
    assert re.search(r'<option value="0604" selected>', html)
    assert re.search(r'<option value="060401" selected>', html)


def test_the_district_list_follows_the_chosen_province(map_client):
    districts = re.compile(r'<option value="(\d{6})"')
    everywhere = set(districts.findall(map_client.get("/mapa").get_data(as_text=True)))
    in_chota = set(districts.findall(map_client.get("/mapa?provincia=0604").get_data(as_text=True)))
    assert in_chota and in_chota < everywhere
    assert all(ubigeo.startswith("0604") for ubigeo in in_chota)


def test_changing_the_province_drops_a_district_of_another_province(map_client):
    html = map_client.get("/mapa?provincia=0601&distrito=060401").get_data(as_text=True)
    assert re.search(r'<option value="0601" selected>', html)
    assert '060401" selected' not in html
    assert _call_options(html, "boundaries")["chosen"] == "0601"


def test_a_unit_or_words_move_the_map_to_their_investments(map_client):
    for query in ("?unidad=001", "?q=puente"):
        html = map_client.get("/mapa" + query).get_data(as_text=True)
        assert _call_options(html, "points")["fit"] is True, query


def test_filters_in_force_are_chips_that_remove_them(map_client):
    html = map_client.get("/mapa?estado=paralizada&distrito=060401&modo=coropletas").get_data(
        as_text=True
    )
    chips = dict(
        re.findall(r'<a class="chip" href="([^"]+)" aria-label="Quitar filtro ([^"]+)"', html)
    )
    by_name = {label.split(":")[0]: href.replace("&amp;", "&") for href, label in chips.items()}
    assert set(by_name) == {"Provincia", "Distrito", "Estado"}
    assert "estado=" not in by_name["Estado"] and "distrito=060401" in by_name["Estado"]
    assert "modo=coropletas" in by_name["Estado"], "the chip keeps the map's mode"
    assert "distrito=" not in by_name["Distrito"] and "provincia=0604" in by_name["Distrito"]
    assert "distrito=" not in by_name["Provincia"] and "provincia=" not in by_name["Provincia"]
    assert "Estado: Paralizada" in html
