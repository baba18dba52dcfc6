"""Finding investments: words through the index, filters, facets and order in memory, rows from SQL.

The map, the lists, the API and the CSV all call ``find_investments`` or ``matching_cuis`` with the
same ``Filters``, so every view of one URL shows the same set.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.investments.models import Investment
from portal.search import analysis
from portal.search.catalogue import DIMENSIONS
from portal.search.filters import FILTER_PARAMS, Filters
from portal.search.freshness import latest_data_import, refresh_if_stale
from portal.search.index import (
    Snapshot,
    build_index,
    index_generation,
    index_root,
    memory_snapshot,
    use_snapshot,
)

log = logging.getLogger(__name__)

#: A code typed alone is a CUI (7 digits today, up to 10) or an old SNIP code (4–6 digits).
CODE_LENGTHS = range(4, 11)
_ROWS_PER_QUERY = 500
_ARG_ORDER = (*FILTER_PARAMS, "orden", "pagina")


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int
    #: Query arguments of the link that toggles this value, keeping the other filters.
    args: dict[str, str]
    active: bool = False


@dataclass
class SearchResults:
    total: int
    investments: list[Investment]
    facets: dict[str, list[Facet]]
    suggestion: str | None = None
    highlights: dict[str, Markup] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


@dataclass
class _Parsed:
    terms: list[str]
    exact: list[str]
    code_rows: list[int]
    words: list[str]


def find_code(session: Session, q: str) -> str | None:
    """The CUI when ``q`` is nothing but a known CUI or SNIP code (the search then redirects)."""
    code = q.strip()
    if not code.isdigit() or len(code) not in CODE_LENGTHS:
        return None
    found = session.scalars(
        select(Investment.cui).where(or_(Investment.cui == code, Investment.snip == code)).limit(2)
    ).all()
    if code in found:
        return code
    return found[0] if found else None


def find_investments(
    session: Session, filters: Filters, page_size: int | None = 20
) -> SearchResults:
    """One page (or all, when ``page_size`` is None) of the investments matching ``filters``."""
    with _snapshot(session) as snap:
        parsed = _parse(snap, filters.q)
        matched = _matched(snap, parsed)
        allowed = _filtered(snap, matched, filters)
        facets = _facets(snap, allowed, filters)
        total = len(allowed)
        pages = max(1, -(-total // page_size)) if page_size else 1
        page = min(filters.pagina, pages)
        offset = (page - 1) * page_size if page_size else 0
        limit = offset + page_size if page_size else None
        rows = _ordered(snap, parsed, allowed, filters.orden, limit)[offset:limit]
        cuis = [snap.cuis[i] for i in rows]
        suggestion = _suggestion(snap, parsed, filters.q) if total == 0 else None
    investments = _load(session, cuis)
    wanted = frozenset(parsed.terms)
    highlights = {inv.cui: analysis.highlight(inv.name, wanted) for inv in investments}
    return SearchResults(total, investments, facets, suggestion, highlights, page, pages)


def matching_cuis(session: Session, filters: Filters) -> list[str]:
    """Every CUI matching ``filters`` (``q`` included), by CUI: the map shows the list's set."""
    with _snapshot(session) as snap:
        allowed = _filtered(snap, _matched(snap, _parse(snap, filters.q)), filters)
        return sorted(snap.cuis[i] for i in allowed)


def rebuild_index(session: Session) -> None:
    """Rebuild the index from the database and switch to it (import hook and ``portal reindex``)."""
    root = index_root(current_app.config["PORTAL_INSTANCE_DIR"])
    build_index(session, root, latest_data_import(session))


@contextmanager
def _snapshot(session: Session) -> Iterator[Snapshot]:
    root = index_root(current_app.config["PORTAL_INSTANCE_DIR"])
    with use_snapshot(root) as snap:
        if snap is not None:
            if snap.directory is not None:
                refresh_if_stale(session, root, index_generation(snap.directory))
            yield snap
            return
    try:
        build_index(session, root, latest_data_import(session))  # first search on a fresh database
    except OSError:
        log.exception("cannot write the search index in %s; searching the database", root)
    with use_snapshot(root) as snap:
        yield snap if snap is not None else memory_snapshot(session)


def _parse(snap: Snapshot, q: str) -> _Parsed:
    """Words of the query (punctuation and query syntax are just separators)."""
    words = analysis.words(q)[: analysis.MAX_QUERY_WORDS]
    code_rows = [snap.codes[w] for w in words if w.isdigit() and w in snap.codes]
    terms, exact = [], []
    for word in words:
        if word.isdigit() and word in snap.codes:
            continue
        stemmed = analysis.term(word)
        if stemmed:
            terms.append(stemmed)
            exact.append(word.lower())
    return _Parsed(terms, exact, list(dict.fromkeys(code_rows)), words)


