"""Published versions of the files, written by the import into the instance folder; never changed.

``<instance>/datos/<version>/`` holds the files, ``datapackage.json`` and ``manifest.json``
(size, SHA-256, rows, import run). A version is named after the Lima day of the import:
``2026-12-07`` for the first of that day (the address journalists already cite), then
``2026-12-07.2``, ``2026-12-07.3``… for later imports of the same day that changed the data.
A version is written into a temporary folder and renamed in whole, never over another one, so a
published address never changes its bytes; an import whose files would equal the newest
version's publishes nothing.
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
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from sqlalchemy import literal_column, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from portal.datos import oc4ids, oc4ids_package
from portal.datos.columns import (
    INVESTMENT_COLUMNS,
    INVESTMENT_SELECT,
    YEARLY_COLUMNS,
    YEARLY_SELECT,
)
from portal.datos.datapackage import write_datapackage
from portal.datos.writers import write_csv, write_xlsx
from portal.importer.models import ImportRun
from portal.investments.as_of import latest_run_id
from portal.investments.models import Investment, YearlyExecution
from portal.places import investment_places

DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A version's folder and address: the day, then ".<n>" from the second version of a day on.
VERSION_PATTERN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.([2-9]|[1-9]\d+))?")
MANIFEST = "manifest.json"
#: (file name, format) in the order /datos lists them.
FILES = (
    ("inversiones.csv", "CSV"),
    ("inversiones.xlsx", "XLSX"),
    ("ejecucion_anual.csv", "CSV"),
    ("ciclo.csv", "CSV"),
    ("brechas.csv", "CSV"),
    ("oc4ids.json", "JSON"),
    ("diccionario.csv", "CSV"),
    ("datapackage.json", "JSON"),
)
#: The files whose bytes depend on the data only: equal to the newest version's, nothing new.
DATA_FILES = (
    "inversiones.csv", "ejecucion_anual.csv", "ciclo.csv", "brechas.csv", "diccionario.csv",
)  # fmt: skip
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
    """One published version (the first of a day is the day's address)."""

    day: dt.date
    published: dt.datetime
    files: list[DatedFile]
    #: 1 for the first version of the day, 2 for the second…
    number: int = 1
    #: The newest import run whose data the version holds (the ``version`` of a citation).
    import_run: int | None = None
    runs: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The folder and address: ``2026-12-07`` or ``2026-12-07.2``."""
        day = self.day.isoformat()
        return day if self.number == 1 else f"{day}.{self.number}"

    def file(self, name: str) -> DatedFile | None:
        return next((f for f in self.files if f.name == name), None)


def datos_root(config) -> Path:
    return Path(config["PORTAL_INSTANCE_DIR"]) / "datos"


def parse_version(name: str) -> tuple[dt.date, int] | None:
    """(day, number) of a version's name, or None when it is not one."""
    match = VERSION_PATTERN.fullmatch(name)
    if match is None:
        return None
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day, int(match.group(2) or 1)


def version_name(day: dt.date, number: int) -> str:
    return day.isoformat() if number == 1 else f"{day.isoformat()}.{number}"


def write_day(
    session: Session,
    root: Path,
    day: dt.date,
    published: dt.datetime,
    config,
    import_run: int | None = None,
) -> DataDay | None:
    """Publish a new version of ``day`` unless the data equal the newest version's (None)."""
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=root, prefix=f".{day.isoformat()}-"))
    try:
        rows = {
            "inversiones.csv": write_csv(
                work / "inversiones.csv", INVESTMENT_COLUMNS, investment_rows(session)
            ),
            "ejecucion_anual.csv": write_csv(
                work / "ejecucion_anual.csv", YEARLY_COLUMNS, _yearly_rows(session)
            ),
            "ciclo.csv": _write_cycle(session, work / "ciclo.csv", day),
            "brechas.csv": _write_gaps(session, work / "brechas.csv", config),
            "diccionario.csv": _write_dictionary(work / "diccionario.csv"),
        }
        sums = {name: _sha256(work / name) for name in DATA_FILES}
        versions = list_days(root)
        if versions and all(
            (f := versions[0].file(name)) is not None and f.sha256 == sums[name]
            for name in DATA_FILES
        ):
            return None
        number = 1 + max((v.number for v in versions if v.day == day), default=0)
        while (root / version_name(day, number)).exists():  # a folder left without manifest
            number += 1
        name = version_name(day, number)
        rows["inversiones.xlsx"] = write_xlsx(
            work / "inversiones.xlsx", INVESTMENT_COLUMNS, investment_rows(session)
        )
        rows["oc4ids.json"] = _write_oc4ids(session, work / "oc4ids.json", name, published, config)
        write_datapackage(
            work / "datapackage.json",
            version=name,
            published=published.astimezone(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])),
            files={n: ((work / n).stat().st_size, sums[n]) for n in DATA_FILES},
            title=f"Vigía {config['PORTAL_REGION_NAME']}: inversiones públicas, versión {name}",
            homepage=url_for("datos.index", _external=True),
            publisher=config["PORTAL_PUBLISHER_NAME"],
        )
        rows["datapackage.json"] = len(DATA_FILES)
        files = [
            DatedFile(n, fmt, (work / n).stat().st_size, _sha256(work / n), rows[n])
            for n, fmt in FILES
        ]
        runs = _runs_since(session, versions[0].import_run if versions else None, import_run)
        manifest = {
            "day": day.isoformat(),
            "number": number,
            "version": name,
            "published": published.isoformat(),
            "import_run": import_run,
            "runs": runs,
            "files": [f.__dict__ for f in files],
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.chmod(work, 0o755)
        # rename(2) onto a missing name: a published folder is never replaced.
        work.rename(root / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return DataDay(day, published, files, number, import_run, runs)


def _runs_since(session: Session, previous: int | None, newest: int | None) -> list[int]:
    """The import runs that changed data since the previous version, up to ``newest``."""
    if newest is None:
        return []
    query = select(ImportRun.id).where(ImportRun.id <= newest, ImportRun.status == "imported")
    if previous is not None:
        query = query.where(ImportRun.id > previous)
    return list(session.scalars(query.order_by(ImportRun.id)))


def prune_days(root: Path, keep: int) -> list[str]:
    """Remove every version of all but the ``keep`` newest days; returns the removed names."""
    names = [p.name for p in root.iterdir() if parse_version(p.name)] if root.is_dir() else []
    days = sorted({parse_version(n)[0] for n in names})
    kept = set(days[max(0, len(days) - keep) :])
    removed = sorted((n for n in names if parse_version(n)[0] not in kept), key=parse_version)
    for name in removed:
        shutil.rmtree(root / name, ignore_errors=True)
    return removed


def list_days(root: Path) -> list[DataDay]:
    """Versions kept, newest first, read from their manifests (a folder without one is skipped)."""
    if not root.is_dir():
        return []
    names = sorted(
        (p.name for p in root.iterdir() if parse_version(p.name)),
        key=parse_version,
        reverse=True,
    )
    return [v for v in (read_manifest(root, name) for name in names) if v is not None]


def read_manifest(root: Path, name: str) -> DataDay | None:
    parsed = parse_version(name)
    if parsed is None:
        return None
    try:
        data = json.loads((root / name / MANIFEST).read_text(encoding="utf-8"))
        version = DataDay(
            dt.date.fromisoformat(data["day"]),
            dt.datetime.fromisoformat(data["published"]),
            [DatedFile(**f) for f in data["files"]],
            int(data.get("number", 1)),
            data.get("import_run"),
            list(data.get("runs", [])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return version if (version.day, version.number) == parsed else None


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
    columns = [
        literal_column(table.c[a.key].name) if a.key in table.c else type_coerce(a, NullType)
        for a in attributes
    ]  # a derived figure (``Investment.progress``) keeps its one definition, read raw too
    query = select(*columns).select_from(table).order_by(*(table.c[o] for o in order))
    return session.execute(query.execution_options(yield_per=_BATCH))


def _write_oc4ids(session: Session, path: Path, version: str, published, config) -> int:
    page = url_for("investments.show", cui="CUI", _external=True)
    projects = oc4ids.projects(
        session, config["PORTAL_OC4IDS_PREFIX"], page, config.get("PORTAL_URL_INFOBRAS")
    )
    uri = url_for("datos.download", day=version, filename="oc4ids.json", _external=True)
    publisher = {
        "name": config["PORTAL_PUBLISHER_NAME"],
        "uri": url_for("datos.index", _external=True),
    }
    return oc4ids_package.write_package(path, projects, uri, published, publisher)


def _write_cycle(session: Session, path: Path, day: dt.date) -> int:
    """``ciclo.csv``: /ciclo's figures per unit (no waits: they grow daily, the data do not)."""
    from portal.cycle.export import cycle_csv
    from portal.cycle.queries import summarise_cycle

    units = summarise_cycle(session, day)
    path.write_text(cycle_csv(units), encoding="utf-8", newline="")
    return len(units)


def _write_gaps(session: Session, path: Path, config) -> int:
    """``brechas.csv``: the very bytes /brechas.csv serves for the same data."""
    from portal.gaps.queries import find_gaps
    from portal.gaps.views import gaps_csv

    gaps = find_gaps(session, config["PORTAL_REGION"])
    path.write_text(gaps_csv(gaps), encoding="utf-8", newline="")
    return len(gaps.districts)


def _write_dictionary(path: Path) -> int:
    from portal.datos.columns import dictionary_rows

    rows = dictionary_rows()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["archivo", "columna", "tipo", "descripcion", "unidad"])
        writer.writerows(rows)
    return len(rows)


def import_day(config, now: dt.datetime) -> dt.date:
    """The calendar day of an import where the portal's people live (Lima by default)."""
    return now.astimezone(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])).date()


def write_after_import(app: Flask):
    """After-import hook: a new version if the data changed, then pruning to
    ``PORTAL_DATOS_KEEP_DAYS`` days (with all their versions)."""

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
                write_day(
                    session, root, import_day(app.config, now), now, app.config,
                    import_run=latest_run_id(session),
                )  # fmt: skip
            except OSError:
                # The data are imported; a full or read-only disk only costs today's files.
                app.logger.exception("Could not write the dated files under %s", root)
                return
            prune_days(root, int(app.config["PORTAL_DATOS_KEEP_DAYS"]))

    return write_today
