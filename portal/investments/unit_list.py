"""Every executing unit of the region side by side: portfolio, spending and closures per year.

One page per unit cannot answer "which sub-region closed most investments in 2024?"; this list
(and its CSV) can. Figures are summed with the same rules as the unit's own page. Narrowed to a
province (``?provincia=``), each unit's figures are those of its investments there; ``?orden=``
sorts it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from portal.contracts.ids_units import unit_point_averages
from portal.cycle.queries import INTERVALS, summarise_cycle
from portal.investments.flags import financial_progress
from portal.investments.models import ExecutingUnit, Investment, Place
from portal.investments.place_queries import list_provinces, place_condition
from portal.spreadsheets import spreadsheet_text

#: Closures are shown for this many years, ending with the latest year with a closure.
CLOSURE_YEARS = 3
#: ``?orden=`` values (public: links and scripts use them), the first the default.
UNIT_ORDERS = {
    "costo": _l("Costo actualizado (mayor primero)"),
    "nombre": _l("Nombre (A–Z)"),
    "inversiones": _l("Número de inversiones (más primero)"),
    "devengado": _l("Devengado acumulado (mayor primero)"),
    "ejecucion": _l("Avance financiero (mayor primero)"),
    "paralizadas": _l("Obras paralizadas (más primero)"),
}


@dataclass(frozen=True)
class UnitRow:
    sec_ejec: str
    name: str
    slug: str
    investments: int
    updated_cost: Decimal
    devengado_accumulated: Decimal
    closures: dict[int, int]
    stalled: int = 0
    #: Finished works not yet closed, and median days per step of the cycle (see /ciclo).
    pending_closures: int = 0
    medians: dict[str, int | None] = field(default_factory=dict)
    #: The mean of the CoST IDS points (of 40) its investments disclose (portal/contracts/ids.py).
    ids_points: Decimal | None = None

    @property
    def execution(self) -> Decimal | None:
        """Spent so far over the updated cost of its investments, as on an investment page."""
        return financial_progress(self.devengado_accumulated, self.updated_cost)


@dataclass(frozen=True)
class UnitList:
    years: list[int]
    units: list[UnitRow]
    #: The province (or department) the figures are narrowed to, if any.
    place: Place | None = None
    orden: str = "costo"


@dataclass(frozen=True)
class UnitChoice:
    """``?provincia=`` and ``?orden=`` read: what to show, and the values that were refused."""

    provincia: str = ""
    orden: str = "costo"
    #: (parameter, value as sent) of each value that is not one the list knows.
    refused: tuple[tuple[str, str], ...] = ()


def province_choices(session: Session, region: str) -> list[Place]:
    """The places the list can be narrowed to: the region's provinces (departments for ``all``)."""
    return list_provinces(session, region)


def read_unit_choice(args, choices: list[Place]) -> UnitChoice:
    """Read ``provincia`` (a ubigeo of ``choices``) and ``orden``; an unknown value is refused
    (and named), never an error: the page then shows the whole list in its usual order."""
    refused = []
    provincia = str(args.get("provincia", "")).strip()
    if provincia and provincia not in {p.ubigeo for p in choices}:
        refused.append(("provincia", provincia[:40]))
        provincia = ""
    orden = str(args.get("orden", "")).strip() or "costo"
    if orden not in UNIT_ORDERS:
        refused.append(("orden", orden[:40]))
        orden = "costo"
    return UnitChoice(provincia, orden, tuple(refused))


def closure_years(session: Session, today: dt.date) -> list[int]:
    """The last CLOSURE_YEARS years up to the latest closure on record (never after today).

    Ending on the latest closure rather than on today keeps the columns useful early in a year
    and when the closures file lags behind.
    """
    latest = session.scalar(select(func.max(Investment.closed_on)))
    last = min(latest.year, today.year) if latest else today.year
    return list(range(last - CLOSURE_YEARS + 1, last + 1))


