"""Queries of the contracting processes: per investment, per supplier, and as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.contracts.models import MATCH_TEXT, ContractAward, ContractingProcess, ContractSignal
from portal.investments.models import Investment

#: The OCDS method codes in words (OECE's own name of the method is shown beside them).
METHOD_CODES = ("open", "selective", "limited", "direct")


@dataclass
class ProcessView:
    """One process with its awarded suppliers, as the investment page shows it."""

    process: ContractingProcess
    awards: list[ContractAward] = field(default_factory=list)
    #: The risk signals the import computed with Cardinal's indicators (R018 before R003).
    signals: list[ContractSignal] = field(default_factory=list)

    @property
    def by_text(self) -> bool:
        return self.process.matched_by == MATCH_TEXT

    @property
    def amendments(self) -> int:
        return sum(award.amendments or 0 for award in self.awards)

    @property
    def contracted(self) -> Decimal | None:
        """The sum of the contracts signed (awards where none is signed yet)."""
        values = [a.contract_amount or a.award_amount for a in self.awards]
        values = [v for v in values if v is not None]
        return sum(values, Decimal(0)) if values else None


def _views(session: Session, processes: list[ContractingProcess]) -> list[ProcessView]:
    views = {p.ocid: ProcessView(p) for p in processes}
    if views:
        awards = session.scalars(
            select(ContractAward)
            .where(ContractAward.ocid.in_(list(views)))
            .order_by(ContractAward.ocid, ContractAward.position)
        )
        for award in awards:
            views[award.ocid].awards.append(award)
        signals = session.scalars(
            select(ContractSignal)
            .where(ContractSignal.ocid.in_(list(views)))
            .order_by(ContractSignal.ocid, ContractSignal.code.desc())
        )
        for signal in signals:
            views[signal.ocid].signals.append(signal)
    return list(views.values())


def all_processes(session: Session) -> list[ProcessView]:
    """Every process stored (the region's), with its awards: for figures over the whole list."""
    return _views(session, list(session.scalars(select(ContractingProcess))))


def _by_date(query):
    """Oldest first, as the story of the works goes; undated processes last."""
    published = ContractingProcess.published_on
    return query.order_by(published.is_(None), published, ContractingProcess.ocid)


def investment_processes(session: Session, cui: str) -> list[ProcessView]:
    """The processes of one investment (by CUI), ordered by date."""
    query = _by_date(select(ContractingProcess).where(ContractingProcess.cui == cui))
    return _views(session, list(session.scalars(query)))


def main_contractor(views: list[ProcessView]) -> ContractAward | None:
    """The supplier of the largest contract (or award) of the investment: its main contractor."""
    awards = [a for v in views for a in v.awards if (a.contract_amount or a.award_amount)]
    return max(awards, key=lambda a: a.contract_amount or a.award_amount, default=None)


@dataclass
class SupplierPage:
    ruc: str
    name: str | None
    processes: list[ProcessView]
    investments: dict[str, Investment]
    #: The sums of this supplier's awards and contracts (in soles).
    awarded: Decimal
    contracted: Decimal

    @property
    def names(self) -> list[str]:
        seen = []
        for view in self.processes:
            for award in view.awards:
                if award.ruc == self.ruc and award.supplier and award.supplier not in seen:
                    seen.append(award.supplier)
        return seen


def supplier_page(session: Session, ruc: str) -> SupplierPage | None:
    """A supplier's processes in the region and the investments they belong to, with totals."""
    ocids = select(ContractAward.ocid).where(ContractAward.ruc == ruc).distinct()
    query = _by_date(select(ContractingProcess).where(ContractingProcess.ocid.in_(ocids)))
    processes = list(session.scalars(query))
    if not processes:
        return None
    views = _views(session, processes)
    own = [a for v in views for a in v.awards if a.ruc == ruc]
    cuis = {p.cui for p in processes}
    investments = {
        inv.cui: inv for inv in session.scalars(select(Investment).where(Investment.cui.in_(cuis)))
    }
    return SupplierPage(
        ruc=ruc,
        name=own[0].supplier if own else None,
        processes=views,
        investments=investments,
        awarded=sum((a.award_amount or Decimal(0) for a in own), Decimal(0)),
        contracted=sum((a.contract_amount or Decimal(0) for a in own), Decimal(0)),
    )


def find_suppliers(session: Session, text: str, limit: int = 10) -> list[tuple[str, str, int]]:
    """(RUC as published, name, processes) of the suppliers whose name or RUC contains ``text``."""
    text = " ".join(text.split())
    if len(text) < 3:
        return []
    pattern = f"%{text.upper()}%"
    query = (
        select(
            ContractAward.ruc,
            func.max(ContractAward.supplier),
            func.count(func.distinct(ContractAward.ocid)),
        )
        .where(ContractAward.ruc.is_not(None))
        .where(func.upper(ContractAward.supplier).like(pattern) | ContractAward.ruc.like(pattern))
        .group_by(ContractAward.ruc)
        .order_by(func.count(func.distinct(ContractAward.ocid)).desc(), ContractAward.ruc)
        .limit(limit)
    )
    return [(ruc, name, count) for ruc, name, count in session.execute(query)]


def as_dates(view: ProcessView) -> dict[str, dt.date | None]:
    """The key dates of a process: published, awarded, signed (the first of each)."""
    awarded = [a.awarded_on for a in view.awards if a.awarded_on]
    signed = [a.signed_on for a in view.awards if a.signed_on]
    return {
        "published": view.process.published_on,
        "awarded": min(awarded, default=None),
        "signed": min(signed, default=None),
    }


def processes_as_data(views: list[ProcessView]) -> list[dict]:
    """The processes of an investment as JSON-safe data (``/inversiones/<CUI>.json``)."""
    from portal.investments.sheet_json import plain

    data = []
    for view in views:
        p = view.process
        data.append(
            {
                "ocid": p.ocid,
                "matched_by": p.matched_by,
                "cui_found_in_text": view.by_text,
                "match_text": p.match_text,
                "title": p.title,
                "description": p.description,
                "buyer": p.buyer,
                "method": p.method,
                "method_details": p.method_details,
                "category": p.category,
                "estimated_value": plain(p.estimated_amount),
                "currency": p.currency,
                "number_of_tenderers": p.tenderers,
                "dates": {key: plain(day) for key, day in as_dates(view).items()},
                "url": p.url,
                "suppliers": [
                    {
                        "name": a.supplier,
                        "id": a.ruc,
                        "scheme": a.scheme,
                        "award_value": plain(a.award_amount),
                        "award_currency": a.award_currency,
                        "awarded_on": plain(a.awarded_on),
                        "award_status": a.award_status,
                        "contract_id": a.contract_id,
                        "contract_value": plain(a.contract_amount),
                        "contract_currency": a.contract_currency,
                        "signed_on": plain(a.signed_on),
                        "contract_period": {
                            "start": plain(a.period_start),
                            "end": plain(a.period_end),
                        },
                        "amendments": a.amendments,
                        "amendment_notes": a.amendment_notes,
                    }
                    for a in view.awards
                ],
            }
        )
    return data
