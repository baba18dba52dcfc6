"""Investment per inhabitant in every district of the region, beside its poverty and HDI.

An investment published for a whole province or department (its ubigeo names no district) is
counted apart: spreading it over districts would invent where the money goes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.gaps.indicators import district_indicators
from portal.investments.models import Investment
from portal.places import NATIONAL, named_places, place_name

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class DistrictGap:
    ubigeo: str
    name: str
    province: str | None
    population: int | None
    poverty_pct: float | None
    hdi: float | None
    investments: int
    updated_cost: Decimal

    @property
    def per_inhabitant(self) -> Decimal | None:
        """Updated cost over population, in soles to the céntimo (None without a population)."""
        if not self.population:
            return None
        return (self.updated_cost / self.population).quantize(CENTS, ROUND_HALF_UP)


@dataclass(frozen=True)
class Gaps:
    districts: list[DistrictGap]
    #: Investments whose ubigeo names a province or the department, not a district.
    wider_count: int
    wider_cost: Decimal
    #: Districts poorer than the region's median and in its lowest quarter of investment per
    #: inhabitant, poorest first: the ones the page names in words.
    neglected: list[DistrictGap]
    poverty_median: float | None
    per_inhabitant_quartile: Decimal | None


def find_gaps(session: Session, region: str) -> Gaps:
    """Every district of ``region`` ('06', or 'all' for Peru) with its investment and needs."""
    indicators = district_indicators()
    districts = {
        code: place
        for code, place in named_places("distrito").items()
        if region == NATIONAL or code.startswith(region)
    }
    per_district = {
        ubigeo: (count, Decimal(cost or 0))
        for ubigeo, count, cost in session.execute(
            select(Investment.ubigeo, func.count(), func.sum(Investment.updated_cost))
            .where(func.length(Investment.ubigeo) == 6)
            .group_by(Investment.ubigeo)
        )
    }
    wider_count, wider_cost = session.execute(
        select(func.count(), func.coalesce(func.sum(Investment.updated_cost), 0)).where(
            func.length(Investment.ubigeo) < 6
        )
    ).one()
    rows = []
    for code, place in districts.items():
        found = indicators.get(code)
        count, cost = per_district.get(code, (0, Decimal(0)))
        rows.append(
            DistrictGap(
                ubigeo=code,
                name=place.name,
                province=place_name(code[:4]),
                population=found.population if found else None,
                poverty_pct=found.poverty_pct if found else None,
                hdi=found.hdi if found else None,
                investments=count,
                updated_cost=cost.quantize(CENTS),
            )
        )
    rows.sort(key=lambda d: (-d.updated_cost, d.ubigeo))
    return Gaps(rows, int(wider_count), Decimal(wider_cost), *_neglected(rows))


def _neglected(rows: list[DistrictGap]) -> tuple[list[DistrictGap], float | None, Decimal | None]:
    known = [d for d in rows if d.poverty_pct is not None and d.per_inhabitant is not None]
    if len(known) < 4:
        return [], None, None
    poverty_median = statistics.median(d.poverty_pct for d in known)
    quartile = statistics.quantiles([d.per_inhabitant for d in known], n=4)[0]
    chosen = [d for d in known if d.poverty_pct > poverty_median and d.per_inhabitant <= quartile]
    chosen.sort(key=lambda d: (-d.poverty_pct, d.per_inhabitant))
    return chosen, poverty_median, Decimal(quartile).quantize(CENTS)
