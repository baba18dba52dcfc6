"""Every web node keeps its own index, and follows imports run on any other machine.

Each index records the import run it was built from; a search that finds a newer successful
import in the (shared) database starts a rebuild in the background and is answered from the
old index meanwhile, so no visitor waits for it and no node needs a restart.
"""

from __future__ import annotations

import logging
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
    app = current_app._get_current_object()
    threading.Thread(
        target=_rebuild, args=(app, root, latest), name="search-index-refresh", daemon=True
    ).start()


def _rebuild(app, root: Path, generation: int) -> None:
    from portal.db import session_scope
    from portal.search.index import build_index

    try:
        with app.app_context(), session_scope() as session:
            build_index(session, root, generation, only_if_older=True)
        log.info("search index in %s rebuilt for import run %s", root, generation)
    except Exception:
        log.exception("search index in %s could not be rebuilt; the old one keeps answering", root)
    finally:
        with _refreshing_lock:
            _refreshing.discard(root)
