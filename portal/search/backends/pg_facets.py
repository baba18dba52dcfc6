"""The facets of a PostgreSQL search: every dimension's counts over the matching investments in
one pass (``GROUPING SETS``), those of all investments precomputed by the import, and the names
the values are shown with (places, executing units).

Apart from the matching and scoring (postgresql.py): a new facet is added here, and in the
Whoosh backend's, with the same dimension name (search/catalogue.py).
"""

from __future__ import annotations

from sqlalchemy import Select, Text, cast, column, func, literal, select, table, text, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal.investments.models import Investment, Prioritisation

_INV = Investment.__table__
#: Columns of the few-valued dimensions, grouped together (a few hundred combinations, summed
#: per dimension when read); "alerta" and "pp" values are space-separated lists.
_COMBINED = (("estado", "status"), ("fase", "phase"), ("funcion", "function"),
             ("alerta", "red_flags"), ("pp", "pp"))  # fmt: skip
#: Those combinations in the search documents (pg_documents.py): one integer each.
FACET_KEYS = table(
    "search_facet_keys", column("key"), *(column(name, Text) for _d, name in _COMBINED)
)
#: The years each investment was prioritised in, space-separated (the documents keep a copy).
PP_BY_CUI = (
    select(
        Prioritisation.cui,
        func.string_agg(
            cast(Prioritisation.year, Text),
            aggregate_order_by(literal(" "), cast(Prioritisation.year, Text)),
        ).label("pp"),
    )
    .group_by(Prioritisation.cui)
    .subquery("pp_by_cui")
)
#: The investments' facet columns: ``facet_parts`` reads a CTE of these names (the
#: investments' own, or the search documents' copies), from ``FACET_FROM``.
FACET_COLUMNS = (
    _INV.c.cui, _INV.c.ubigeo, _INV.c.status, _INV.c.phase, _INV.c.function, _INV.c.sec_ejec,
    _INV.c.red_flags, PP_BY_CUI.c.pp,
)  # fmt: skip
FACET_FROM = _INV.outerjoin(PP_BY_CUI, PP_BY_CUI.c.cui == _INV.c.cui)
#: ``grouping(ubigeo, sec_ejec, status)`` of each grouping set.
_BY_PLACE, _BY_UNIT, _BY_REST = 0b011, 0b101, 0b110
#: The kind of the summary's rows that are the first page (postgresql.py).
TOP = -2
#: Rows of the summary: kind, then these values, then a count (or a place in the page).
ROW_WIDTH = 7


def facet_parts(m) -> list[Select]:
    """Rows (kind, ubigeo, sec_ejec, status, phase, function, red_flags, pp, n) of every facet
    over the CTE ``m``, in one pass: three hash tables (districts, units, the other dimensions'
    combinations) rather than one per dimension. The search documents' combinations are one
    integer (``facet_key``), named afterwards from ``search_facet_keys``."""
    c = m.c
    if "facet_key" not in c:
        rest = [c[name] for _dim, name in _COMBINED]
        grouped = select(
            func.grouping(c.ubigeo, c.sec_ejec, c.status).label("kind"),
            *(cast(k, Text) for k in (c.ubigeo, c.sec_ejec, *rest)),
            func.count().label("n"),
        ).group_by(func.grouping_sets(tuple_(c.ubigeo), tuple_(c.sec_ejec), tuple_(*rest)))
        return [grouped.select_from(m)]
    grouped = (
        select(
            func.grouping(c.ubigeo, c.sec_ejec, c.facet_key).label("kind"),
            c.ubigeo,
            c.sec_ejec,
            c.facet_key,
            func.count().label("n"),
        )  # fmt: skip
        .select_from(m)
        .group_by(func.grouping_sets(tuple_(c.ubigeo), tuple_(c.sec_ejec), tuple_(c.facet_key)))
        .subquery("grouped")
    )
    keys = FACET_KEYS.c
    named = select(
        grouped.c.kind,
        cast(grouped.c.ubigeo, Text),
        cast(grouped.c.sec_ejec, Text),
        *(keys[name] for _dim, name in _COMBINED),
        grouped.c.n,
    ).select_from(grouped.outerjoin(FACET_KEYS, FACET_KEYS.c.key == grouped.c.facet_key))
    return [named]


