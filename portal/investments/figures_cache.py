"""Aggregate figures kept in memory until the next import: they cannot change in between.

The key includes the newest ImportRun id (and the count and newest change of investments), so every process sees new figures right after an
import without any signal between processes. Only plain data is kept (never ORM objects).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.importer.models import ImportRun
from portal.investments.models import Investment

T = TypeVar("T")
MAX_ENTRIES = 2000


def figures_cache(session: Session) -> Callable[[Hashable, Callable[[], T]], T]:
    """A ``queries.Cache`` for this request: keeps results until the data changes."""
    version = (
        session.scalar(select(func.max(ImportRun.id))),
        *session.execute(select(func.count(), func.max(Investment.changed_at))).one(),
    )
    store = current_app.extensions.setdefault("portal.figures", {"version": None, "values": {}})
    if store["version"] != version or len(store["values"]) > MAX_ENTRIES:
        store["version"], store["values"] = version, {}
    values = store["values"]

    def cache(key: Hashable, compute: Callable[[], T]) -> T:
        if key not in values:
            values[key] = compute()
        return values[key]

    return cache
