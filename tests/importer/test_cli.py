"""`portal import` and `portal demo-data` as an operator runs them."""

from __future__ import annotations

import json
import shutil

from tests.importer.factories import many_rows, write_detalle


def test_json_summary_lists_every_source_and_exit_code_is_zero(runner, demo_dir, app):
    data_dir = app.config["PORTAL_DATA_DIR"]
    shutil.copytree(demo_dir, data_dir)

    result = runner.invoke(args=["import", "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    names = [source["name"] for source in summary["sources"]]
    assert names[:4] == ["mef-inversiones", "mef-cierre", "mef-f12b", "mef-estado-situacional"]
    assert names.count("mef-seguimiento") == 1  # one file of many years
    first = summary["sources"][0]
    assert {
        "name",
        "status",
        "rows_read",
        "rows_imported",
        "rows_rejected",
        "changes",
        "error",
    } <= set(first)
    assert first["status"] == "imported" and first["rows_imported"] == 400


def test_a_rejected_source_makes_the_command_fail(runner, tmp_path):
    broken = tmp_path / "DETALLE_INVERSIONES.csv"
    broken.write_text("<html><body>Error</body></html>")

    result = runner.invoke(args=["import", "--json", "--source", f"mef-inversiones={broken}"])

    assert result.exit_code == 1
    [source] = json.loads(result.stdout)["sources"]
    assert source["status"] == "rejected" and source["error"]


def test_unknown_source_name_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["import", "--source", f"mef-invent={tmp_path}"])

    assert result.exit_code == 2
    assert "unknown source 'mef-invent'" in result.output


def test_terminal_summary_names_each_source_and_its_counts(runner, tmp_path):
    path = write_detalle(tmp_path / "d.csv", many_rows(2))

    result = runner.invoke(args=["import", "--source", f"mef-inversiones={path}"])

    assert result.exit_code == 0
    assert "mef-inversiones" in result.output and "imported" in result.output


def test_dry_run_from_the_command_line_imports_nothing(runner, client, tmp_path):
    path = write_detalle(tmp_path / "d.csv", many_rows(2))

    result = runner.invoke(
        args=["import", "--dry-run", "--json", "--source", f"mef-inversiones={path}"]
    )

    assert json.loads(result.stdout)["dry_run"] is True
    assert 'data-figure="investments">0<' in client.get("/").get_data(as_text=True)


def test_demo_data_command_writes_every_source_file(runner, tmp_path):
    result = runner.invoke(args=["demo-data", str(tmp_path / "demo")])

    assert result.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert "DETALLE_INVERSIONES.csv" in written and "presupuesto_participativo.csv" in written
    assert any(name.startswith("DataSet-Obras-Publicas") for name in written)


def test_terminal_shows_a_progress_bar_per_source(app, tmp_path, capsys):
    from portal.cli import _progress_bars
    from portal.importer.pipeline import ImportSettings, run_import
    from portal.importer.sources import all_sources

    path = write_detalle(tmp_path / "d.csv", many_rows(2500))

    with app.app_context():
        run_import(
            app.extensions["portal.engine"],
            ImportSettings.from_config(app.config),
            [(all_sources()["mef-inversiones"], str(path))],
            progress_for=_progress_bars(),
        )

    shown = capsys.readouterr().err
    assert "mef-inversiones" in shown and "2,000 rows" in shown
    assert shown.rstrip().endswith("100%      2,500 rows")


def test_a_source_default_location_can_be_a_url_setting(app, runner, file_server):
    root, base_url = file_server
    write_detalle(root / "DETALLE_INVERSIONES.csv", many_rows(2))
    app.config["PORTAL_SOURCE_MEF_INVERSIONES"] = f"{base_url}/DETALLE_INVERSIONES.csv"

    result = runner.invoke(args=["import", "--json"])

    first = json.loads(result.stdout)["sources"][0]
    assert first["location"] == f"{base_url}/DETALLE_INVERSIONES.csv"
    assert (first["status"], first["rows_imported"]) == ("imported", 2)
