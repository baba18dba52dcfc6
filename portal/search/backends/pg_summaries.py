"""Summaries of broad searches, kept in PostgreSQL for as long as the data they count.

A word as common as "agua" matches a quarter of the country: its summary statement (count, every
facet, the first pages by relevance; postgresql.py) reads ~84,000 documents, 130 ms at national
size, and it is among the searches people make most. Its answer cannot change until the data
does, so the first search stores the statement's rows and the next ones read them (~2 ms), in
the database every worker and node shares (no process keeps anything).

Never stale (migration 0018): the rows are tagged with the generation the search read *before*
running its statement; a trigger bumps the generation in the transaction of any change to what
summaries count, so the change's commit and the new generation become visible together, and a
summary of an older generation is never read. A narrow search is not stored: running it costs
less than the row would.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy import Select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.search.backends.pg_documents import DOCS
from portal.search.filters import Filters
from portal.search.vocabulary import everyday_words

log = logging.getLogger(__name__)

#: Matches from which a summary is stored (below, the statement takes a few milliseconds).
STORED_FROM = 5_000
#: Summaries the import computes again after its commit, those stored last first (``warm``).
WARMED = 200
#: The names' most frequent words searched by ``warm`` (those matching ``STORED_FROM`` at least).
FREQUENT_WORDS = 50

_READ = text(
    "SELECT s.generation, m.rows FROM search_state s "
    "LEFT JOIN search_summaries m ON m.key = :key AND m.generation = s.generation"
)
_STALE = "generation < (SELECT generation FROM search_state)"
_STALE_ARGS = text(
    f"SELECT args FROM search_summaries WHERE {_STALE} ORDER BY generation DESC LIMIT :n"
)
_STORE = text(
    "INSERT INTO search_summaries (key, generation, args, rows) "
    "VALUES (:key, :generation, :args, :rows) ON CONFLICT (key) DO UPDATE "
    "SET generation = excluded.generation, args = excluded.args, rows = excluded.rows "
    "WHERE search_summaries.generation < excluded.generation"
)


def summary_rows(session: Session, statement: Select, filters: Filters, total_of) -> list:
    """The rows of the summary ``statement``: stored ones of the current generation, else run
    (and stored when ``total_of(rows)`` reaches ``STORED_FROM``)."""
    compiled = statement.compile(dialect=session.get_bind().dialect)
    identity = f"{compiled}\0{sorted(compiled.params.items())!r}"
    key = hashlib.sha256(identity.encode()).hexdigest()
    found = session.execute(_READ, {"key": key}).first()
    if found is None:  # no generation row (a database emptied by hand): nothing to trust
        return session.execute(statement).all()
    generation, stored = found
    if stored is not None:
        return [tuple(row) for row in stored]
    rows = session.execute(statement).all()
    if total_of(rows) >= STORED_FROM:
        _store(session, key, generation, filters, rows)
    return rows


def _store(session: Session, key: str, generation: int, filters: Filters, rows) -> None:
    """Write the summary in its own short transaction, on the primary (a replica's session is
    read-only; the request's own transaction may still be rolled back)."""
    engine = current_app.extensions["portal.engine"] if has_app_context() else None
    engine = engine or session.get_bind()
    values = {
        "key": key,
        "generation": generation,
        "args": json.dumps(filters.as_args()),
        "rows": json.dumps([list(row) for row in rows]),
    }
    try:
        with engine.begin() as conn:
            conn.execute(_STORE, values)
    except DBAPIError:  # not fatal: the next search runs the statement again
        log.warning("A search summary could not be stored", exc_info=True)


def warm(session: Session, search: Callable[[Filters], object]) -> int:
    """After an import's commit: run again the searches whose summaries it made stale (the most
    recently stored first), then the likeliest broad ones (everyday words, department and
    province names, the names' most frequent words), so the first visitors after a nightly
    import find them answered; forget the stale rest. ``search(filters)`` runs one search;
    returns how many ran. Nothing runs where no search can match ``STORED_FROM`` investments."""
    searches: dict[tuple, Filters] = {}
    documents = session.scalar(text("SELECT df FROM search_terms WHERE lexeme = :d"), {"d": DOCS})
    if (documents or 0) >= STORED_FROM:
        stale = session.execute(_STALE_ARGS, {"n": WARMED}).scalars()
        searches = {_identity(f): f for f in map(Filters.from_args, stale)}
        for words in _likely_searches(session):
            searches.setdefault(_identity(Filters(q=words)), Filters(q=words))
    for filters in searches.values():
        search(filters)
    session.execute(text(f"DELETE FROM search_summaries WHERE {_STALE}"))
    return len(searches)


def _identity(filters: Filters) -> tuple:
    return tuple(sorted(filters.as_args().items()))


def _likely_searches(session: Session) -> list[str]:
    places = session.scalars(
        text("SELECT name FROM places WHERE level IN ('departamento', 'provincia') ORDER BY ubigeo")
    )
    frequent = session.scalars(
        text("SELECT word FROM search_words WHERE names >= :n ORDER BY names DESC LIMIT :k"),
        {"n": STORED_FROM, "k": FREQUENT_WORDS},
    )
    return [*everyday_words(), *places, *frequent]
