"""The day's files, written by the import into the instance folder and never changed afterwards.

``<instance>/datos/<YYYY-MM-DD>/`` holds the files and ``manifest.json`` (size, SHA-256, rows).
A day is written into a temporary folder and swapped in whole, so a reader never sees half a day.
A second import on the same day replaces that day's files; once the day is over they are final.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from portal.datos import oc4ids
from portal.datos.columns import (
    INVESTMENT_COLUMNS,
    INVESTMENT_SELECT,
    YEARLY_COLUMNS,
    YEARLY_SELECT,
)
from portal.datos.writers import write_csv, write_xlsx
from portal.investments.models import Investment, YearlyExecution
from portal.places import investment_places

DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
MANIFEST = "manifest.json"
#: (file name, format) in the order /datos lists them.
FILES = (
    ("inversiones.csv", "CSV"),
    ("inversiones.xlsx", "XLSX"),
    ("ejecucion_anual.csv", "CSV"),
    ("oc4ids.json", "JSON"),
    ("diccionario.csv", "CSV"),
)
_BATCH = 2000


@dataclass(frozen=True)
class DatedFile:
    name: str
    format: str
    size: int
    sha256: str
    rows: int


@dataclass(frozen=True)
class DataDay:
    day: dt.date
    published: dt.datetime
    files: list[DatedFile]


def datos_root(config) -> Path:
    return Path(config["PORTAL_INSTANCE_DIR"]) / "datos"


def write_day(
    session: Session, root: Path, day: dt.date, published: dt.datetime, config
) -> DataDay:
    """Write every file of ``day`` (replacing that day's earlier files) and its manifest."""
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=root, prefix=f".{day.isoformat()}-"))
    try:
        rows = {
            "inversiones.csv": write_csv(
                work / "inversiones.csv", INVESTMENT_COLUMNS, investment_rows(session)
            ),
            "inversiones.xlsx": write_xlsx(
                work / "inversiones.xlsx", INVESTMENT_COLUMNS, investment_rows(session)
            ),
            "ejecucion_anual.csv": write_csv(
                work / "ejecucion_anual.csv", YEARLY_COLUMNS, _yearly_rows(session)
            ),
            "oc4ids.json": _write_oc4ids(session, work / "oc4ids.json", day, published, config),
            "diccionario.csv": _write_dictionary(work / "diccionario.csv"),
        }
        files = [
            DatedFile(name, fmt, (work / name).stat().st_size, _sha256(work / name), rows[name])
            for name, fmt in FILES
        ]
        manifest = {
            "day": day.isoformat(),
            "published": published.isoformat(),
            "files": [f.__dict__ for f in files],
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.chmod(work, 0o755)
        _swap_in(work, root / day.isoformat())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return DataDay(day, published, files)


def _swap_in(work: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}-old-{time.monotonic_ns()}")
        target.rename(old)
        work.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(target)


def prune_days(root: Path, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest days; returns the removed day names."""
    days = (
        sorted(p.name for p in root.iterdir() if DAY_PATTERN.fullmatch(p.name))
        if root.is_dir()
        else []
    )
    removed = days[: max(0, len(days) - keep)]
    for name in removed:
        shutil.rmtree(root / name, ignore_errors=True)
    return removed


def list_days(root: Path) -> list[DataDay]:
    """Days kept, newest first, read from their manifests (a folder without one is skipped)."""
    if not root.is_dir():
        return []
    days = []
    for folder in sorted(root.iterdir(), reverse=True):
        day = read_manifest(root, folder.name)
        if day is not None:
            days.append(day)
    return days


def read_manifest(root: Path, name: str) -> DataDay | None:
    if not DAY_PATTERN.fullmatch(name):
        return None
    try:
        data = json.loads((root / name / MANIFEST).read_text(encoding="utf-8"))
        return DataDay(
            dt.date.fromisoformat(data["day"]),
            dt.datetime.fromisoformat(data["published"]),
            [DatedFile(**f) for f in data["files"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def investment_rows(session: Session):
    """Driver values, streamed: SQLAlchemy's per-value conversion would halve the speed.

    Province and district are named by the INEI list by ubigeo, as on the pages (a record of no
    known place keeps the file's text).
    """
    keys = [a.key for a in INVESTMENT_SELECT]
    at_ubigeo, at_province, at_district = (
        keys.index(k) for k in ("ubigeo", "province", "district")
    )
    for row in _driver_rows(session, INVESTMENT_SELECT, Investment.__table__, ("cui",)):
        row = list(row)
        row[at_province], row[at_district] = investment_places(
            row[at_ubigeo], row[at_province], row[at_district]
        )
        yield row


def _yearly_rows(session: Session):
    return _driver_rows(
        session, YEARLY_SELECT, YearlyExecution.__table__, ("cui", "year", "sec_ejec")
    )


def _driver_rows(session: Session, attributes, table, order: tuple[str, ...]):
    columns = [literal_column(table.c[a.key].name) for a in attributes]
    query = select(*columns).select_from(table).order_by(*(table.c[o] for o in order))
    return session.execute(query.execution_options(yield_per=_BATCH))


def _write_oc4ids(session: Session, path: Path, day: dt.date, published, config) -> int:
    page = url_for("investments.show", cui="CUI", _external=True)
    projects = oc4ids.projects(
        session, config["PORTAL_OC4IDS_PREFIX"], page, config.get("PORTAL_URL_INFOBRAS")
    )
    uri = url_for("datos.download", day=day.isoformat(), filename="oc4ids.json", _external=True)
    publisher = {
        "name": config["PORTAL_PUBLISHER_NAME"],
        "uri": url_for("datos.index", _external=True),
    }
    return oc4ids.write_package(path, projects, uri, published, publisher)


def _write_dictionary(path: Path) -> int:
    from portal.datos.columns import dictionary_rows

    rows = dictionary_rows()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["archivo", "columna", "tipo", "descripcion"])
        writer.writerows(rows)
    return len(rows)


def import_day(config, now: dt.datetime) -> dt.date:
    """The calendar day of an import where the portal's people live (Lima by default)."""
    return now.astimezone(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])).date()


def write_after_import(app: Flask):
    """After-import hook: today's files, then pruning to ``PORTAL_DATOS_KEEP_DAYS``."""

    def write_today() -> None:
        from portal.config import PublicUrlError, public_url
        from portal.db import session_scope

        now = dt.datetime.now(dt.UTC)
        try:
            base_url = public_url(app.config)
        except PublicUrlError as error:
            # Links (the OC4IDS URIs above all) would point at localhost: publish nothing.
            app.logger.error("The dated files and the OC4IDS package were not written: %s", error)
            return
        with app.test_request_context(base_url=base_url), session_scope() as session:
            root = datos_root(app.config)
            try:
                write_day(session, root, import_day(app.config, now), now, app.config)
            except OSError:
                # The data are imported; a full or read-only disk only costs today's files.
                app.logger.exception("Could not write the dated files under %s", root)
                return
            prune_days(root, int(app.config["PORTAL_DATOS_KEEP_DAYS"]))

    return write_today
