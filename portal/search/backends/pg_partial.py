"""When no investment has every word of a query: those with the most of them, found through the
GIN index (the Whoosh backend's partial matches, search/snapshot.py).

"At least k of the n words" is itself one ``tsquery``: the OR of every k-combination of the
words' queries. Trying k = n-1, n-2, ... stops at the first k something matches, each try one
index lookup; counting the words of every row that has any of them (one ``@@`` per word over
most of the country for a long phrase) is left for queries with too many combinations.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

from sqlalchemy import case, exists, func, literal, select, text
from sqlalchemy.orm import Session

from portal.search.backends.pg_documents import DOCUMENTS, matches
from portal.search.filters import Filters, apply_filters

#: Combinations past which "at least k words" is counted row by row instead.
MAX_COMBINATIONS = 64


def any_match(session: Session, condition, filters: Filters) -> bool:
    """Whether a document matches: through the index, even when the planner, expecting many
    matches, would rather read the table until the first (all of it when there is none)."""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    query = apply_filters(
        select(literal(1)).select_from(DOCUMENTS).where(condition), filters, DOCUMENTS
    )
    found = session.scalar(select(exists(query)))
    session.execute(text("SET LOCAL enable_seqscan = on"))
    return bool(found)


def most_words(session: Session, live: list[str], every_slot: bool, filters: Filters):
    """The condition "has as many of the words' queries ``live`` as any document has", or None
    when no document has any. ``every_slot``: all the query's words are in ``live`` (so all of
    them together is known to match nothing)."""
    n = len(live)
    for k in range(n - 1 if every_slot else n, 0, -1):
        if comb(n, k) > MAX_COMBINATIONS:
            return _counted(session, live, filters)
        query = " | ".join(
            "(" + " & ".join(f"({q})" for q in combo) + ")" for combo in combinations(live, k)
        )
        if any_match(session, matches(query), filters):
            return matches(query)
    return None


def _counted(session: Session, live: list[str], filters: Filters):
    hits = sum((case((matches(q), 1), else_=0) for q in live), start=literal(0))
    any_slot = matches(" | ".join(f"({q})" for q in live))
    best = session.scalar(
        apply_filters(
            select(func.max(hits)).select_from(DOCUMENTS).where(any_slot), filters, DOCUMENTS
        )
    )
    return (any_slot & (hits == best)) if best else None
