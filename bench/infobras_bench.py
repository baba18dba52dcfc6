"""How fast and how small the national INFObras export reads, next to the alternatives.

    .venv/bin/python bench/infobras_bench.py [--rows 191000] [--openpyxl-rows 20000] [--keep]
                                             [--workbook PATH]

Writes a national-size DataSet-Obras-Publicas workbook in the published form (2026 layout, 97
columns, inline strings, x: prefixes, no cell references; deterministic, streamed to disk), then
measures, each in its own process so peak memory is its own (ru_maxrss):

- baseline: xml.etree.ElementTree.iterparse over the sheet that only visits rows (the bar the
  issue sets: our reader may take at most 1.5 times as long);
- reader: portal.importer.xlsx, every cell of every row as text;
- import-read: the reader plus the INFObras row parser for one region (Cajamarca), i.e. the
  read and validate steps of ``portal import`` without the database;
- openpyxl: openpyxl's read-only mode on the first --openpyxl-rows rows only (the whole file
  takes too long on a shared machine).

CPU seconds are printed next to wall seconds because the machine is shared: wall time grows with
other people's load, CPU time much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.demo.infobras import by_position, header_2026, soles, write_workbook  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"
ROW_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"
DEPARTMENTS = (
    "AMAZONAS ANCASH APURIMAC AREQUIPA AYACUCHO CAJAMARCA CALLAO CUSCO HUANCAVELICA HUANUCO ICA "
    "JUNIN LA_LIBERTAD LAMBAYEQUE LIMA LORETO MADRE_DE_DIOS MOQUEGUA PASCO PIURA PUNO SAN_MARTIN "
    "TACNA TUMBES UCAYALI"
).split()
def national_rows(count: int, seed: int = 2026):
    """`count` works over the 25 departments, ~3.3 KB of sheet XML each like the real ones."""
    header = header_2026()
    rng = random.Random(seed)
    statuses = ("En Ejecución", "En Ejecución", "Finalizado", "Paralizada", "Sin Ejecución")
    start = dt.date(2018, 1, 1)
    for n in range(count):
        department = DEPARTMENTS[n % len(DEPARTMENTS)].replace("_", " ")
        contract = rng.uniform(2e5, 5e7)
        status = statuses[n % len(statuses)]
        began = start + dt.timedelta(days=rng.randrange(3000))
        stalled = status == "Paralizada"
        values = {
            "codigo Entidad": f"{rng.randrange(100, 9999):04d}",
            "Entidad Pública": f"MUNICIPALIDAD DISTRITAL DE {department} {n % 97}",
            "Código INFOBRAS": str(100000 + n),
            "Nombre de obra": f"MEJORAMIENTO DE LAS CALLES DEL CENTRO POBLADO {n}, {department}",
            "Modalidad de ejecución de la obra": "Contrata",
            "¿Corresponde a un saldo de Obra?": "No",
            "Naturaleza de la obra": "Mejoramiento",
            "Tipo de obra - Clasificador Nivel 1": "Transporte",
            "Tipo de obra - Clasificador Nivel 2": "Vías Urbanas",
            "Estado de ejecución": status,
            "Marca Reconstrucción con Cambios (Si/No)": "No",
            "Marca Reactivación Economicas (Si/No)": "No",
            "N° Informes de Monitores Ciudadanos": "0",
            "N° Denuncias vinculadas": "0",
            "N° Informes de control": str(n % 3),
            "N° Comentarios ciudadanos": "0",
            "¿Es una obra de carácter reservado?": "No",
            "Nivel de gobierno": "Gobierno Local",
            "Sector de la Entidad": "GOBIERNOS LOCALES",
            "Codigo unico de inversión": str(2000000 + n),
            "Nombre proyecto": f"MEJORAMIENTO DE LAS CALLES DEL CENTRO POBLADO {n}",
            "Estado del proyecto": "Activo",
            "Tipo Formato": "Formato 08",
            "Monto Viable/Aprobado": soles(contract * 1.1),
            "Costo Actualizado de la inversión": soles(contract * 1.2),
            "Departamento": department,
            "Provincia": department,
            "Distrito": f"DISTRITO {n % 1874}",
            "Dirección o información de referencia": "PLAZA PRINCIPAL",
            "Tipo de ubicación (exacta/referencial)": "Referencial",
            "Moneda": "Soles",
            "Tasa de cambio": "1",
            "Costo de obra en soles según ET en soles": soles(contract * 1.05),
            "RUC (Ejecución)": str(20100000000 + n),
            "Nombre o razón social de la empresa o consorcio": ["CONSORCIO VIAL DEL NORTE S.A.C."],
            "Monto del contrato  en soles": [soles(contract), soles(contract * 0.04)],
            "RUC (Supervisión)": str(20500000000 + n),
            "Nombre o razón social de la empresa o consorcio:": "SUPERVISORES ANDINOS S.A.C.",
            "Fecha de inicio de obra": began.strftime("%d/%m/%Y"),
            "Fecha finalización programada de obra": (began + dt.timedelta(days=365)).strftime(
                "%d/%m/%Y"
            ),
            "Plazo de ejecución (en dias)": "365",
            "Año de avance": "2026",
            "Mes de avance": str(1 + n % 11),
            "Fecha de registro de avance": "21/11/2026",
            "Avance Físico Programado Acumulado (%)": soles(rng.uniform(0, 100)),
            "Avance Físico Real Acumulado (%)": soles(rng.uniform(0, 100)),
            "Monto de valorización Programado Acumulado": soles(contract * 0.5),
            "Monto de valorización Ejecutado Acumulado": soles(contract * 0.4),
            "Porcentaje de ejecución financiera": soles(rng.uniform(0, 100)),
            "Causal de paralización": "Resolución de contrato" if stalled else "",
            "Fecha de paralización": "02/09/2026" if stalled else "",
            "Número de dias paralizado": "80" if stalled else "0",
            "Existe Paralización": "Si" if stalled else "No",
            "¿Tiene recepción total?": "No",
            "Costo de la obra en soles": soles(contract * 1.03),
            "Año de primer devengado": str(began.year),
            "Monto Total devengado del proyecto": soles(contract * 0.45),
        }
        yield by_position(header, values)


def generate(path: Path, rows: int) -> Path:
    return write_workbook(path, header_2026(), national_rows(rows))


# --- the contenders, each run in a child process -----------------------------------------------


def run_baseline(path: str) -> int:
    from xml.etree.ElementTree import iterparse

    count = 0
    with zipfile.ZipFile(path) as archive, archive.open(SHEET) as sheet:
        for _event, element in iterparse(sheet):
            if element.tag == ROW_TAG:
                count += 1
                element.clear()
    return count


def run_reader(path: str) -> int:
    from portal.importer.sources.infobras import HEADER_MARKERS
    from portal.importer.xlsx import open_xlsx_table

    count = 0
    with open_xlsx_table(path, HEADER_MARKERS) as table:
        for _line, _values in table.rows():
            count += 1
    return count


def run_import_read(path: str) -> int:
    """The read and validate steps of an import for one region (Cajamarca), without a database."""
    from portal.importer.reading import map_columns
    from portal.importer.sources import ImportContext, Row, RowLayout
    from portal.importer.sources.infobras import HEADER_MARKERS, SOURCE
    from portal.importer.xlsx import open_xlsx_table

    context = ImportContext("06", "CAJAMARCA", frozenset(), dt.date(2026, 12, 1))
    kept = 0
    with open_xlsx_table(path, HEADER_MARKERS) as table:
        found = map_columns(table.header, SOURCE.columns, SOURCE.required)
        layout = RowLayout(
            index={name: found.get(name, -1) for name in SOURCE.columns},
            names={name: aliases[0] for name, aliases in SOURCE.columns.items()},
            required=SOURCE.required,
        )
        for _line, values in table.rows():
            values.append("")
            kept += bool(SOURCE.parse_row(Row(values, layout), context))
    return kept


def run_openpyxl(path: str, limit: int) -> int:
    import openpyxl

    with open(path, "rb") as handle:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        count = 0
        for _row in workbook.worksheets[0].iter_rows(values_only=True):
            count += 1
            if count >= limit:
                break
        workbook.close()
    return count


def measure(kind: str, path: str, limit: int) -> dict:
    """Time and CPU of the run itself (not of starting Python); peak memory of the process."""
    if kind == "openpyxl":
        import openpyxl  # noqa: F401
    elif kind != "baseline":
        import portal.importer.sources.infobras  # noqa: F401  (sqlalchemy models and all)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if kind == "openpyxl":
        count = run_openpyxl(path, limit)
    else:
        count = {"baseline": run_baseline, "reader": run_reader, "import-read": run_import_read}[
            kind
        ](path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "kind": kind,
        "rows": count,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def in_child(kind: str, path: Path, limit: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path), "--openpyxl-rows", str(limit)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=191_000)
    parser.add_argument("--openpyxl-rows", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated workbook")
    parser.add_argument("--workbook", help="measure this workbook instead of writing one")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure, args.openpyxl_rows)))
        return
    if args.workbook:
        path, folder = Path(args.workbook), None
    else:
        folder = Path(tempfile.mkdtemp(prefix="infobras-bench-"))
        path = folder / "DataSet-Obras-Publicas 30-11-2026.xlsx"
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"written in {time.perf_counter() - started:.0f} s")
    with zipfile.ZipFile(path) as archive:
        xml_mb = archive.getinfo(SHEET).file_size / 2**20
    print(
        f"workbook: {args.rows} rows x {len(header_2026())} columns, "
        f"{path.stat().st_size / 2**20:.0f} MB zipped, {xml_mb:.0f} MB of sheet XML"
    )
    print(f"{'':12} {'rows':>7} {'wall s':>7} {'CPU s':>7} {'x base CPU':>10} {'peak RSS MB':>11}")
    base = None
    for kind in ("baseline", "reader", "import-read", "openpyxl"):
        result = in_child(kind, path, args.openpyxl_rows)
        base = base or result
        # openpyxl stops after its first rows; its ratio is of that part, not of the whole file.
        note = " (first rows only)" if kind == "openpyxl" else ""
        print(
            f"{kind:12} {result['rows']:>7} {result['wall_s']:>7.1f} {result['cpu_s']:>7.1f} "
            f"{result['cpu_s'] / base['cpu_s']:>10.2f} {result['peak_rss_mb']:>11}{note}",
            flush=True,
        )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if folder is None:
        return
    if args.keep:
        print(f"kept: {path}")
    else:
        path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
