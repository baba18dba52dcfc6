"""What /estado and the home page say about the freshness of each source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

    @property
    def stale(self) -> bool:
        """The newest attempt failed: what we show is older than what was published."""
        return self.last_run is not None and self.last_run.status == "rejected"

    @property
    def never_imported(self) -> bool:
        return self.last_good_at is None


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
    latest = {
        run.source: run
        for run in session.scalars(select(ImportRun).where(ImportRun.id.in_(latest_ids)))
    }
    return [
        SourceFreshness(name, spec.description, last_good.get(name), latest.get(name))
        for name, spec in all_sources().items()
    ]


def coordinate_fallbacks(session: Session) -> dict[str, int]:
    """How many investments are drawn at their district because their coordinates are unusable."""
    rows = session.execute(
        select(Investment.coords_status, func.count()).group_by(Investment.coords_status)
    ).all()
    return {status: count for status, count in rows}
