"""The "Contrataciones" section of an investment, its JSON, and /contratistas/<RUC>, on real
OECE processes imported against sample investments of the region."""

from __future__ import annotations

import html
import json

from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle
from tests.importer.test_oece_ocds import CONSORTIUM, MERGE, RECORDS, TEXT_ONLY


def _imported(app, tmp_path, *packages):
    cuis = ("2480499", "2640310", "2632051", "2424348")
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", [detalle_row(c) for c in cuis])
    requests = [("mef-inversiones", path), *(("oece-ocds", p) for p in packages)]
    assert all(r.status == "imported" for r in import_sources(app, requests))


def test_the_investment_page_says_who_won_for_how_much_against_how_many(app, client, tmp_path):
    _imported(app, tmp_path, CONSORTIUM)

    page = html.unescape(client.get("/inversiones/2640310").get_data(as_text=True))

    section = page[page.index('id="contrataciones"') :]
    assert "Contrataciones" in page and 'data-ocid="ocds-dgv273-seacev3-1134700"' in section
    assert 'data-figure="tenderers">13<' in section
    # The consortium's id is shown as published (7 digits), never padded to 11.
    assert '<td data-label="RUC" data-ruc>1709475</td>' in section
    assert 'href="/contratistas/1709475"' in section
    assert "S/ " in section and "Ver el registro oficial" in section
    assert "api/v1/release/seace_v3/1134700" in section
    assert "CUI hallado en el texto" not in section


def test_a_text_match_is_marked_as_weaker_evidence(app, client, tmp_path):
    _imported(app, tmp_path, TEXT_ONLY)

    page = html.unescape(client.get("/inversiones/2424348").get_data(as_text=True))

    assert 'data-match="text"' in page and "CUI hallado en el texto." in page
    assert "CUI N° 2424348" in page and "evidencia más débil" in page


def test_processes_of_one_cui_are_ordered_by_date_and_in_english_too(app, client, tmp_path):
    # Process 1134700 (published 17 July 2025) made to name the CUI of 1132181 (9 July).
    later = json.loads(CONSORTIUM.read_text())
    for release in later["releases"]:
        release["planning"]["budget"]["projectID"] = "2480499"
    (tmp_path / "later.json").write_text(json.dumps(later))
    _imported(app, tmp_path, tmp_path / "later.json", MERGE)

    page = client.get("/inversiones/2480499?lang=en").get_data(as_text=True)

    first = page.index('data-ocid="ocds-dgv273-seacev3-1132181"')
    assert first < page.index('data-ocid="ocds-dgv273-seacev3-1134700"')
    assert "Contracting" in page and "Contrataciones" not in page
    assert "Tenderers" in page and "See the official record" in page


def test_the_investment_json_lists_the_processes_and_their_suppliers(app, client, tmp_path):
    _imported(app, tmp_path, MERGE, RECORDS)

    data = client.get("/inversiones/2480499.json").get_json()

    [process] = data["contracting"]
    assert process["ocid"] == "ocds-dgv273-seacev3-1132181"
    assert process["number_of_tenderers"] == 13 and process["cui_found_in_text"] is False
    assert len({s["id"] for s in process["suppliers"]}) == 2
    assert all(s["award_value"] for s in process["suppliers"])
    assert client.get("/inversiones/2632051.json").get_json()["contracting"][0]["suppliers"]


def test_a_supplier_page_lists_its_processes_investments_and_totals(app, client, tmp_path):
    _imported(app, tmp_path, CONSORTIUM, RECORDS)
    data = client.get("/inversiones/2640310.json").get_json()
    [supplier] = data["contracting"][0]["suppliers"]

    page = html.unescape(client.get(f"/contratistas/{supplier['id']}").get_data(as_text=True))

    assert supplier["name"] in page and 'data-figure="processes">1<' in page
    assert 'href="/inversiones/2640310"' in page
    assert "no tiene los 11 dígitos de un RUC" in page  # 1709475, a consortium's id
    assert client.get("/contratistas/20000000000").status_code == 404
    assert client.get("/contratistas/abc").status_code == 404


def test_search_finds_a_supplier_by_name_and_by_ruc(app, client, tmp_path):
    _imported(app, tmp_path, CONSORTIUM, RECORDS)
    [supplier] = client.get("/inversiones/2632051.json").get_json()["contracting"][0]["suppliers"]
    name_words = " ".join(supplier["name"].split()[:2]).lower()

    by_name = html.unescape(client.get(f"/buscar?q={name_words}").get_data(as_text=True))
    by_ruc = client.get(f"/buscar?q={supplier['id']}").get_data(as_text=True)

    for page in (by_name, by_ruc):
        assert "Contratistas que coinciden" in page
        assert f'href="/contratistas/{supplier["id"]}"' in page
    assert "Contratistas que coinciden" not in client.get("/buscar?q=zzzqqq").get_data(as_text=True)
