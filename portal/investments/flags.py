"""Red flags: the warning signs of an investment, defined once for pages, search, maps and exports.

Each rule reads the same small set of facts (``FlagFacts``). The fact sheet builds them from the
records it already loaded; ``refresh_red_flags`` builds them for every investment in a few bulk
queries after each import and stores the codes in ``Investment.red_flags`` (space separated), which
the search filter ``alerta=<code>`` matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from portal.i18n import percent_value
from portal.investments.models import F12BReport, InfobrasWork, Investment

#: Code → short label (the codes are public: URLs ``?alerta=`` and exports use them).
FLAG_LABELS = {
    "gasto_adelantado": _l("Gasto muy por delante de la obra"),
    "sin_devengado": _l("Sin gasto en los últimos meses"),
    "paralizada_infobras": _l("Paralizada según INFObras"),
    "sin_f12b": _l("En ejecución sin Formato 12-B"),
    "sobrecosto": _l("Costo muy por encima del viable"),
    "plazo_vencido": _l("Plazo vencido sin terminar"),
}


@dataclass(frozen=True)
class FlagThresholds:
    """The settings behind the rules (``PORTAL_FLAG_*``), so the methodology page can quote them."""

    spending_ahead_points: Decimal = Decimal(30)
    no_spending_months: int = 12
    cost_overrun_percent: Decimal = Decimal(30)

    @classmethod
    def from_config(cls, config: Mapping) -> FlagThresholds:
        return cls(
            spending_ahead_points=Decimal(str(config.get("PORTAL_FLAG_SPENDING_AHEAD_POINTS", 30))),
            no_spending_months=int(config.get("PORTAL_FLAG_NO_SPENDING_MONTHS", 12)),
            cost_overrun_percent=Decimal(str(config.get("PORTAL_FLAG_COST_OVERRUN_PERCENT", 30))),
        )


def explain_flag(code: str, thresholds: FlagThresholds) -> str:
    """The one plain sentence that says what a flag means (page and methodology use it)."""
    sentences = {
        "gasto_adelantado": _(
            "Se ha gastado (devengado) una parte del costo mucho mayor que lo construido: la "
            "diferencia entre el avance financiero y el avance físico es de %(points)s puntos o más.",
            points=thresholds.spending_ahead_points,
        ),
        "sin_devengado": ngettext(
            "La inversión figura en ejecución pero no registra gasto (devengado) desde hace "
            "%(num)d mes o más.",
            "La inversión figura en ejecución pero no registra gasto (devengado) desde hace "
            "%(num)d meses o más.",
            thresholds.no_spending_months,
        ),
        "paralizada_infobras": _("La Contraloría (INFObras) informa que la obra está paralizada."),
        "sin_f12b": _(
            "La inversión está en ejecución pero su unidad no publica el Formato 12-B, el "
            "reporte mensual de avance que exige el MEF."
        ),
        "sobrecosto": _(
            "El costo actualizado supera al costo con el que se declaró viable en %(percent)s %% o más.",
            percent=thresholds.cost_overrun_percent,
        ),
        "plazo_vencido": _(
            "La fecha prevista de término ya pasó y el avance físico informado es menor al 100 %."
        ),
    }
    return sentences[code]


@dataclass(frozen=True)
class FlagFacts:
    """What the rules look at, from every source; ``None`` means the record does not say."""

    status: str
    phase: str
    viable_cost: Decimal | None
    updated_cost: Decimal | None
    devengado_accumulated: Decimal | None
    physical_progress: Decimal | None
    last_devengado_on: dt.date | None
    execution_start_on: dt.date | None
    planned_end_on: dt.date | None
    has_f12b: bool
    infobras_stalled: bool


def best_physical_progress(*values: Decimal | None) -> Decimal | None:
    """The highest progress any source reports: a flag must hold even on the kindest reading."""
    known = [Decimal(v) for v in values if v is not None]
    return max(known) if known else None


def financial_progress(devengado: Decimal | None, cost: Decimal | None) -> Decimal | None:
    """Accumulated *devengado* as a percentage of the updated cost."""
    if devengado is None or not cost:
        return None
    return percent_value(Decimal(devengado) * 100 / Decimal(cost))


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def evaluate_flags(facts: FlagFacts, thresholds: FlagThresholds, today: dt.date) -> list[str]:
    """The codes of the flags that apply, in the order of ``FLAG_LABELS``."""
    finished = facts.status == "finalizada" or facts.phase == "cierre"
    progress = facts.physical_progress
    flags = set()
    spent = financial_progress(facts.devengado_accumulated, facts.updated_cost)
    if spent is not None and progress is not None:
        if spent - progress >= thresholds.spending_ahead_points:
            flags.add("gasto_adelantado")
    if facts.status == "en_ejecucion":
        last_activity = facts.last_devengado_on or facts.execution_start_on
        if last_activity and months_between(last_activity, today) >= thresholds.no_spending_months:
            flags.add("sin_devengado")
        if not facts.has_f12b:
            flags.add("sin_f12b")
    if facts.infobras_stalled:
        flags.add("paralizada_infobras")
    if facts.viable_cost and facts.updated_cost is not None:
        limit = Decimal(facts.viable_cost) * (1 + thresholds.cost_overrun_percent / 100)
        if Decimal(facts.updated_cost) > limit:
            flags.add("sobrecosto")
    if not finished and facts.planned_end_on and facts.planned_end_on < today:
        if progress is None or progress < 100:
            flags.add("plazo_vencido")
    return [code for code in FLAG_LABELS if code in flags]


def work_is_stalled(status: str | None, stalled: bool | None) -> bool:
    return bool(stalled) or "PARALIZ" in (status or "").upper()


def has_flag(code: str) -> ColumnElement[bool]:
    """SQL condition: the stored ``red_flags`` of an investment contain ``code``."""
    flags = Investment.red_flags
    return or_(
        flags == code,
        flags.startswith(code + " ", autoescape=True),
        flags.endswith(" " + code, autoescape=True),
        flags.contains(" " + code + " ", autoescape=True),
    )


def refresh_red_flags(conn: Connection, thresholds: FlagThresholds, today: dt.date) -> None:
    """Recompute and store the flags of every investment (after the statuses are refreshed)."""
    f12b = {
        row.cui: row
        for row in conn.execute(
            select(F12BReport.cui, F12BReport.physical_progress, F12BReport.estimated_end_on)
        )
    }
    works: dict[str, tuple[Decimal | None, bool, dt.date | None]] = {}
    for row in conn.execute(
        select(
            InfobrasWork.cui,
            func.max(InfobrasWork.actual_progress),
            func.max(InfobrasWork.planned_end_on),
        )
        .where(InfobrasWork.cui.is_not(None))
        .group_by(InfobrasWork.cui)
    ):
        works[row[0]] = (row[1], False, row[2])
    for cui, status, stalled in conn.execute(
        select(InfobrasWork.cui, InfobrasWork.status, InfobrasWork.stalled).where(
            InfobrasWork.cui.is_not(None)
        )
    ):
        if work_is_stalled(status, stalled):
            progress, _, end = works[cui]
            works[cui] = (progress, True, end)
    inv = Investment
    changed = []
    for row in conn.execute(
        select(
            inv.cui,
            inv.status,
            inv.phase,
            inv.viable_cost,
            inv.updated_cost,
            inv.devengado_accumulated,
            inv.physical_progress,
            inv.last_devengado_on,
            inv.execution_start_on,
            inv.execution_end_on,
            inv.physical_end_on,
            inv.has_f12b,
            inv.red_flags,
        )
    ):
        report = f12b.get(row.cui)
        work_progress, stalled, work_end = works.get(row.cui, (None, False, None))
        facts = FlagFacts(
            status=row.status,
            phase=row.phase,
            viable_cost=row.viable_cost,
            updated_cost=row.updated_cost,
            devengado_accumulated=row.devengado_accumulated,
            physical_progress=best_physical_progress(
                row.physical_progress, report.physical_progress if report else None, work_progress
            ),
            last_devengado_on=row.last_devengado_on,
            execution_start_on=row.execution_start_on,
            planned_end_on=planned_end(
                report.estimated_end_on if report else None,
                row.physical_end_on,
                row.execution_end_on,
                work_end,
            ),
            has_f12b=report is not None or bool(row.has_f12b),
            infobras_stalled=stalled,
        )
        codes = " ".join(evaluate_flags(facts, thresholds, today))
        if codes != (row.red_flags or ""):
            changed.append({"v_cui": row.cui, "v_flags": codes})
    store_flags(conn, changed)


def store_flags(conn: Connection, changed: list[dict[str, str]]) -> None:
    """Write the new flags in one set-based UPDATE through a temporary table.

    The first national import changes the flags of ~300,000 investments: one UPDATE per row took
    minutes (and held row locks that long); a bulk insert into a temporary table (multi-row
    VALUES) followed by a single joined UPDATE takes seconds on PostgreSQL and SQLite alike.
    A handful of changes (a normal night) still go the same way: it is cheap either way.
    """
    if not changed:
        return
    table = Table(
        "tmp_red_flags",
        MetaData(),
        Column("v_cui", String(32), primary_key=True),
        Column("v_flags", String(200), nullable=False),
        prefixes=["TEMPORARY"],
    )
    table.drop(conn, checkfirst=True)  # left by a run that failed half-way (SQLite keeps it)
    table.create(conn)
    for start in range(0, len(changed), _FLAG_BATCH):
        conn.execute(insert(table), changed[start : start + _FLAG_BATCH])
    investments = Investment.__table__
    conn.execute(
        update(investments)
        .where(investments.c.cui == table.c.v_cui)
        .values(red_flags=table.c.v_flags)
    )
    table.drop(conn)


#: Rows per bulk insert into the temporary table (bounded memory for the statement parameters).
_FLAG_BATCH = 10_000


def planned_end(*dates: dt.date | None) -> dt.date | None:
    """The first known end date, most up to date source first (F12-B, then MEF, then INFObras)."""
    return next((d for d in dates if d is not None), None)
