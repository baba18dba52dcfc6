"""A changed optional column costs no rows: its unreadable values are left empty and counted."""

from __future__ import annotations

import csv
import html
import json

from sqlalchemy import select

from portal.demo.names import DETALLE_HEADER
from portal.importer.models import ImportRun
from portal.investments.models import Investment
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle


def _flagged_detalle(tmp_path, count=5):
    """A DETALLE whose CTRL_CONCURR says SI/NO, as if the publisher turned it back into a flag."""
    rows = [
        detalle_row(str(2300000 + n), CTRL_CONCURR="SI" if n % 2 else "NO", MONTO_LAUDO="1500.5")
        for n in range(count)
    ]
    return write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows)


def test_a_column_that_changed_type_imports_every_row_and_names_the_column(app, tmp_path):
    [result] = import_sources(app, [("mef-inversiones", _flagged_detalle(tmp_path))])

    assert result.status == "imported"
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (5, 5, 0)
    assert result.values_blanked == {"CTRL_CONCURR": 5}
    with app.app_context():
        from portal.db import get_session

        session = get_session()
        amounts = set(
            session.execute(
                select(Investment.concurrent_control_amount, Investment.arbitration_award_amount)
            ).all()
        )
        blanked = session.scalar(select(ImportRun.values_blanked))
    assert {(control, str(award)) for control, award in amounts} == {(None, "1500.50")}
    assert blanked["CTRL_CONCURR"] == {
        "count": 5,
        "present": 5,
        "expected": "amount",
        "example": "NO",
    }


def test_the_json_summary_counts_blanked_values_per_published_column(runner, tmp_path):
    path = _flagged_detalle(tmp_path, count=3)

    result = runner.invoke(args=["import", "--json", "--source", f"mef-inversiones={path}"])

    assert result.exit_code == 0, result.output
    [source] = json.loads(result.stdout)["sources"]
    assert source["values_blanked"] == {"CTRL_CONCURR": 3}
    assert source["rows_rejected"] == 0


def test_closed_file_reports_the_column_by_its_own_name(app, tmp_path):
    rows = [detalle_row("2300100", CONTROL_CONCURR="SI", ESTADO="CERRADO")]
    header = ["CONTROL_CONCURR" if name == "CTRL_CONCURR" else name for name in DETALLE_HEADER]
    path = write_detalle(tmp_path / "CIERRE_INVERSIONES.csv", rows, header=header)

    [result] = import_sources(app, [("mef-cierre", path)])

    assert result.rows_imported == 1 and result.values_blanked == {"CONTROL_CONCURR": 1}


def test_status_page_says_in_plain_words_which_values_could_not_be_read(app, client, tmp_path):
    rows = [detalle_row(str(2300000 + n), CTRL_CONCURR="0.0") for n in range(10)]
    rows[3]["FECHA_REGISTRO"] = "ayer"  # one odd value: not a changed type
    for row in rows[:6]:
        row["CTRL_CONCURR"] = "SI"  # most values: the column changed type
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    page = html.unescape(client.get("/estado").get_data(as_text=True))

    ctrl = page[page.index('data-column="CTRL_CONCURR"') :].split("</li>")[0]
    assert "6 valores de CTRL_CONCURR no se pudieron leer: se esperaba un monto" in ctrl
    assert "se encontró «SI»" in ctrl and "Tipo cambiado" in ctrl
    date = page[page.index('data-column="FECHA_REGISTRO"') :].split("</li>")[0]
    assert "1 valor de FECHA_REGISTRO no se pudo leer: se esperaba una fecha" in date
    assert "«ayer»" in date and "Tipo cambiado" not in date


def test_status_page_in_english_names_the_column_and_the_bad_value(app, client, tmp_path):
    import_sources(app, [("mef-inversiones", _flagged_detalle(tmp_path, count=4))])

    page = client.get("/estado?lang=en").get_data(as_text=True)

    assert (
        "4 values of CTRL_CONCURR could not be read: an amount was expected, 'NO' was found"
        in html.unescape(page)
    )
    assert "Changed type" in page


def test_a_bad_required_value_still_rejects_its_row_with_the_line(app, tmp_path):
    rows = [detalle_row(str(2300000 + n), CTRL_CONCURR="SI") for n in range(4)]
    rows[2]["UBIGEO"] = "CHOTA"

    [result] = import_sources(
        app, [("mef-inversiones", write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows))]
    )

    assert (result.rows_imported, result.rows_rejected) == (3, 1)
    assert result.values_blanked == {"CTRL_CONCURR": 3}
    report = app.config["PORTAL_INSTANCE_DIR"] + "/reports/" + result.rejects_file
    with open(report, encoding="utf-8-sig") as stream:
        [rejected] = list(csv.DictReader(stream))
    assert rejected["linea"] == "4"
    assert rejected["motivo"].startswith("UBIGEO: ") and "CHOTA" in rejected["motivo"]


def test_the_terminal_summary_names_the_column_left_empty(runner, tmp_path):
    path = _flagged_detalle(tmp_path, count=2)

    result = runner.invoke(args=["import", "--source", f"mef-inversiones={path}"])

    assert result.exit_code == 0
    assert "2 values of CTRL_CONCURR could not be read and were left empty" in result.output
    assert "amount expected, 'NO' found" in result.output
