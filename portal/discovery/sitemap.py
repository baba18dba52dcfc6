"""The pages a search engine should know: every investment, place and unit, with its last change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.investments.models import ExecutingUnit, Investment, Place


@dataclass(frozen=True)
class SitemapEntry:
    endpoint: str
    args: dict
    lastmod: dt.date | None


def list_sitemap_entries(session: Session, region: str) -> Iterator[SitemapEntry]:
    """Investments by CUI, then places and units; ``lastmod`` is the newest change inside each."""
    for cui, changed in session.execute(
        select(Investment.cui, Investment.changed_at).order_by(Investment.cui)
    ):
        yield SitemapEntry("investments.show", {"cui": cui}, _day(changed))
    by_district = dict(
        session.execute(
            select(Investment.ubigeo, func.max(Investment.changed_at)).group_by(Investment.ubigeo)
        ).all()
    )
    for ubigeo in session.scalars(
        select(Place.ubigeo).where(Place.ubigeo != region).order_by(Place.ubigeo)
    ):
        changes = [c for u, c in by_district.items() if u and u.startswith(ubigeo) and c]
        yield SitemapEntry(
            "investments.place", {"ubigeo": ubigeo}, _day(max(changes, default=None))
        )
    by_unit = dict(
        session.execute(
            select(Investment.sec_ejec, func.max(Investment.changed_at)).group_by(
                Investment.sec_ejec
            )
        ).all()
    )
    for sec_ejec, slug in session.execute(
        select(ExecutingUnit.sec_ejec, ExecutingUnit.slug).order_by(ExecutingUnit.slug)
    ):
        yield SitemapEntry("investments.unit", {"slug": slug}, _day(by_unit.get(sec_ejec)))


def _day(moment: dt.datetime | None) -> dt.date | None:
    return moment.date() if moment is not None else None
