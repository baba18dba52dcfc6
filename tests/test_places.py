import gzip
import json

import pytest

from portal.places import (
    boundaries_path,
    load_places,
    national_boundaries,
    region_name,
    title_name,
)


@pytest.fixture(scope="module")
def places():
    return load_places()


def by_level(places, level):
    return [p for p in places if p.level == level]


def test_cajamarca_has_13_provinces_and_127_districts(places):
    assert len(by_level(places, "departamento")) == 1
    assert len(by_level(places, "provincia")) == 13
    assert len(by_level(places, "distrito")) == 127


def test_every_district_belongs_to_a_province_of_the_department(places):
    provinces = {p.ubigeo for p in by_level(places, "provincia")}
    assert all(
        d.parent in provinces and d.ubigeo[:4] == d.parent for d in by_level(places, "distrito")
    )
    assert all(p.parent == "06" for p in by_level(places, "provincia"))


def test_ubigeos_are_unique_and_sized_by_level(places):
    sizes = {"departamento": 2, "provincia": 4, "distrito": 6}
    assert len({p.ubigeo for p in places}) == len(places)
    assert all(len(p.ubigeo) == sizes[p.level] and p.ubigeo.startswith("06") for p in places)


def test_centroids_fall_inside_cajamarca(places):
    for p in places:
        assert -7.8 <= p.lat <= -4.5 and -79.6 <= p.lon <= -77.6, p


def test_names_and_capitals_read_as_people_write_them(places):
    named = {p.ubigeo: p for p in places}
    assert named["06"].name == "Cajamarca"
    assert named["0611"].name == "San Miguel"
    assert named["060108"].name == "Los Baños del Inca"
    assert named["0607"].capital == "Bambamarca"  # Hualgayoc's capital is its district 060701
    assert named["060101"].capital == "Cajamarca"


def test_title_name_lowercases_small_words_but_not_the_first():
    assert title_name("SANTO DOMINGO DE LA CAPILLA") == "Santo Domingo de la Capilla"
    assert title_name("LA LIBERTAD DE PALLAN") == "La Libertad de Pallan"


def test_puno_comes_from_the_national_files_by_its_ubigeo_prefix():
    puno = load_places("21")
    assert [p.name for p in by_level(puno, "departamento")] == ["Puno"]
    # 110 districts: San Miguel (211105, created in 2016) has no outline in the 2007 boundaries.
    assert len(by_level(puno, "provincia")) == 13 and len(by_level(puno, "distrito")) == 110
    assert all(p.ubigeo.startswith("21") for p in puno)
    named = {p.ubigeo: p for p in puno}
    assert named["2111"].name == "San Román" and named["211101"].name == "Juliaca"
    assert named["210101"].parent == "2101"


def test_a_district_listed_without_outline_is_centred_on_its_capital_town():
    amantani = {p.ubigeo: p for p in load_places("21")}["210103"]
    assert amantani.name == "Amantaní" and amantani.parent == "2101"
    assert (round(amantani.lat, 2), round(amantani.lon, 2)) == (-15.66, -69.72)
    assert [b.geometry for b in national_boundaries("distrito") if b.ubigeo == "210103"] == [None]


def test_a_province_split_in_two_features_is_one_place_with_its_real_name():
    piura = {p.ubigeo: p for p in load_places("20")}
    assert piura["2001"].name == "Piura"  # the small part is spelt 'PUIRA' in the file
    assert [b.name for b in national_boundaries("provincia") if b.ubigeo == "0510"] == [
        "VICTOR FAJARDO"
    ]


def test_region_names_come_from_the_name_table_with_their_accents():
    assert region_name("06") == "Cajamarca"
    assert region_name("21") == "Puno"
    assert region_name("22") == "San Martín"
    assert region_name("13") == "La Libertad"
    assert region_name("all") == "Perú"


def test_the_whole_country_has_departments_as_top_level():
    country = load_places("all")
    departments = by_level(country, "departamento")
    assert len(departments) == 25 and all(d.parent is None for d in departments)
    # The INEI lists, not the 2007 boundaries (195 provinces, 1,834 districts), say what exists.
    assert len(by_level(country, "provincia")) == 196
    assert len(by_level(country, "distrito")) == 1892


def test_an_unknown_department_code_has_no_places():
    assert load_places("26") == [] and load_places("6") == []


def test_boundaries_are_valid_geojson_for_each_level():
    for level, count in (("departamento", 25), ("provincia", 197), ("distrito", 1834)):
        with gzip.open(boundaries_path(level), "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        assert data["type"] == "FeatureCollection" and len(data["features"]) == count
        for feature in data["features"]:
            if feature["geometry"] is None:
                continue
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            polygon = feature["geometry"]["coordinates"]
            outer = polygon[0] if feature["geometry"]["type"] == "Polygon" else polygon[0][0]
            assert outer[0] == outer[-1] and len(outer) >= 4
    with pytest.raises(ValueError):
        boundaries_path("pais")
