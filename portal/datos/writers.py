"""Streamed file writers: rows go from the cursor to the file, memory stays flat.

CSV here; XLSX in ``portal.datos.xlsx`` (re-exported below).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from portal.datos.columns import Column
from portal.datos.xlsx import write_xlsx
from portal.i18n import iso_local
from portal.spreadsheets import spreadsheet_text

__all__ = ["as_number", "write_csv", "write_xlsx"]


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
                row[i] = iso_local(row[i])
        return row

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns])
        writer.writerows(map(cleaned, rows))
    return count


_FORMULA_STARTS = frozenset("=+-@")


def as_number(value: Decimal | None) -> float | None:
    """Amounts in JSON files: numbers (OC4IDS requires them), exact to the cent at these sizes."""
    return None if value is None else float(value)
