"""/ciclo on the demo data: stages, medians and pending closures agree with the records."""

import csv
import io
import re
import statistics
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.cycle.queries import stage_of
from portal.investments.models import ExecutingUnit, Investment
from tests.api.described import assert_described


@pytest.fixture
def session(demo_app):
    from portal.db import get_session

    with demo_app.app_context():
        yield get_session()


def unit_with_most_pending(session):
    return session.execute(
        select(Investment.sec_ejec, func.count())
        .where(Investment.status == "finalizada", Investment.phase != "cierre")
        .group_by(Investment.sec_ejec)
        .order_by(func.count().desc(), Investment.sec_ejec)
        .limit(1)
    ).one()


def unit_block(page, sec_ejec):
    start = page.index(f'data-pending-unit="{sec_ejec}"')
    return page[start : page.index("</details>", start)]


def test_cycle_lists_every_pending_closure_of_the_busiest_unit_first(demo_client, session):
    sec_ejec, count = unit_with_most_pending(session)
    page = demo_client.get("/ciclo").get_data(as_text=True)
    first = re.search(r'data-pending-unit="(\d+)"', page).group(1)
    pending = set(
        session.scalars(
            select(Investment.cui).where(
                Investment.sec_ejec == first,
                Investment.status == "finalizada",
                Investment.phase != "cierre",
            )
        )
    )
    assert len(pending) == count  # the first unit listed has the most pending closures
    shown = re.findall(r'data-pending="(\d+)"', unit_block(page, first))
    assert set(shown) == pending and len(shown) == count


def test_pending_closures_are_listed_longest_wait_first(demo_client, session):
    sec_ejec, _count = unit_with_most_pending(session)
    page = demo_client.get("/ciclo").get_data(as_text=True)
    waits = [int(w) for w in re.findall(r'data-waiting="(\d+)"', unit_block(page, sec_ejec))]
    assert waits and waits == sorted(waits, reverse=True)


def test_median_from_viability_to_first_spending_matches_the_records(demo_client, session):
    sec_ejec, _count = unit_with_most_pending(session)
    rows = session.execute(
        select(Investment.viable_on, Investment.first_devengado_on).where(
            Investment.sec_ejec == sec_ejec,
            Investment.viable_on.is_not(None),
            Investment.first_devengado_on >= Investment.viable_on,
        )
    ).all()
    expected = round(statistics.median((spent - viable).days for viable, spent in rows))
    page = demo_client.get("/ciclo").get_data(as_text=True)
    row = re.search(rf'<tr data-unit="{sec_ejec}">(.*?)</tr>', page, re.S).group(1)
    cell = re.search(r'data-median="viable_a_gasto">(.*?)</td>', row, re.S).group(1)
    assert re.sub(r"\D", "", cell) == str(expected) and "días" in cell


def test_every_investment_of_a_unit_is_in_exactly_one_stage(demo_client, session):
    sec_ejec, _count = unit_with_most_pending(session)
    total = session.scalar(select(func.count()).where(Investment.sec_ejec == sec_ejec))
    page = demo_client.get("/ciclo").get_data(as_text=True)
    row = re.search(rf'<tr data-unit="{sec_ejec}">(.*?)</tr>', page, re.S).group(1)
    stages = [int(re.sub(r"\D", "", n)) for n in re.findall(r'data-stage="\w+">([^<]+)<', row)]
    assert len(stages) == 5 and sum(stages) == total


def test_stages_follow_status_phase_and_viability():
    assert stage_of("finalizada", "cierre", None) == "cerrada"
    assert stage_of("finalizada", "funcionamiento", None) == "terminada"
    assert stage_of("paralizada", "ejecucion", None) == "ejecucion"
    assert stage_of("sin_iniciar", "formulacion", None) == "formulacion"
    import datetime as dt

    assert stage_of("sin_iniciar", "formulacion", dt.date(2024, 1, 1)) == "viable"


