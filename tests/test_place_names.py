"""Place names as people write them, from one reviewed table, on every page and file.

The boundary files and the MEF records write 'JAEN', 'JOSE GALVEZ' and cut 'SANTA CRUZ DE TOLED'
at 19 characters; people notice their own town. Names come from the INEI lists in
portal/data/places with the reviewed accents of acentos.csv.
"""

import csv
import html
import io
import json

import pytest

from portal.places import (
    LEVELS,
    PLACES_DIR,
    accented_words,
    fold,
    investment_places,
    load_places,
    named_places,
    national_boundaries,
    place_line,
    place_name,
    spell_name,
)

#: Names users reported misspelt, by ubigeo.
REPORTED = {
    "0608": "Jaén",
    "0603": "Celendín",
    "060306": "José Gálvez",
    "060305": "Jorge Chávez",
    "060506": "Santa Cruz de Toledo",
    "060403": "Chadín",
}


def test_the_reported_names_are_spelt_right():
    assert {u: place_name(u) for u in REPORTED} == REPORTED
    named = {p.ubigeo: p.name for p in load_places("06")}
    assert {u: named[u] for u in REPORTED} == REPORTED


def test_every_ubigeo_of_the_boundaries_has_a_name_in_the_table():
    for level in LEVELS:
        table = named_places(level)
        missing = [b.ubigeo for b in national_boundaries(level) if b.ubigeo not in table]
        assert missing == [], level


def test_the_table_covers_the_whole_country():
    assert [len(named_places(level)) for level in LEVELS] == [25, 196, 1892]
    country = load_places("all")
    assert len(country) == 25 + 196 + 1892
    assert {p.name for p in country if p.ubigeo in {"02", "03", "10", "12", "22"}} == {
        "Áncash", "Apurímac", "Huánuco", "Junín", "San Martín",
    }  # fmt: skip


def test_spelling_only_adds_accents_and_case_to_inei_names():
    """No name is cut, renamed or left in capitals: it reads as INEI's once accents are dropped."""
    for level in LEVELS:
        for place in named_places(level).values():
            assert fold(place.name) == fold(place.inei_name), place
            assert place.name != place.name.upper(), place


def test_the_boundaries_own_names_are_not_the_ones_shown():
    toledo = [b.name for b in national_boundaries("distrito") if b.ubigeo == "060506"]
    assert toledo == ["SANTA CRUZ DE TOLED"]  # the shapefile's 19-character field
    assert place_name("060506") == "Santa Cruz de Toledo"
    # Renamed since 2007: the list's current name wins.
    assert place_name("150121") == "Pueblo Libre" and place_name("131103") == "Marmot"


def test_every_reviewed_accent_is_used_and_only_adds_accents():
    words = accented_words()
    with (PLACES_DIR / "acentos.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(words), "a word is listed twice"
    assert [r["palabra"] for r in rows] == sorted(r["palabra"] for r in rows)
    used = {
        w.upper() for level in LEVELS for p in named_places(level).values() for w in p.name.split()
    }
    for word, spelling in words.items():
        assert word == word.upper() and fold(spelling) == fold(word) and spelling != word.title()
        assert spelling.upper() in used, f"{word} is never used"


def test_the_capital_spells_a_place_named_after_it():
    assert spell_name("CELENDIN", "Celendín") == "Celendín"
    assert spell_name("SAN JOSE DE SISA", "San José De Sisa") == "San José de Sisa"
    assert spell_name("JOSE GALVEZ", "Huacapampa") == "José Gálvez"
    assert (
        spell_name("SANTA MARIA", "Santa Maria") == "Santa María"
    )  # the word table still fixes it


def test_records_are_named_by_their_ubigeo_not_the_files_text():
    assert investment_places("060306", "CELENDIN", "JOSE GALVEZ") == ("Celendín", "José Gálvez")
    assert investment_places("060000", "- TODOS -", "- TODOS -") == ("- TODOS -", "- TODOS -")
    assert investment_places(None, None, None) == (None, None)
    assert place_line("060506", "CONTUMAZA", "SANTA CRUZ DE TOLED") == (
        "Santa Cruz de Toledo, Contumazá"
    )
    assert place_line("060000", "- TODOS -", "- TODOS -") == ""


@pytest.fixture(scope="module")
def cuis_by_district(demo_app):
    from sqlalchemy import select

    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_app.app_context():
        rows = get_session().execute(select(Investment.ubigeo, Investment.cui)).all()
    found: dict[str, list[str]] = {}
    for ubigeo, cui in rows:
        found.setdefault(ubigeo, []).append(cui)
    return found


def test_place_pages_are_titled_with_the_right_spelling(demo_client):
    for ubigeo, name in REPORTED.items():
        page = demo_client.get(f"/lugares/{ubigeo}").get_data(as_text=True)
        assert f"<h1>Inversiones públicas en {name}</h1>" in page, ubigeo
        assert "Toled<" not in page and "Jose Galvez" not in page and "Jaen<" not in page


def test_search_facets_csv_and_api_use_the_table(demo_client, cuis_by_district):
    page = html.unescape(demo_client.get("/buscar").get_data(as_text=True))
    for name in ("Jaén", "Celendín", "Contumazá"):
        assert name in page
    assert "Jaen" not in page and "Celendin" not in page

    ubigeo = next(u for u in ("060306", "060305", "060506", "060403") if u in cuis_by_district)
    name = REPORTED[ubigeo]
    listing = html.unescape(
        demo_client.get("/buscar", query_string={"distrito": ubigeo}).get_data(as_text=True)
    )
    assert f"<span>{name}, {place_name(ubigeo[:4])}</span>" in listing

    body = demo_client.get("/buscar.csv", query_string={"distrito": ubigeo}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows and {r["Distrito"] for r in rows} == {name}
    assert {r["Provincia"] for r in rows} == {place_name(ubigeo[:4])}

    api = demo_client.get("/api/v1/inversiones", query_string={"distrito": ubigeo}).get_json()
    assert {i["distrito"] for i in api["results"]} == {name}


def test_map_outlines_carry_the_tables_names(demo_client):
    districts = json.loads(demo_client.get("/mapa/limites/distritos.geojson").data)["features"]
    names = {f["id"]: f["properties"]["name"] for f in districts}
    assert {u: names[u] for u in REPORTED if len(u) == 6} == {
        u: n for u, n in REPORTED.items() if len(u) == 6
    }
    provinces = json.loads(demo_client.get("/mapa/limites/provincias.geojson").data)["features"]
    assert {f["properties"]["name"] for f in provinces} >= {"Jaén", "Celendín"}
