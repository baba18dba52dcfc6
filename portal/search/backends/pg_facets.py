"""The facets of a PostgreSQL search: every dimension's counts over the matching investments in
one grouped query, and the names its values are shown with (places, executing units).

Apart from the matching and scoring (postgresql.py): a new facet is added here, and in the
Whoosh backend's, with the same dimension name (search/catalogue.py).
"""

from __future__ import annotations

from sqlalchemy import Select, Text, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from portal.investments.models import ExecutingUnit, Investment, Place, Prioritisation

_INV = Investment.__table__
#: The columns of the matching investments the facets count; ``facet_counts`` takes a query of
#: these, in this order.
FACET_COLUMNS = (
    _INV.c.cui, _INV.c.ubigeo, _INV.c.status, _INV.c.phase, _INV.c.function, _INV.c.sec_ejec,
    _INV.c.red_flags,
)  # fmt: skip


def facet_counts(session: Session, matched: Select) -> dict[str, dict[str, int]]:
    """Every facet's counts in one grouped query over the matching rows (``FACET_COLUMNS``)."""
    matched = matched.cte("matched").prefix_with("MATERIALIZED")
    m = matched.c

    def grouped(dim, value, where=None):
        query = select(literal(dim).label("dim"), value.label("value"), func.count())
        query = query.select_from(matched).where(value.is_not(None))
        if where is not None:
            query = query.where(where)
        return query.group_by(value)

    parts = [
        grouped("provincia", func.left(m.ubigeo, 4), func.length(m.ubigeo) >= 4),
        grouped("distrito", m.ubigeo, func.length(m.ubigeo) == 6),
        grouped("estado", m.status, m.status != ""),
        grouped("fase", m.phase, m.phase != ""),
        grouped("funcion", m.function, m.function != ""),
        grouped("unidad", m.sec_ejec, m.sec_ejec != ""),
    ]
    year = cast(Prioritisation.year, Text)
    parts.append(
        select(literal("pp"), year, func.count(func.distinct(m.cui)))
        .select_from(matched.join(Prioritisation.__table__, Prioritisation.cui == m.cui))
        .group_by(year)
    )
    flags = (
        func.unnest(func.string_to_array(m.red_flags, " "))
        .table_valued("flag")
        .render_derived(name="f")
    )
    parts.append(
        select(literal("alerta"), flags.c.flag, func.count(func.distinct(m.cui)))
        .select_from(matched.join(flags, literal(True)))
        .where(flags.c.flag != "")
        .group_by(flags.c.flag)
    )
    counts: dict[str, dict[str, int]] = {}
    for dim, value, count in session.execute(union_all(*parts)):
        counts.setdefault(dim, {})[value] = count
    return counts


def facet_labels(session: Session, dim: str, values: list[str]) -> dict[str, str]:
    """The names of a facet's values: places by ubigeo, executing units by SEC_EJEC."""
    if not values:
        return {}
    if dim in ("provincia", "distrito"):
        rows = session.execute(select(Place.ubigeo, Place.name).where(Place.ubigeo.in_(values)))
        return dict(rows.all())
    found = dict(
        session.execute(
            select(ExecutingUnit.sec_ejec, ExecutingUnit.name).where(
                ExecutingUnit.sec_ejec.in_(values)
            )
        ).all()
    )
    missing = [v for v in values if v not in found]
    if missing:
        rows = session.execute(
            select(Investment.sec_ejec, func.min(Investment.executing_unit_name))
            .where(Investment.sec_ejec.in_(missing))
            .group_by(Investment.sec_ejec)
        )
        found.update((k, v) for k, v in rows if v)
    return found
