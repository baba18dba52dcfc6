"""The demo's INFObras workbook, written the way the Contraloría writes it.

The published export is not what a spreadsheet library writes: one sheet, title rows above the
header, every cell an inline string (numbers and dates too), every tag with an ``x:`` prefix,
no ``r=`` cell references and the empty cells written out. Writing that form here means the
demo, the tests and the benchmark all go through the reader the real file needs. The columns are
the 2025 layout of 113 (tests/fixtures/published/infobras_2025_113.json), repeated names filled
by position: contractor first, then supervisor.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from portal.demo import names

if TYPE_CHECKING:
    from portal.demo.model import Investment

TITLE = (
    "CONTRALORÍA GENERAL DE LA REPÚBLICA",
    "INFOBRAS - Sistema Nacional de Información de Obras Públicas",
    "DataSet de Obras Públicas",
)
HEADER_2025 = [
    "codigo Entidad",
    "Entidad Pública",
    "Código INFOBRAS",
    "Nombre de obra",
    "Modalidad de ejecución de la obra",
    "¿Corresponde a un saldo de Obra?",
    "Código INFOBRAS de obra inicial",
    "Naturaleza de la obra",
    "Tipo de obra - Clasificador Nivel 1",
    "Tipo de obra - Clasificador Nivel 2",
    "Tipo de obra - Clasificador Nivel 3",
    "Estado de ejecución",
    "Marca Reconstrucción con Cambios (Si/No)",
    "Marca Reactivación Economicas (Si/No)",
    "Otra Marca",
    "N° Informes de Monitores Ciudadanos",
    "N° Denuncias vinculadas",
    "N° Informes de control",
    "N° Comentarios ciudadanos",
    "¿Es una obra de carácter reservado?",
    "Nivel de gobierno",
    "Sector de la Entidad",
    "Codigo unico de inversión",
    "Código SNIP",
    "Nombre proyecto",
    "Estado del proyecto",
    "Tipo Formato",
    "Monto Viable/Aprobado",
    "Fecha de aprobación",
    "Monto Viable actualizado",
    "Fecha de actualización",
    "N° obras relacionadas al proyecto",
    "Departamento",
    "Provincia",
    "Distrito",
    "Dirección o información de referencia",
    "Tipo de ubicación (exacta/referencial)",
    "Fecha de aprobación del expediente",
    "Monto de aprobación de expediente técnico",
    "Moneda",
    "Tasa de cambio",
    "Monto aprobado en soles",
    "Documento de aprobación de expediente",
    "RUC",
    "Nombre o razón social de la empresa o consorcio",
    "Monto del contrato  en soles",
    "RUC",
    "Nombre o razón social de la empresa o consorcio:",
    "Monto del contrato  en soles",
    "Tipo de documento de identidad",
    "Número de documento",
    "Nombres Apellidos",
    "Colegiatura",
    "Número de colegiatura",
    "Fecha inicio supervision",
    "Fecha fin supervision",
    "Tipo de documento de identidad",
    "Número de documento",
    "Nombres Apellidos",
    "Colegiatura",
    "Número de colegiatura",
    "Fecha inicio de labores",
    "Fecha fin  de labores",
    "Fecha de inicio de obra",
    "Fecha finalización programada de obra",
    "Plazo de ejecución (en dias)",
    "Tipo de entrega",
    "Porcentaje de terreno entregado",
    "Fecha de entrega del terreno",
    "Año de avance",
    "Mes de avance",
    "Fecha de registro de avance",
    "Avance Físico Programado Acumulado (%)",
    "Avance Físico Real Acumulado (%)",
    "Monto de valorización Programado Acumulado",
    "Monto de valorización Ejecutado Acumulado",
    "Porcentaje de ejecución financiera",
    "Monto de ejecución financiera de la obra",
    "Causal de paralización",
    "Fecha de paralización",
    "Número de dias paralizado",
    "Comentarios",
    "Estado de actualización de registro de avance",
    "Existe Paralización",
    "Tipo de certificado de inversión pública",
    "Número del CIPRIL /CIPGN",
    "Fecha del CIPRIL / CIPGN",
    "Monto CIPRIL / CIPGN",
    "N° de modificaciones",
    "N° días de modificaciones de plazo",
    "Nuevo Plazo de ejecución (en dias)",
    "Fecha finalización reprogramada de obra",
    "N° de controversias",
    "N° de adicionales de obra",
    "Monto de adicionales de obra en soles",
    "N° de adicionales de supervisión",
    "Monto de adicionales de supervisión en soles",
    "N° de deductivos de obra",
    "Monto de deductivos de obra en soles",
    "N° de deductivos de supervisión",
    "Monto de deductivos de supervisión en soles",
    "Fecha de finalización real",
    "Motivo en caso no se llegue al 100%",
    "¿Tiene recepción total?",
    "Fecha de recepción",
    "¿Tiene liquidación de obra?",
    "Fecha de aprobación de liquidación de obra",
    "Costo de la obra en soles",
    "¿Corresponde la transferencia  a otra entidad?",
    "Fecha de transferencia",
    "Tipo de entidad que recepciona la obra",
    "Año de primer devengado",
    "Monto Total devengado del proyecto",
]
_NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_PARTS = {
    "[Content_Types].xml": f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>',
    "_rels/.rels": f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'{_XML}<x:workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><x:sheets><x:sheet name="DataSet" sheetId="1" '
    'r:id="rId1"/></x:sheets></x:workbook>',
    "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>',
}
_SHEET = "xl/worksheets/sheet1.xml"
_ROWS_PER_WRITE = 500
DAY = "%d/%m/%Y"


def write_workbook(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    titles: Sequence[str] = TITLE,
    stamp: datetime = datetime(2026, 11, 23, 6, 0, 0),
) -> Path:
    """Write rows in the published form, streamed: a national-size sheet never sits in memory.

    Every zip entry carries `stamp`, so the same rows give the same bytes.
    """
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in _PARTS.items():
            archive.writestr(_entry(name, stamp), content)
        with archive.open(_entry(_SHEET, stamp), "w") as sheet:
            sheet.write(f"{_XML}<x:worksheet {_NS}><x:sheetData>".encode())
            sheet.write("".join(_row([title]) for title in titles).encode())
            sheet.write(_row(header).encode())
            batch = []
            for row in rows:
                batch.append(_row(row))
                if len(batch) == _ROWS_PER_WRITE:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write("".join(batch).encode())
            sheet.write(b"</x:sheetData></x:worksheet>")
    return path


def _entry(name: str, stamp: datetime) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _row(values: Sequence[str]) -> str:
    return "<x:row>" + "".join(map(_cell, values)) + "</x:row>"


def _cell(text: str) -> str:
    if not text:
        return "<x:c/>"
    return f'<x:c t="inlineStr"><x:is><x:t xml:space="preserve">{escape(text)}</x:t></x:is></x:c>'


def soles(amount: float) -> str:
    """INFObras writes 1205287.56 as `1205287 56`, percentages too."""
    cents = round(amount * 100)
    return f"{cents // 100} {cents % 100:02d}"


def by_position(header: Sequence[str], values: dict[str, str | list[str]]) -> list[str]:
    """A row in header order; a repeated name takes the next value of its list each time."""
    pending = {name: list(value) for name, value in values.items() if isinstance(value, list)}
    row = []
    for name in header:
        if name in pending:
            row.append(pending[name].pop(0) if pending[name] else "")
        else:
            row.append(str(values.get(name, "")))
    return row


def write_demo_infobras(
    path: Path, rng: random.Random, invs: Sequence[Investment], as_of: datetime, seed: int
) -> Path:
    """The demo's DataSet-Obras-Publicas workbook: one work per investment INFObras knows.

    `rng` is the demo's own stream and is drawn exactly as the earlier 29-column demo drew it
    (contract, work cost, contractor, supervisor), so the files written after this one keep
    their values; the columns added since come from a stream of their own.
    """
    extra = random.Random(f"infobras-{seed}")
    rows = [demo_work(rng, extra, n, inv, as_of) for n, inv in enumerate(invs)]
    return write_workbook(path, HEADER_2025, rows, stamp=as_of)


def demo_work(
    rng: random.Random, extra: random.Random, n: int, inv: Investment, as_of: datetime
) -> list[str]:
    """One public work in INFObras' own words: its statuses, dd/mm/yyyy, `1205287 56`."""
    by_contract = "CONTRATA" in inv.modality
    contract = inv.cost * rng.uniform(0.8, 0.95)
    work_cost = contract * rng.uniform(1.0, 1.12)
    contractor_ruc = f"20{rng.randint(100000000, 609999999)}" if by_contract else ""
    contractor = rng.choice(names.CONTRACTORS) if by_contract else ""
    supervised = by_contract and rng.random() < 0.7
    supervisor = rng.choice(names.SUPERVISORS) if supervised else ""
    supervision = contract * extra.uniform(0.03, 0.06)
    stage, where = inv.stage, inv.where
    status = {
        "ejecucion": "En Ejecución",
        "adelantada": "En Ejecución",
        "paralizada": "Paralizada",
        "expediente": "Sin Ejecución",
    }.get(stage, "Finalizado")
    if inv.start and inv.end and stage not in ("culminada", "cerrada"):
        planned = min(100.0, 100 * (as_of - inv.start) / (inv.end - inv.start))
    else:
        planned = 100.0 if inv.start else 0.0
    progress_day = as_of - timedelta(days=1)
    values: dict[str, str | list[str]] = {
        "codigo Entidad": f"{extra.randint(100, 9999):04d}",
        "Entidad Pública": inv.entity,
        "Código INFOBRAS": str(500000 + 13 * n),
        "Nombre de obra": " ".join(inv.name.split()),
        "Modalidad de ejecución de la obra": "Contrata"
        if by_contract
        else "Administración directa",
        "¿Corresponde a un saldo de Obra?": "No",
        "Naturaleza de la obra": inv.name.split()[0].title(),
        "Tipo de obra - Clasificador Nivel 1": inv.kind.tipo_obra,
        "Estado de ejecución": status,
        "Marca Reconstrucción con Cambios (Si/No)": "No",
        "Marca Reactivación Economicas (Si/No)": "No",
        "N° Informes de control": str(extra.choice((0, 0, 1, 2))),
        "¿Es una obra de carácter reservado?": "No",
        "Nivel de gobierno": "Gobierno Regional" if inv.gr else "Gobierno Local",
        "Sector de la Entidad": "GOBIERNOS REGIONALES" if inv.gr else "GOBIERNOS LOCALES",
        "Codigo unico de inversión": inv.cui,
        "Código SNIP": inv.snip or "",
        "Nombre proyecto": " ".join(inv.name.split()),
        "Estado del proyecto": "Activo",
        "Monto Viable/Aprobado": soles(inv.viable),
        "Monto Viable actualizado": soles(inv.cost),
        "Departamento": where.dep,
        "Provincia": where.prov,
        "Distrito": where.dist,
        "Tipo de ubicación (exacta/referencial)": "Referencial",
        "Moneda": "Soles",
        "Tasa de cambio": "1",
        "Monto aprobado en soles": soles(contract * extra.uniform(1.0, 1.12)),
        "RUC": [
            contractor_ruc,
            f"20{extra.randint(100000000, 609999999)}" if supervised else "",
        ],
        "Nombre o razón social de la empresa o consorcio": [contractor],
        "Nombre o razón social de la empresa o consorcio:": supervisor,
        "Monto del contrato  en soles": [
            soles(contract) if by_contract else "",
            soles(supervision) if supervised else "",
        ],
        "Fecha de inicio de obra": _day(inv.start),
        "Fecha finalización programada de obra": _day(inv.end),
        "Plazo de ejecución (en dias)": str((inv.end - inv.start).days)
        if inv.start and inv.end
        else "",
        "Año de avance": str(progress_day.year),
        "Mes de avance": str(progress_day.month),
        "Fecha de registro de avance": progress_day.strftime(DAY),
        "Avance Físico Programado Acumulado (%)": soles(planned),
        "Avance Físico Real Acumulado (%)": soles(inv.fisico or 0),
        "Causal de paralización": inv.cause if inv.stop else "",
        "Fecha de paralización": _day(inv.stop),
        "Número de dias paralizado": str((as_of - inv.stop).days) if inv.stop else "0",
        "Existe Paralización": "Si" if inv.stop else "No",
        "Fecha de finalización real": _day(inv.end) if status == "Finalizado" else "",
        "¿Tiene recepción total?": "Si" if status == "Finalizado" else "No",
        "Costo de la obra en soles": soles(work_cost),
        "Año de primer devengado": str(min(inv.dev)) if inv.dev else "",
        "Monto Total devengado del proyecto": soles(inv.total_dev) if inv.dev else "",
    }
    return by_position(HEADER_2025, values)


