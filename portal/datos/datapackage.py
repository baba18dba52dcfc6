"""``datapackage.json``: each version's files described as a Frictionless Data Package (v1).

Written with plain code from the column declarations (``portal.datos.columns``); the tests check
it with the ``frictionless`` library. Codes (CUI, SNIP, ubigeo, SEC_EJEC) are strings, so a
reader that follows the schema keeps "061306" as it is; amounts are numbers in soles, dates are
dates. Descriptions are in Spanish, as are the column names.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask_babel import force_locale

from portal.datos.columns import (
    CYCLE_COLUMNS,
    GAPS_COLUMNS,
    INVESTMENT_COLUMNS,
    YEARLY_COLUMNS,
    Column,
)

#: Our column kinds → Table Schema field types.
FIELD_TYPES = {
    "texto": "string",
    "entero": "integer",
    "decimal": "number",
    "fecha": "date",
    "fecha_hora": "datetime",
}
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Atribución 4.0 Internacional",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.es",
}
SOURCES = (
    {
        "title": "Ministerio de Economía y Finanzas: Banco de Inversiones (Invierte.pe), "
        "inversiones y cierres",
        "path": "https://datosabiertos.mef.gob.pe",
    },
    {
        "title": "Ministerio de Economía y Finanzas: seguimiento de la ejecución presupuestal "
        "y Formato 12-B",
        "path": "https://ofi5.mef.gob.pe/invierte/",
    },
    {
        "title": "Contraloría General de la República: INFObras",
        "path": "https://infobras.contraloria.gob.pe/InfobrasWeb/",
    },
    {"title": "Listas del presupuesto participativo publicadas por el Gobierno Regional"},
    {
        "title": "INEI y PNUD: superficie, densidad de población 2020, pobreza e índice de "
        "desarrollo humano por distrito (lista «ubigeo-peru-aumentado», licencia MIT)",
        "path": "https://github.com/jmcastagnetto/ubigeo-peru-aumentado",
    },
)
#: The CSV files of a version with their columns; the dictionary describes the other two.
DICTIONARY_COLUMNS = (
    Column("archivo", "texto", "", "Archivo descrito."),
    Column("columna", "texto", "", "Nombre de la columna."),
    Column("tipo", "texto", "", "Tipo: texto, entero, decimal, fecha o fecha_hora."),
    Column("descripcion", "texto", "", "Qué contiene la columna."),
    Column("unidad", "texto", "", "Unidad de las cifras, si la tienen."),
)
TABLES = (
    ("inversiones", "inversiones.csv", "Todas las inversiones, una fila por CUI.",
     INVESTMENT_COLUMNS, ["cui"]),
    ("ejecucion_anual", "ejecucion_anual.csv",
     "Ejecución presupuestal por inversión, año y unidad ejecutora.", YEARLY_COLUMNS, None),
    ("ciclo", "ciclo.csv",
     "Por unidad ejecutora: inversiones en cada etapa del ciclo, obras terminadas pendientes de "
     "cierre y mediana de días de cada paso (como en /ciclo).", CYCLE_COLUMNS, ["sec_ejec"]),
    ("brechas", "brechas.csv",
     "Por distrito: población, pobreza, IDH, inversión e inversión por habitante (como en "
     "/brechas).", GAPS_COLUMNS, ["ubigeo"]),
    ("diccionario", "diccionario.csv", "Diccionario de datos de los archivos.",
     DICTIONARY_COLUMNS, None),
)  # fmt: skip


def field(column: Column) -> dict:
    described = {
        "name": column.name,
        "type": FIELD_TYPES[column.kind],
        "description": str(column.description),
    }
    if column.kind == "fecha":
        described["format"] = "%Y-%m-%d"
    if column.kind == "decimal":
        described["decimalChar"] = "."
        described["bareNumber"] = True
    if column.unit:
        described["unit"] = column.unit  # a custom property: Table Schema has none for units
    if column.name in ("cui", "ubigeo", "sec_ejec"):
        described["constraints"] = {"pattern": r"\d+"}
    return described


def schema(columns, primary_key: list[str] | None) -> dict:
    described = {"fields": [field(c) for c in columns], "missingValues": [""]}
    if primary_key:
        described["primaryKey"] = primary_key
    return described


def write_datapackage(
    path: Path,
    *,
    version: str,
    published: dt.datetime,
    files: dict[str, tuple[int, str]],
    title: str,
    homepage: str,
    publisher: str,
) -> None:
    """Write ``datapackage.json`` beside the CSVs; ``files``: name → (bytes, SHA-256)."""
    with force_locale("es"):
        resources = [
            {
                "name": name,
                "path": filename,
                "profile": "tabular-data-resource",
                "title": filename,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "bytes": files[filename][0],
                "hash": f"sha256:{files[filename][1]}",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "schema": schema(columns, key),
            }
            for name, filename, description, columns, key in TABLES
        ]
    package = {
        "profile": "tabular-data-package",
        "name": "vigia-" + version.replace(".", "-v"),
        "title": title,
        "description": (
            "Inversiones públicas y su ejecución, compiladas por Vigía de los registros públicos "
            "del MEF y de la Contraloría. Esta versión no cambia nunca: otra importación publica "
            "otra versión. Montos en soles (PEN), fechas AAAA-MM-DD, códigos como texto."
        ),
        "version": version,
        "created": published.isoformat(timespec="seconds"),
        "homepage": homepage,
        "licenses": [LICENSE],
        "sources": list(SOURCES),
        "contributors": [{"title": publisher, "role": "publisher", "path": homepage}],
        "keywords": ["inversión pública", "Invierte.pe", "Perú", "OC4IDS"],
        "resources": resources,
    }
    path.write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
