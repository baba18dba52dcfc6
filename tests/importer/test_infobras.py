"""The INFObras export as the Contraloría publishes it, in its 2025 and 2026 layouts."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from portal.demo.infobras import RENAMED_2026, TITLE, by_position, header_2026, write_workbook
from portal.importer.xlsx import open_xlsx_table
from portal.investments.models import InfobrasWork
from tests.conftest import import_sources

PUBLISHED = Path(__file__).resolve().parents[1] / "fixtures" / "published"
SAMPLE = PUBLISHED / "DataSet-Obras-Publicas 23-11-2026.xlsx"
HEADER_2025 = json.loads((PUBLISHED / "infobras_2025_113.json").read_text(encoding="utf-8"))
def sample_rows() -> tuple[list[str], list[list[str]]]:
    with open_xlsx_table(SAMPLE, ["Código INFOBRAS"]) as table:
        return table.header, [row for _, row in table.rows()]


def relayout(header: list[str], rows: list[list[str]], new_header: list[str]) -> list[list[str]]:
    """The sample's rows under another header: renamed names by the old name, repeats in order."""
    old_name = {new: old for old, new in RENAMED_2026.items()}
    old_name |= {"RUC (Ejecución)": "RUC", "RUC (Supervisión)": "RUC"}
    relaid = []
    for row in rows:
        values: dict[str, list[str]] = {}
        for name, value in zip(header, row, strict=True):
            values.setdefault(name, []).append(value)
        relaid.append([values[old_name.get(name, name)].pop(0) for name in new_header])
    return relaid


def works(app) -> dict[str, InfobrasWork]:
    with app.app_context():
        from portal.db import get_session

        session = get_session()
        found = {work.infobras_code: work for work in session.scalars(select(InfobrasWork))}
        session.expunge_all()
        return found


def test_the_published_sample_imports_with_no_rejected_row(app):
    [result] = import_sources(app, [("infobras", SAMPLE)])

    assert result.status == "imported", result.error
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (177, 177, 0)
    imported = works(app)
    first = imported["500000"]
    assert (first.cui, first.status, first.department) == ("2100002", "Finalizado", "CAJAMARCA")
    assert first.contractor_ruc == "20129366352"
    assert first.contractor == "CONSTRUCTORA SAN MARCOS S.A.C."
    assert first.contract_amount == Decimal("25158707.17")
    assert first.approved_amount == Decimal("26416642.53")
    assert first.work_amount == Decimal("25913468.39")
    assert first.total_accrued == Decimal("33902359.91")
    assert (first.planned_progress, first.actual_progress) == (Decimal("39.71"), Decimal("100"))
    assert (first.started_on, first.planned_end_on) == (date(2020, 7, 27), date(2021, 4, 7))
    assert first.updated_on == date(2026, 4, 11)
    assert first.stalled is False and first.stalled_days == 0
    # The supervisor is the second company name (the one published with a trailing colon).
    assert imported["500078"].supervisor == "SUPERVISORES ANDINOS S.A.C."
    assert imported["500078"].contractor == "CONSORCIO AGUA CHOTA"
    stalled = [work for work in imported.values() if work.stalled]
    assert len(stalled) == 34
    assert all(work.stall_cause and work.stalled_on and work.stalled_days for work in stalled)


def test_a_2026_layout_file_imports_by_name(app, tmp_path):
    header, rows = sample_rows()
    new_header = header_2026()
    assert len(new_header) == 97
    rows = relayout(header, rows, new_header)
    ruc = new_header.index("RUC (Supervisión)")
    rows[0][ruc] = "20555555551"
    path = write_workbook(tmp_path / "DataSet-Obras-Publicas 30-11-2026.xlsx", new_header, rows)

    [result] = import_sources(app, [("infobras", path)])

    assert (result.rows_imported, result.rows_rejected) == (177, 0)
    first = works(app)["500000"]
    assert first.contractor_ruc == "20129366352"
    assert first.supervisor_ruc == "20555555551"
    assert first.approved_amount == Decimal("26416642.53")  # 'Costo de obra en soles según ET…'
    assert first.contract_amount == Decimal("25158707.17")
    assert first.total_accrued == Decimal("33902359.91")


def test_repeated_names_keep_contractor_and_supervisor_apart(app, tmp_path):
    row = {
        "Código INFOBRAS": "600001",
        "Codigo unico de inversión": "2100002",
        "Nombre de obra": "PUENTE",
        "Estado de ejecución": "Paralizada",
        "Departamento": "CAJAMARCA",
        "RUC": ["20111111111", "20222222222"],
        "Nombre o razón social de la empresa o consorcio": ["CONSTRUCTORA"],
        "Nombre o razón social de la empresa o consorcio:": "SUPERVISORA",
        "Monto del contrato  en soles": ["1205287 56", "60264 38"],
        "Existe Paralización": "Sí",
        "Avance Físico Real Acumulado (%)": "1234 50",
    }
    path = write_workbook(tmp_path / "obras.xlsx", HEADER_2025, [by_position(HEADER_2025, row)])

    import_sources(app, [("infobras", path)])

    work = works(app)["600001"]
    assert (work.contractor_ruc, work.contractor) == ("20111111111", "CONSTRUCTORA")
    assert (work.supervisor_ruc, work.supervisor) == ("20222222222", "SUPERVISORA")
    assert (work.contract_amount, work.supervisor_amount) == (
        Decimal("1205287.56"),
        Decimal("60264.38"),
    )
    assert work.stalled is True
    assert work.actual_progress == Decimal("1234.50")  # a typo published as is, kept as is


