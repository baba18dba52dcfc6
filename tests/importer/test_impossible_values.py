"""Impossible values are rejected by the import with their line, never published.

A negative cost or progress, or a row whose fields do not match the header (a comma slipped
outside the quotes shifts every value after it), is rejected with its line and reason, listed in
the rejected-rows report and on /estado, and never counted as "of another region". Good rows still
import; a file made mostly of such rows is refused whole, as any mostly-invalid file.
"""

from __future__ import annotations

import csv
import html

from portal.demo.names import CIERRE_HEADER, SEGUIMIENTO_HEADER
from tests.conftest import import_sources
from tests.importer.factories import many_rows, write_detalle, write_seguimiento


def _report(app, result) -> list[dict[str, str]]:
    reports = app.config["PORTAL_INSTANCE_DIR"] + "/reports/" + result.rejects_file
    with open(reports, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _edit_line(path, line_index: int, edit) -> None:
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[line_index] = edit(lines[line_index])
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))


def _with_extra_field(path, line_index: int) -> None:
    """Add one field to a written row (as an unquoted comma in a name would)."""
    _edit_line(path, line_index, lambda line: line + ',"X"')


def _with_field_dropped(path, line_index: int) -> None:
    _edit_line(path, line_index, lambda line: line.rsplit(",", 1)[0])


def test_a_negative_cost_is_rejected_with_its_line_and_shown_on_estado(app, client, tmp_path):
    rows = many_rows(4)
    rows[1]["COSTO_ACTUALIZADO"] = "-5000"
    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    assert result.status == "imported"
    assert (result.rows_imported, result.rows_rejected, result.rows_outside_region) == (3, 1, 0)
    [reject] = _report(app, result)
    assert reject["linea"] == "3" and "COSTO_ACTUALIZADO" in reject["motivo"]
    assert "-5000" in reject["motivo"]
    assert client.get("/inversiones/2300001").status_code == 404
    assert client.get("/inversiones/2300002").status_code == 200

    page = html.unescape(client.get("/estado").get_data(as_text=True))
    assert 'data-rejected="mef-inversiones"' in page
    assert "Línea 3: COSTO_ACTUALIZADO: negative value '-5000'" in page


def test_other_negative_amounts_and_progress_are_rejected_but_a_negative_balance_is_not(
    app, tmp_path
):
    rows = many_rows(6)
    rows[0]["MONTO_VIABLE"] = "-1.0"
    rows[1]["PIM_ANIO_ACTUAL"] = "-400000"
    rows[2]["AVANCE_FISICO"] = "-3"
    rows[3]["SALDO_EJECUTAR"] = "-12000.5"  # MEF publishes negative balances
    rows[4]["AVANCE_FISICO"] = "104.5"  # above 100 is published and kept (flagged elsewhere)
    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    reasons = {r["linea"]: r["motivo"] for r in _report(app, result)}
    assert sorted(reasons) == ["2", "3", "4"]
    assert "MONTO_VIABLE" in reasons["2"] and "PIM_ANIO_ACTUAL" in reasons["3"]
    assert "AVANCE_FISICO" in reasons["4"]
    assert result.rows_imported == 3 and result.rows_outside_region == 0


def test_a_row_with_more_or_fewer_fields_is_rejected_not_counted_outside(app, client, tmp_path):
    path = write_detalle(tmp_path / "d.csv", many_rows(5))
    _with_extra_field(path, 2)  # the second data row, on line 3
    _with_field_dropped(path, 4)  # the fourth, on line 5
    [result] = import_sources(app, [("mef-inversiones", path)])

    assert result.status == "imported"
    assert (result.rows_imported, result.rows_rejected, result.rows_outside_region) == (3, 2, 0)
    width = len(path.read_text(encoding="utf-8-sig").splitlines()[0].split(","))
    assert [(r["linea"], r["motivo"]) for r in _report(app, result)] == [
        ("3", f"{width + 1} fields where the header has {width}"),
        ("5", f"{width - 1} fields where the header has {width}"),
    ]
    page = client.get("/estado").get_data(as_text=True)
    assert f"Línea 3: {width + 1} fields where the header has {width}" in page
    assert 'data-outside="mef-inversiones">0<' in page


def test_a_file_mostly_of_impossible_rows_is_refused_whole(app, client, tmp_path):
    rows = many_rows(5)
    for row in rows[:3]:
        row["COSTO_ACTUALIZADO"] = "-5000"
    path = write_detalle(tmp_path / "d.csv", rows)
    _with_extra_field(path, 4)
    [result] = import_sources(app, [("mef-inversiones", path)])

    assert result.status == "rejected"
    assert "most rows are invalid (4 of 5)" in result.error and "line 2" in result.error
    assert client.get("/inversiones/2300004").status_code == 404


def test_closed_investments_share_the_rules(app, tmp_path):
    rows = many_rows(5)
    for row in rows:
        row.update(NOM_UEP=row.get("NOMBRE_UEP", ""), ESTADO="CERRADO")
    rows[2]["COSTO_ACTUALIZADO"] = "-1"
    path = write_detalle(tmp_path / "c.csv", rows, header=CIERRE_HEADER)
    _with_extra_field(path, 1)
    [result] = import_sources(app, [("mef-cierre", path)])

    assert result.status == "imported" and result.rows_imported == 3
    assert [r["linea"] for r in _report(app, result)] == ["2", "4"]
    assert result.rows_outside_region == 0


def test_seguimiento_rows_with_shifted_fields_are_rejected(app, tmp_path):
    rows = [
        {
            "ANO_EJE": "2025",
            "SEC_EJEC": "878",
            "PRODUCTO_PROYECTO": str(2300000 + i),
            "DEPARTAMENTO_META": "06",
            "MONTO_PIM": "1000.0",
        }
        for i in range(4)
    ]
    path = write_seguimiento(tmp_path / "2025-Seguimiento-PI.csv", rows)
    _with_extra_field(path, 2)
    [result] = import_sources(app, [("mef-seguimiento", path)])
    assert result.status == "imported", result.error

    reasons = [(r["linea"], r["motivo"]) for r in _report(app, result)]
    width = len(SEGUIMIENTO_HEADER)
    assert reasons[0] == ("3", f"{width + 1} fields where the header has {width}")
    assert result.rows_outside_region + result.rows_imported + result.rows_rejected == 4
