"""Status pages before any data was imported (kept apart from the demo-data modules)."""

import re


def figure(page, name):
    return re.search(rf'data-figure="{name}"[^>]*>(.*?)</', page, re.S).group(1).strip()


def test_home_works_before_the_first_import(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert figure(page, "investments") == "0" and figure(page, "execution_this_year") == "—"
    assert "Todavía no se importaron datos." in page


def test_place_pages_are_404_until_places_are_loaded(client):
    assert client.get("/lugares/0601").status_code == 404
    assert client.get("/inversiones/2100426").status_code == 404
