"""The figures of the home, place, comparison and unit-list pages, computed by the import.

At national size one of these figures takes seconds (each reads the 300,000 investments); kept
in memory per process (figures_cache.py), the first visitor of every web process after each
import still waited for them. The import now computes them once, after its swap and derived
figures, and writes them to the ``precomputed_figures`` table with the data version they
describe: a web process that misses a figure in memory reads it there (one lookup by key) and
computes it itself only when the import has not (an import of an older release, or a figure
nobody precomputes, such as one district's).

Values are stored as JSON: plain data and the portal's own dataclasses, named by module and
class and rebuilt only if they are one (never arbitrary objects).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from portal.investments.models import KEY_LENGTH, PrecomputedFigure


def version_text(version: Any) -> str:
    """The data version (figures_cache's tuple) as stored."""
    return json.dumps([str(part) for part in version])


def key_text(key: Hashable) -> str:
    return json.dumps(list(key) if isinstance(key, tuple) else key, ensure_ascii=False)


def read_figure(session: Session, version: Any, key: Hashable) -> tuple[bool, Any]:
    """(found, value) of ``key`` for ``version``: found is False when the import left none."""
    text = key_text(key)
    if len(text) > KEY_LENGTH:
        return False, None
    stored = session.execute(
        select(PrecomputedFigure.version, PrecomputedFigure.value).where(
            PrecomputedFigure.key == text
        )
    ).first()
    if stored is None or stored.version != version_text(version):
        return False, None
    return True, decode(stored.value)


def write_figures(session: Session, version: Any, figures: dict[Hashable, Any]) -> None:
    """Replace every stored figure with ``figures`` of ``version`` (one transaction)."""
    session.execute(delete(PrecomputedFigure))
    rows = [
        {"key": key_text(key), "version": version_text(version), "value": encode(value)}
        for key, value in figures.items()
        if len(key_text(key)) <= KEY_LENGTH
    ]
    if rows:
        session.execute(insert(PrecomputedFigure), rows)


# --- Values as JSON -------------------------------------------------------------------------


def encode(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Any:
    return _rebuilt(json.loads(text))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {"$m": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and type(value).__module__.startswith("portal."):
        cls = type(value)
        return {
            "$c": f"{cls.__module__}:{cls.__qualname__}",
            "f": {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise TypeError(f"cannot store a {type(value).__name__} with the figures")


_TAGS: dict[str, Callable[[Any], Any]] = {
    "$d": Decimal,
    "$dt": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$t": lambda items: tuple(_rebuilt(v) for v in items),
    "$m": lambda pairs: {_rebuilt(k): _rebuilt(v) for k, v in pairs},
}


def _rebuilt(value: Any) -> Any:
    if isinstance(value, list):
        return [_rebuilt(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$c" in value:
        return _dataclass(value["$c"])(**{k: _rebuilt(v) for k, v in value["f"].items()})
    [(tag, inner)] = value.items()
    return _TAGS[tag](inner)


def _dataclass(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith("portal."):
        raise ValueError(f"not a figure of the portal: {name}")
    cls = getattr(importlib.import_module(module), qualname)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"not a figure of the portal: {name}")
    return cls
