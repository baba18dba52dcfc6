"""The public record of each investment, as rebuilt by the nightly import.

Keyed by the official codes (CUI, ubigeo, SEC_EJEC) so URLs and exports stay stable across imports.
Money is ``Numeric``: figures are cited by journalists and must add up to the cent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    and_,
    case,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, column_property, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from portal.db import Base, UTCDateTime

Money = Numeric(16, 2)
Percent = Numeric(7, 2)


class Place(Base):
    """A department (2 digits), province (4) or district (6) of the region, by INEI ubigeo."""

    __tablename__ = "places"

    ubigeo: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    parent_ubigeo: Mapped[str | None] = mapped_column(String(6), index=True)
    capital: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


class ExecutingUnit(Base):
    """A budget executing unit (*unidad ejecutora*), known by its SEC_EJEC code."""

    __tablename__ = "executing_units"

    sec_ejec: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(200), unique=True)


#: The investment columns the map's filters select by, each indexed with the place.
FILTER_INDEXED = ("status", "phase", "function")


class Investment(Base):
    """An investment of the Invierte.pe bank (active or closed), keyed by its CUI."""

    __tablename__ = "investments"

    cui: Mapped[str] = mapped_column(String(10), primary_key=True)
    snip: Mapped[str | None] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30))
    investment_type: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str | None] = mapped_column(String(40))
    situation: Mapped[str | None] = mapped_column(String(60))
    level: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str | None] = mapped_column(String(120))
    entity: Mapped[str | None] = mapped_column(String(300))
    function: Mapped[str | None] = mapped_column(String(120))
    program: Mapped[str | None] = mapped_column(String(160))
    subprogram: Mapped[str | None] = mapped_column(String(160))
    typology: Mapped[str | None] = mapped_column(String(200))
    framework: Mapped[str | None] = mapped_column(String(20))
    modality: Mapped[str | None] = mapped_column(String(80))
    formulating_unit: Mapped[str | None] = mapped_column(String(300))
    executing_unit_name: Mapped[str | None] = mapped_column(String(300))
    sec_ejec: Mapped[str | None] = mapped_column(String(12), index=True)
    department: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(80))
    ubigeo: Mapped[str | None] = mapped_column(String(6), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: ok | missing | zero | swapped | outside — bad coordinates fall back to the district.
    coords_status: Mapped[str] = mapped_column(String(10), default="missing")
    viable_cost: Mapped[Decimal | None] = mapped_column(Money)
    updated_cost: Mapped[Decimal | None] = mapped_column(Money)
    pia_current: Mapped[Decimal | None] = mapped_column(Money)
    pim_current: Mapped[Decimal | None] = mapped_column(Money)
    certified_current: Mapped[Decimal | None] = mapped_column(Money)
    devengado_current: Mapped[Decimal | None] = mapped_column(Money)
    devengado_previous_years: Mapped[Decimal | None] = mapped_column(Money)
    devengado_accumulated: Mapped[Decimal | None] = mapped_column(Money)
    balance_to_execute: Mapped[Decimal | None] = mapped_column(Money)
    liquidation_total: Mapped[Decimal | None] = mapped_column(Money)
    physical_progress: Mapped[Decimal | None] = mapped_column(Percent)
    execution_progress: Mapped[Decimal | None] = mapped_column(Percent)
    has_f12b: Mapped[bool | None] = mapped_column(Boolean)
    has_technical_file: Mapped[bool | None] = mapped_column(Boolean)
    #: Soles of the Contraloría's concurrent control (CTRL_CONCURR), arbitration awards
    #: (MONTO_LAUDO) and bonds (MONTO_FIANZA); 0 when the record says none.
    concurrent_control_amount: Mapped[Decimal | None] = mapped_column(Money)
    arbitration_award_amount: Mapped[Decimal | None] = mapped_column(Money)
    bond_amount: Mapped[Decimal | None] = mapped_column(Money)
    culminated: Mapped[bool | None] = mapped_column(Boolean)
    beneficiaries: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    viable_on: Mapped[dt.date | None] = mapped_column(Date)
    first_devengado_on: Mapped[dt.date | None] = mapped_column(Date)
    last_devengado_on: Mapped[dt.date | None] = mapped_column(Date)
    execution_start_on: Mapped[dt.date | None] = mapped_column(Date)
    execution_end_on: Mapped[dt.date | None] = mapped_column(Date)
    physical_start_on: Mapped[dt.date | None] = mapped_column(Date)
    physical_end_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closure_note: Mapped[str | None] = mapped_column(String(200))
    process_year: Mapped[int | None] = mapped_column(Integer)
    #: Plain-words status derived from every source: en_ejecucion | paralizada | finalizada | sin_iniciar.
    status: Mapped[str] = mapped_column(String(20), default="sin_iniciar")
    #: Invierte.pe cycle phase derived from the record: formulacion | ejecucion | funcionamiento | cierre.
    phase: Mapped[str] = mapped_column(String(20), default="formulacion")
    #: Red-flag codes (space separated) computed by the rules in one service after each import.
    red_flags: Mapped[str] = mapped_column(String(200), default="")
    #: Digest of the imported fields: a rerun compares it instead of every column.
    row_hash: Mapped[str] = mapped_column(String(40))
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)

    #: Status, phase and function each with the place and (on PostgreSQL) the cost: a map's
    #: filter finds exactly its rows in a department, and a national filter's count and cost by
    #: department are read from the index alone (56,100 rows: 210 ms from the table).
    __table_args__ = tuple(
        Index(f"ix_investments_{name}_ubigeo", name, "ubigeo", postgresql_include=["updated_cost"])
        for name in FILTER_INDEXED
    )


class YearlyExecution(Base):
    """Budget execution of a CUI by one executing unit in one fiscal year (Seguimiento PI)."""

    __tablename__ = "yearly_execution"
    __table_args__ = (Index("ix_yearly_execution_cui_year", "cui", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cui: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    sec_ejec: Mapped[str] = mapped_column(String(12), index=True)
    executing_unit_name: Mapped[str | None] = mapped_column(String(300))
    government_level: Mapped[str | None] = mapped_column(String(10))
    pia: Mapped[Decimal | None] = mapped_column(Money)
    pim: Mapped[Decimal | None] = mapped_column(Money)
    certified: Mapped[Decimal | None] = mapped_column(Money)
    committed: Mapped[Decimal | None] = mapped_column(Money)
    devengado: Mapped[Decimal | None] = mapped_column(Money)
    paid: Mapped[Decimal | None] = mapped_column(Money)


class F12BReport(Base):
    """The latest Formato 12-B report of an investment: works progress as its unit declares it."""

    __tablename__ = "f12b_reports"

    cui: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @property
    def updated_on(self) -> dt.date | None:
        """The day the unit last updated its 12-B, as published (a day, not a UTC moment)."""
        return self.updated_at.date() if self.updated_at else None

    last_period: Mapped[dt.date | None] = mapped_column(Date)
    physical_progress: Mapped[Decimal | None] = mapped_column(Percent)
    execution_progress: Mapped[Decimal | None] = mapped_column(Percent)
    devengado_accumulated: Mapped[Decimal | None] = mapped_column(Money)
    devengado_year: Mapped[Decimal | None] = mapped_column(Money)
    pim_year: Mapped[Decimal | None] = mapped_column(Money)
    situation_on: Mapped[dt.date | None] = mapped_column(Date)
    situation: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    estimated_end_on: Mapped[dt.date | None] = mapped_column(Date)
    physical_start_on: Mapped[dt.date | None] = mapped_column(Date)
    physical_end_on: Mapped[dt.date | None] = mapped_column(Date)


class F12BMonth(Base):
    """One month of the F12-B year: programmed, updated and actual (*devengado*) amounts."""

    __tablename__ = "f12b_months"

    cui: Mapped[str] = mapped_column(String(10), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    programmed: Mapped[Decimal | None] = mapped_column(Money)
    updated: Mapped[Decimal | None] = mapped_column(Money)
    actual: Mapped[Decimal | None] = mapped_column(Money)


class SituationEntry(Base):
    """A monthly entry of the situation history (*estado situacional*), stoppages included."""

    __tablename__ = "situation_entries"
    __table_args__ = (Index("ix_situation_entries_cui_period", "cui", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cui: Mapped[str] = mapped_column(String(10))
    period: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    record_type: Mapped[str | None] = mapped_column(String(80))
    type_code: Mapped[str | None] = mapped_column(String(10))
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class InfobrasWork(Base):
    """A public work as the Contraloría's INFObras reports it, linked to its investment by CUI."""

    __tablename__ = "infobras_works"

    infobras_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    cui: Mapped[str | None] = mapped_column(String(10), index=True)
    snip: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(Text)
    entity: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(80))
    work_type: Mapped[str | None] = mapped_column(String(120))
    modality: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str | None] = mapped_column(String(60))
    approved_amount: Mapped[Decimal | None] = mapped_column(Money)
    contract_amount: Mapped[Decimal | None] = mapped_column(Money)
    #: The supervision contract's amount: the second "Monto del contrato en soles".
    supervisor_amount: Mapped[Decimal | None] = mapped_column(Money)
    work_amount: Mapped[Decimal | None] = mapped_column(Money)
    #: "Monto Total devengado del proyecto": everything paid for the investment so far.
    total_accrued: Mapped[Decimal | None] = mapped_column(Money)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    planned_end_on: Mapped[dt.date | None] = mapped_column(Date)
    rescheduled_end_on: Mapped[dt.date | None] = mapped_column(Date)
    actual_end_on: Mapped[dt.date | None] = mapped_column(Date)
    planned_progress: Mapped[Decimal | None] = mapped_column(Percent)
    actual_progress: Mapped[Decimal | None] = mapped_column(Percent)
    stalled: Mapped[bool | None] = mapped_column(Boolean)
    stall_cause: Mapped[str | None] = mapped_column(Text)
    stalled_on: Mapped[dt.date | None] = mapped_column(Date)
    stalled_days: Mapped[int | None] = mapped_column(Integer)
    contractor_ruc: Mapped[str | None] = mapped_column(String(11))
    contractor: Mapped[str | None] = mapped_column(String(300))
    supervisor_ruc: Mapped[str | None] = mapped_column(String(11))
    supervisor: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    coords_status: Mapped[str] = mapped_column(String(10), default="missing")
    updated_on: Mapped[dt.date | None] = mapped_column(Date)


