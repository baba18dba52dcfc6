"""The fact sheet of one investment: every record about a CUI, loaded up front (templates run no query).

The same ``InvestmentSheet`` feeds the HTML page and ``/inversiones/<CUI>.json``, so the two
always say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.flags import (
    FlagFacts,
    FlagThresholds,
    best_physical_progress,
    evaluate_flags,
    financial_progress,
    planned_end,
    work_is_stalled,
)
from portal.investments.models import (
    ChangeLogEntry,
    ExecutingUnit,
    F12BMonth,
    F12BReport,
    InfobrasWork,
    Investment,
    Place,
    Prioritisation,
    SituationEntry,
    YearlyExecution,
)
from portal.investments.queries import YearExecution

MAX_CHANGES = 100
MAX_SITUATIONS = 24


@dataclass
class TimelineEvent:
    on: dt.date
    code: str  # registered | viable | first_devengado | … (labels.TIMELINE_LABELS)
    source: str
    detail: str | None = None


@dataclass
class InvestmentSheet:
    investment: Investment
    district: Place | None
    province: Place | None
    unit: ExecutingUnit | None
    years: list[YearExecution]
    yearly_rows: list[YearlyExecution]
    f12b: F12BReport | None
    f12b_months: list[F12BMonth]
    situations: list[SituationEntry]
    works: list[InfobrasWork]
    prioritisations: list[Prioritisation]
    changes: list[ChangeLogEntry]
    imported_on: dict[str, dt.datetime]
    flags: list[str]
    timeline: list[TimelineEvent]
    #: The department, for an investment published for a whole department (UBIGEO DD0000).
    department: Place | None = None

    @property
    def record_source(self) -> str:
        """The MEF file the main record comes from (active or closed investments)."""
        return self.investment.source

    @property
    def data_date(self) -> dt.datetime | None:
        """When the main record was last imported: the date a citation gives."""
        return self.imported_on.get(self.record_source)

    @property
    def financial_progress(self) -> Decimal | None:
        inv = self.investment
        return financial_progress(inv.devengado_accumulated, inv.updated_cost)

    @property
    def physical_progress(self) -> Decimal | None:
        """The progress lists, CSV and API show too (``Investment.progress`` decides)."""
        return self.investment.progress


def is_valid_cui(cui: str) -> bool:
    return cui.isascii() and cui.isdigit() and 4 <= len(cui) <= 10


def find_investment_sheet(
    session: Session, cui: str, thresholds: FlagThresholds, today: dt.date
) -> InvestmentSheet | None:
    """Everything the fact sheet shows, or None for an unknown or malformed CUI.

    ``today`` only matters before the first import: flags are judged on the day of the data.
    """
    if not is_valid_cui(cui):
        return None
    inv = session.get(Investment, cui)
    if inv is None:
        return None
    places = {}
    ubigeo = inv.ubigeo or ""
    if ubigeo:
        places = {
            p.ubigeo: p
            for p in session.scalars(select(Place).where(Place.ubigeo.in_({ubigeo, ubigeo[:4]})))
        }
    unit = (
        session.scalar(select(ExecutingUnit).where(ExecutingUnit.sec_ejec == inv.sec_ejec))
        if inv.sec_ejec
        else None
    )
    yearly_rows = list(
        session.scalars(
            select(YearlyExecution)
            .where(YearlyExecution.cui == cui)
            .order_by(YearlyExecution.year, YearlyExecution.sec_ejec)
        )
    )
    f12b = session.get(F12BReport, cui)
    works = list(
        session.scalars(
            select(InfobrasWork).where(InfobrasWork.cui == cui).order_by(InfobrasWork.infobras_code)
        )
    )
    imported_on: dict[str, dt.datetime] = {}
    last_refresh = None
    for source, status, started in session.execute(
        select(ImportRun.source, ImportRun.status, func.max(ImportRun.started_at))
        .where(ImportRun.status.in_(("imported", "unchanged")))
        .group_by(ImportRun.source, ImportRun.status)
    ):
        if source not in imported_on or started > imported_on[source]:
            imported_on[source] = started
        if status == "imported" and (last_refresh is None or started > last_refresh):
            last_refresh = started
    changes = list(
        session.scalars(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.cui == cui)
            .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id.desc())
            .limit(MAX_CHANGES)
        )
    )
    sheet = InvestmentSheet(
        investment=inv,
        district=places.get(ubigeo) if len(ubigeo) == 6 else None,
        province=places.get(ubigeo[:4]) if len(ubigeo) >= 4 else None,
        department=places.get(ubigeo) if len(ubigeo) == 2 else None,
        unit=unit,
        years=sum_years(inv, yearly_rows),
        yearly_rows=yearly_rows,
        f12b=f12b,
        f12b_months=list(
            session.scalars(select(F12BMonth).where(F12BMonth.cui == cui).order_by(F12BMonth.month))
        )
        if f12b
        else [],
        situations=list(
            session.scalars(
                select(SituationEntry)
                .where(SituationEntry.cui == cui)
                .order_by(SituationEntry.period.desc(), SituationEntry.id.desc())
                .limit(MAX_SITUATIONS)
            )
        ),
        works=works,
        prioritisations=list(
            session.scalars(
                select(Prioritisation)
                .where(Prioritisation.cui == cui)
                .order_by(Prioritisation.year)
            )
        ),
        changes=changes,
        imported_on=imported_on,
        flags=[],
        timeline=[],
    )
    # As of the last import that refreshed the stored flags, so the page and search agree.
    as_of = _utc_day(last_refresh) if last_refresh else today
    sheet.flags = evaluate_flags(sheet_facts(sheet), thresholds, as_of)
    sheet.timeline = build_timeline(sheet)
    return sheet


def sum_years(inv: Investment, rows: list[YearlyExecution]) -> list[YearExecution]:
    """Yearly totals over every unit that executed the CUI, plus the current year from its record."""
    years: dict[int, YearExecution] = {}
    for row in rows:
        entry = years.setdefault(
            row.year, YearExecution(row.year, Decimal(0), Decimal(0), Decimal(0))
        )
        entry.pia += row.pia or 0
        entry.pim += row.pim or 0
        entry.devengado += row.devengado or 0
    if inv.process_year and inv.process_year not in years:
        if inv.pia_current or inv.pim_current or inv.devengado_current:
            years[inv.process_year] = YearExecution(
                inv.process_year,
                Decimal(inv.pia_current or 0),
                Decimal(inv.pim_current or 0),
                Decimal(inv.devengado_current or 0),
            )
    return [years[year] for year in sorted(years)]


def sheet_facts(sheet: InvestmentSheet) -> FlagFacts:
    """The red-flag facts of the sheet, read exactly as ``flags.refresh_red_flags`` reads them."""
    inv, report = sheet.investment, sheet.f12b
    work_ends = [w.planned_end_on for w in sheet.works if w.planned_end_on]
    return FlagFacts(
        status=inv.status,
        phase=inv.phase,
        viable_cost=inv.viable_cost,
        updated_cost=inv.updated_cost,
        devengado_accumulated=inv.devengado_accumulated,
        # The flags read every source without the closed-means-100 rule, as refresh_red_flags does.
        physical_progress=best_physical_progress(
            inv.physical_progress,
            report.physical_progress if report else None,
            *(w.actual_progress for w in sheet.works),
        ),
        last_devengado_on=inv.last_devengado_on,
        execution_start_on=inv.execution_start_on,
        planned_end_on=planned_end(
            report.estimated_end_on if report else None,
            inv.physical_end_on,
            inv.execution_end_on,
            max(work_ends) if work_ends else None,
        ),
        has_f12b=report is not None or bool(inv.has_f12b),
        infobras_stalled=any(work_is_stalled(w.status, w.stalled) for w in sheet.works),
    )


def build_timeline(sheet: InvestmentSheet) -> list[TimelineEvent]:
    """Dated milestones from every source, oldest first."""
    inv = sheet.investment
    events = [
        TimelineEvent(inv.registered_on, "registered", inv.source),
        TimelineEvent(inv.viable_on, "viable", inv.source),
        TimelineEvent(inv.execution_start_on, "execution_start", inv.source),
        TimelineEvent(inv.first_devengado_on, "first_devengado", inv.source),
        TimelineEvent(inv.last_devengado_on, "last_devengado", inv.source),
        TimelineEvent(inv.closed_on, "closed", inv.source, inv.closure_note),
    ]
    if sheet.f12b:
        events.append(TimelineEvent(_day(sheet.f12b.updated_at), "f12b_report", "mef-f12b"))
    previous = None
    for entry in reversed(sheet.situations):
        if entry.description != previous:
            events.append(
                TimelineEvent(
                    entry.period, "situation", "mef-estado-situacional", entry.description
                )
            )
        previous = entry.description
    for work in sheet.works:
        events += [
            TimelineEvent(work.started_on, "works_started", "infobras"),
            TimelineEvent(work.stalled_on, "works_stalled", "infobras", work.stall_cause),
            TimelineEvent(work.actual_end_on, "works_finished", "infobras"),
        ]
    dated = [e for e in events if e.on is not None]
    return sorted(dated, key=lambda e: e.on)


def _utc_day(moment: dt.datetime) -> dt.date:
    """The UTC calendar day of a stored timestamp (SQLite returns it naive, in UTC)."""
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).date()


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def find_close_matches(session: Session, text: str, limit: int = 8) -> list[tuple[str, str]]:
    """(CUI, name) of investments near a CUI or words that found nothing: the 404 page's help."""
    text = "".join(ch for ch in text if ch.isprintable()).strip()[:60]
    if not text:
        return []
    if text.isdigit():
        for length in range(len(text), 3, -1):
            rows = session.execute(
                select(Investment.cui, Investment.name)
                .where(Investment.cui.startswith(text[:length], autoescape=True))
                .order_by(Investment.cui)
                .limit(limit)
            ).all()
            if rows:
                return [tuple(r) for r in rows]
        return []
    words = [w for w in text.replace("-", " ").split() if len(w) >= 3][:4]
    if not words:
        return []
    name = func.upper(Investment.name)
    rows = session.execute(
        select(Investment.cui, Investment.name)
        .where(*(name.contains(w.upper(), autoescape=True) for w in words))
        .order_by(Investment.updated_cost.desc().nulls_last(), Investment.cui)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]
