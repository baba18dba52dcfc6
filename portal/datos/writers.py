"""Streamed CSV and XLSX writers: rows go from the cursor to the file, memory stays flat.

xlsxwriter is the one owner of XLSX writing here: in ``constant_memory`` mode it flushes each row
as it goes and is several times faster than openpyxl's write-only mode (docs/performance.md).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from portal.datos.columns import Column
from portal.spreadsheets import spreadsheet_text

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def write_csv(path: Path, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """UTF-8 with BOM (Excel reads the accents), ISO dates, a dot as decimal mark; rows written."""
    converters = [_csv_converter(c.kind) for c in columns]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns])
        batch = []
        for row in rows:
            batch.append([f(v) for f, v in zip(converters, row, strict=True)])
            if len(batch) == 2000:
                writer.writerows(batch)
                count += len(batch)
                batch.clear()
        writer.writerows(batch)
        count += len(batch)
    return count


def _csv_converter(kind: str):
    if kind == "texto":
        return lambda v: "" if v is None else spreadsheet_text(v)
    if kind == "fecha_hora":
        return lambda v: "" if v is None else _utc(v).isoformat()
    return lambda v: "" if v is None else str(v)  # numbers and dates: str() is exact and ISO


def write_xlsx(
    path: Path, columns: Sequence[Column], rows: Iterable[Sequence], sheet: str = "datos"
) -> int:
    """Numbers as numbers, dates as dates; rows flushed as written (constant memory)."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    worksheet.write_row(0, 0, [c.name for c in columns], bold)
    worksheet.freeze_panes(1, 0)
    string, number = worksheet.write_string, worksheet.write_number
    plan = []
    for index, column in enumerate(columns):
        if column.kind == "texto":
            plan.append((index, string, str, None))
        elif column.kind == "entero":
            plan.append((index, number, int, None))
        elif column.kind == "decimal":
            plan.append((index, number, float, money_format))
        elif column.kind == "fecha":
            plan.append((index, number, _excel_date, date_format))
        else:
            plan.append((index, number, _excel_datetime, time_format))
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, write, convert, cell_format in plan:
            value = row[index]
            if value is not None and value != "":
                write(count, index, convert(value), cell_format)
    workbook.close()
    return count


def _excel_date(value: dt.date) -> int:
    return (value - _EXCEL_EPOCH).days


def _excel_datetime(value: dt.datetime) -> float:
    value = _utc(value).replace(tzinfo=None)
    delta = value - dt.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400


def _utc(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without the offset."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def as_number(value: Decimal | None) -> float | None:
    """Amounts in JSON files: numbers (OC4IDS requires them), exact to the cent at these sizes."""
    return None if value is None else float(value)
