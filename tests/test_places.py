import json

import pytest

from portal.places import boundaries_path, load_places, title_name


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


def test_a_region_without_shipped_boundaries_is_empty():
    assert load_places("15") == []


def test_boundaries_are_valid_geojson_for_each_level():
    for level, count in (("provincia", 13), ("distrito", 127)):
        data = json.loads(boundaries_path(level).read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and len(data["features"]) == count
        for feature in data["features"]:
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            outer = feature["geometry"]["coordinates"][0]
            assert outer[0] == outer[-1] and len(outer) >= 4
    with pytest.raises(ValueError):
        boundaries_path("departamento")
