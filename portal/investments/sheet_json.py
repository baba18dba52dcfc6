"""``/inversiones/<CUI>.json``: the fact sheet as data, with the same figures as the page.

Money and percentages are strings of the exact decimal (a float would lose cents); dates are ISO.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import inspect

from portal.i18n import local_time
from portal.investments.flags import FLAG_LABELS, FlagThresholds, explain_flag
from portal.investments.labels import (
    CHANGE_FIELD_LABELS,
    PHASE_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    TIMELINE_LABELS,
)
from portal.investments.sheet import InvestmentSheet


def plain(value):
    """A JSON-safe copy of one value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return local_time(value).isoformat()  # a stored moment, in Lima's time like the page
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def row_dict(obj) -> dict:
    """Every column of a model row, JSON-safe."""
    return {attr.key: plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


def sheet_as_dict(
    sheet: InvestmentSheet, thresholds: FlagThresholds, links: dict[str, str], url: str
) -> dict:
    inv = sheet.investment
    record = row_dict(inv)
    record.pop("row_hash", None)
    return {
        "cui": inv.cui,
        "url": url,
        "investment": record,
        "status": {"code": inv.status, "label": str(STATUS_LABELS.get(inv.status, inv.status))},
        "phase": {"code": inv.phase, "label": str(PHASE_LABELS.get(inv.phase, inv.phase))},
        "place": {
            "district": row_dict(sheet.district) if sheet.district else None,
            "province": row_dict(sheet.province) if sheet.province else None,
        },
        "executing_unit": row_dict(sheet.unit) if sheet.unit else None,
        "money": {
            "viable_cost": plain(inv.viable_cost),
            "updated_cost": plain(inv.updated_cost),
            "devengado_accumulated": plain(inv.devengado_accumulated),
            "financial_progress": plain(sheet.financial_progress),
            "years": [
                {
                    "year": y.year,
                    "pia": plain(y.pia),
                    "pim": plain(y.pim),
                    "devengado": plain(y.devengado),
                    "percent": plain(y.percent),
                }
                for y in sheet.years
            ],
            "yearly_by_unit": [row_dict(row) for row in sheet.yearly_rows],
        },
        "works": {
            "physical_progress": plain(sheet.physical_progress),
            "mef_physical_progress": plain(inv.physical_progress),
            "f12b": row_dict(sheet.f12b) if sheet.f12b else None,
            "f12b_months": [row_dict(m) for m in sheet.f12b_months],
            "situations": [row_dict(s) for s in sheet.situations],
            "infobras": [row_dict(w) for w in sheet.works],
        },
        "prioritisations": [row_dict(p) for p in sheet.prioritisations],
        "red_flags": [
            {
                "code": code,
                "label": str(FLAG_LABELS[code]),
                "explanation": explain_flag(code, thresholds),
            }
            for code in sheet.flags
        ],
        "timeline": [
            {
                "date": plain(event.on),
                "event": event.code,
                "label": str(TIMELINE_LABELS[event.code]),
                "source": event.source,
                "detail": event.detail,
            }
            for event in sheet.timeline
        ],
        "changes": [
            {
                "field": entry.field,
                "label": str(CHANGE_FIELD_LABELS.get(entry.field, entry.field)),
                "old": entry.old_value,
                "new": entry.new_value,
                "changed_at": plain(entry.changed_at),
            }
            for entry in sheet.changes
        ],
        "sources": {
            name: {"label": str(SOURCE_LABELS.get(name, name)), "imported_at": plain(when)}
            for name, when in sorted(sheet.imported_on.items())
        },
        "data_date": plain(sheet.data_date),
        "official_links": links,
    }
