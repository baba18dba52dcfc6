"""/datos offers the day's CSV, XLSX and OC4IDS files; their SHA-256 match; old days are pruned."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.datos.snapshot import datos_root, list_days, prune_days, write_day


@pytest.fixture(scope="module")
def day_files(demo_app):
    """The files the demo import wrote (the after-import hook), with the day's manifest."""
    days = list_days(datos_root(demo_app.config))
    assert len(days) == 1
    return days[0]


def _count(app, model) -> int:
    from portal.db import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_the_import_writes_the_days_files_and_datos_lists_them(demo_app, day_files):
    page = demo_app.test_client().get("/datos").get_data(as_text=True)
    day = day_files.day.isoformat()
    for f in day_files.files:
        assert f'/datos/{day}/{f.name}"' in page
        assert f.sha256 in page
    assert "CC BY 4.0" in page
    assert "Contraloría General de la República" in page


def test_downloaded_bytes_match_the_published_sha256(demo_app, day_files):
    client = demo_app.test_client()
    for f in day_files.files:
        response = client.get(f"/datos/{day_files.day.isoformat()}/{f.name}")
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == f.sha256
        assert len(response.data) == f.size
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "vigia-" in response.headers["Content-Disposition"]


def test_csv_has_every_investment_with_plain_numbers(demo_app, day_files):
    from portal.investments.models import Investment

    data = demo_app.test_client().get(f"/datos/{day_files.day}/inversiones.csv").data
    assert data.startswith("\ufeff".encode())  # Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == _count(demo_app, Investment)
    costs = [r["costo_actualizado"] for r in rows if r["costo_actualizado"]]
    assert costs and all(Decimal(c) >= 0 for c in costs)


def test_xlsx_keeps_numbers_as_numbers_and_dates_as_dates(demo_app, day_files):
    from portal.investments.models import Investment

    data = demo_app.test_client().get(f"/datos/{day_files.day}/inversiones.xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == _count(demo_app, Investment)
    cost = header.index("costo_actualizado")
    registered = header.index("fecha_registro")
    assert all(isinstance(r[cost], int | float) for r in body if r[cost] is not None)
    assert any(isinstance(r[registered], dt.datetime) for r in body)
    assert all(isinstance(r[header.index("cui")], str) for r in body)


def test_yearly_execution_and_dictionary(demo_app, day_files):
    from portal.investments.models import YearlyExecution

    client = demo_app.test_client()
    yearly = client.get(f"/datos/{day_files.day}/ejecucion_anual.csv").data.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(yearly)))) == _count(demo_app, YearlyExecution)
    words = client.get(f"/datos/{day_files.day}/diccionario.csv").data.decode("utf-8-sig")
    described = {r["columna"] for r in csv.DictReader(io.StringIO(words))}
    investments = client.get(f"/datos/{day_files.day}/inversiones.csv").data.decode("utf-8-sig")
    assert set(next(csv.reader(io.StringIO(investments)))) <= described


@pytest.mark.parametrize(
    "path",
    [
        "/datos/2020-01-01/inversiones.csv",
        "/datos/{day}/manifest.json",
        "/datos/{day}/..%2Fportal.db",
        "/datos/..%2F..%2F/inversiones.csv",
        "/datos/{day}/otro.csv",
    ],
)
def test_only_listed_files_of_kept_days_are_served(demo_app, day_files, path):
    response = demo_app.test_client().get(path.format(day=day_files.day.isoformat()))
    assert response.status_code == 404


def test_a_written_day_never_changes_and_old_days_are_pruned(app, tmp_path):
    from portal.db import get_session
    from tests.search.factories import add_investment

    root = tmp_path / "datos"
    published = dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC)
    with app.test_request_context():
        session = get_session()
        add_investment(session, "2100001", "AGUA POTABLE")
        session.commit()
        first = write_day(session, root, dt.date(2026, 5, 1), published, app.config)
        for day in (2, 3, 4):
            add_investment(session, f"210000{day}", "PISTA")  # each day's import changes data
            session.commit()
            write_day(session, root, dt.date(2026, 5, day), published, app.config)
    kept_first = list_days(root)[-1]
    assert kept_first.day == dt.date(2026, 5, 1)
    assert kept_first.files == first.files
    assert _sha(root / "2026-05-01" / "inversiones.csv") == first.files[0].sha256

    assert prune_days(root, keep=2) == ["2026-05-01", "2026-05-02"]
    assert [d.day.day for d in list_days(root)] == [4, 3]


def test_datos_without_an_import_says_when_files_come(client):
    page = client.get("/datos").get_data(as_text=True)
    assert "próxima importación" in page
    assert "costo_actualizado" in page  # the dictionary is there anyway


