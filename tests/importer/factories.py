"""Tiny source files in the published layouts, written by tests (no shared state)."""

from __future__ import annotations

import csv
from pathlib import Path

from portal.demo.names import DETALLE_HEADER, SEGUIMIENTO_HEADER

CAJAMARCA_ROW = {
    "NIVEL": "GR",
    "SECTOR": "GOBIERNOS REGIONALES",
    "ENTIDAD": "GOBIERNO REGIONAL DEL DEPARTAMENTO DE CAJAMARCA",
    "NOMBRE_UEP": "REGION CAJAMARCA-SUB REGION CHOTA",
    "SEC_EJEC": "878",
    "ESTADO": "ACTIVO",
    "SITUACION": "VIABLE",
    "MONTO_VIABLE": "1000000.0",
    "COSTO_ACTUALIZADO": "1200000.5",
    "FECHA_REGISTRO": "2021-03-04 10:11:12",
    "FUNCION": "SANEAMIENTO",
    "TIPO_INVERSION": "PROYECTO DE INVERSION",
    "PRIMER_DEVENGADO": "202201",
    "ULTIMO_DEVENGADO": "202609",
    "DEVEN_ACUMUL_ANIO_ANT": "300000.0",
    "DEV_ANIO_ACTUAL": "100000.25",
    "PIM_ANIO_ACTUAL": "400000.0",
    "AVANCE_FISICO": "35.5",
    "TIENE_F12B": "SI",
    "DEPARTAMENTO": "CAJAMARCA",
    "PROVINCIA": "CHOTA",
    "DISTRITO": "CHOTA",
    "UBIGEO": "60401",
    "LATITUD": "-6.56",
    "LONGITUD": "-78.65",
}


def detalle_row(cui: str, name: str | None = None, **fields: str) -> dict[str, str]:
    row = dict(CAJAMARCA_ROW, CODIGO_UNICO=cui, NOMBRE_INVERSION=name or f"OBRA DE PRUEBA {cui}")
    row.update(fields)
    return row


def write_detalle(
    path: Path,
    rows: list[dict[str, str]],
    header=DETALLE_HEADER,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> Path:
    """A DETALLE_INVERSIONES.csv as MEF publishes it: every field quoted, CRLF."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def write_seguimiento(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(SEGUIMIENTO_HEADER)
        for row in rows:
            writer.writerow([row.get(column, "") for column in SEGUIMIENTO_HEADER])
    return path


def many_rows(count: int, start: int = 2300000) -> list[dict[str, str]]:
    return [detalle_row(str(start + i)) for i in range(count)]
