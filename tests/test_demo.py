import csv
import hashlib
from pathlib import Path

import pytest

from portal.demo import write_demo_data
from portal.importer.xlsx import open_xlsx_table
from portal.places import load_places

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "samples"
INFOBRAS = "DataSet-Obras-Publicas 23-11-2026.xlsx"
MEF_FILES = [
    "DETALLE_INVERSIONES.csv",
    "CIERRE_INVERSIONES.csv",
    "FORMATO_12B.csv",
    "ESTADO_SITUACIONAL.csv",
    "2023-Seguimiento-PI.csv",
    "2024-Seguimiento-PI.csv",
    "2025-Seguimiento-PI.csv",
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
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_two_runs_write_identical_bytes(tmp_path):
    first = write_demo_data(tmp_path / "a")
    write_demo_data(tmp_path / "b")
    assert len(first) == 9
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_another_seed_gives_another_data_set(tmp_path, demo):
    write_demo_data(tmp_path, seed=7)
    assert digests(tmp_path) != digests(demo)


@pytest.mark.parametrize("name", [*MEF_FILES, "presupuesto_participativo.csv"])
def test_csv_headers_are_the_published_ones(demo, name):
    assert csv_header(demo / name) == csv_header(SAMPLES / name)


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
    for year in (2023, 2024, 2025):
        rows = read_csv(demo / f"{year}-Seguimiento-PI.csv")
        referenced[str(year)] = {r["PRODUCTO_PROYECTO"] for r in rows}
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


def test_budgets_add_up(demo):
    for year in (2023, 2024, 2025):
        for r in read_csv(demo / f"{year}-Seguimiento-PI.csv"):
            pim, cert, comp, dev, paid = (
                float(r[k])
                for k in (
                    "MONTO_PIM",
                    "MONTO_CERTIFICADO",
                    "MONTO_COMPROMETIDO_ANUAL",
                    "MONTO_DEVENGADO",
                    "MONTO_GIRADO",
                )
            )
            assert pim >= cert >= comp >= dev >= paid, r
    units = {r["EJECUTORA_NOMBRE"] for r in read_csv(demo / "2025-Seguimiento-PI.csv")}
    assert "REGION CAJAMARCA-SEDE CENTRAL" in units
    assert any(u.startswith("MUNICIPALIDAD ") for u in units)
