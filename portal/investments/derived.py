"""Figures derived from all sources at once, refreshed after every import.

An investment's plain-words status needs INFObras and the situation history as well as the MEF
record, so it is computed here in SQL (one pass, both engines) rather than while reading one file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from flask import current_app, has_app_context
from sqlalchemy import (
    Connection,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from portal.investments.flags import FlagThresholds, refresh_red_flags
from portal.investments.models import (
    ExecutingUnit,
    InfobrasWork,
    Investment,
    Place,
    SituationEntry,
    YearlyExecution,
)
from portal.places import load_places

INV = Investment.__table__
WORKS = InfobrasWork.__table__
SITUATIONS = SituationEntry.__table__


def refresh_derived_fields(conn: Connection, region: str) -> None:
    seed_places(conn, region)
    rebuild_executing_units(conn)
    refresh_statuses(conn)
    config = current_app.config if has_app_context() else {}
    refresh_red_flags(conn, FlagThresholds.from_config(config), dt.datetime.now(dt.UTC).date())


def seed_places(conn: Connection, region: str) -> None:
    """The region's places (names and centroids) in the table; replaced when the region changed.

    Compared first, so the nightly import of an unchanged region writes nothing.
    """
    table = Place.__table__
    wanted = {
        p.ubigeo: (p.level, p.name, p.parent, p.capital, p.lat, p.lon) for p in load_places(region)
    }
    stored = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            select(
                table.c.ubigeo,
                table.c.level,
                table.c.name,
                table.c.parent_ubigeo,
                table.c.capital,
                table.c.latitude,
                table.c.longitude,
            )
        )
    }
    if not wanted or stored == wanted:
        return
    conn.execute(delete(table))
    conn.execute(
        insert(table),
        [
            {
                "ubigeo": ubigeo,
                "level": level,
                "name": name,
                "parent_ubigeo": parent,
                "capital": capital,
                "latitude": lat,
                "longitude": lon,
            }
            for ubigeo, (level, name, parent, capital, lat, lon) in wanted.items()
        ],
    )


def slugify(text: str) -> str:
    """'REGION CAJAMARCA - SUB REGION CHOTA' → 'region-cajamarca-sub-region-chota'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unidad"


def rebuild_executing_units(conn: Connection) -> None:
    """Every executing unit named in the records, with a slug that stays stable across imports."""
    names: dict[str, str] = {}
    for code, name in conn.execute(
        select(YearlyExecution.sec_ejec, YearlyExecution.executing_unit_name)
        .where(YearlyExecution.executing_unit_name.is_not(None))
        .order_by(YearlyExecution.year)
    ):
        names[code] = name
    for code, name in conn.execute(
        select(Investment.sec_ejec, Investment.executing_unit_name).where(
            Investment.sec_ejec.is_not(None), Investment.executing_unit_name.is_not(None)
        )
    ):
        names.setdefault(code, name)
    slugs: dict[str, str] = {}
    for code in sorted(names):
        slug = slugify(names[code])
        slugs[code] = slug if slug not in slugs.values() else f"{slug}-{code}"
    conn.execute(delete(ExecutingUnit.__table__))
    if names:
        conn.execute(
            insert(ExecutingUnit.__table__),
            [
                {"sec_ejec": code, "name": names[code], "slug": slugs[code]}
                for code in sorted(names)
            ],
        )


def refresh_statuses(conn: Connection) -> None:
    """Plain-words status and cycle phase of every investment, from every source."""
    work_with_status = lambda pattern: exists().where(  # noqa: E731
        WORKS.c.cui == INV.c.cui, func.upper(WORKS.c.status).like(pattern)
    )
    stalled_on_site = exists().where(
        WORKS.c.cui == INV.c.cui,
        or_(WORKS.c.stalled.is_(True), func.upper(WORKS.c.status).like("%PARALIZ%")),
    )
    latest_situation = (
        select(SITUATIONS.c.description)
        .where(SITUATIONS.c.cui == INV.c.cui)
        .order_by(SITUATIONS.c.period.desc())
        .limit(1)
        .scalar_subquery()
    )
    finished = or_(
        INV.c.source == "mef-cierre",
        INV.c.culminated.is_(True),
        INV.c.physical_progress >= 100,
        work_with_status("FINALIZ%"),
    )
    spending = or_(INV.c.devengado_accumulated > 0, INV.c.physical_progress > 0)
    status = case(
        (finished, literal("finalizada")),
        (
            or_(stalled_on_site, func.upper(latest_situation).like("%PARALIZ%")),
            literal("paralizada"),
        ),
        (or_(spending, work_with_status("EN EJECU%")), literal("en_ejecucion")),
        else_=literal("sin_iniciar"),
    )
    phase = case(
        (INV.c.source == "mef-cierre", literal("cierre")),
        (
            or_(INV.c.culminated.is_(True), INV.c.physical_progress >= 100),
            literal("funcionamiento"),
        ),
        (
            or_(
                INV.c.has_technical_file.is_(True),
                INV.c.has_f12b.is_(True),
                spending,
                and_(INV.c.situation.is_not(None), func.upper(INV.c.situation).like("%EJECUCI%")),
            ),
            literal("ejecucion"),
        ),
        else_=literal("formulacion"),
    )
    # Only the rows whose status or phase changes: rewriting all 300,000 every night left as
    # many dead rows, ~150 MB of writes while visitors were served, and scattered each place's
    # rows over the table.
    changed = or_(INV.c.status.is_distinct_from(status), INV.c.phase.is_distinct_from(phase))
    conn.execute(update(INV).where(changed).values(status=status, phase=phase))