def read_facets(rows) -> tuple[dict[str, dict[str, int]], int]:
    """(counts per dimension and value, total) from ``facet_parts``' rows (other kinds skipped).

    Provinces are the districts' sums (and those of shorter ubigeos); a list value ("sobrecosto
    sin_avance", "2024 2025") counts once for each of its items."""
    counts: dict[str, dict[str, int]] = {}
    total = 0
    for kind, ubigeo, sec_ejec, *rest in rows:
        n = rest[-1]
        if kind == _BY_PLACE and ubigeo and len(ubigeo) >= 4:
            _add(counts, "provincia", ubigeo[:4], n)
            if len(ubigeo) == 6:
                _add(counts, "distrito", ubigeo, n)
        elif kind == _BY_UNIT and sec_ejec:
            _add(counts, "unidad", sec_ejec, n)
        elif kind == _BY_REST:
            total += n
            for (dim, _name), value in zip(_COMBINED, rest, strict=False):
                if dim in ("alerta", "pp"):
                    for item in set((value or "").split(" ")):
                        _add(counts, dim, item, n)
                else:
                    _add(counts, dim, value, n)
    return counts, total


def _add(counts: dict, dim: str, value: str | None, n: int) -> None:
    if value:
        values = counts.setdefault(dim, {})
        values[value] = values.get(value, 0) + n


def facet_counts(session: Session, matched: Select) -> tuple[dict[str, dict[str, int]], int]:
    """Every facet's counts and the total in one statement over the matching rows
    (``FACET_COLUMNS``)."""
    (grouped,) = facet_parts(matched.cte("m").prefix_with("MATERIALIZED"))
    return read_facets(session.execute(grouped))


def stored_facets(session: Session) -> tuple[dict[str, dict[str, int]], int] | None:
    """The facets of all investments as the import counted them, or None when a change since
    (the trigger of migration 0015 empties the table) asks for counting them live."""
    rows = session.execute(text("SELECT dim, value, count FROM search_facets")).all()
    if not rows:
        return None
    counts: dict[str, dict[str, int]] = {}
    total = 0
    for dim, value, n in rows:
        if dim == "#total":
            total = n
        else:
            counts.setdefault(dim, {})[value] = n
    return counts, total


def store_facets(conn: Connection) -> None:
    """Count every facet of all investments, and name each executing unit, for the empty search
    (``sync_documents``, in the import's transaction)."""
    (grouped,) = facet_parts(select(*FACET_COLUMNS).select_from(FACET_FROM).cte("m"))
    counts, total = read_facets(conn.execute(grouped))
    names = dict(
        conn.execute(
            text(
                "SELECT i.sec_ejec, coalesce(min(u.name), min(i.executing_unit_name)) "
                "FROM investments i LEFT JOIN executing_units u ON u.sec_ejec = i.sec_ejec "
                "WHERE i.sec_ejec <> '' GROUP BY i.sec_ejec"
            )
        ).all()
    )
    rows = [{"dim": "#total", "value": "", "count": total, "label": None}]
    rows += [
        {
            "dim": dim,
            "value": value,
            "count": n,
            "label": names.get(value) if dim == "unidad" else None,
        }  # fmt: skip
        for dim, values in counts.items()
        for value, n in values.items()
    ]
    conn.execute(text("DELETE FROM search_facets"))
    conn.execute(
        text(
            "INSERT INTO search_facets (dim, value, count, label) "
            "VALUES (:dim, :value, :count, :label)"
        ),
        rows,
    )


_PLACE_NAMES = text("SELECT ubigeo, name FROM places WHERE ubigeo = ANY(:v)")
_UNIT_NAMES = text("SELECT sec_ejec, name FROM executing_units WHERE sec_ejec = ANY(:v)")


def facet_labels(session: Session, dim: str, values: list[str]) -> dict[str, str]:
    """The names of a facet's values: places by ubigeo, executing units by SEC_EJEC (else the
    name the investments give the unit, as the import stored it)."""
    if not values:
        return {}
    # One array parameter: a national search names ~1,800 districts and as many units, and an
    # IN list of that many bound values took 25 ms a dimension to build, send and plan.
    if dim in ("provincia", "distrito"):
        rows = session.execute(_PLACE_NAMES, {"v": values})
        return dict(rows.all())
    found = dict(session.execute(_UNIT_NAMES, {"v": values}).all())
    missing = [v for v in values if v not in found]
    if not missing:
        return found
    stored = session.execute(
        text(
            "SELECT value, label FROM search_facets WHERE dim IN ('unidad', '#total') "
            "AND (value = ANY(:v) OR dim = '#total')"
        ),
        {"v": missing},
    ).all()
    if stored:
        found.update((k, v) for k, v in stored if v)
        return found
    rows = session.execute(
        select(Investment.sec_ejec, func.min(Investment.executing_unit_name))
        .where(Investment.sec_ejec.in_(missing))
        .group_by(Investment.sec_ejec)
    )
    found.update((k, v) for k, v in rows if v)
    return found
