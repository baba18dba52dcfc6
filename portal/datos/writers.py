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
    """UTF-8 with BOM (Excel reads the accents), ISO dates, a dot as decimal mark; rows written.

    Rows may hold driver values (floats and ISO strings from SQLite, Decimal and dates from
    PostgreSQL): ``str`` of each is the same text, and ``csv`` writes None as empty.
    """
    texts = [i for i, c in enumerate(columns) if c.kind == "texto"]
    moments = [i for i, c in enumerate(columns) if c.kind == "fecha_hora"]
    count = 0

    def cleaned(row):
        nonlocal count
        count += 1
        row = list(row)
        for i in texts:
            value = row[i]
            if value and value[0] in _FORMULA_STARTS:
                row[i] = spreadsheet_text(value)
        for i in moments:
            if row[i] is not None:
                row[i] = _iso_utc(row[i])
        return row

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns])
        writer.writerows(map(cleaned, rows))
    return count


_FORMULA_STARTS = frozenset("=+-@")


def _iso_utc(value) -> str:
    """'2026-11-23T06:00:00+00:00' from a datetime or SQLite's '2026-11-23 06:00:00.000000'."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return _utc(value).isoformat()


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


def _excel_date(value: dt.date | str) -> int:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return (value - _EXCEL_EPOCH).days


def _excel_datetime(value: dt.datetime | str) -> float:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    value = _utc(value).replace(tzinfo=None)
    delta = value - dt.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400


def _utc(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without the offset."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def as_number(value: Decimal | None) -> float | None:
    """Amounts in JSON files: numbers (OC4IDS requires them), exact to the cent at these sizes."""
    return None if value is None else float(value)
