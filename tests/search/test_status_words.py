"""Status words in the search box are filters (issue 21): "obras paralizadas en Chota" lists the
stalled works of Chota, "sobrecosto" the investments over their viable cost, each a chip."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from portal.search import vocabulary


@pytest.fixture(scope="module")
def demo_rows(demo_app):
    from portal.db import session_scope
    from portal.investments.models import Investment

    with demo_app.app_context(), session_scope() as session:
        rows = session.scalars(select(Investment)).all()
        session.expunge_all()
    return {inv.cui: inv for inv in rows}


def every_result(client, q: str) -> list[dict]:
    answer = client.get("/api/v1/inversiones", query_string={"q": q}).get_json()
    results = answer["results"]
    page = 1
    while page < answer["pages"]:
        page += 1
        more = client.get("/api/v1/inversiones", query_string={"q": q, "pagina": page})
        results += more.get_json()["results"]
    assert len(results) == answer["total"]
    return results


def chota(demo_app) -> str:
    from portal.db import session_scope
    from portal.investments.models import Place

    with demo_app.app_context(), session_scope() as session:
        return session.scalar(
            select(Place.ubigeo).where(Place.level == "provincia", Place.name == "Chota")
        )


def test_stalled_works_in_chota_are_only_chotas_stalled_works(demo_app, demo_rows):
    client = demo_app.test_client()
    province = chota(demo_app)
    expected = {
        cui
        for cui, inv in demo_rows.items()
        if inv.status == "paralizada" and (inv.ubigeo or "").startswith(province)
    }
    assert expected  # the demo has stalled works in Chota
    for q in ("obras paralizadas en chota", "Obras PARALIZADAS en Chota", "paralizado en chota"):
        found = every_result(client, q)
        assert {r["cui"] for r in found} == expected, q
        for r in found:
            inv = demo_rows[r["cui"]]
            assert inv.status == "paralizada" and inv.ubigeo.startswith(province), q


def test_sobrecosto_finds_the_investments_with_a_cost_overrun(demo_app, demo_rows):
    client = demo_app.test_client()
    expected = {cui for cui, inv in demo_rows.items() if "sobrecosto" in inv.red_flags.split()}
    assert expected
    for q in ("sobrecosto", "sobrecostos", "Sobrecostos"):
        found = every_result(client, q)
        assert {r["cui"] for r in found} == expected, q
        for r in found:
            inv = demo_rows[r["cui"]]
            assert inv.updated_cost > inv.viable_cost, q


@pytest.mark.parametrize(
    ("q", "status"),
    [("terminadas", "finalizada"), ("concluidas", "finalizada"), ("sin iniciar", "sin_iniciar")],
)
def test_other_status_words_filter_by_their_status(demo_app, demo_rows, q, status):
    found = every_result(demo_app.test_client(), q)
    assert len(found) == sum(inv.status == status for inv in demo_rows.values()) > 0
    assert all(demo_rows[r["cui"]].status == status for r in found)


def test_the_page_moves_the_words_to_chips_each_removable(demo_app):
    client = demo_app.test_client()
    province = chota(demo_app)
    response = client.get("/buscar", query_string={"q": "obras paralizadas en chota"})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert parse_qs(target.query) == {
        "q": ["obras"], "provincia": [province], "estado": ["paralizada"],
    }  # fmt: skip
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="obras"' in page  # the box keeps the other words
    assert "Estado: Paralizada" in page and "Provincia: Chota" in page
    # Each chip links to the same search without its filter, and stays without it.
    without_status = f'href="/buscar?q=obras&amp;provincia={province}"'
    without_place = 'href="/buscar?q=obras&amp;estado=paralizada"'
    assert without_status in page and without_place in page
    again = client.get(f"/buscar?q=obras&provincia={province}")
    assert again.status_code == 200
    assert "Estado: Paralizada" not in again.get_data(as_text=True)


def test_a_word_for_a_filter_already_set_otherwise_stays_a_word(demo_app):
    from portal.db import get_session
    from portal.search.filters import Filters
    from portal.search.queries import understand_query

    with demo_app.test_request_context():
        session = get_session()
        kept = understand_query(session, Filters(q="paralizadas agua", estado="finalizada"))
        assert kept.filters == Filters(q="paralizadas agua", estado="finalizada")
        assert not kept.read
        both = understand_query(session, Filters(q="agua sobrecosto terminadas"))
        assert both.filters == Filters(q="agua", estado="finalizada", alerta="sobrecosto")
        # "inicio" is not "sin iniciar", nor "terminal" "terminada": whole words only.
        plain = understand_query(session, Filters(q="inicio terminal"))
        assert plain.filters == Filters(q="inicio terminal") and not plain.read


def test_status_words_file_is_well_formed():
    words = vocabulary.load_filter_words()
    assert words.phrases[("paralizadas",)] == ("estado", "paralizada")
    assert words.phrases[("sin", "iniciar")] == ("estado", "sin_iniciar")
    assert words.phrases[("sobrecosto",)] == ("alerta", "sobrecosto")
    with pytest.raises(ValueError, match="line 1"):
        vocabulary.parse_filter_words("paralizada\tcolor=rojo", ("estado",))