def test_the_import_hook_keeps_only_the_configured_days(app, tmp_path):
    from portal.datos.snapshot import write_after_import

    root = datos_root(app.config)
    for old in ("2020-01-01", "2020-01-02"):
        (root / old).mkdir(parents=True)
    app.config["PORTAL_DATOS_KEEP_DAYS"] = 2
    write_after_import(app)()
    names = sorted(p.name for p in root.iterdir())
    assert names[0] == "2020-01-02" and len(names) == 2


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_is_plain_json(demo_app, day_files):
    manifest = datos_root(demo_app.config) / day_files.day.isoformat() / "manifest.json"
    assert json.loads(manifest.read_text())["files"][0]["name"] == "inversiones.csv"


def test_csv_cells_are_safe_in_a_spreadsheet_and_times_are_iso_in_lima(app, tmp_path):
    from portal.datos.columns import Column
    from portal.datos.writers import write_csv

    columns = (Column("nombre", "texto", "name", ""), Column("cambio", "fecha_hora", "x", ""))
    rows = [("=HYPERLINK(1)", "2026-11-23 06:00:00.000000"), (None, None)]
    with app.app_context():
        assert write_csv(tmp_path / "f.csv", columns, rows) == 2
    lines = (tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "'=HYPERLINK(1),2026-11-23T01:00:00-05:00"
    assert lines[2] == ","


def test_xlsx_keeps_hostile_text_as_text(tmp_path):
    from portal.datos.columns import Column
    from portal.datos.xlsx import write_xlsx

    columns = (
        Column("nombre", "texto", "name", ""),
        Column("costo", "decimal", "x", ""),
        Column("dia", "fecha", "y", ""),
    )
    rows = [("<b> & =SUM(A1)\x01  ", Decimal("12.50"), "2026-05-01"), ("", None, None)]
    assert write_xlsx(tmp_path / "f.xlsx", columns, rows) == 2
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert sheet["A2"].value == "<b> & =SUM(A1)  "
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 12.5
    assert sheet["C2"].value == dt.datetime(2026, 5, 1)
    assert sheet["A3"].value is None and sheet.max_row == 3


def test_a_disk_that_refuses_the_files_does_not_undo_the_import(app, caplog):
    from portal.datos.snapshot import write_after_import

    root = datos_root(app.config)
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("a file where the folder should be")
    write_after_import(app)()
    assert "Could not write the dated files" in caplog.text
    assert app.test_client().get("/datos").status_code == 200


def test_each_version_holds_the_cycle_and_gaps_files_with_the_pages_figures(demo_app, day_files):
    from frictionless import Package

    client = demo_app.test_client()
    version = day_files.name
    page = client.get("/datos").get_data(as_text=True)
    for name in ("ciclo.csv", "brechas.csv"):
        assert day_files.file(name) is not None
        assert f'href="/datos/{version}/{name}"' in page
    assert "pendientes_de_cierre" in page and "inversion_por_habitante" in page  # dictionary

    # brechas.csv is the very file /brechas.csv serves for the same data.
    assert client.get(f"/datos/{version}/brechas.csv").data == client.get("/brechas.csv").data
    cycle = list(
        csv.DictReader(
            io.StringIO(client.get(f"/datos/{version}/ciclo.csv").data.decode("utf-8-sig"))
        )
    )
    units = {
        r["sec_ejec"]: r
        for r in csv.DictReader(io.StringIO(client.get("/unidades.csv").data.decode("utf-8-sig")))
    }
    assert day_files.file("ciclo.csv").rows == len(cycle) > 1
    assert int(cycle[0]["pendientes_de_cierre"]) > 0  # the unit with most pending comes first
    for row in cycle:
        unit = units[row["sec_ejec"]]
        assert row["pendientes_de_cierre"] == unit["pendientes_de_cierre"] == row["etapa_terminada"]
        assert row["mediana_dias_termino_a_cierre"] == unit["mediana_dias_termino_a_cierre"]

    package = Package(str(datos_root(demo_app.config) / version / "datapackage.json"))
    for name in ("ciclo", "brechas"):
        report = package.get_resource(name).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {f.name: f for f in package.get_resource("brechas").schema.fields}
    assert fields["ubigeo"].type == "string" and fields["poblacion"].type == "integer"
    assert fields["inversion_por_habitante"].type == "number"
    assert "habitante" in fields["inversion_por_habitante"].description
    rows = {r["ubigeo"]: r for r in package.get_resource("brechas").read_rows()}
    assert all(code.startswith("06") and len(code) == 6 for code in rows)
