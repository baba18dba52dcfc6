"""/estado: what an operator or journalist checks to know how fresh the data is."""

from __future__ import annotations

from tests.conftest import import_sources
from tests.importer.factories import many_rows, write_detalle


def test_status_page_lists_each_run_with_hash_counts_and_rejects_report(app, client, tmp_path):
    rows = many_rows(3)
    rows[2]["UBIGEO"] = "abc"
    [result] = import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    page = client.get("/estado").get_data(as_text=True)

    assert result.file_hash[:12] in page
    # Each run names its source in words, as the table of sources above it does.
    assert '<td data-label="Fuente" data-source="mef-inversiones">MEF, Banco de Inversiones' in page
    assert f"/estado/rechazos/{result.rejects_file}" in page
    with client.get(f"/estado/rechazos/{result.rejects_file}") as report:
        assert report.status_code == 200 and "UBIGEO" in report.get_data(as_text=True)


def test_rejects_route_serves_only_reports(client):
    assert client.get("/estado/rechazos/..%2Fportal.db").status_code == 404
    assert client.get("/estado/rechazos/rechazos-x.csv").status_code == 404


def test_bad_coordinates_are_counted_on_the_status_page(app, client, tmp_path):
    rows = many_rows(3)
    rows[0].update(LATITUD="0", LONGITUD="0")
    rows[1].update(LATITUD="", LONGITUD="")
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", rows))])

    page = client.get("/estado").get_data(as_text=True)

    assert 'data-coords="zero">1<' in page
    assert 'data-coords="missing">1<' in page
    assert 'data-coords="ok">1<' in page


def test_demo_import_fills_the_home_page_figures(demo_client):
    page = demo_client.get("/").get_data(as_text=True)

    assert 'data-figure="investments">440<' in page
    assert "S/ " in page.split('data-figure="updated_cost">')[1][:20]


def test_status_page_names_source_files_without_template_braces(client):
    """The yearly budget-tracking file is described as AAAA-Seguimiento-PI.csv, the way /datos
    writes dates (AAAA-MM-DD), not with a bare placeholder «{AÑO}» that reads as a bug."""
    page = client.get("/estado").get_data(as_text=True)
    assert "AAAA-Seguimiento-PI.csv" in page
    assert "{AÑO}" not in page
