"""Aggregate figures kept in memory until the next import: they cannot change in between.

The key is the newest ImportRun id and the newest change of an investment, so every process
sees new figures right after an import without any signal between processes. Only plain data is
kept (never ORM objects).

At national size one aggregate takes seconds. A worker's threads asking for the same missing
figure at once (a cold start, or the first requests after an import) used to compute it each,
all together, on two shared cores: the home page then took 3–14 s for everyone. Now one thread
computes a figure; the others wait for it, or — when the data just changed and the previous
figures are still in memory — answer with those previous figures until the new ones are ready.
And the import itself computes the figures of the pages that read the whole region and stores
them in the database (figures_store.py): computing "a figure" is then reading one row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.figures_store import read_figure
from portal.investments.models import Investment

T = TypeVar("T")
MAX_ENTRIES = 2000


class _Store:
    """One app's figures: the current version's values, the previous ones, who computes what."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: Any = None
        self.values: dict[Hashable, Any] = {}
        self.previous: dict[Hashable, Any] = {}
        self.computing: dict[Hashable, threading.Event] = {}

    def set_version(self, version: Any) -> None:
        with self.lock:
            if self.version != version:
                self.version, self.previous, self.values = version, self.values, {}
                self.computing = {}
            elif len(self.values) > MAX_ENTRIES:
                self.values, self.previous = {}, {}

    def get(self, version: Any, key: Hashable, compute: Callable[[], T]) -> T:
        while True:
            with self.lock:
                if version != self.version:  # changed again meanwhile: compute for this request
                    break
                if key in self.values:
                    return self.values[key]
                running = self.computing.get(key)
                if running is None:
                    running = self.computing[key] = threading.Event()
                    mine = True
                else:
                    mine = False
                    if key in self.previous:
                        return self.previous[key]
            if mine:
                try:
                    value = compute()
                finally:
                    with self.lock:
                        if self.computing.get(key) is running:
                            del self.computing[key]
                    running.set()
                with self.lock:
                    if version == self.version:
                        self.values[key] = value
                return value
            running.wait(timeout=60)
        return compute()


def data_version(session: Session) -> tuple:
    """What the figures depend on: the newest import run and the newest change of a row."""
    # Both answered from an index. (Counting the investments here too cost a full scan per
    # page: 110 ms at 20,000 rows; an import's swap inserts its ImportRun in the same
    # transaction that changes the rows, so the run id alone already follows every import.)
    # Runs that found their file unchanged or rejected it change nothing, and the import stores
    # no figures for them: counting them sent every page back to computing (home 2.7 s).
    return (
        session.scalar(select(func.max(ImportRun.id)).where(ImportRun.status == "imported")),
        session.scalar(select(func.max(Investment.changed_at))),
    )


def figures_cache(session: Session) -> Callable[[Hashable, Callable[[], T]], T]:
    """A ``queries.Cache`` for this request: keeps results until the data changes.

    A figure missing in memory is read from those the import precomputed (figures_store.py)
    before it is computed here."""
    version = data_version(session)
    store = current_app.extensions.get("portal.figures")
    if store is None:
        store = current_app.extensions.setdefault("portal.figures", _Store())
    store.set_version(version)

    def stored_or_computed(key: Hashable, compute: Callable[[], T]) -> T:
        found, value = read_figure(session, version, key)
        return value if found else compute()

    def cache(key: Hashable, compute: Callable[[], T]) -> T:
        return store.get(version, key, lambda: stored_or_computed(key, compute))

    return cache
