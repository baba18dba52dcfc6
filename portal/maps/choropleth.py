"""District figures for the choropleth: how many investments, their cost, their execution.

Grouped by the investment's ubigeo, so investments without coordinates count in their district.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.i18n import percent_value
from portal.investments.models import Investment
from portal.maps.queries import selected
from portal.search.filters import Filters

MEASURES = ("cantidad", "costo", "ejecucion")
#: Number of colour classes (maps.css defines .choro-0 … .choro-4).
CLASSES = 5


@dataclass(frozen=True)
class DistrictFigure:
    ubigeo: str
    count: int
    updated_cost: Decimal
    devengado: Decimal

    def value(self, measure: str) -> Decimal:
        if measure == "cantidad":
            return Decimal(self.count)
        if measure == "costo":
            return self.updated_cost
        # Execution: accrued spending over updated cost, weighted by money, not by count.
        if not self.updated_cost:
            return Decimal(0)
        return percent_value(min(Decimal(100), 100 * self.devengado / self.updated_cost))


@dataclass(frozen=True)
class ColourClass:
    index: int
    lower: Decimal
    upper: Decimal


def find_district_figures(session: Session, filters: Filters) -> dict[str, DistrictFigure]:
    """Figures of the selected investments, by district ubigeo."""
    query = selected(
        session,
        filters,
        select(
            Investment.ubigeo,
            func.count(Investment.cui),
            func.coalesce(func.sum(Investment.updated_cost), 0),
            func.coalesce(func.sum(Investment.devengado_accumulated), 0),
        ).where(Investment.ubigeo.is_not(None)),
    ).group_by(Investment.ubigeo)
    return {
        ubigeo: DistrictFigure(ubigeo, count, Decimal(cost), Decimal(dev))
        for ubigeo, count, cost, dev in session.execute(query)
    }


def colour_classes(values: list[Decimal], measure: str) -> list[ColourClass]:
    """Up to five classes: fixed 20-point steps for percentages, quantiles otherwise."""
    if measure == "ejecucion":
        return [ColourClass(i, Decimal(20 * i), Decimal(20 * (i + 1))) for i in range(CLASSES)]
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    breaks = sorted(
        {ordered[min(len(ordered) - 1, len(ordered) * i // CLASSES)] for i in range(CLASSES)}
    )
    uppers = [*breaks[1:], ordered[-1]]
    return [ColourClass(i, low, up) for i, (low, up) in enumerate(zip(breaks, uppers, strict=True))]


def class_of(value: Decimal, classes: list[ColourClass]) -> int | None:
    """Index of the class a value falls in; None for no investments (drawn blank)."""
    if not classes or value <= 0 and classes[0].lower > 0:
        return None
    for colour in classes:
        if value < colour.upper:
            return colour.index
    return classes[-1].index
