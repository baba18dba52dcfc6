"""What /estado and the home page say about the freshness of each source."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.importer.sources import all_sources
from portal.investments.models import Investment


@dataclass
class SourceFreshness:
    name: str
    description: str
    last_good_at: dt.datetime | None
    last_run: ImportRun | None
    #: The run whose data is live (the latest imported one): what its values_blanked describe.
    last_import: ImportRun | None = None

    @property
    def stale(self) -> bool:
        """The newest attempt failed: what we show is older than what was published."""
        return self.last_run is not None and self.last_run.status == "rejected"

    @property
    def never_imported(self) -> bool:
        return self.last_good_at is None


@dataclass
class BlankedColumn:
    """Values of one published column left empty in an import, in plain words on /estado."""

    column: str
    count: int
    expected: str  # a parser kind: amount, date, yes_no … (labels.VALUE_KIND_LABELS)
    example: str
    #: Most of the column's values failed: the publisher probably changed its type.
    changed_type: bool


def blanked_columns(run: ImportRun | None) -> list[BlankedColumn]:
    """The columns whose values could not be read in ``run``, most affected first."""
    if run is None or not run.values_blanked:
        return []
    columns = [
        BlankedColumn(
            column=column,
            count=int(entry.get("count", 0)),
            expected=str(entry.get("expected", "value")),
            example=str(entry.get("example", ""))[:80],
            changed_type=int(entry.get("count", 0)) * 2 > int(entry.get("present", 0) or 0),
        )
        for column, entry in run.values_blanked.items()
    ]
    return sorted(columns, key=lambda c: (-c.count, c.column))


def rejected_rows(
    run: ImportRun | None, reports_dir: Path, limit: int = 20
) -> list[tuple[str, str]]:
    """(line, reason) of the first rows ``run`` rejected, read back from its report."""
    if run is None or not run.rejects_file:
        return []
    try:
        with (reports_dir / run.rejects_file).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            return [(row["linea"], row["motivo"]) for row in itertools.islice(reader, limit)]
    except (OSError, KeyError, csv.Error):
        return []  # a report removed by hand: the count and the link still say it


def list_import_runs(session: Session, limit: int = 200) -> list[ImportRun]:
    return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def source_freshness(session: Session) -> list[SourceFreshness]:
    """Per source: when it was last imported well, and whether the latest attempt failed."""
    last_good = dict(
        session.execute(
            select(ImportRun.source, func.max(ImportRun.started_at))
            .where(ImportRun.status.in_(("imported", "unchanged")))
            .group_by(ImportRun.source)
        ).all()
    )
    latest_ids = select(func.max(ImportRun.id)).group_by(ImportRun.source)
    imported_ids = (
        select(func.max(ImportRun.id))
        .where(ImportRun.status == "imported")
        .group_by(ImportRun.source)
    )
    runs = list(
        session.scalars(
            select(ImportRun).where(ImportRun.id.in_(latest_ids) | ImportRun.id.in_(imported_ids))
        )
    )
    latest: dict[str, ImportRun] = {}
    imported: dict[str, ImportRun] = {}
    for run in runs:
        if run.id > getattr(latest.get(run.source), "id", 0):
            latest[run.source] = run
        if run.status == "imported" and run.id > getattr(imported.get(run.source), "id", 0):
            imported[run.source] = run
    return [
        SourceFreshness(
            name, spec.description, last_good.get(name), latest.get(name), imported.get(name)
        )
        for name, spec in all_sources().items()
    ]


def coordinate_fallbacks(session: Session) -> dict[str, int]:
    """How many investments are drawn at their district because their coordinates are unusable."""
    rows = session.execute(
        select(Investment.coords_status, func.count()).group_by(Investment.coords_status)
    ).all()
    return {status: count for status, count in rows}