def test_unit_page_shows_its_stages_and_pending_closures(demo_client, session):
    sec_ejec, count = unit_with_most_pending(session)
    slug = session.scalar(select(ExecutingUnit.slug).where(ExecutingUnit.sec_ejec == sec_ejec))
    page = demo_client.get(f"/unidades/{slug}").get_data(as_text=True)
    assert len(re.findall(r'data-pending="\d+"', page)) == count
    assert 'data-median="termino_a_cierre"' in page and "/ciclo" in page


def test_cycle_is_linked_and_defined(demo_client):
    assert 'href="/ciclo"' in demo_client.get("/").get_data(as_text=True)
    assert 'href="/ciclo"' in demo_client.get("/unidades").get_data(as_text=True)
    methodology = demo_client.get("/metodologia").get_data(as_text=True)
    assert methodology.count('id="ciclo"') == 1 and "Terminada, sin cerrar" in methodology
    title = re.search(r"<title>(.*?)</title>", methodology, re.S).group(1)
    assert "<" not in title and "Metodología" in title  # the sections stay in the page body


def test_cycle_page_in_english(demo_client):
    page = demo_client.get("/ciclo?lang=en").get_data(as_text=True)
    assert "pending closure" in page.lower()


def test_units_csv_pending_closures_match_the_published_investments_file(demo_client):
    datos = demo_client.get("/datos").get_data(as_text=True)
    link = re.search(r'href="([^"]*/inversiones\.csv)"', datos).group(1)
    published = csv.DictReader(io.StringIO(demo_client.get(link).data.decode("utf-8-sig")))
    expected = Counter(
        row["unidad_ejecutora"]
        for row in published
        if row["estado"] == "finalizada" and row["fase"] != "cierre"
    )
    units = csv.DictReader(io.StringIO(demo_client.get("/unidades.csv").data.decode("utf-8-sig")))
    rows = list(units)
    assert {"mediana_dias_viable_a_gasto", "mediana_dias_termino_a_cierre"} <= set(rows[0])
    assert sum(expected.values()) > 0
    for row in rows:
        assert int(row["pendientes_de_cierre"]) == expected.get(row["sec_ejec"], 0), row["unidad"]


def test_cycle_json_gives_the_busiest_units_figures_of_the_page_and_the_units_csv(
    demo_client, session
):
    busiest = session.execute(
        select(Investment.sec_ejec, func.count())
        .group_by(Investment.sec_ejec)
        .order_by(func.count().desc(), Investment.sec_ejec)
        .limit(1)
    ).one()[0]
    response = demo_client.get("/ciclo.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert_described(demo_client, "Cycle", response.get_json())
    unit = next(u for u in response.get_json()["unidades"] if u["sec_ejec"] == busiest)

    csv_row = next(
        row
        for row in csv.DictReader(
            io.StringIO(demo_client.get("/unidades.csv").data.decode("utf-8-sig"))
        )
        if row["sec_ejec"] == busiest
    )
    assert unit["pendientes_de_cierre"] == int(csv_row["pendientes_de_cierre"]) > 0
    for key, days in unit["mediana_dias"].items():
        assert csv_row[f"mediana_dias_{key}"] == ("" if days is None else str(days))

    page = demo_client.get("/ciclo").get_data(as_text=True)
    row = re.search(rf'<tr data-unit="{busiest}">(.*?)</tr>', page, re.S).group(1)
    shown = dict(re.findall(r'data-stage="(\w+)">([^<]+)<', row))
    assert {k: int(re.sub(r"\D", "", v)) for k, v in shown.items()} == unit["etapas"]
    assert sum(unit["etapas"].values()) == unit["inversiones"]
    block = unit_block(page, busiest)
    listed = re.findall(r'data-pending="(\d+)".*?data-waiting="(\d*)"', block, re.S)
    assert [(c["cui"], str(c["dias_de_espera"] or "")) for c in unit["cierres_pendientes"]] == (
        listed
    )
    assert all(c["url"].endswith(f"/inversiones/{c['cui']}") for c in unit["cierres_pendientes"])
