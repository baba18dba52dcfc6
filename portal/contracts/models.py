"""A contracting process as OECE publishes it in OCDS (merged), and each supplier it awarded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.investments.models import Money

#: How a process names its investment: the CUI in ``planning.budget.projectID``, or a CUI
#: written in the tender, item or contract texts (weaker evidence, said so on the page).
MATCH_BUDGET = "budget"
MATCH_TEXT = "text"


class ContractingProcess(Base):
    """One OCDS contracting process (its releases merged), linked to an investment by CUI."""

    __tablename__ = "contracting_processes"

    ocid: Mapped[str] = mapped_column(String(80), primary_key=True)
    cui: Mapped[str] = mapped_column(String(10), index=True)
    #: MATCH_BUDGET or MATCH_TEXT.
    matched_by: Mapped[str] = mapped_column(String(10))
    #: The text the CUI was found in, when found in a text: what a reader can check.
    match_text: Mapped[str | None] = mapped_column(String(300))
    tender_id: Mapped[str | None] = mapped_column(String(40))
    #: The nomenclature (``tender.title``, e.g. "LP-SM-3-2025-GRC-1") and the object.
    title: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    buyer: Mapped[str | None] = mapped_column(String(300))
    #: OCDS codes (open, selective, limited, direct) and OECE's name of the method.
    method: Mapped[str | None] = mapped_column(String(20))
    method_details: Mapped[str | None] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    estimated_amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    tenderers: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    tender_end_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The date of the newest release merged: the state this row describes.
    updated_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The official record (the OCDS release package OECE serves for this process).
    url: Mapped[str | None] = mapped_column(String(300))


class ContractAward(Base):
    """One awarded supplier of a process, with its award and (once signed) its contract."""

    __tablename__ = "contract_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[int] = mapped_column(Integer)
    award_id: Mapped[str | None] = mapped_column(String(80))
    #: The supplier's identifier as published: an 11-digit RUC under PE-RUC, or the shorter
    #: id some consortia carry — shown as it is, never padded.
    ruc: Mapped[str | None] = mapped_column(String(40), index=True)
    scheme: Mapped[str | None] = mapped_column(String(20))
    supplier: Mapped[str | None] = mapped_column(String(300))
    award_status: Mapped[str | None] = mapped_column(String(20))
    award_amount: Mapped[Decimal | None] = mapped_column(Money)
    award_currency: Mapped[str | None] = mapped_column(String(3))
    awarded_on: Mapped[dt.date | None] = mapped_column(Date)
    contract_id: Mapped[str | None] = mapped_column(String(80))
    contract_title: Mapped[str | None] = mapped_column(String(300))
    contract_status: Mapped[str | None] = mapped_column(String(20))
    contract_amount: Mapped[Decimal | None] = mapped_column(Money)
    contract_currency: Mapped[str | None] = mapped_column(String(3))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    #: Contract amendments published (``contracts[].amendments``) and their rationales.
    amendments: Mapped[int] = mapped_column(Integer, default=0)
    amendment_notes: Mapped[str | None] = mapped_column(Text)


class ContractSignal(Base):
    """A risk signal one process raises, computed by the import from its merged releases with
    Cardinal's indicators (``portal/contracts/cardinal.py``): where to look, not an accusation."""

    __tablename__ = "contract_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str] = mapped_column(String(80), index=True)
    #: Cardinal's code of the indicator, e.g. "R018".
    code: Mapped[str] = mapped_column(String(10))
    #: Cardinal's output for the process (1.0 for R003 and R018).
    value: Mapped[float] = mapped_column(Float)
    #: What was measured (days of the tender period, tenderers) and the threshold it was held
    #: to, from the settings the import ran with: what the page says beside the signal.
    observed: Mapped[int | None] = mapped_column(Integer)
    threshold: Mapped[int | None] = mapped_column(Integer)
