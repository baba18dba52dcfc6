"""One import at a time, on one machine and across machines.

A file lock in the instance folder stops a second import on the same machine (and is all SQLite
needs: its database is a file on that machine). On PostgreSQL a session-level advisory lock, held
on a connection of its own for the whole import, stops one started on another machine; both are
released by the operating system or the server when the process dies, even by SIGKILL, so a
killed import never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from portal.importer.reading import SourceFileError

#: The advisory lock's key (any constant bigint shared by every node): "VIGIA" in ASCII.
ADVISORY_LOCK_KEY = 0x5649474941


class ImportAlreadyRunning(SourceFileError):
    """Another ``portal import`` holds the lock; this one changed nothing."""


@contextmanager
def import_lock(engine: Engine, lock_path: Path) -> Iterator[None]:
    """Hold both locks for the block, or raise ImportAlreadyRunning at once (never wait)."""
    with _file_lock(lock_path), _advisory_lock(engine):
        yield


@contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportAlreadyRunning(
                "another import is already running on this machine"
            ) from None
        yield


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    # Autocommit: the connection holds the lock without keeping a transaction open for hours.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        taken = conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        if not taken:
            raise ImportAlreadyRunning(
                "another import is already running (on this or another machine sharing the "
                "database)"
            )
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
