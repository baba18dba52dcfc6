"""The map's GeoJSON, built once per import and filters and kept in memory and on disk.

Building it for 20,000 investments takes ~300 ms; the unfiltered one is built by the import
itself, so the first visitor after a nightly import (in any web process) is served from disk.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from threading import Event, Lock

from flask import Flask, current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from portal.i18n import formatters
from portal.maps.geo import feature_collection
from portal.maps.queries import district_centroids, find_map_rows, latest_import_id
from portal.search.filters import Filters

#: GeoJSON responses kept in memory per (import run, filters); beyond this they are rebuilt.
MEMORY_ENTRIES = 64


def points_etag(session: Session, filters: Filters) -> tuple[int | None, str]:
    """(latest import run, ETag): the data can only change with an import (or the region, whose
    outline decides which coordinates are usable); its figures are written in the language."""
    run_id = latest_import_id(session)
    filter_args = sorted(filters.as_args(pagina=1, orden="relevancia").items())
    key = json.dumps([run_id, current_app.config["PORTAL_REGION"], _language(), filter_args])
    return run_id, hashlib.sha1(key.encode()).hexdigest()[:20]


def load_points(session: Session, filters: Filters, cache_dir: Path) -> tuple[bytes, bytes, str]:
    """(raw JSON, gzipped JSON, ETag) of the selected investments: memory, then disk, then built.

    One thread builds a missing selection; the others asking for it meanwhile wait for that
    build. Right after an import every province's map data is missing at once: each visitor
    used to build it again (seven builds of one province side by side in the load test).
    """
    run_id, etag = points_etag(session, filters)
    store = _memory()
    while True:
        with store.lock:
            cached = store.memory.get(etag)
            if cached is not None:
                store.memory.move_to_end(etag)
                return cached[0], cached[1], etag
            building = store.building.get(etag)
            if building is None:
                building = store.building[etag] = Event()
                break
        building.wait(timeout=60)  # then served from memory, or built here if that build failed
    try:
        path = cache_dir / f"{run_id}-{etag}.geojson.gz"
        if path.is_file():
            gzipped = path.read_bytes()
            raw = gzip.decompress(gzipped)
        else:
            raw, gzipped = _build(session, filters)
            _store(path, gzipped, run_id)
        with store.lock:
            store.memory[etag] = (raw, gzipped)
            while len(store.memory) > MEMORY_ENTRIES:
                store.memory.popitem(last=False)
    finally:
        with store.lock:
            del store.building[etag]
        building.set()
    return raw, gzipped, etag


class _Points:
    """One app's map data in memory (one app per web process), and the builds under way."""

    def __init__(self) -> None:
        self.lock = Lock()
        self.memory: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self.building: dict[str, Event] = {}


def _memory() -> _Points:
    return current_app.extensions.setdefault("portal.maps.points", _Points())


def _language() -> str:
    return str(get_locale() or "es")


def _build(session: Session, filters: Filters) -> tuple[bytes, bytes]:
    collection = feature_collection(
        find_map_rows(session, filters), district_centroids(session), formatters()
    )
    raw = json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()
    return raw, gzip.compress(raw, compresslevel=1)


def _store(path: Path, gzipped: bytes, run_id: int | None) -> None:
    """Write atomically; files of older imports are removed. A read-only disk only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("*.geojson.gz"):
            if not old.name.startswith(f"{run_id}-"):
                old.unlink(missing_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(gzipped)
        os.replace(temporary, path)
    except OSError:
        pass


def cache_dir(config) -> Path:
    return Path(config["PORTAL_INSTANCE_DIR"]) / "cache" / "maps"


def prewarm_after_import(app: Flask):
    """An after-import hook that builds the unfiltered map data for the new import."""

    def prewarm() -> None:
        from portal.db import session_scope

        with app.app_context(), session_scope() as session:
            load_points(session, Filters(), cache_dir(app.config))

    return prewarm