def _matched(snap: Snapshot, parsed: _Parsed) -> set[int] | None:
    """Rows matching the words (None: no words, so everything)."""
    if not parsed.terms and not parsed.code_rows:
        return None
    matched = snap.match(parsed.terms) if parsed.terms else set()
    return matched | set(parsed.code_rows)


def _filtered(snap: Snapshot, matched: set[int] | None, filters: Filters) -> set[int]:
    """Apply the structured filters exactly as ``filters.apply_filters`` does in SQL."""
    allowed = matched
    for rows in _filter_sets(snap, filters):
        allowed = set(rows) if allowed is None else allowed & rows
    return set(range(snap.size)) if allowed is None else allowed


def _filter_sets(snap: Snapshot, filters: Filters) -> Iterator[set[int]]:
    empty: set[int] = set()
    if filters.distrito:
        yield snap.rows_with["distrito"].get(filters.distrito, empty)
    elif len(filters.provincia) == 4:
        yield snap.rows_with["provincia"].get(filters.provincia, empty)
    elif filters.provincia:
        prefix = filters.provincia
        yield {
            i
            for i, ubigeo in enumerate(snap.column["distrito"])
            if ubigeo and ubigeo.startswith(prefix)
        }
    for dim in ("estado", "fase", "funcion", "unidad", "alerta"):
        if getattr(filters, dim):
            yield snap.rows_with[dim].get(getattr(filters, dim), empty)
    if filters.pp:
        years = snap.rows_with["pp"]
        if filters.pp.isdigit():
            yield years.get(filters.pp, empty)
        else:
            yield set().union(*years.values())


def _facets(snap: Snapshot, allowed: set[int], filters: Filters) -> dict[str, list[Facet]]:
    labels = _labels(snap)
    facets = {}
    for dim in DIMENSIONS:
        counts = snap.count(dim, allowed)
        selected = getattr(filters, dim)
        base = filters.as_args(**{dim: "", "pagina": 1})
        items = [
            Facet(
                value=value,
                label=str(labels[dim].get(value, value)),
                count=count,
                args=base if value == selected else _with(base, dim, value),
                active=value == selected,
            )
            for value, count in counts.items()
            if value and count
        ]
        if dim == "pp":
            items.sort(key=lambda f: f.value, reverse=True)
        else:
            items.sort(key=lambda f: (-f.count, f.label))
        facets[dim] = items
    return facets


def _with(args: dict[str, str], name: str, value: str) -> dict[str, str]:
    """``args`` plus one filter, keys in the canonical order so equal filters give equal URLs."""
    merged = {**args, name: value}
    return {key: merged[key] for key in _ARG_ORDER if key in merged}


def _labels(snap: Snapshot) -> dict[str, dict]:
    return {
        "provincia": snap.labels.get("provincia", {}),
        "distrito": snap.labels.get("distrito", {}),
        "estado": STATUS_LABELS,
        "fase": PHASE_LABELS,
        "funcion": {},
        "unidad": snap.labels.get("unidad", {}),
        "pp": {},
        "alerta": _flag_labels(),
    }


def _flag_labels() -> dict:
    """Red-flag names from the status rules, when that module defines them; else the codes."""
    try:
        from portal.investments.flags import FLAG_LABELS
    except ImportError:
        return {}
    return FLAG_LABELS


def _ordered(
    snap: Snapshot, parsed: _Parsed, allowed: set[int], orden: str, limit: int | None
) -> list[int]:
    if orden == "relevancia" and parsed.terms:
        first = [i for i in parsed.code_rows if i in allowed]
        rest = allowed.difference(first)
        if not rest:
            return first
        return first + snap.ranked(parsed.terms, parsed.exact, rest, limit)
    if orden == "relevancia" and parsed.code_rows:
        return [i for i in parsed.code_rows if i in allowed]
    position = snap.position["cambio" if orden == "relevancia" else orden]
    if limit is None:
        return sorted(allowed, key=position.__getitem__)
    return heapq.nsmallest(limit, allowed, key=position.__getitem__)


def _suggestion(snap: Snapshot, parsed: _Parsed, q: str) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any changed."""
    corrections = snap.corrections(w for w in parsed.words if analysis.term(w))
    if not corrections:
        return None
    return " ".join(corrections.get(w, w) for w in parsed.words)


def _load(session: Session, cuis: list[str]) -> list[Investment]:
    """The Investment rows of ``cuis``, in that order."""
    found: dict[str, Investment] = {}
    for start in range(0, len(cuis), _ROWS_PER_QUERY):
        chunk = cuis[start : start + _ROWS_PER_QUERY]
        found.update(
            (inv.cui, inv)
            for inv in session.scalars(select(Investment).where(Investment.cui.in_(chunk)))
        )
    return [found[cui] for cui in cuis if cui in found]
