"""CoST IDS completeness: how many of the CoST Infrastructure Data Standard's 40 proactive data
points an investment page discloses, and the average per executing unit.

The 40 points, with the field of ours that answers each, are a reviewed table in
``ids_points.tsv`` (its header says where the list comes from); this module holds the check each
row names (``rule``). A point is disclosed when the portal publishes a value for it; the same
checks run on one investment's sheet (its page) and on every investment at once (``/unidades``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.contracts.queries import ProcessView

POINTS_FILE = Path(__file__).with_name("ids_points.tsv")
TOTAL_POINTS = 40
STAGE_LABELS = {
    "identification": _l("Identificación del proyecto"),
    "preparation": _l("Preparación del proyecto"),
    "completion": _l("Término del proyecto"),
    "procurement": _l("Contratación"),
    "implementation": _l("Ejecución del contrato"),
}


@dataclass(frozen=True)
class IdsPoint:
    id: int
    stage: str
    rule: str
    name_es: str
    name_en: str
    answered_by: str

    @property
    def name(self) -> str:
        return self.name_en if str(get_locale() or "es") == "en" else self.name_es

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS[self.stage])


@cache
def load_points() -> tuple[IdsPoint, ...]:
    """The 40 points of the reviewed table, in its order."""
    with POINTS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return tuple(
            IdsPoint(
                id=int(row["id"]),
                stage=row["stage"],
                rule=row["rule"],
                name_es=row["name_es"],
                name_en=row["name_en"],
                answered_by=row["answered_by"],
            )
            for row in csv.DictReader(lines, delimiter="\t")
        )


@dataclass(frozen=True)
class IdsFacts:
    """What one investment's records hold. ``investment``, ``f12b`` and ``works`` may be ORM
    objects or rows with the same attribute names (the bulk count reads columns only)."""

    investment: object
    f12b: object | None = None
    works: tuple = ()
    has_situations: bool = False
    processes: tuple[ProcessView, ...] = ()

    @property
    def awards(self) -> list:
        return [a for view in self.processes for a in view.awards]


def _any(values: Iterable) -> bool:
    return any(v not in (None, "") for v in values)


def _inv(*names: str) -> Callable[[IdsFacts], bool]:
    return lambda f: _any(getattr(f.investment, name) for name in names)


def _process(*names: str) -> Callable[[IdsFacts], bool]:
    return lambda f: _any(getattr(v.process, n) for v in f.processes for n in names)


def _award(*names: str) -> Callable[[IdsFacts], bool]:
    return lambda f: _any(getattr(a, n) for a in f.awards for n in names)


def _completion_date(f: IdsFacts) -> bool:
    inv = f.investment
    return (
        _any((inv.physical_end_on, inv.execution_end_on, inv.closed_on))
        or (f.f12b is not None and f.f12b.estimated_end_on is not None)
        or _any(w.planned_end_on for w in f.works)
    )


def _project_changes(f: IdsFacts) -> bool:
    problem = f.f12b.problem if f.f12b is not None else None
    return f.has_situations or _any((problem, f.investment.closure_note))


def _audit(f: IdsFacts) -> bool:
    return bool(f.investment.concurrent_control_amount)


def _signed_contract(f: IdsFacts) -> bool:
    return any(a.contract_id or a.signed_on for a in f.awards)


def _duration_change(f: IdsFacts) -> bool:
    return _signed_contract(f) or _any(w.rescheduled_end_on for w in f.works)


def _contract_duration(f: IdsFacts) -> bool:
    return any(a.period_start and a.period_end for a in f.awards)


RULES: dict[str, Callable[[IdsFacts], bool]] = {
    "never": lambda f: False,
    "owner": _inv("entity", "executing_unit_name"),
    "sector": _inv("sector", "function"),
    "subsector": _inv("program", "subprogram", "typology"),
    "name": _inv("name"),
    "location": _inv("ubigeo", "latitude"),
    "budget": _inv("viable_cost", "updated_cost"),
    "budget_approval": _inv("viable_on"),
    "status": _inv("status"),
    "completion_cost": _inv("updated_cost", "liquidation_total"),
    "completion_date": _completion_date,
    "project_changes": _project_changes,
    "audit": _audit,
    "buyer": _process("buyer"),
    "contract_status": lambda f: _process("status")(f) or _award("contract_status")(f),
    "method": _process("method", "method_details"),
    "category": _process("category"),
    "tenderers": _process("tenderers"),
    "estimate": _process("estimated_amount"),
    "contract_title": lambda f: _award("contract_title")(f) or _process("title")(f),
    "suppliers": _award("supplier"),
    "price": _award("contract_amount", "award_amount"),
    "contract_scope": _process("description"),
    "contract_start": _award("period_start", "signed_on"),
    "contract_duration": _contract_duration,
    "signed_contract": _signed_contract,
    "duration_change": _duration_change,
    "amendment_reasons": _award("amendment_notes"),
}


@dataclass(frozen=True)
class IdsDisclosure:
    disclosed: list[IdsPoint] = field(default_factory=list)
    missing: list[IdsPoint] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.disclosed)

    @property
    def total(self) -> int:
        return len(self.disclosed) + len(self.missing)


def disclose(facts: IdsFacts) -> IdsDisclosure:
    """The points ``facts`` answer and those they do not, in the table's order."""
    result = IdsDisclosure()
    for point in load_points():
        (result.disclosed if RULES[point.rule](facts) else result.missing).append(point)
    return result


def sheet_disclosure(sheet, processes: list[ProcessView]) -> IdsDisclosure:
    """The points an investment page discloses, from its sheet and its contracting processes."""
    return disclose(
        IdsFacts(
            investment=sheet.investment,
            f12b=sheet.f12b,
            works=tuple(sheet.works),
            has_situations=bool(sheet.situations),
            processes=tuple(processes),
        )
    )


def mean_points(counts: list[int]) -> Decimal | None:
    """The average of points disclosed, to one decimal (None without investments)."""
    if not counts:
        return None
    return (Decimal(sum(counts)) / len(counts)).quantize(Decimal("0.1"))
