"""The record of every import run: what /estado shows and what makes a rerun idempotent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    location: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: imported | unchanged | rejected
    status: Mapped[str] = mapped_column(String(12))
    #: What part of the source one file covers (the year of a Seguimiento-PI file), if partial.
    scope: Mapped[str | None] = mapped_column(String(200))
    file_hash: Mapped[str | None] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows read but left out because they belong to another department (None: not counted,
    #: runs before this was recorded).
    rows_outside_region: Mapped[int | None] = mapped_column(Integer)
    #: OCDS processes that name no CUI, and those linked only by a CUI found in their texts
    #: (None for the sources without processes).
    rows_unlinked: Mapped[int | None] = mapped_column(Integer)
    rows_linked_by_text: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    #: File name of the rejected-rows CSV report, inside the instance's reports folder.
    rejects_file: Mapped[str | None] = mapped_column(String(200))
    #: Optional values that could not be read and were left empty, per published column:
    #: {"CTRL_CONCURR": {"count": 412, "present": 412, "expected": "amount", "example": "SI"}}.
    values_blanked: Mapped[dict | None] = mapped_column(JSON)
