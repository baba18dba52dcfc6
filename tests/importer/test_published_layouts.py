"""The publishers' files as they are (tests/fixtures/published): every row imports, sums add up."""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.investments.models import YearlyExecution
from tests.conftest import _empty_all_tables, import_sources, make_test_app, migrated_database
from tests.importer.factories import detalle_row, many_rows, write_detalle

PUBLISHED = Path(__file__).resolve().parents[1] / "fixtures" / "published"
SEGUIMIENTO = PUBLISHED / "2026-Seguimiento-PI.csv"
REQUESTS = [
    ("mef-inversiones", PUBLISHED / "DETALLE_INVERSIONES.csv"),
    ("mef-cierre", PUBLISHED / "CIERRE_INVERSIONES.csv"),
    ("mef-f12b", PUBLISHED / "FORMATO_12B.csv"),
    ("mef-estado-situacional", PUBLISHED / "ESTADO_SITUACIONAL.csv"),
    ("mef-seguimiento", SEGUIMIENTO),
    ("presupuesto-participativo", PUBLISHED / "presupuesto_participativo.csv"),
]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """An app with every published MEF sample and the participatory budget imported."""
    with migrated_database(tmp_path_factory.mktemp("published-db"), "published") as url:
        app = make_test_app(url, tmp_path_factory.mktemp("published-instance"))
        results = import_sources(app, REQUESTS)
        yield app, results
        _empty_all_tables(app)


def test_every_published_file_imports_with_no_rejected_row(published):
    _, results = published
    summary = {r.name: (r.status, r.rows_rejected, r.values_blanked) for r in results}
    assert summary == {name: ("imported", 0, {}) for name, _ in REQUESTS}
    imported = {r.name: r.rows_imported for r in results}
    assert imported["mef-inversiones"] == 400  # the other 12 rows lie outside Cajamarca
    assert imported["mef-cierre"] == 40
    assert imported["mef-seguimiento"] == len(read_rows(SEGUIMIENTO))


def test_a_year_of_an_investment_shows_the_sum_of_its_seguimiento_rows_to_the_cent(published):
    app, _ = published
    rows = [r for r in read_rows(SEGUIMIENTO) if r["PRODUCTO_PROYECTO"] == "2100018"]
    by_year = defaultdict(Decimal)
    for row in rows:
        by_year[row["ANO_EJE"]] += Decimal(row["MONTO_DEVENGADO_ANO_EJE"])
    assert len([r for r in rows if r["ANO_EJE"] == "2025"]) == 3  # three sources of funds

    page = app.test_client().get("/inversiones/2100018").get_data(as_text=True)

    shown = dict(re.findall(r'data-year="(\d+)">.*?<data value="([\d.]+)">', page, re.S))
    assert Decimal(shown["2025"]) == by_year["2025"] == Decimal("1070895.54")
    assert {year: Decimal(shown[year]) for year in by_year} == dict(by_year)


def test_seguimiento_rows_of_one_unit_and_year_become_one_record(published):
    app, _ = published
    keys = {(r["PRODUCTO_PROYECTO"], r["ANO_EJE"], r["SEC_EJEC"]) for r in read_rows(SEGUIMIENTO)}
    with app.app_context():
        from portal.db import get_session

        stored = get_session().scalar(select(func.count()).select_from(YearlyExecution))
    assert stored == len(keys) < len(read_rows(SEGUIMIENTO))


def test_concurrent_control_is_a_line_on_the_investment_page(published):
    app, _ = published
    page = app.test_client().get("/inversiones/2100263").get_data(as_text=True)

    line = html.unescape(re.search(r'data-figure="concurrent_control">(.*?)</li>', page).group(1))
    assert line == (
        "Control concurrente de la Contraloría (revisa la obra mientras se ejecuta): S/ 646,806."
    )
    assert 'data-figure="arbitration_award"' not in page  # 0.0: nothing to say


def test_arbitration_awards_and_bonds_are_shown_when_present(app, client, tmp_path):
    row = detalle_row("2300000", CTRL_CONCURR="0.0", MONTO_LAUDO="250000.75", MONTO_FIANZA="80000")
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", [row]))])

    page = html.unescape(client.get("/inversiones/2300000?lang=en").get_data(as_text=True))

    award = re.search(r'data-figure="arbitration_award">(.*?)</li>', page).group(1)
    bond = re.search(r'data-figure="bond">(.*?)</li>', page).group(1)
    assert award.startswith("Arbitration awards (what an arbitral tribunal ordered to be paid")
    assert award.endswith(": S/ 250,001.")
    assert bond == "Bonds (guarantees backing the contract): S/ 80,000."
    assert 'data-figure="concurrent_control"' not in page


with SEGUIMIENTO.open(encoding="utf-8-sig", newline="") as _published:
    SEGUIMIENTO_HEADER = next(csv.reader(_published))


