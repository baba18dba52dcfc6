"""Published versions never change; a new import that changes data publishes a new version;
/datos.json, /datos/ultimo and datapackage.json describe them; the files say what the page says."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from frictionless import Package, validate
from sqlalchemy import select

from portal.datos.snapshot import datos_root, list_days
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle

CUI = "2100001"


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _import(app, path: Path, cost: str, **fields):
    rows = [detalle_row(CUI, COSTO_ACTUALIZADO=cost, **fields), detalle_row("2100002")]
    return import_sources(app, [("mef-inversiones", write_detalle(path, rows))])


def _published_bytes(client, version) -> dict[str, bytes]:
    return {f.name: client.get(f"/datos/{version.name}/{f.name}").data for f in version.files}


def test_a_second_import_the_same_day_publishes_a_new_version_and_the_first_keeps_its_bytes(
    app, tmp_path
):
    client = app.test_client()
    _import(app, tmp_path / "a.csv", "52301598")
    [first] = list_days(datos_root(app.config))
    day = first.day.isoformat()
    assert first.name == day and first.import_run is not None
    before = _published_bytes(client, first)
    assert {hashlib.sha256(b).hexdigest() for b in before.values()} == {
        f.sha256 for f in first.files
    }

    _import(app, tmp_path / "b.csv", "55000000")
    newest, kept = list_days(datos_root(app.config))
    assert kept == first
    assert newest.name == f"{day}.2" and newest.day == first.day
    assert newest.import_run > first.import_run
    # The first version's address serves the very same bytes (three SHA-256s included).
    assert _published_bytes(client, first) == before
    for f in first.files:
        disk = datos_root(app.config) / day / f.name
        assert hashlib.sha256(disk.read_bytes()).hexdigest() == f.sha256
    cost = {r["cui"]: r["costo_actualizado"] for r in _csv_rows(before["inversiones.csv"])}
    assert Decimal(cost[CUI]) == Decimal("52301598")
    new = client.get(f"/datos/{day}.2/inversiones.csv")
    assert new.status_code == 200 and "max-age=31536000" in new.headers["Cache-Control"]
    assert {Decimal(r["costo_actualizado"]) for r in _csv_rows(new.data) if r["cui"] == CUI} == {
        Decimal("55000000")
    }

    page = client.get("/datos").get_data(as_text=True)
    assert f'href="/datos/{day}/inversiones.csv"' in page
    assert f'href="/datos/{day}.2/inversiones.csv"' in page
    assert f'data-version="{day}.2"' in page and f'data-version="{day}"' in page


def test_the_newest_version_is_at_ultimo_and_every_version_in_datos_json(app, tmp_path):
    client = app.test_client()
    assert client.get("/datos/ultimo/inversiones.csv").status_code == 404
    _import(app, tmp_path / "a.csv", "52301598")
    _import(app, tmp_path / "b.csv", "55000000")
    newest, first = list_days(datos_root(app.config))

    latest = client.get("/datos/ultimo/inversiones.csv")
    assert latest.status_code == 302
    assert latest.headers["Location"].endswith(f"/datos/{newest.name}/inversiones.csv")
    assert "max-age=0" in latest.headers["Cache-Control"]
    assert "no-cache" in latest.headers["Cache-Control"]
    assert client.get("/datos/ultimo/manifest.json").status_code == 404

    catalogue = client.get("/datos.json")
    assert catalogue.headers["Content-Type"].startswith("application/json")
    versions = catalogue.get_json()["versiones"]
    assert [v["version"] for v in versions] == [newest.name, first.name]
    assert [v["importacion"] for v in versions] == [newest.import_run, first.import_run]
    for listed, version in zip(versions, (newest, first), strict=True):
        assert listed["direccion"] == f"http://localhost/datos/{version.name}/"
        assert listed["publicado"].endswith("-05:00")  # Lima time with its offset
        assert listed["dia"] == version.day.isoformat()
        for entry, f in zip(listed["archivos"], version.files, strict=True):
            assert (entry["nombre"], entry["bytes"], entry["sha256"]) == (f.name, f.size, f.sha256)
            data = client.get(entry["url"].removeprefix("http://localhost")).data
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "datapackage.json" in {e["nombre"] for e in versions[0]["archivos"]}


def test_an_import_that_changes_nothing_publishes_no_version(app, tmp_path):
    _import(app, tmp_path / "a.csv", "52301598")
    # The same rows in a file with other bytes: imported, but no figure changed.
    rows = [detalle_row(CUI, COSTO_ACTUALIZADO="52301598"), detalle_row("2100002")]
    [result] = import_sources(
        app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", rows, encoding="utf-8"))]
    )
    assert result.status == "imported" and result.changes == 0
    assert len(list_days(datos_root(app.config))) == 1


def test_pruning_removes_every_version_of_old_days(app, tmp_path):
    from portal.datos.snapshot import prune_days

    root = datos_root(app.config)
    for name in ("2026-05-01", "2026-05-01.2", "2026-05-02", "2026-05-02.2", "2026-05-02.10"):
        (root / name).mkdir(parents=True)
    assert prune_days(root, keep=1) == ["2026-05-01", "2026-05-01.2"]
    assert sorted(p.name for p in root.iterdir()) == ["2026-05-02", "2026-05-02.10", "2026-05-02.2"]


@pytest.mark.parametrize("name", ["2026-05-01.1", "2026-05-01.02", "2026-05-01.x", "2026-5-1"])
def test_odd_version_names_are_not_served(app, tmp_path, name):
    _import(app, tmp_path / "a.csv", "52301598")
    assert app.test_client().get(f"/datos/{name}/inversiones.csv").status_code == 404


def test_the_datapackage_validates_with_its_data_and_keeps_codes_as_text(app, tmp_path):
    _import(app, tmp_path / "a.csv", "52301598", UBIGEO="061306", CODIGO_SNIP="012345")
    [version] = list_days(datos_root(app.config))
    folder = datos_root(app.config) / version.name
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    package = Package(str(folder / "datapackage.json"))
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"] and descriptor["version"] == version.name
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["ubigeo"]["type"] == fields["cui"]["type"] == fields["snip"]["type"] == "string"
    assert fields["costo_actualizado"]["type"] == "number"
    assert fields["costo_actualizado"]["unit"] == "soles (PEN)"
    assert fields["fecha_registro"]["type"] == "date"
    assert "Ubigeo" in fields["ubigeo"]["description"] or "INEI" in fields["ubigeo"]["description"]
    rows = {r["cui"]: r for r in package.get_resource("inversiones").read_rows()}
    assert rows[CUI]["ubigeo"] == "061306"
    assert {"ciclo.csv", "brechas.csv"} <= {f.name for f in version.files}
    gaps = {r["ubigeo"]: r for r in package.get_resource("brechas").read_rows()}
    assert gaps["061306"]["inversiones"] == 1 and gaps["061306"]["poblacion"] > 0
    [unit] = package.get_resource("ciclo").read_rows()
    assert unit["inversiones"] == 2 and isinstance(unit["sec_ejec"], str)
    assert rows[CUI]["snip"] == "012345"
    assert rows[CUI]["costo_actualizado"] == Decimal("52301598")


def test_the_xlsx_keeps_codes_as_text(app, tmp_path):
    _import(app, tmp_path / "a.csv", "52301598", UBIGEO="061306", CODIGO_SNIP="012345")
    [version] = list_days(datos_root(app.config))
    data = app.test_client().get(f"/datos/{version.name}/inversiones.xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == CUI)
    for name, value in (("ubigeo", "061306"), ("snip", "012345"), ("cui", CUI)):
        cell = row[header.index(name)]
        assert (cell.value, cell.data_type) == (value, "s")


def test_a_closed_investment_says_the_same_on_page_api_search_csv_and_dated_files(demo_app):
    """The dated CSV and XLSX give a closed investment the 100 % its page, the API and
    /buscar.csv give it, and the same amounts."""
    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_app.app_context():
        inv = (
            get_session()
            .scalars(
                select(Investment)
                .where(Investment.phase == "cierre", Investment.physical_progress.is_(None))
                .order_by(Investment.cui)
            )
            .first()
        )
        cui, ubigeo = inv.cui, inv.ubigeo
    client = demo_app.test_client()
    [version, *_] = list_days(datos_root(demo_app.config))

    sheet = client.get(f"/inversiones/{cui}.json").get_json()
    page = client.get(f"/inversiones/{cui}").get_data(as_text=True)
    assert 'aria-label="Avance físico: 100.0%"' in page
    api = client.get("/api/v1/inversiones", query_string={"fase": "cierre", "distrito": ubigeo})
    api_row = next(r for r in api.get_json()["results"] if r["cui"] == cui)
    export = client.get("/buscar.csv", query_string={"fase": "cierre", "distrito": ubigeo})
    search_rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    search_row = dict(zip(search_rows[0], next(r for r in search_rows if r[0] == cui), strict=True))
    dated = next(
        r
        for r in _csv_rows(client.get(f"/datos/{version.name}/inversiones.csv").data)
        if r["cui"] == cui
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/datos/{version.name}/inversiones.xlsx").data), read_only=True
    )
    xlsx_rows = list(workbook.active.iter_rows(values_only=True))
    xlsx = dict(zip(xlsx_rows[0], next(r for r in xlsx_rows if r[0] == cui), strict=True))

    progress = {
        Decimal(sheet["works"]["physical_progress"]),
        Decimal(api_row["avance_fisico"]),
        Decimal(search_row["Avance físico (%)"]),
        Decimal(dated["avance_fisico"]),
        Decimal(str(xlsx["avance_fisico"])),
    }
    assert progress == {Decimal(100)}
    for api_name, search_name in (
        ("costo_actualizado", "Costo actualizado (S/)"),
        ("devengado_acumulado", "Devengado acumulado (S/)"),
    ):
        if api_row[api_name] is None:
            assert dated[api_name] == search_row[search_name] == "" and xlsx[api_name] is None
            continue
        assert (
            Decimal(api_row[api_name])
            == Decimal(search_row[search_name])
            == Decimal(dated[api_name])
            == Decimal(str(xlsx[api_name]))
        )
    assert dated["ubigeo"] == api_row["ubigeo"] == xlsx["ubigeo"]


def test_the_demo_imports_datapackage_validates_every_row(demo_app):
    [version, *_] = list_days(datos_root(demo_app.config))
    path = datos_root(demo_app.config) / version.name / "datapackage.json"
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    rows = {r.name: r.stats["rows"] for r in report.tasks}
    assert rows["inversiones"] == version.file("inversiones.csv").rows > 0
    assert rows["ejecucion_anual"] == version.file("ejecucion_anual.csv").rows > 0