def _day(when: datetime | None) -> str:
    return when.strftime(DAY) if when else ""


DROPPED_2026 = {
    "Fecha de aprobación",
    "Fecha de actualización",
    "Tipo de certificado de inversión pública",
    "Número del CIPRIL /CIPGN",
    "Fecha del CIPRIL / CIPGN",
    "Monto CIPRIL / CIPGN",
    # Ten more went; the personal columns of resident and supervisor are assumed.
    "Tipo de documento de identidad",
    "Número de documento",
    "Nombres Apellidos",
    "Colegiatura",
    "Número de colegiatura",
}
RENAMED_2026 = {
    "Monto Viable actualizado": "Costo Actualizado de la inversión",
    "Monto de aprobación de expediente técnico": "Costo de obra según Expediente técnico",
    "Monto aprobado en soles": "Costo de obra en soles según ET en soles",
}


def header_2026() -> list[str]:
    """The 2026 export as reported (97 columns): dated and CIPRIL columns dropped, three amounts
    renamed, RUC split by contractor and supervisor. Which ten more columns went is not known; the
    resident's and supervisor's personal columns are assumed. Tests and the bench build it here."""
    header, rucs = [], iter(("RUC (Ejecución)", "RUC (Supervisión)"))
    for name in HEADER_2025:
        if name not in DROPPED_2026:
            header.append(next(rucs) if name == "RUC" else RENAMED_2026.get(name, name))
    return header