class Prioritisation(Base):
    """An investment prioritised in a year's participatory budget (our curated list)."""

    __tablename__ = "prioritisations"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    cui: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    ubigeo: Mapped[str | None] = mapped_column(String(6))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    act: Mapped[str | None] = mapped_column(Text)
    committee: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)


class ChangeLogEntry(Base):
    """One field of one investment changed by one import: the history journalists cite."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_cui_run", "cui", "import_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cui: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class greatest(FunctionElement):
    """The largest argument: ``GREATEST`` on PostgreSQL, multi-argument ``max`` on SQLite."""

    inherit_cache = True


@compiles(greatest)
def _greatest_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "postgresql")
def _greatest_postgresql(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


def _progress_expression():
    """The one physical progress every page, list, CSV and API shows (see ``Investment.progress``).

    The highest any source reports (bank of investments, F12-B, INFObras), as the red flags read
    it; a closed investment whose records give none is complete: 100 %.
    """
    inv = Investment.__table__
    reported = (
        inv.c.physical_progress,
        select(F12BReport.physical_progress)
        .where(F12BReport.cui == inv.c.cui)
        .scalar_subquery(),
        select(func.max(InfobrasWork.actual_progress))
        .where(InfobrasWork.cui == inv.c.cui)
        .scalar_subquery(),
    )
    best = func.nullif(greatest(*(func.coalesce(value, -1) for value in reported)), -1)
    closed = inv.c.phase == "cierre"
    return type_coerce(
        case((and_(closed, best.is_(None)), literal(100)), else_=best), Percent
    )


#: Loaded with every Investment (two indexed look-ups per row), so no list can forget it.
Investment.progress = column_property(_progress_expression())


#: Longest stored key of a precomputed figure (a tuple of short codes, as JSON).
KEY_LENGTH = 300


class PrecomputedFigure(Base):
    """One figure of one data version, as the import computed it."""

    __tablename__ = "precomputed_figures"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    version: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