def test_an_unreadable_optional_value_is_left_empty_and_the_row_kept(app, tmp_path):
    header = ["Código INFOBRAS", "Codigo unico de inversión", "Nombre de obra"]
    header += ["Estado de ejecución", "Departamento", "Monto del contrato  en soles"]
    header += ["Fecha de inicio de obra", "Existe Paralización", "Avance Físico Real Acumulado (%)"]
    rows = [
        ["600001", "2100002", "PUENTE", "En Ejecución", "CAJAMARCA", "SI", "ayer", "Tal vez", "x"],
        ["600002", "2100011", "CANAL", "En Ejecución", "CAJAMARCA", "1000 00", "", "No", "5 00"],
    ]
    path = write_workbook(tmp_path / "obras.xlsx", header, rows)

    [result] = import_sources(app, [("infobras", path)])

    assert (result.rows_imported, result.rows_rejected) == (2, 0)
    work = works(app)["600001"]
    assert (work.contract_amount, work.started_on, work.stalled) == (None, None, None)
    assert work.actual_progress is None
    assert works(app)["600002"].contract_amount == Decimal("1000.00")


def test_hostile_cells_are_still_read_by_name(app, tmp_path):
    # Unknown and extra columns, another order, a short row and a row longer than the header.
    header = ["Columna nueva", "ESTADO DE EJECUCION", "departamento", "Código INFOBRAS"]
    header += ["Nombre de la obra", "CODIGO UNICO DE INVERSION:", "Monto del contrato en soles"]
    rows = [
        ["x", "En Ejecución", "CAJAMARCA", "600001", "PUENTE", "2100002", "15 50", "extra"],
        ["x", "En Ejecución", "CAJAMARCA", "600002", "CANAL", "2100011"],
        ["x", "En Ejecución", "LIMA", "600003", "VÍA", "2300000", "1 00"],
    ]
    path = write_workbook(tmp_path / "obras.xlsx", header, rows, titles=())

    [result] = import_sources(app, [("infobras", path)])

    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 0)
    assert works(app)["600001"].contract_amount == Decimal("15.50")
    assert works(app)["600002"].contract_amount is None


def test_a_spreadsheets_resave_with_shared_strings_and_references_reads_the_same(app, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, title in enumerate(TITLE, start=1):
        sheet.cell(row=number, column=1, value=title)
    header = ["Código INFOBRAS", "Codigo unico de inversión", "Nombre de obra"]
    header += ["Estado de ejecución", "Departamento", "Monto del contrato  en soles"]
    for column, name in enumerate(header, start=1):
        sheet.cell(row=5, column=column, value=name)
    # Row 6: numbers as numbers; row 8 after an empty row; a cell left out (gap in references).
    for column, value in enumerate([600001, 2100002, "PUENTE", "En Ejecución", "CAJAMARCA"], 1):
        sheet.cell(row=6, column=column, value=value)
    for column, value in ((1, "600002"), (2, "2100011"), (3, "CANAL"), (5, "CAJAMARCA")):
        sheet.cell(row=8, column=column, value=value)
    sheet.cell(row=8, column=6, value=1205287.56)
    path = tmp_path / "resaved.xlsx"
    workbook.save(path)

    with open_xlsx_table(path, ["Código INFOBRAS"]) as table:
        assert list(table.rows()) == [
            (6, ["600001", "2100002", "PUENTE", "En Ejecución", "CAJAMARCA", ""]),
            (8, ["600002", "2100011", "CANAL", "", "CAJAMARCA", "1205287.56"]),
        ]


def test_title_rows_are_counted_not_assumed(tmp_path):
    header, rows = sample_rows()
    for titles in ((), TITLE[:1], (*TITLE, "Actualizado al 30/11/2026", "")):
        path = write_workbook(tmp_path / "obras.xlsx", header, rows[:2], titles=titles)
        with open_xlsx_table(path, ["Código INFOBRAS"]) as table:
            numbered = list(table.rows())
        header_row = len(titles) + 1
        assert [number for number, _ in numbered] == [header_row + 1, header_row + 2]
        assert numbered[0][1][2] == "500000"


def test_an_html_page_is_rejected_whole_and_the_last_good_data_stays(app, tmp_path):
    import_sources(app, [("infobras", SAMPLE)])
    page = tmp_path / "DataSet-Obras-Publicas 24-11-2026.xlsx"
    page.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")

    [result] = import_sources(app, [("infobras", page)])

    assert result.status == "rejected" and "HTML page" in result.error
    assert len(works(app)) == 177


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_a_cut_off_download_is_rejected_whole_and_the_last_good_data_stays(app, tmp_path, keep):
    import_sources(app, [("infobras", SAMPLE)])
    whole = SAMPLE.read_bytes()
    cut = tmp_path / "DataSet-Obras-Publicas 24-11-2026.xlsx"
    cut.write_bytes(whole[: int(len(whole) * keep)])

    [result] = import_sources(app, [("infobras", cut)])

    assert result.status == "rejected" and "Excel workbook" in result.error
    assert len(works(app)) == 177


def test_a_sheet_that_breaks_off_mid_row_is_rejected_whole(app, tmp_path):
    import_sources(app, [("infobras", SAMPLE)])
    broken = tmp_path / "DataSet-Obras-Publicas 24-11-2026.xlsx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) * 2 // 3]  # a sheet written half-way
            target.writestr(item, content)

    [result] = import_sources(app, [("infobras", broken)])

    assert result.status == "rejected" and "breaks off after sheet row" in result.error
    assert len(works(app)) == 177
