"""What "ready" means: the database answers, its schema is at Alembic's head, data was imported.

Each check returns a reason (a short English phrase for operators) or None when it passes, so a
load balancer's log says why a node was taken out of rotation.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from portal.importer.models import ImportRun
from portal.migrate import alembic_config


def head_revisions() -> set[str]:
    """The revisions the code expects (read from the migration scripts, not the database)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return set(script.get_heads())


def readiness(engine: Engine) -> dict:
    """``{"ready": bool, "reason": str | None, ...}`` with what was checked."""
    expected = head_revisions()
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
            imported = (
                conn.scalar(
                    select(func.count())
                    .select_from(ImportRun)
                    .where(ImportRun.status == "imported")
                )
                if current == expected
                else 0
            )
    except SQLAlchemyError as exc:
        return {"ready": False, "reason": "database unreachable", "detail": type(exc).__name__}
    state = {"schema": sorted(current), "expected_schema": sorted(expected)}
    if current != expected:
        return {"ready": False, "reason": "database schema is not current", **state}
    if not imported:
        return {"ready": False, "reason": "no data imported yet", **state}
    return {"ready": True, "reason": None, "imports": imported, **state}
