"""Comparing places (issue 21): /unidades narrowed to a province and sorted, and /provincias,
every province of the region side by side, on the demo data."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select


@pytest.fixture(scope="module")
def demo_rows(demo_app):
    from portal.db import session_scope
    from portal.investments.models import Investment

    with demo_app.app_context(), session_scope() as session:
        rows = session.scalars(select(Investment)).all()
        session.expunge_all()
    return rows


@pytest.fixture(scope="module")
def provinces(demo_app):
    from portal.db import session_scope
    from portal.investments.models import Place

    with demo_app.app_context(), session_scope() as session:
        return dict(
            session.execute(
                select(Place.ubigeo, Place.name).where(Place.level == "provincia")
            ).all()
        )


def unit_rows(page: str) -> list[tuple[str, str]]:
    """(sec_ejec, the row's HTML) of each unit listed, in page order."""
    return re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', page, re.S)


def cell(row: str, label: str) -> str:
    found = re.search(rf'data-label="{label}"[^>]*>(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_units_of_a_province_show_only_their_investments_there(demo_app, demo_rows):
    page = demo_app.test_client().get("/unidades?provincia=0604").get_data(as_text=True)
    in_chota = [inv for inv in demo_rows if (inv.ubigeo or "").startswith("0604") and inv.sec_ejec]
    units = {inv.sec_ejec for inv in in_chota}
    rows = unit_rows(page)
    assert {sec for sec, _ in rows} == units
    assert f"{len(units)} unidades ejecutoras con inversiones en Chota." in page
    for sec_ejec, row in rows:
        mine = [inv for inv in in_chota if inv.sec_ejec == sec_ejec]
        assert cell(row, "Inversiones") == str(len(mine))
        stalled = sum(inv.status == "paralizada" for inv in mine)
        assert f'data-stalled="{stalled}"' in row
    # The chip takes the province away; the numbers link to the same investments in search.
    assert 'href="/unidades" aria-label="Quitar filtro Provincia: Chota"' in page
    assert "&amp;provincia=0604" in page


def test_the_filter_form_comes_before_the_list_and_works_without_javascript(demo_app):
    page = demo_app.test_client().get("/unidades").get_data(as_text=True)
    form = page.index('<form class="search-box list-filters" action="/unidades" method="get">')
    assert form < page.index('<table class="list-table units-table">')
    assert '<option value="0604">Chota</option>' in page
    assert '<option value="paralizadas">' in page
    assert '<button type="submit">Aplicar</button>' in page[form:]
    assert 'href="/provincias"' in page


@pytest.mark.parametrize(
    ("orden", "label", "key"),
    [
        ("nombre", None, None),
        ("inversiones", "Inversiones", int),
        ("paralizadas", None, None),
    ],
)
def test_units_sort_by_the_chosen_column(demo_app, orden, label, key):
    page = demo_app.test_client().get(f"/unidades?orden={orden}").get_data(as_text=True)
    rows = unit_rows(page)
    assert len(rows) > 5
    if orden == "nombre":
        names = [re.search(r'<a href="/unidades/[^"]+">(.*?)</a>', r).group(1) for _, r in rows]
        assert names == sorted(names, key=str.casefold)
    elif orden == "paralizadas":
        stalled = [int(re.search(r'data-stalled="(\d+)"', r).group(1)) for _, r in rows]
        assert stalled == sorted(stalled, reverse=True) and stalled[0] > 0
    else:
        values = [key(cell(r, label).replace(",", "")) for _, r in rows]
        assert values == sorted(values, reverse=True)
    assert f'<option value="{orden}" selected>' in page


def test_units_csv_honours_the_province_and_order(demo_app, demo_rows):
    response = demo_app.test_client().get("/unidades.csv?provincia=0604&orden=nombre")
    assert response.status_code == 200
    assert "vigia-unidades-ejecutoras-0604-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)[1:])))
    in_chota = [inv for inv in demo_rows if (inv.ubigeo or "").startswith("0604") and inv.sec_ejec]
    assert sum(int(r["inversiones"]) for r in rows) == len(in_chota)
    assert sum(Decimal(r["costo_actualizado"]) for r in rows) == sum(
        inv.updated_cost or 0 for inv in in_chota
    )
    names = [r["unidad"] for r in rows]
    assert names == sorted(names, key=str.casefold)


BAD = ["provincia=99", "provincia=0699", "orden=mejor", "provincia=<b>"]


@pytest.mark.parametrize("query", BAD)
def test_bad_values_get_a_400_in_the_csv_and_a_notice_on_the_page(demo_app, query):
    client = demo_app.test_client()
    response = client.get(f"/unidades.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert "Valor no válido para «" in response.get_data(as_text=True)
    page = client.get(f"/unidades?{query}")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert 'role="alert" data-refused="' in text
    assert "No hay una provincia con el código" in text or "No se puede ordenar por" in text
    if "<b>" in query:
        assert "«&lt;b&gt;»" in page.get_data(as_text=True)  # shown as text, escaped
    assert len(unit_rows(page.get_data(as_text=True))) > 50  # the whole list, nothing lost


def figures_by_province(rows) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for inv in rows:
        if len(inv.ubigeo or "") < 4:
            continue
        f = out.setdefault(
            inv.ubigeo[:4],
            {"count": 0, "cost": Decimal(0), "stalled": 0, "overruns": 0, "excess": Decimal(0),
             "weighted": Decimal(0), "weight": Decimal(0)},
        )  # fmt: skip
        cost = inv.updated_cost or Decimal(0)
        f["count"] += 1
        f["cost"] += cost
        f["stalled"] += inv.status == "paralizada"
        if inv.viable_cost is not None and cost > inv.viable_cost:
            f["overruns"] += 1
            f["excess"] += cost - inv.viable_cost
        if inv.progress is not None and cost > 0:
            f["weighted"] += cost * inv.progress
            f["weight"] += cost
    return out


def place_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-place="(\d+)">(.*?)</tr>', page, re.S)


def figure(row: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_provinces_side_by_side_reconcile_with_their_investments(demo_app, demo_rows, provinces):
    page = demo_app.test_client().get("/provincias").get_data(as_text=True)
    assert "<h1>Provincias de Cajamarca, lado a lado</h1>" in page
    rows = dict(place_rows(page))
    assert set(rows) == set(provinces)
    expected = figures_by_province(demo_rows)
    assert sum(f["stalled"] for f in expected.values()) > 0
    assert sum(f["overruns"] for f in expected.values()) > 0
    for ubigeo, row in rows.items():
        f = expected.get(ubigeo)
        assert f'<a href="/lugares/{ubigeo}">{provinces[ubigeo]}</a>' in row
        assert figure(row, "investments") == str(f["count"] if f else 0)
        assert figure(row, "updated_cost") == f"S/ {f['cost']:,.0f}"
        assert figure(row, "stalled") == str(f["stalled"])
        overruns = figure(row, "overruns")
        assert overruns.split()[0] == str(f["overruns"])
        if f["overruns"]:
            assert f"(S/ {f['excess']:,.0f} sobre el costo viable)" in overruns
        progress = (f["weighted"] / f["weight"]).quantize(Decimal("0.1"))
        assert figure(row, "progress") == f"{progress}%"
    assert "cada una pesada por su costo actualizado (no la mediana)" in page


def test_provinces_sort_by_any_column_with_links(demo_app):
    client = demo_app.test_client()
    page = client.get("/provincias").get_data(as_text=True)
    names = [re.search(r'">([^<]+)</a></td>', r).group(1) for _, r in place_rows(page)]
    assert names == sorted(names)
    assert 'href="/provincias?orden=paralizadas"' in page
    stalled_first = client.get("/provincias?orden=paralizadas").get_data(as_text=True)
    counts = [int(figure(r, "stalled")) for _, r in place_rows(stalled_first)]
    assert counts == sorted(counts, reverse=True)
    assert 'aria-sort="descending">Paralizadas</th>' in stalled_first
    bad = client.get("/provincias?orden=peor")
    assert bad.status_code == 200
    assert "No se puede ordenar por «peor»" in html.unescape(bad.get_data(as_text=True))


def test_home_links_to_the_comparison(demo_app):
    page = demo_app.test_client().get("/").get_data(as_text=True)
    assert '<a href="/provincias">Comparar las provincias lado a lado</a>' in page