def list_units(
    session: Session, today: dt.date, provincia: str = "", orden: str = "costo"
) -> UnitList:
    """Every executing unit with at least one investment (in ``provincia``, a province's or
    department's ubigeo, when given: its figures are then those of its investments there),
    largest updated cost first or in the order ``orden`` (a key of UNIT_ORDERS)."""
    years = closure_years(session, today)
    where = [Investment.sec_ejec.is_not(None)]
    if provincia:
        where.append(place_condition(provincia))
    totals = (
        select(
            Investment.sec_ejec,
            func.count().label("investments"),
            func.coalesce(func.sum(Investment.updated_cost), 0).label("cost"),
            func.coalesce(func.sum(Investment.devengado_accumulated), 0).label("spent"),
            func.sum(case((Investment.status == "paralizada", 1), else_=0)).label("stalled"),
        )
        .where(*where)
        .group_by(Investment.sec_ejec)
        .subquery()
    )
    closed_year = extract("year", Investment.closed_on)
    closures: dict[str, dict[int, int]] = {}
    for sec_ejec, year, count in session.execute(
        select(Investment.sec_ejec, closed_year, func.count())
        .where(
            *where,
            Investment.closed_on.is_not(None),
            closed_year.between(years[0], years[-1]),
        )
        .group_by(Investment.sec_ejec, closed_year)
    ):
        closures.setdefault(sec_ejec, {})[int(year)] = count
    rows = session.execute(
        select(ExecutingUnit, totals.c.investments, totals.c.cost, totals.c.spent, totals.c.stalled)
        .join(totals, totals.c.sec_ejec == ExecutingUnit.sec_ejec)
        .order_by(totals.c.cost.desc(), ExecutingUnit.name)
    ).all()
    cycles = {u.sec_ejec: u for u in summarise_cycle(session, today, where=where)}
    ids_points = unit_point_averages(session, where)
    units = [
        UnitRow(
            sec_ejec=unit.sec_ejec,
            name=unit.name,
            slug=unit.slug,
            investments=count,
            updated_cost=Decimal(cost),
            devengado_accumulated=Decimal(spent),
            closures={y: closures.get(unit.sec_ejec, {}).get(y, 0) for y in years},
            stalled=int(stalled or 0),
            pending_closures=len(cycles[unit.sec_ejec].pending_closures),
            medians=cycles[unit.sec_ejec].medians,
            ids_points=ids_points.get(unit.sec_ejec),
        )
        for unit, count, cost, spent, stalled in rows
    ]
    return UnitList(
        years=years,
        units=sort_units(units, orden),
        place=session.get(Place, provincia) if provincia else None,
        orden=orden if orden in UNIT_ORDERS else "costo",
    )


def sort_units(units: list[UnitRow], orden: str) -> list[UnitRow]:
    """``units`` (largest cost first) in the order ``orden``; ties keep the cost order."""
    keys = {
        "nombre": lambda u: u.name.casefold(),
        "inversiones": lambda u: -u.investments,
        "devengado": lambda u: -u.devengado_accumulated,
        # Units without a cost (no execution to speak of) go last.
        "ejecucion": lambda u: (u.execution is None, -(u.execution or 0)),
        "paralizadas": lambda u: -u.stalled,
    }
    key = keys.get(orden)
    return sorted(units, key=key) if key else units


#: Response-time columns of /unidades.csv (observations routed to the unit; see
#: portal/complaints/response_times.py).
RESPONSE_COLUMNS = (
    "observaciones_derivadas",
    "observaciones_respondidas",
    "mediana_dias_respuesta",
    "observaciones_vencidas",
)


def units_csv(listing: UnitList, response_times: dict | None = None) -> str:
    """The list as CSV with fixed column names (for scripts) and a BOM (for Excel's accents).

    ``response_times`` (by ``sec_ejec``) fills the response-time columns; a unit never sent an
    observation has 0 routed and an empty median."""
    response_times = response_times or {}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "unidad",
            "sec_ejec",
            "inversiones",
            "costo_actualizado",
            "devengado_acumulado",
            "ejecucion_pct",
            *(f"cierres_{year}" for year in listing.years),
            "pendientes_de_cierre",
            *(f"mediana_dias_{key}" for key, _start, _end in INTERVALS),
            *RESPONSE_COLUMNS,
            "ids_puntos_promedio",
        ]
    )
    for row in listing.units:
        execution = row.execution
        writer.writerow(
            [
                spreadsheet_text(row.name),
                row.sec_ejec,
                row.investments,
                f"{row.updated_cost:.2f}",
                f"{row.devengado_accumulated:.2f}",
                "" if execution is None else str(execution),
                *(row.closures[year] for year in listing.years),
                row.pending_closures,
                *(_blank_if_none(row.medians[key]) for key, _start, _end in INTERVALS),
                *_response_cells(response_times.get(row.sec_ejec)),
                _blank_if_none(row.ids_points),
            ]
        )
    return out.getvalue()


def _blank_if_none(value) -> object:
    return "" if value is None else value


def _response_cells(times) -> list:
    if times is None:
        return [0, 0, "", 0]
    median = "" if times.median_days is None else f"{times.median_days:g}"
    return [times.routed, times.answered, median, times.overdue]
