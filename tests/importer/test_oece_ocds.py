"""OECE's OCDS packages, imported as `portal import --source oece-ocds=PATH` does.

Real processes of 2025 (tests/fixtures/oece/README.md says which file is what) against sample
investments of the region carrying their CUIs.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from portal.contracts.models import ContractAward, ContractingProcess
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle

OECE = Path(__file__).resolve().parents[1] / "fixtures" / "oece"
#: Needs a merge: its newest release carries one award, the merged process two.
MERGE = OECE / "ocds-dgv273-seacev3-1132181.json"  # CUI 2480499 in planning.budget.projectID
CONSORTIUM = OECE / "ocds-dgv273-seacev3-1134700.json"  # CUI 2640310; PE-RUC-1709475
NO_CUI = OECE / "ocds-dgv273-seacev3-1146808.json"  # names no CUI anywhere
OTHER = OECE / "ocds-dgv273-seacev3-1147593.json"  # CUI 2078579, not one of ours
RECORDS = OECE / "record-package-1134317.json"  # CUI 2632051, a bulk-style record package
TEXT_ONLY = OECE / "text-cui-2025-53-60.json"  # "CUI N° 2424348" only in the texts
OUR_CUIS = ("2480499", "2640310", "2632051", "2424348")


def _investments(app, tmp_path, cuis=OUR_CUIS):
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", [detalle_row(c) for c in cuis])
    [result] = import_sources(app, [("mef-inversiones", path)])
    assert result.status == "imported"


def _processes(app) -> dict:
    with app.extensions["portal.engine"].connect() as conn:
        return {p.ocid: p for p in conn.execute(select(ContractingProcess.__table__))}


def _awards(app, ocid: str) -> list:
    awards = ContractAward.__table__
    query = select(awards).where(awards.c.ocid == ocid).order_by(awards.c.position)
    with app.extensions["portal.engine"].connect() as conn:
        return list(conn.execute(query))


def test_a_release_package_is_merged_before_it_is_read(app, tmp_path):
    _investments(app, tmp_path)

    [result] = import_sources(app, [("oece-ocds", MERGE)])

    assert result.status == "imported", result.error
    assert (result.rows_read, result.rows_imported) == (1, 1)
    process = _processes(app)["ocds-dgv273-seacev3-1132181"]
    assert (process.cui, process.matched_by) == ("2480499", "budget")
    assert process.tenderers == 13
    assert process.method_details == "Subasta Inversa Electrónica"
    # The newest release alone carries one award; the process as merged has both.
    newest = max(json.loads(MERGE.read_text())["releases"], key=lambda r: r["date"])
    awards = _awards(app, process.ocid)
    assert len(newest["awards"]) == 1 and len({a.award_id for a in awards}) == 2
    assert process.url.endswith("/api/v1/release/seace_v3/1132181")


def test_a_consortium_id_is_kept_as_published_never_padded(app, tmp_path):
    _investments(app, tmp_path)

    import_sources(app, [("oece-ocds", CONSORTIUM)])

    [award] = _awards(app, "ocds-dgv273-seacev3-1134700")
    assert award.ruc == "1709475" and award.scheme == "PE-RUC"
    assert award.supplier.startswith("CONSORCIO")
    assert award.contract_amount is not None and award.signed_on is not None


def test_a_record_package_is_read_from_its_compiled_releases(app, tmp_path):
    _investments(app, tmp_path)

    [result] = import_sources(app, [("oece-ocds", RECORDS)])

    assert result.status == "imported", result.error
    process = _processes(app)["ocds-dgv273-seacev3-1134317"]
    assert process.cui == "2632051" and process.buyer.startswith("MUNICIPALIDAD DISTRITAL")
    [award] = _awards(app, process.ocid)
    assert award.ruc and len(award.ruc) == 11 and award.award_amount > Decimal(0)


def test_a_cui_only_in_the_texts_links_as_weaker_evidence(app, tmp_path):
    _investments(app, tmp_path)

    [result] = import_sources(app, [("oece-ocds", TEXT_ONLY)])

    process = _processes(app)["ocds-dgv273-seacev3-2025-53-60"]
    assert (process.cui, process.matched_by) == ("2424348", "text")
    assert "CUI N° 2424348" in process.match_text
    assert result.rows_linked_by_text == 1


def test_a_seven_digit_number_without_a_cui_cue_links_nothing(app, tmp_path):
    from portal.importer.sources.oece_ocds_join import text_cuis

    release = {"tender": {"description": "EXPEDIENTE 2424348 - RUC 20123456789 - CUI: 2424349"}}
    assert [cui for cui, _ in text_cuis(release)] == ["2424349"]
    release = {
        "tender": {
            "items": [{"description": "CIRCUITO 2424348; Código Único de Inversión Nº 2598946"}]
        }
    }
    assert [cui for cui, _ in text_cuis(release)] == ["2598946"]
    release = {"contracts": [{"description": "OBRA CON CUI 25989461 (ocho cifras)"}]}
    assert text_cuis(release) == []


def test_a_folder_counts_linked_outside_and_unlinked_processes(app, tmp_path, runner):
    _investments(app, tmp_path)
    folder = tmp_path / "oece"
    folder.mkdir()
    for path in (MERGE, NO_CUI, OTHER, TEXT_ONLY):
        shutil.copy(path, folder)

    result = runner.invoke(args=["import", "--json", "--source", f"oece-ocds={folder}"])

    [summary] = json.loads(result.stdout)["sources"]
    assert summary["status"] == "imported", summary
    assert summary["rows_read"] == 4
    assert summary["rows_imported"] == 2  # MERGE and TEXT_ONLY
    assert summary["rows_outside_region"] == 1  # OTHER: CUI 2078579, not of the region
    assert summary["rows_unlinked"] == 1  # NO_CUI
    assert summary["rows_linked_by_text"] == 1


def test_a_zip_of_packages_and_the_option_repeated(app, tmp_path):
    _investments(app, tmp_path)
    archive = tmp_path / "oece-2025-09.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(CONSORTIUM, CONSORTIUM.name)
        out.write(NO_CUI, NO_CUI.name)

    results = import_sources(app, [("oece-ocds", archive), ("oece-ocds", RECORDS)])

    assert [r.status for r in results] == ["imported", "imported"]
    # The second file adds its process; it does not replace the first file's.
    assert set(_processes(app)) == {"ocds-dgv273-seacev3-1134700", "ocds-dgv273-seacev3-1134317"}


def test_a_second_import_of_the_same_file_changes_nothing(app, tmp_path):
    _investments(app, tmp_path)
    import_sources(app, [("oece-ocds", MERGE)])
    before = [
        (a.id, a.supplier, a.award_amount) for a in _awards(app, "ocds-dgv273-seacev3-1132181")
    ]

    [again] = import_sources(app, [("oece-ocds", MERGE)])
    import_sources(app, [("oece-ocds", RECORDS)])
    [third] = import_sources(app, [("oece-ocds", MERGE)])  # re-read: another file came between

    assert again.status == "unchanged"
    assert (third.status, third.changes) == ("imported", 0)
    after = [(a.supplier, a.award_amount) for a in _awards(app, "ocds-dgv273-seacev3-1132181")]
    assert after == [(s, v) for _, s, v in before]
    assert len(_processes(app)) == 2


def test_a_cut_off_file_is_rejected_whole_and_the_last_contracts_stay(app, tmp_path):
    _investments(app, tmp_path)
    import_sources(app, [("oece-ocds", MERGE)])
    cut = tmp_path / "cut.json"
    cut.write_bytes(CONSORTIUM.read_bytes()[:60_000])

    [result] = import_sources(app, [("oece-ocds", cut)])

    assert result.status == "rejected"
    assert "cut off" in result.error and "previous contracts are kept" in result.error
    assert set(_processes(app)) == {"ocds-dgv273-seacev3-1132181"}


def test_json_that_is_not_ocds_or_not_oece_is_rejected_whole(app, tmp_path):
    _investments(app, tmp_path)
    not_ocds = tmp_path / "not.json"
    not_ocds.write_text(json.dumps({"data": [{"cui": "2480499"}]}))
    other = json.loads(MERGE.read_text())
    other["publisher"]["name"] = "Dirección Nacional de Contrataciones Públicas"
    for release in other["releases"]:
        release["ocid"] = release["ocid"].replace("ocds-dgv273-", "ocds-03ad3f-")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(other))
    del other["publisher"]
    unnamed = tmp_path / "unnamed.json"
    unnamed.write_text(json.dumps(other))

    results = import_sources(app, [("oece-ocds", p) for p in (not_ocds, foreign, unnamed)])

    assert [r.status for r in results] == ["rejected"] * 3
    assert "not an OCDS release or record package" in results[0].error
    assert "not by OECE" in results[1].error
    assert "of another publisher" in results[2].error
    assert _processes(app) == {}


def test_the_status_page_counts_the_processes_of_an_import(app, client, tmp_path):
    _investments(app, tmp_path)
    folder = tmp_path / "oece"
    folder.mkdir()
    for path in (MERGE, NO_CUI, TEXT_ONLY):
        shutil.copy(path, folder)
    import_sources(app, [("oece-ocds", folder)])

    page = client.get("/estado").get_data(as_text=True)

    assert "OECE, Contrataciones Abiertas (OCDS)" in page
    assert "1 por un CUI hallado en el texto; 1 procesos sin CUI" in page


def test_releases_of_one_process_scattered_across_files_are_merged_together(app, tmp_path):
    _investments(app, tmp_path)
    package = json.loads(MERGE.read_text())
    releases = sorted(package["releases"], key=lambda r: r["date"])
    folder = tmp_path / "scattered"
    folder.mkdir()
    # The award-bearing releases in one file, the early ones in another, a third process between.
    (folder / "a.json").write_text(json.dumps(package | {"releases": releases[:5]}))
    shutil.copy(NO_CUI, folder / "b.json")
    (folder / "c.json").write_text(json.dumps(package | {"releases": releases[5:]}))

    [result] = import_sources(app, [("oece-ocds", folder)])

    assert (result.rows_read, result.rows_imported, result.rows_unlinked) == (2, 1, 1)
    awards = _awards(app, "ocds-dgv273-seacev3-1132181")
    assert len({a.award_id for a in awards}) == 2  # the process merged from both files
