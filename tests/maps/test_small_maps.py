"""Investment and district pages show where the thing is: a small map with the district outline."""

from __future__ import annotations

import re


def test_investment_page_shows_a_small_map_with_a_link_to_the_big_one(demo_client):
    page = demo_client.get("/inversiones/2100006").get_data(as_text=True)

    assert 'class="small-map' in page
    assert re.search(r'href="/mapa\?distrito=06\d{4}"', page)


def test_district_page_shows_its_outline_on_a_small_map(demo_client):
    page = demo_client.get("/lugares/060401").get_data(as_text=True)

    assert 'class="small-map' in page
    assert 'href="/mapa?distrito=060401"' in page


def test_map_filters_offer_red_flags_units_and_budget_years_by_name(demo_client):
    page = demo_client.get("/mapa?alerta=sin_f12b&pp=2024").get_data(as_text=True)

    assert '<option value="sin_f12b" selected>' in page
    assert '<option value="2024" selected>' in page
    assert re.search(r'<select id="f-unidad" name="unidad">.*REGION CAJAMARCA', page, re.S)


def test_province_page_shows_its_outline_on_a_small_map(demo_client):
    page = demo_client.get("/lugares/0604").get_data(as_text=True)

    assert 'class="small-map' in page
    assert 'href="/mapa?provincia=0604"' in page
    assert "Límite de la provincia." in page
