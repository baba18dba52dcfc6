"""Search as a citizen types it: Spanish words, places, codes, typos, filters and exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from portal.search.filters import Filters


def result_cuis(client, **args) -> list[str]:
    response = client.get("/api/v1/inversiones", query_string=args)
    assert response.status_code == 200
    return [r["cui"] for r in response.get_json()["results"]]


def test_plural_finds_the_singular(search_client):
    # The colegio by its word first, then the "institución educativa" (the everyday vocabulary).
    assert result_cuis(search_client, q="colegios") == ["2100002", "2100006"]


def test_accents_are_ignored_both_ways(search_client):
    assert result_cuis(search_client, q="credito") == ["2100003"]
    assert result_cuis(search_client, q="INSTITUCIÓN educativa") == ["2100006"]
    assert result_cuis(search_client, q="institucion") == ["2100006"]


def test_enie_typed_as_n_finds_it_and_exact_spelling_ranks_first(search_client):
    assert set(result_cuis(search_client, q="canaris")) == {"2100004", "2100005"}
    assert result_cuis(search_client, q="cañaris")[0] == "2100004"
    assert result_cuis(search_client, q="canaris camino")[0] == "2100005"


def test_district_name_finds_investments_that_do_not_name_it(search_client):
    assert set(result_cuis(search_client, q="bambamarca")) == {"2100002", "2100006"}
    assert result_cuis(search_client, q="colegio en bambamarca") == ["2100002", "2100006"]
    assert result_cuis(search_client, q="agua chota") == ["2100001"]


def test_province_name_finds_its_districts_investments(search_client):
    assert set(result_cuis(search_client, q="hualgayoc")) == {"2100002", "2100006"}


def test_matched_words_are_highlighted_in_the_name(search_client):
    page = search_client.get("/buscar", query_string={"q": "colegios"}).get_data(as_text=True)
    assert "<mark>COLEGIO</mark>" in page
    page = search_client.get("/buscar", query_string={"q": "escuela"}).get_data(as_text=True)
    assert "<mark>INSTITUCIÓN</mark> <mark>EDUCATIVA</mark>" in page


def test_misspelled_word_gets_a_did_you_mean_link(search_client):
    # Two letters off a hamlet's name: too far to search it unasked, close enough to offer it.
    page = search_client.get("/buscar", query_string={"q": "llushcapanba"}).get_data(as_text=True)
    assert "¿Quisiste decir" in page
    assert "q=llushcapampa" in page
    assert result_cuis(search_client, q="llushcapampa") == ["2100001"]


def test_misspelled_everyday_or_place_word_is_searched_corrected_and_said(search_client):
    assert result_cuis(search_client, q="saneamineto") == ["2100001"]
    assert result_cuis(search_client, q="llushcapamap") == ["2100001"]  # one slip, a hamlet
    assert set(result_cuis(search_client, q="cochabamba")) == set(
        result_cuis(search_client, q="cochabanba")
    )
    page = search_client.get("/buscar", query_string={"q": "colegio bambamarka"})
    html = page.get_data(as_text=True)
    assert "CREACIÓN DEL <mark>COLEGIO</mark>" in html
    assert "«bambamarca»" in html and "«bambamarka»" in html


def test_cui_typed_alone_opens_the_investment(search_client):
    response = search_client.get("/buscar", query_string={"q": " 2100003 "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inversiones/2100003")


def test_snip_typed_alone_opens_the_investment(search_client):
    response = search_client.get("/buscar", query_string={"q": "123456"})
    assert response.headers["Location"].endswith("/inversiones/2100003")


def test_cui_inside_a_longer_query_is_the_top_hit(search_client):
    cuis = result_cuis(search_client, q="camino 2100003")
    assert cuis[0] == "2100003"
    assert {"2100004", "2100005"} <= set(cuis)


def test_words_and_a_code_count_the_words_matches_and_the_coded_investment(search_client):
    """PostgreSQL counts the words apart (their summary is the one of the words alone) and adds
    the coded investment: the same total, facets and order as one count over both."""

    def searched(q: str) -> dict:
        return search_client.get("/api/v1/inversiones", query_string={"q": q}).get_json()

    def functions(found: dict) -> dict[str, int]:
        return {f["value"]: f["count"] for f in found["facets"]["funcion"]}

    words = searched("camino")
    outside = searched("camino 2100003")  # a credit, no road: one more
    assert outside["total"] == words["total"] + 1
    assert functions(outside) == {**functions(words), "AGROPECUARIA": 1}
    assert [r["cui"] for r in outside["results"]] == ["2100003"] + [
        r["cui"] for r in words["results"]
    ]
    inside = searched("camino 2100005")  # one of the roads: first, counted once
    assert inside["total"] == words["total"]
    assert functions(inside) == functions(words)
    assert [r["cui"] for r in inside["results"]][0] == "2100005"
    assert sorted(r["cui"] for r in inside["results"]) == sorted(r["cui"] for r in words["results"])


def test_unknown_number_is_searched_as_a_word(search_client):
    assert result_cuis(search_client, q="10234") == ["2100006"]


def test_facets_count_each_value_and_links_keep_the_other_filters(search_client):
    data = search_client.get("/api/v1/inversiones", query_string={"q": "mejoramiento"}).get_json()
    assert data["total"] == 3
    counts = {f["value"]: f["count"] for f in data["facets"]["funcion"]}
    assert counts == {"TRANSPORTE": 2, "SANEAMIENTO": 1}
    provinces = {f["label"]: f["count"] for f in data["facets"]["provincia"]}
    assert provinces == {"Chota": 2, "Ferreñafe": 1}

    page = search_client.get(
        "/buscar", query_string={"q": "mejoramiento", "estado": "en_ejecucion"}
    )
    html = page.get_data(as_text=True)
    assert "funcion=TRANSPORTE" in html
    assert "/buscar?q=mejoramiento&amp;estado=en_ejecucion&amp;funcion=TRANSPORTE" in html


def test_facets_combine(search_client):
    assert set(result_cuis(search_client, provincia="0603")) == {"2100002", "2100006"}
    assert result_cuis(
        search_client, provincia="0603", funcion="EDUCACION", estado="paralizada"
    ) == ["2100002"]
    assert result_cuis(search_client, pp="2024") == ["2100006"]
    assert set(result_cuis(search_client, pp="si")) == {"2100001", "2100006"}
    assert result_cuis(search_client, alerta="paralizada_infobras") == ["2100002"]
    assert result_cuis(search_client, unidad="878") == ["2100006"]


def test_matching_cuis_equal_the_sql_filters(search_app):
    from sqlalchemy import select

    from portal.db import get_session
    from portal.investments.models import Investment
    from portal.search.filters import apply_filters
    from portal.search.queries import matching_cuis

    cases = [
        {}, {"provincia": "0604"}, {"distrito": "060301"}, {"estado": "finalizada"},
        {"fase": "cierre"}, {"funcion": "TRANSPORTE"}, {"unidad": "878"}, {"pp": "2025"},
        {"pp": "1"}, {"alerta": "paralizada_infobras"}, {"provincia": "06"}, {"estado": "nada"},
    ]  # fmt: skip
    with search_app.test_request_context():
        session = get_session()
        for args in cases:
            filters = Filters.from_args(args)
            sql = session.scalars(
                apply_filters(select(Investment.cui), filters).order_by(Investment.cui)
            ).all()
            assert matching_cuis(session, filters) == list(sql), args


def test_empty_query_lists_everything_with_facets(search_client):
    data = search_client.get("/api/v1/inversiones").get_json()
    assert data["total"] == 6
    assert sum(f["count"] for f in data["facets"]["estado"]) == 6


def test_sorting_by_cost_and_pagination(search_client, search_app):
    assert result_cuis(search_client, orden="costo")[:2] == ["2100002", "2100004"]
    assert result_cuis(search_client, orden="avance")[0] == "2100003"
    from portal.db import get_session
    from portal.search.queries import find_investments

    with search_app.test_request_context():
        pages = [
            find_investments(get_session(), Filters(orden="costo", pagina=p), page_size=4)
            for p in (1, 2)
        ]
        assert [p.pages for p in pages] == [2, 2]
        assert [inv.cui for inv in pages[1].investments] == ["2100005", "2100003"]


def test_no_hits_says_so_and_offers_to_drop_filters(search_client):
    page = search_client.get("/buscar", query_string={"q": "colegio", "funcion": "TRANSPORTE"})
    html = page.get_data(as_text=True)
    assert "Ninguna inversión coincide" in html
    assert 'href="/buscar?q=colegio"' in html


def test_csv_and_json_list_the_same_investments_as_the_page(search_client):
    args = {"q": "mejoramiento camino", "orden": "costo"}
    html = search_client.get("/buscar", query_string=args).get_data(as_text=True)
    json_cuis = result_cuis(search_client, **args)
    response = search_client.get("/buscar.csv", query_string=args)
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    csv_cuis = [row[0] for row in rows[1:]]
    assert csv_cuis == json_cuis == ["2100004", "2100005"]
    positions = [html.index(f"/inversiones/{cui}") for cui in json_cuis]
    assert positions == sorted(positions)
    assert "CAÑARIS" in body.decode("utf-8-sig")


def test_csv_has_every_row_not_just_one_page(search_app):
    from portal.db import session_scope
    from portal.search.queries import rebuild_index
    from tests.search.factories import add_investment

    with search_app.app_context(), session_scope() as session:
        for n in range(30):
            add_investment(session, f"22000{n:02d}", f"PISTAS Y VEREDAS DEL JIRÓN {n}")
        session.flush()
        rebuild_index(session)
    client = search_app.test_client()
    rows = (
        client.get("/buscar.csv", query_string={"q": "veredas"}).get_data(as_text=True).splitlines()
    )
    assert len(rows) == 31
    assert len(result_cuis(client, q="veredas")) == 20


@pytest.mark.parametrize(
    "q",
    ["AND(", "*", '"agua', "agua OR", "NOT", "título:agua", "agua~2", "[a TO z]",
     "\x00\x07agua\x1b", "a" * 5000, "agua " * 1000, "()", "😀 colegio", "%", "\\",
     "'; DROP TABLE investments; --"],
)  # fmt: skip
def test_hostile_queries_are_words_not_errors(search_client, q):
    for url in ("/buscar", "/buscar.csv"):
        assert (
            search_client.get(url, query_string={"q": q, "pagina": "x", "orden": "<b>"}).status_code
            == 200
        )
    # The API is strict (issue 15): words are words, but too long a q is a 400 naming it.
    api = search_client.get("/api/v1/inversiones", query_string={"q": q})
    assert api.status_code == (200 if len(q) <= 200 else 400)


def test_search_on_a_fresh_database_builds_the_index(client):
    assert client.get("/buscar", query_string={"q": "agua"}).status_code == 200
    assert client.get("/api/v1/inversiones").get_json()["total"] == 0


def test_json_results_carry_public_fields(search_client):
    data = search_client.get("/api/v1/inversiones", query_string={"q": "credito"}).get_json()
    result = data["results"][0]
    assert result["cui"] == "2100003"
    assert result["costo_actualizado"] == "300000.00"
    assert result["url"].endswith("/inversiones/2100003")
    json.dumps(data)


def test_red_flag_facet_uses_the_flag_names(search_app, search_client):
    from portal.db import session_scope
    from portal.search.queries import rebuild_index
    from tests.search.factories import add_investment

    with search_app.app_context(), session_scope() as session:
        add_investment(session, "2100007", "CREACIÓN DEL PUENTE", red_flags="paralizada_infobras")
        session.flush()
        rebuild_index(session)
    data = search_client.get("/api/v1/inversiones").get_json()
    labels = {f["value"]: f["label"] for f in data["facets"]["alerta"]}
    assert labels["paralizada_infobras"] == "Paralizada según INFObras"


def test_chosen_facet_links_back_to_the_list_without_it(search_client):
    html = search_client.get("/buscar", query_string={"q": "camino", "funcion": "TRANSPORTE"})
    assert 'href="/buscar?q=camino" aria-current="true"' in html.get_data(as_text=True)


def test_a_facet_lists_its_most_frequent_values_and_all_of_them_on_request(
    search_client, monkeypatch
):
    """A national search has ~1,800 districts and as many units: the page lists the first ones
    (and the one chosen), and all of them behind one link."""
    from portal.search import views

    monkeypatch.setattr(views, "FACET_SHOWN", 2)

    def function_links(html: str) -> list[str]:
        return re.findall(r'href="/buscar\?[^"]*funcion=([A-Z]+)[^"]*"', html)

    page = search_client.get("/buscar").get_data(as_text=True)
    assert sorted(function_links(page)) == ["EDUCACION", "TRANSPORTE"]  # 2 each, of 4 values
    assert "Ver las 4 opciones" in page
    more = re.search(r'href="([^"]*ver=funcion[^"]*)"', page).group(1).replace("&amp;", "&")
    every = search_client.get(more).get_data(as_text=True)
    assert '<details class="filter-panel" open>' in every  # open on a phone too
    assert sorted(function_links(every)) == [
        "AGROPECUARIA", "EDUCACION", "SANEAMIENTO", "TRANSPORTE",
    ]  # fmt: skip
    assert "Ver las 4 opciones" not in every.split('id="faceta-funcion"')[1].split("</details>")[0]
    # A value chosen beyond the first ones stays listed (as the current filter).
    chosen = search_client.get("/buscar?funcion=SANEAMIENTO").get_data(as_text=True)
    block = chosen.split('id="faceta-funcion"')[1].split("</details>")[0]
    assert 'aria-current="true" class="facet-active">SANEAMIENTO<' in block
