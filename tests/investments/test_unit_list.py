"""/unidades and /unidades.csv on the demo data: every unit side by side, closures per year."""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest


@pytest.fixture(scope="module")
def units_csv(demo_app):
    response = demo_app.test_client().get("/unidades.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return response, list(csv.DictReader(io.StringIO(text[1:])))


def test_units_csv_has_the_published_columns_and_one_per_closure_year(units_csv):
    response, rows = units_csv
    columns = list(rows[0])
    assert columns[:6] == [
        "unidad", "sec_ejec", "inversiones", "costo_actualizado", "devengado_acumulado",
        "ejecucion_pct",
    ]  # fmt: skip
    years = [int(c.removeprefix("cierres_")) for c in columns[6:9]]
    assert columns[9:] == [
        "pendientes_de_cierre", "mediana_dias_viable_a_gasto", "mediana_dias_gasto_a_termino",
        "mediana_dias_termino_a_cierre",
        "observaciones_derivadas", "observaciones_respondidas", "mediana_dias_respuesta",
        "observaciones_vencidas", "ids_puntos_promedio",
    ]  # fmt: skip
    assert len(years) == 3 and years == list(range(years[0], years[0] + 3))
    assert "vigia-unidades-ejecutoras-" in response.headers["Content-Disposition"]


def test_units_csv_closures_add_up_to_the_cierre_file_per_year(units_csv, demo_dir):
    _, rows = units_csv
    with (demo_dir / "CIERRE_INVERSIONES.csv").open(encoding="utf-8-sig", newline="") as f:
        in_file = Counter(row["FEC_CIERRE"][:4] for row in csv.DictReader(f))
    years = [c.removeprefix("cierres_") for c in rows[0] if c.startswith("cierres_")]
    assert sum(in_file[y] for y in years) > 0  # the demo closes investments in these years
    for year in years:
        assert sum(int(row[f"cierres_{year}"]) for row in rows) == in_file[year], year


def test_units_csv_totals_match_every_investment(units_csv, demo_app):
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.investments.models import Investment

    _, rows = units_csv
    with demo_app.app_context():
        count, cost = (
            get_session()
            .execute(
                select(func.count(), func.sum(Investment.updated_cost)).where(
                    Investment.sec_ejec.is_not(None)
                )
            )
            .one()
        )
    assert sum(int(r["inversiones"]) for r in rows) == count
    assert sum(Decimal(r["costo_actualizado"]) for r in rows) == cost
    execution = {r["sec_ejec"]: r["ejecucion_pct"] for r in rows}
    first = rows[0]
    expected = Decimal(first["devengado_acumulado"]) * 100 / Decimal(first["costo_actualizado"])
    assert Decimal(execution[first["sec_ejec"]]) == expected.quantize(Decimal("0.1"))


def test_units_page_lists_each_unit_with_its_closures_and_links(demo_app, units_csv):
    _, rows = units_csv
    page = demo_app.test_client().get("/unidades").text
    assert 'class="list-table units-table"' in page
    years = [c.removeprefix("cierres_") for c in rows[0] if c.startswith("cierres_")]
    for row in rows:
        assert f'data-unit="{row["sec_ejec"]}"' in page
        for year in years:
            cell = f'data-closed="{year}">{row[f"cierres_{year}"]}</td>'
            assert cell in page.split(f'data-unit="{row["sec_ejec"]}"')[1], (row["sec_ejec"], year)
    assert f"{len(rows)} unidades ejecutoras con inversiones." in page
    assert 'href="/unidades.csv"' in page


def test_units_are_in_the_menu_and_in_the_search_facet(demo_app):
    client = demo_app.test_client()
    assert 'href="/unidades"' in client.get("/").text
    results = client.get("/buscar").text
    assert "Comparar todas las unidades ejecutoras" in results


def test_a_formula_in_a_unit_name_stays_text_and_a_unit_without_investments_is_left_out(app):
    import datetime as dt

    from portal.db import session_scope
    from portal.investments.models import ExecutingUnit, Investment

    now = dt.datetime.now(dt.UTC)
    with app.app_context(), session_scope() as session:
        session.add(ExecutingUnit(sec_ejec="900", name='=HYPERLINK("x")', slug="formula"))
        session.add(ExecutingUnit(sec_ejec="901", name="SIN INVERSIONES", slug="vacia"))
        session.add(
            Investment(
                cui="2000001", name="Obra", source="mef-cierre", row_hash="x", sec_ejec="900",
                updated_cost=Decimal("100.00"), devengado_accumulated=Decimal("40.00"),
                closed_on=dt.date(2025, 3, 1), first_seen_at=now, changed_at=now,
            )
        )  # fmt: skip
    text = app.test_client().get("/unidades.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["sec_ejec"] for r in rows] == ["900"]
    assert rows[0]["unidad"] == '\'=HYPERLINK("x")'
    assert rows[0]["ejecucion_pct"] == "40.0" and rows[0]["cierres_2025"] == "1"
    assert list(rows[0])[6:9] == ["cierres_2023", "cierres_2024", "cierres_2025"]
