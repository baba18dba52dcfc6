"""The map's GeoJSON, built once per import and filters and kept in memory and on disk.

Building it for 20,000 investments takes ~300 ms; the views a map opens on (the unfiltered one
and, for a national portal, each department's) are built by the import itself, in every
language, so the first visitor after a nightly import on the importing node is served from disk.
Large selections are sent by place rather than by investment (portal/maps/aggregates.py).
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
from flask_babel import force_locale, get_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import formatters
from portal.investments.models import Place
from portal.maps.aggregates import MAX_POINTS, aggregate_collection, level_below, opening_level
from portal.maps.geo import feature_collection
from portal.maps.queries import district_centroids, find_map_rows, latest_import_id, more_than
from portal.places import NATIONAL
from portal.search.filters import Filters

#: GeoJSON responses kept in memory per (import run, filters); beyond this they are rebuilt.
MEMORY_ENTRIES = 64


def points_etag(session: Session, filters: Filters) -> tuple[int | None, str]:
    """(latest import run, ETag): the data can only change with an import (or the region, whose
    outline decides which coordinates are usable) or the limit of points; its figures are written
    in the language."""
    run_id = latest_import_id(session)
    filter_args = sorted(filters.as_args(pagina=1, orden="relevancia").items())
    config = current_app.config
    key = json.dumps(
        [run_id, config["PORTAL_REGION"], max_points(config), _language(), filter_args]
    )
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


def max_points(config) -> int:
    """``PORTAL_MAP_MAX_POINTS``: above this many investments a selection is sent by place."""
    return int(config.get("PORTAL_MAP_MAX_POINTS") or MAX_POINTS)


def _build(session: Session, filters: Filters) -> tuple[bytes, bytes]:
    """The selection's points, or its places when it opens on them or has too many points."""
    config = current_app.config
    region, limit = config["PORTAL_REGION"], max_points(config)
    level = opening_level(filters, region)
    if level is None:
        below = level_below(filters, region)
        if below is not None and more_than(session, filters, limit):
            level = below
    if level is not None:
        collection = aggregate_collection(session, filters, level, formatters())
    else:
        rows = find_map_rows(session, filters)
        collection = feature_collection(rows, district_centroids(session), formatters())
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


def opening_views(session: Session, region: str) -> list[Filters]:
    """The selections a map opens on: the region's, and with ``all`` each department's."""
    views = [Filters()]
    if region == NATIONAL:
        departments = session.scalars(
            select(Place.ubigeo).where(Place.level == "departamento").order_by(Place.ubigeo)
        )
        views += [Filters(provincia=ubigeo) for ubigeo in departments]
    return views


def prewarm_after_import(app: Flask):
    """An after-import hook that builds the map data of the opening views for the new import,
    in every language the portal speaks (their figures are written in it)."""

    def prewarm() -> None:
        from portal.db import session_scope

        with app.test_request_context(), session_scope() as session:
            views = opening_views(session, app.config["PORTAL_REGION"])
            for language in app.config["PORTAL_LANGUAGES"]:
                with force_locale(language):
                    for filters in views:
                        load_points(session, filters, cache_dir(app.config))

    return prewarm
