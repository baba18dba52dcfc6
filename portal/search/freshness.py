"""Every web node keeps its own index, and follows imports run on any other machine.

Each index records the import run it was built from; a search that finds a newer successful
import in the (shared) database starts a rebuild in a background process (portal.search.rebuild)
and is answered from the old index meanwhile, so no visitor waits for it and no node needs a
restart.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun

log = logging.getLogger(__name__)
_refreshing: set[Path] = set()
_refreshing_lock = threading.Lock()


def latest_data_import(session: Session) -> int:
    """The newest import run that changed data (unchanged and rejected files change nothing)."""
    query = select(func.coalesce(func.max(ImportRun.id), 0)).where(ImportRun.status == "imported")
    return session.scalar(query)


def refresh_if_stale(session: Session, root: Path, built_from: int) -> None:
    """Start one background rebuild per index folder when the database has newer data."""
    latest = latest_data_import(session)
    if latest <= built_from:
        return
    with _refreshing_lock:
        if root in _refreshing:
            return
        _refreshing.add(root)
    url = current_app.config["PORTAL_DATABASE_URL"]
    threading.Thread(
        target=_rebuild, args=(url, root, latest), name="search-index-refresh", daemon=True
    ).start()


def _rebuild(url: str, root: Path, generation: int) -> None:
    """Run portal.search.rebuild at a lower priority and wait for it (see that module)."""
    nice_binary = shutil.which("nice")
    nice = [nice_binary, "-n", "10"] if nice_binary else []
    command = [*nice, sys.executable, "-m", "portal.search.rebuild", str(root), str(generation)]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, "PORTAL_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        if done.returncode == 0:
            log.info("search index in %s rebuilt for import run %s", root, generation)
        else:
            log.error(
                "search index in %s could not be rebuilt; the old one keeps answering: %s",
                root,
                done.stderr.strip().splitlines()[-1:] or done.returncode,
            )
    except (OSError, subprocess.SubprocessError):
        log.exception("search index in %s could not be rebuilt; the old one keeps answering", root)
    finally:
        with _refreshing_lock:
            _refreshing.discard(root)
