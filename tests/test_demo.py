import csv
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from portal.demo import write_demo_data
from portal.importer.xlsx import open_xlsx_table
from portal.places import load_places
from tests.conftest import demo_requests, import_sources

#: The publishers' layouts, kept in the repository (see its README).
PUBLISHED = Path(__file__).resolve().parent / "fixtures" / "published"
INFOBRAS = "DataSet-Obras-Publicas 23-11-2026.xlsx"
SEGUIMIENTO = "2026-Seguimiento-PI.csv"
MEF_FILES = [
    "DETALLE_INVERSIONES.csv",
    "CIERRE_INVERSIONES.csv",
    "FORMATO_12B.csv",
    "ESTADO_SITUACIONAL.csv",
    SEGUIMIENTO,
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("demo")
    write_demo_data(outdir)
    return outdir


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_header(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def infobras_rows(path):
    """The header and the works (by column name; a repeated name keeps its first column)."""
    with open_xlsx_table(path, ["Código INFOBRAS"]) as table:
        header = table.header
        works = [dict(zip(header[::-1], row[::-1], strict=True)) for _, row in table.rows()]
    return header, works


def digests(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_two_runs_write_identical_bytes(tmp_path):
    first = write_demo_data(tmp_path / "a")
    write_demo_data(tmp_path / "b")
    assert len(first) == 8
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_another_seed_gives_another_data_set(tmp_path, demo):
    write_demo_data(tmp_path, seed=7)
    assert digests(tmp_path) != digests(demo)


@pytest.mark.parametrize("name", [*MEF_FILES, "presupuesto_participativo.csv"])
def test_csv_headers_are_the_published_ones(demo, name):
    assert csv_header(demo / name) == csv_header(PUBLISHED / name)


def test_mef_files_are_bom_quoted_crlf(demo):
    for name in MEF_FILES:
        raw = (demo / name).read_bytes()
        assert raw.startswith(b'\xef\xbb\xbf"'), name
        assert raw.count(b"\r\n") >= 2 and b'"\r\n"' in raw, name


def test_participatory_budget_is_plain_utf8_with_padded_ubigeo(demo):
    raw = (demo / "presupuesto_participativo.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(demo / "presupuesto_participativo.csv")
    assert 60 <= len(rows) <= 80
    assert {r["anio"] for r in rows} == {"2023", "2024", "2025", "2026"}
    assert all(len(r["ubigeo"]) == 6 and r["ubigeo"].startswith("06") for r in rows)
    assert any(r["comite_vigilancia"].startswith("Comité de Vigilancia PP ") for r in rows)


def test_detalle_carries_the_real_quirks(demo):
    raw = (demo / "DETALLE_INVERSIONES.csv").read_text(encoding="utf-8-sig")
    rows = read_csv(demo / "DETALLE_INVERSIONES.csv")
    assert any("\n" in r["NOMBRE_INVERSION"] for r in rows)  # a line break inside quotes
    assert '"60' in raw and '"060' not in raw  # ubigeo published as a number
    assert any(r["LATITUD"] == "" for r in rows)
    assert sum(r["LATITUD"] == "0" and r["LONGITUD"] == "0" for r in rows) >= 2
    assert any(r["LATITUD"] and float(r["LATITUD"]) < -70 for r in rows)  # swapped
    assert any(r["AVANCE_FISICO"] and float(r["AVANCE_FISICO"]) > 100 for r in rows)
    assert any(r["MONTO_VIABLE"].endswith(".0") for r in rows)


def test_detalle_has_400_cajamarca_rows_and_a_dozen_from_elsewhere(demo):
    rows = read_csv(demo / "DETALLE_INVERSIONES.csv")
    home = [r for r in rows if r["UBIGEO"].zfill(6).startswith("06")]
    assert len(home) == 400 and len(rows) - len(home) == 12
    districts = {p.ubigeo for p in load_places() if p.level == "distrito"}
    assert {r["UBIGEO"].zfill(6) for r in home} <= districts


def test_cuis_are_unique_and_shared_across_files(demo):
    active = [r["CODIGO_UNICO"] for r in read_csv(demo / "DETALLE_INVERSIONES.csv")]
    closed = [r["CODIGO_UNICO"] for r in read_csv(demo / "CIERRE_INVERSIONES.csv")]
    known = set(active) | set(closed)
    assert len(known) == len(active) + len(closed)
    assert all(len(c) == 7 and c.startswith("21") for c in known)
    _, works = infobras_rows(demo / INFOBRAS)
    referenced = {
        "F12B": {r["CODIGO_UNICO"] for r in read_csv(demo / "FORMATO_12B.csv")},
        "estado": {r["CODIGO_UNICO"] for r in read_csv(demo / "ESTADO_SITUACIONAL.csv")},
        "INFObras": {row["Codigo unico de inversión"] for row in works},
        "PP": {r["cui"] for r in read_csv(demo / "presupuesto_participativo.csv")},
    }
    referenced["Seguimiento-PI"] = {r["PRODUCTO_PROYECTO"] for r in read_csv(demo / SEGUIMIENTO)}
    for source, cuis in referenced.items():
        assert cuis and cuis <= known, source


def test_every_stage_is_there_to_show(demo):
    _, works = infobras_rows(demo / INFOBRAS)
    assert {row["Estado de ejecución"] for row in works} == {
        "En Ejecución",
        "Paralizada",
        "Finalizado",
        "Sin Ejecución",
    }
    assert {row["Existe Paralización"] for row in works} == {"Si", "No"}
    stalled = [row for row in works if row["Existe Paralización"] == "Si"]
    assert all(row["Causal de paralización"] for row in stalled)  # a stall names its cause
    estado = read_csv(demo / "ESTADO_SITUACIONAL.csv")
    assert any(r["DESCRIPCION"].startswith("OBRA PARALIZADA. ") for r in estado)
    detalle = read_csv(demo / "DETALLE_INVERSIONES.csv")
    assert any(r["AVANCE_FISICO"] == "" for r in detalle)  # not started
    ahead = [
        r
        for r in detalle
        if r["AVANCE_FISICO"] and float(r["AVANCE_EJECUCION"]) - float(r["AVANCE_FISICO"]) > 40
    ]
    assert len(ahead) >= 5  # spending far ahead of the works


def test_seguimiento_is_one_file_of_many_years_split_by_source_of_funds(demo):
    rows = read_csv(demo / SEGUIMIENTO)
    assert {r["ANO_EJE"] for r in rows} == {"2023", "2024", "2025", "2026"}
    parts = Counter((r["PRODUCTO_PROYECTO"], r["ANO_EJE"], r["SEC_EJEC"]) for r in rows)
    assert set(parts.values()) == {1, 2, 3}
    assert {r["RUBRO_NOMBRE"] for r in rows} >= {
        "RECURSOS ORDINARIOS",
        "DONACIONES Y TRANSFERENCIAS",
    }
    local = [r for r in rows if r["NIVEL_GOBIERNO"] == "M"]
    assert local and {(r["SECTOR"], r["PLIEGO"]) for r in local} == {(" ", " ")}
    assert {r["DEPARTAMENTO_META"] for r in rows} >= {"6", "15"}  # Cajamarca, Lima: as numbers
    units = {r["EJECUTORA_NOMBRE"] for r in rows if r["ANO_EJE"] == "2025"}
    assert "REGION CAJAMARCA-SEDE CENTRAL" in units
    assert any(u.startswith("MUNICIPALIDAD ") for u in units)


def test_this_years_seguimiento_rows_add_up_to_the_cent_to_the_bank_record(demo):
    spent = defaultdict(Decimal)
    for r in read_csv(demo / SEGUIMIENTO):
        if r["ANO_EJE"] == "2026":
            spent[r["PRODUCTO_PROYECTO"]] += Decimal(r["MONTO_DEVENGADO_ANO_EJE"])
    detalle = {r["CODIGO_UNICO"]: r for r in read_csv(demo / "DETALLE_INVERSIONES.csv")}
    assert len(spent) > 100
    for cui, total in spent.items():
        assert total == Decimal(detalle[cui]["DEV_ANIO_ACTUAL"]), cui


def test_control_awards_and_bonds_are_amounts(demo):
    for name, column in (
        ("DETALLE_INVERSIONES.csv", "CTRL_CONCURR"),
        ("CIERRE_INVERSIONES.csv", "CONTROL_CONCURR"),
    ):
        rows = read_csv(demo / name)
        amounts = [Decimal(r[column]) for r in rows]
        assert any(amounts) and all(a >= 0 for a in amounts), column
    detalle = read_csv(demo / "DETALLE_INVERSIONES.csv")
    assert any(Decimal(r["MONTO_LAUDO"]) for r in detalle)
    assert any(Decimal(r["MONTO_FIANZA"]) for r in detalle)


def test_the_demo_imports_with_no_rejected_row_and_no_blanked_value(app, demo):
    requests = demo_requests(demo)

    results = import_sources(app, requests)

    summary = {r.name: (r.status, r.rows_rejected, r.values_blanked) for r in results}
    assert summary == {name: ("imported", 0, {}) for name, _ in requests}
