"""/brechas on the demo data: population, poverty and investment per inhabitant per district."""

import csv
import io
from decimal import Decimal

from sqlalchemy import func, select

from portal.investments.models import Investment
from tests.api.described import assert_described


def read_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def public_list():
    """The bundled INEI list the figures must come from, by ubigeo."""
    from portal.places import PLACES_DIR

    with (PLACES_DIR / "ubigeo_distrito.csv").open(encoding="utf-8", newline="") as fh:
        return {row["inei"]: row for row in csv.DictReader(fh)}


def test_gaps_csv_gives_population_poverty_and_cost_per_inhabitant(demo_app, demo_client):
    rows = read_csv(demo_client, "/brechas.csv")
    assert len(rows) == 127  # every district of Cajamarca, with or without investment
    listed = public_list()
    from portal.db import get_session

    with demo_app.app_context():
        query = select(Investment.ubigeo, func.sum(Investment.updated_cost))
        costs = {u: c for u, c in get_session().execute(query.group_by(Investment.ubigeo))}
    for row in rows[:10]:  # the districts with the most investment
        public = listed[row["ubigeo"]]
        population = float(public["superficie"]) * float(public["pob_densidad_2020"])
        assert abs(int(row["poblacion"]) - population) <= 1
        assert float(row["pobreza_total_pct"]) == float(public["pct_pobreza_total"])
        assert Decimal(row["costo_actualizado"]) == Decimal(costs[row["ubigeo"]]).quantize(
            Decimal("0.01")
        )
        expected = Decimal(row["costo_actualizado"]) / int(row["poblacion"])
        assert abs(Decimal(row["inversion_por_habitante"]) - expected) <= Decimal("0.005")
    costs_in_order = [Decimal(r["costo_actualizado"]) for r in rows]
    assert costs_in_order == sorted(costs_in_order, reverse=True)


def test_gaps_page_speaks_of_poverty_and_names_poor_districts_with_little_investment(
    demo_client,
):
    rows = read_csv(demo_client, "/brechas.csv")
    page = demo_client.get("/brechas").get_data(as_text=True)
    assert "pobreza" in page.lower() and page.count("<h1") == 1
    poverty = sorted(float(r["pobreza_total_pct"]) for r in rows)
    median = (poverty[63] + poverty[63]) / 2  # 127 districts: the 64th
    named = [r for r in rows if f'data-neglected="{r["ubigeo"]}"' in page]
    assert named, "the page names the poor districts with little investment"
    for r in named:
        assert float(r["pobreza_total_pct"]) > median
    assert 'data-district="' in page and "<svg" in page


def test_investments_of_a_whole_province_are_counted_apart(app, client):
    import datetime as dt

    from portal.db import get_session

    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = get_session()
        for cui, ubigeo, cost in (("2000001", "060801", "5000.00"), ("2000002", "0608", "9000.00")):
            session.add(
                Investment(
                    cui=cui, name="Obra", source="mef-inversiones", row_hash="x",
                    ubigeo=ubigeo, updated_cost=Decimal(cost), first_seen_at=now, changed_at=now,
                )
            )  # fmt: skip
        session.commit()
    rows = {r["ubigeo"]: r for r in read_csv(client, "/brechas.csv")}
    assert rows["060801"]["costo_actualizado"] == "5000.00"
    assert sum(Decimal(r["costo_actualizado"]) for r in rows.values()) == Decimal("5000.00")
    page = client.get("/brechas").get_data(as_text=True)
    assert 'data-figure="wider"' in page


def test_gaps_are_linked_defined_and_in_english(demo_client):
    assert 'href="/brechas"' in demo_client.get("/").get_data(as_text=True)
    methodology = demo_client.get("/metodologia").get_data(as_text=True)
    assert 'id="brechas"' in methodology and "MIT" in methodology
    assert "poverty" in demo_client.get("/brechas?lang=en").get_data(as_text=True).lower()


def test_gaps_json_gives_the_csv_figures_for_the_district_with_most_investment(demo_client):
    top = read_csv(demo_client, "/brechas.csv")[0]
    response = demo_client.get("/brechas.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert_described(demo_client, "Gaps", data)
    district = data["distritos"][0]
    assert district["ubigeo"] == top["ubigeo"] and district["inversiones"] > 0
    assert set(district) == set(top)
    for name, value in top.items():
        assert ("" if district[name] is None else str(district[name])) == value, name
    assert len(data["distritos"]) == 127
    assert {"inversiones", "costo_actualizado"} == set(data["fuera_de_distritos"])
