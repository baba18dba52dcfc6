"""How an OC4IDS project says a date, an amount and an absent field: shared by the project
(``oc4ids``), its parties and contracting processes (``oc4ids_parties``) and the package writer
(``oc4ids_package``), so the three say them the same way.

Dates of the records are days in Lima: written as midnight at -05:00; timestamps (stored in UTC)
as ``…Z``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from portal.datos.writers import as_number

LIMA = ZoneInfo("America/Lima")

ACCENTS = str.maketrans("ÁÉÍÓÚÜÑ", "AEIOUUN")


def timestamp(value: dt.date | dt.datetime | None) -> str | None:
    """A timestamp (stored in UTC) as ``…Z``; a day of the records as midnight in Lima."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), tzinfo=LIMA).isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def day_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def money(amount) -> dict | None:
    number = as_number(amount)
    return None if number is None else {"amount": number, "currency": "PEN"}


def drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