def write_seguimiento(path: Path, rows: list[dict[str, str]]) -> Path:
    """A Seguimiento-PI file in the published 35-column layout."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(SEGUIMIENTO_HEADER)
        for row in rows:
            writer.writerow([row.get(column, "") for column in SEGUIMIENTO_HEADER])
    return path


def execution(cui, year, devengado, meta="6", unit_department="CAJAMARCA", sec="878", **more):
    return {
        "ANO_EJE": str(year),
        "SEC_EJEC": sec,
        "EJECUTORA_NOMBRE": "REGION CAJAMARCA-SUB REGION CHOTA",
        "DEPARTAMENTO_EJECUTORA_NOMBRE": unit_department,
        "PRODUCTO_PROYECTO": cui,
        "DEPARTAMENTO_META": meta,
        "MONTO_PIM": "1000.0",
        "MONTO_DEVENGADO_ANO_EJE": devengado,
        **more,
    }


def _stored(app) -> dict:
    with app.app_context():
        from portal.db import get_session

        query = select(YearlyExecution.cui, YearlyExecution.year, YearlyExecution.devengado)
        return {(cui, year): str(dev) for cui, year, dev in get_session().execute(query)}


def test_the_region_is_where_the_works_are_not_where_the_unit_sits(app, tmp_path):
    rows = [
        execution("2300001", 2025, "10.0", meta="6", unit_department="LIMA", sec="1"),
        execution("2300002", 2025, "20.0", meta="13", unit_department="CAJAMARCA"),
    ]
    [result] = import_sources(
        app, [("mef-seguimiento", write_seguimiento(tmp_path / "s.csv", rows))]
    )

    assert result.status == "imported" and result.rows_imported == 1
    assert _stored(app) == {("2300001", 2025): "10.00"}


def test_a_multi_year_file_replaces_each_year_it_carries(app, tmp_path):
    first = [execution(str(2300000 + n), year, "5.0") for n in range(4) for year in (2024, 2025)]
    import_sources(app, [("mef-seguimiento", write_seguimiento(tmp_path / "a.csv", first))])
    again = import_sources(app, [("mef-seguimiento", tmp_path / "a.csv")])
    later = [execution(str(2300000 + n), 2025, "7.0") for n in range(4)]
    later += [execution("2300000", 2025, "1.5", FUENTE_FINANCIAMIENTO="2")]
    [result] = import_sources(
        app, [("mef-seguimiento", write_seguimiento(tmp_path / "b.csv", later))]
    )

    assert again[0].status == "unchanged"
    assert result.status == "imported"
    stored = _stored(app)
    assert stored[("2300000", 2025)] == "8.50" and stored[("2300001", 2025)] == "7.00"
    assert stored[("2300003", 2024)] == "5.00"  # a year the file lacks keeps its rows


def test_a_year_far_shorter_than_before_rejects_the_file(app, tmp_path):
    rows = [execution(str(2300000 + n), year, "5.0") for n in range(10) for year in (2024, 2025)]
    import_sources(app, [("mef-seguimiento", write_seguimiento(tmp_path / "a.csv", rows))])
    cut = [r for r in rows if r["ANO_EJE"] == "2024" or r["PRODUCTO_PROYECTO"] < "2300003"]

    [result] = import_sources(
        app, [("mef-seguimiento", write_seguimiento(tmp_path / "b.csv", cut))]
    )

    assert result.status == "rejected"
    assert result.error.startswith("ANO_EJE 2025: only 3 records, far fewer than the 10")
    assert len(_stored(app)) == 20


def test_a_bad_required_amount_rejects_only_its_row(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", many_rows(1)))])
    rows = [execution("2300000", 2025, "5.0"), execution("2300000", 2024, "cinco")]

    [result] = import_sources(
        app, [("mef-seguimiento", write_seguimiento(tmp_path / "s.csv", rows))]
    )

    assert (result.rows_imported, result.rows_rejected) == (1, 1)
    assert _stored(app) == {("2300000", 2025): "5.00"}


def test_a_seguimiento_file_cut_off_mid_row_changes_nothing(app, tmp_path):
    rows = [execution(str(2300000 + n), 2025, "5.0") for n in range(3)]
    import_sources(app, [("mef-seguimiento", write_seguimiento(tmp_path / "a.csv", rows))])
    more = rows + [execution("2300000", 2025, "2.0", FUENTE_FINANCIAMIENTO="5")]
    whole = write_seguimiento(tmp_path / "b.csv", more).read_bytes()
    cut = tmp_path / "2026-Seguimiento-PI.csv"
    cut.write_bytes(whole[: whole.rindex(b'"2025"') + 40])

    [result] = import_sources(app, [("mef-seguimiento", cut)])

    assert result.status == "rejected" and "cut off" in result.error
    assert _stored(app)[("2300000", 2025)] == "5.00"
