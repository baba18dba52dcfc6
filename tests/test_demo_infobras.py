"""`portal demo-data` writes the INFObras workbook the way the Contraloría publishes it."""

import json
import re
import zipfile
from pathlib import Path

from portal.importer.xlsx import open_xlsx_table
from tests.conftest import import_sources

PUBLISHED = Path(__file__).resolve().parent / "fixtures" / "published"
SAMPLE = PUBLISHED / "DataSet-Obras-Publicas 23-11-2026.xlsx"


def workbook(demo_dir):
    return next(demo_dir.glob("DataSet-Obras-Publicas *.xlsx"))


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_header_is_the_published_one_below_three_title_rows(demo_dir):
    published = json.loads((PUBLISHED / "infobras_2025_113.json").read_text(encoding="utf-8"))
    with open_xlsx_table(workbook(demo_dir), ["Código INFOBRAS"]) as table:
        assert table.header == published
        first_line, _ = next(table.rows())
    assert first_line == 5
    with open_xlsx_table(SAMPLE, ["Código INFOBRAS"]) as table:
        assert table.header == published


def test_the_sheet_is_written_in_the_publishers_form(demo_dir):
    xml = sheet_xml(workbook(demo_dir))
    tags = set(re.findall(r"</?([\w:]+)", xml.split("?>", 1)[1]))
    assert tags == {"x:worksheet", "x:sheetData", "x:row", "x:c", "x:is", "x:t"}
    assert ' r="' not in xml and "<x:c/>" in xml
    assert set(re.findall(r"<x:c ([^>]*)>", xml)) == {'t="inlineStr"'}
    with zipfile.ZipFile(workbook(demo_dir)) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()


def test_amounts_percentages_and_dates_are_written_in_infobras_style(demo_dir):
    with open_xlsx_table(workbook(demo_dir), ["Código INFOBRAS"]) as table:
        header = table.header
        rows = [row for _, row in table.rows()]
    contract = header.index("Monto del contrato  en soles")
    progress = header.index("Avance Físico Real Acumulado (%)")
    started = header.index("Fecha de inicio de obra")
    assert all(re.fullmatch(r"\d+ \d\d", row[progress]) for row in rows)
    assert all(re.fullmatch(r"(\d+ \d\d)?", row[contract]) for row in rows)
    assert any(row[contract] for row in rows)
    assert all(re.fullmatch(r"(\d\d/\d\d/\d{4})?", row[started]) for row in rows)


def test_the_demo_workbook_imports_with_no_rejected_row(app, demo_dir):
    with open_xlsx_table(workbook(demo_dir), ["Código INFOBRAS"]) as table:
        department = table.header.index("Departamento")
        home = sum(row[department] == "CAJAMARCA" for _, row in table.rows())

    [result] = import_sources(app, [("infobras", workbook(demo_dir))])

    assert result.status == "imported", result.error
    assert result.rows_rejected == 0 and result.rows_imported == home > 300
