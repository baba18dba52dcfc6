"""One search interface, two backends: Whoosh files (embedded, SQLite) or PostgreSQL itself.

``PORTAL_SEARCH_BACKEND`` chooses (``whoosh`` or ``postgresql``); unset, PostgreSQL databases
search with PostgreSQL and SQLite ones with Whoosh. queries.py reads the words of a query (status
words, places, typos, everyday phrases) the same way for both and asks an open ``Searcher`` for:
whether a term is in the data, codes, corrections, the rows matching, their facets and one page.
Both answer with CUIs, so every view of a search has the same shape whichever backend runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from sqlalchemy.orm import Session

from portal.search import vocabulary
from portal.search.filters import Filters

BACKENDS = ("whoosh", "postgresql")


@dataclass
class Parsed:
    #: (typed phrase, alternatives) per word or everyday phrase of the query (vocabulary.py).
    slots: list[vocabulary.Slot]
    #: (word as typed, lowercase; its term) for ranking the typed spelling first.
    typed: list[tuple[str, str]]
    #: Investments named by a code typed in the query (backend keys), in the order typed.
    code_rows: list
    words: list[str]
    corrected: dict[str, str]
    unknown: list[str]


class Selection(Protocol):
    total: int
    #: No investment has every word: these have the most of them.
    partial: bool


class Searcher(Protocol):
    def knows(self, term: str) -> bool: ...
    def prefetch(self, terms: list[str]) -> None: ...
    def codes(self, words: list[str]) -> dict[str, object]: ...
    def correct(self, word: str) -> str | None: ...
    def is_known_word(self, word: str) -> bool: ...
    def place_names(self) -> dict[tuple[str, ...], dict[str, list[str]]]: ...
    def labels(self, dim: str, values: list[str]) -> dict[str, str]: ...
    def select(self, parsed: Parsed, filters: Filters) -> Selection: ...
    def facet_counts(self, selection: Selection) -> dict[str, dict[str, int]]: ...
    def page(
        self, parsed: Parsed, selection: Selection, orden: str, offset: int, limit: int | None
    ) -> list[str]: ...
    def cuis(self, selection: Selection) -> list[str]: ...
    def corrections(self, words: list[str]) -> dict[str, str]: ...


def backend_name(app=None) -> str:
    """The backend this app searches with."""
    app = app or current_app
    chosen = (app.config.get("PORTAL_SEARCH_BACKEND") or "").strip().lower()
    if chosen:
        return chosen
    engine = app.extensions["portal.engine"]
    return "postgresql" if engine.dialect.name == "postgresql" else "whoosh"


def check_config(app) -> None:
    """A clear error at start-up for a backend that cannot run here."""
    chosen = (app.config.get("PORTAL_SEARCH_BACKEND") or "").strip().lower()
    if chosen and chosen not in BACKENDS:
        raise ValueError(f"PORTAL_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}: {chosen!r}")
    engine = app.extensions.get("portal.engine")
    if chosen == "postgresql" and engine is not None and engine.dialect.name != "postgresql":
        raise ValueError("PORTAL_SEARCH_BACKEND=postgresql needs a PostgreSQL database")


@contextmanager
def open_searcher(session: Session) -> Iterator[Searcher]:
    if backend_name() == "postgresql":
        from portal.search.backends.postgresql import PostgresSearcher

        yield PostgresSearcher(session)
        return
    from portal.search.backends.whoosh import whoosh_searcher

    with whoosh_searcher(session) as searcher:
        yield searcher


def rebuild(session: Session) -> None:
    """``portal reindex``: rebuild the Whoosh index, or update the PostgreSQL documents."""
    if backend_name() == "postgresql":
        from portal.search.backends.pg_documents import sync_documents

        sync_documents(session.connection())
        return
    from portal.search.backends.whoosh import rebuild_index

    rebuild_index(session)
