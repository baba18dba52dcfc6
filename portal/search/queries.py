"""Finding investments: words through the index, filters, facets and order in memory, rows from SQL.

The map, the lists, the API and the CSV all call ``find_investments`` or ``matching_cuis`` with the
same ``Filters``, so every view of one URL shows the same set.
"""

from __future__ import annotations

import heapq
import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from flask import current_app
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.investments.models import Investment
from portal.search import analysis, vocabulary
from portal.search.catalogue import DIMENSIONS
from portal.search.filters import FILTER_PARAMS, Filters
from portal.search.freshness import latest_data_import, refresh_if_stale
from portal.search.index import (
    UNIT_PHRASE_BONUS,
    Snapshot,
    build_index,
    index_generation,
    index_root,
    memory_snapshot,
    use_snapshot,
)
from portal.search.spelling import LONGEST_WORD, closest_of

log = logging.getLogger(__name__)

#: A code typed alone is a CUI (7 digits today, up to 10) or an old SNIP code (4–6 digits).
CODE_LENGTHS = range(4, 11)
_ROWS_PER_QUERY = 500
_ARG_ORDER = (*FILTER_PARAMS, "orden", "pagina")
#: "obras en Chota", "works in Chota": the word before a place's name that makes it a filter.
_PLACE_PREPOSITIONS = frozenset({"en", "in"})
#: Words that may stand between the preposition and the name ("en la Encañada").
_PLACE_ARTICLES = frozenset({"el", "la", "los", "las"})
#: Folded place names of a snapshot (word tuple -> level -> ubigeos), built on first use.
_place_names: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    #: No investment has every word: these have the most of them (the page says so).
    partial: bool = False
    #: Mistyped place, unit or everyday words searched as the known word instead: typed -> used.
    corrected: dict[str, str] = field(default_factory=dict)
    #: The filters applied when words of ``q`` were read as filters (``understand_query``).
    understood: Filters | None = None


@dataclass(frozen=True)
class Understood:
    """A query whose status words ("paralizadas", "sobrecosto") and place after "en" were read
    as filters: the filters to apply (``q`` keeps the other words) and what was read."""

    filters: Filters
    #: (parameter, value, the words as typed), in the order typed.
    read: tuple[tuple[str, str, str], ...] = ()


@dataclass
class _Parsed:
    #: (typed phrase, alternatives) per word or everyday phrase of the query (vocabulary.py).
    slots: list[vocabulary.Slot]
    #: (word as typed, lowercase; its term) for ranking the typed spelling first.
    typed: list[tuple[str, str]]
    code_rows: list[int]
    words: list[str]
    corrected: dict[str, str]
    unknown: list[str]


@dataclass
class _Selection:
    """The rows a query selects, with their scores (None: no words, so every row)."""

    allowed: set[int]
    scores: np.ndarray | None
    partial: bool = False


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
    """One page (or all, when ``page_size`` is None) of the investments matching ``filters``.

    Status words and a place after "en" in ``filters.q`` count as filters (``understand_query``);
    ``SearchResults.understood`` then holds the filters applied.
    """
    with _snapshot(session) as snap:
        understood = understand(snap, filters)
        filters = understood.filters
        parsed = _parse(snap, filters.q)
        selection = _select(snap, parsed, filters)
        allowed = selection.allowed
        facets = _facets(snap, allowed, filters)
        total = len(allowed)
        pages = max(1, -(-total // page_size)) if page_size else 1
        page = min(filters.pagina, pages)
        offset = (page - 1) * page_size if page_size else 0
        limit = offset + page_size if page_size else None
        rows = _ordered(snap, parsed, selection, filters.orden, limit)[offset:limit]
        cuis = [snap.cuis[i] for i in rows]
        suggestion = _suggestion(snap, parsed) if parsed.unknown else None
    investments = _load(session, cuis)
    highlights = {
        inv.cui: analysis.highlight(inv.name, _marked(parsed, inv.name)) for inv in investments
    }
    return SearchResults(
        total, investments, facets, suggestion, highlights, page, pages,
        selection.partial, parsed.corrected, filters if understood.read else None,
    )  # fmt: skip


def matching_cuis(session: Session, filters: Filters) -> list[str]:
    """Every CUI matching ``filters`` (``q`` included), by CUI: the map shows the list's set."""
    with _snapshot(session) as snap:
        filters = understand(snap, filters).filters
        allowed = _select(snap, _parse(snap, filters.q), filters).allowed
        return sorted(snap.cuis[i] for i in allowed)


def understand_query(session: Session, filters: Filters) -> Understood:
    """``filters`` with the status words of ``q`` and a place named after "en" as filters.

    "obras paralizadas en Chota" is q "obras", estado=paralizada, provincia=<Chota's ubigeo>; the
    page redirects there, so each filter is a chip the reader can remove. A word for a filter
    already set to another value stays a word; so does a place name that names two places.
    """
    with _snapshot(session) as snap:
        return understand(snap, filters)


def understand(snap: Snapshot, filters: Filters) -> Understood:
    """``understand_query`` on an open snapshot (its place names)."""
    if not filters.q:
        return Understood(filters)
    matches = list(analysis.WORD.finditer(filters.q))[: analysis.MAX_QUERY_WORDS]
    folded = [analysis.fold(m.group()) for m in matches]
    status_words = vocabulary.load_filter_words()
    changes: dict[str, str] = {}
    read: list[tuple[str, str, str]] = []
    dropped: set[int] = set()
    i = 0
    while i < len(folded):
        found = status_words.find(folded, i)
        if found:
            size, (param, value) = found
            if changes.get(param, getattr(filters, param)) in ("", value):
                changes[param] = value
                typed = filters.q[matches[i].start() : matches[i + size - 1].end()]
                read.append((param, value, typed))
                dropped.update(range(i, i + size))
                i += size
                continue
        if folded[i] in _PLACE_PREPOSITIONS and not (
            filters.provincia or filters.distrito or "provincia" in changes or "distrito" in changes
        ):
            place = _place_after(snap, folded, i + 1)
            if place:
                begin, end, param, ubigeo = place
                changes[param] = ubigeo
                typed = filters.q[matches[begin].start() : matches[end - 1].end()]
                read.append((param, ubigeo, typed))
                dropped.update(range(i, end))
                i = end
                continue
        i += 1
    if not dropped:
        return Understood(filters)
    pieces, last = [], 0
    for k in sorted(dropped):
        pieces.append(filters.q[last : matches[k].start()])
        last = matches[k].end()
    pieces.append(filters.q[last:])
    q = " ".join("".join(pieces).split())
    return Understood(replace(filters, q=q, **changes), tuple(read))


def _place_after(snap: Snapshot, folded: list[str], start: int) -> tuple[int, int, str, str] | None:
    """(start, end, parameter, ubigeo) of the place named from ``folded[start]`` on (articles
    aside): a province first ("Chota" is a province and its capital district), else a district, and
    only when one place has the name."""
    names = _names_of(snap)
    while start < len(folded) and folded[start] in _PLACE_ARTICLES:
        start += 1
    longest = max((len(k) for k in names), default=0)
    for size in range(min(longest, len(folded) - start), 0, -1):
        levels = names.get(tuple(folded[start : start + size]))
        if not levels:
            continue
        for param in ("provincia", "distrito"):
            ubigeos = levels.get(param, [])
            if len(ubigeos) == 1:
                return start, start + size, param, ubigeos[0]
            if ubigeos:
                return None  # several places of that name: searched as words
    return None


def _names_of(snap: Snapshot) -> dict[tuple[str, ...], dict[str, list[str]]]:
    names = _place_names.get(snap)
    if names is None:
        names = {}
        for param in ("provincia", "distrito"):
            for ubigeo, name in sorted(snap.labels.get(param, {}).items()):
                key = tuple(analysis.fold(w) for w in analysis.words(name))
                if key:
                    names.setdefault(key, {}).setdefault(param, []).append(ubigeo)
        _place_names[snap] = names
    return names


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
    """Words of the query (punctuation and query syntax are just separators), mistyped place,
    unit and everyday words corrected, everyday phrases expanded from the vocabulary."""
    words = analysis.words(q)[: analysis.MAX_QUERY_WORDS]
    code_rows = [snap.codes[w] for w in words if w.isdigit() and w in snap.codes]
    everyday = vocabulary.load()
    single_keys = everyday.single_words
    terms, typed, corrected, unknown = [], [], {}, []
    for word in words:
        if word.isdigit() and word in snap.codes:
            continue
        stemmed = analysis.term(word)
        if not stemmed:
            continue
        meant = [(word, stemmed)]
        if not word.isdigit() and stemmed not in single_keys and not snap.knows(stemmed):
            better = _split(snap, word) or closest_of(word, (snap.corrector, snap.name_corrector))
            better_terms = [(w, analysis.term(w)) for w in (better or "").split()]
            if better_terms and all(
                t and (t in single_keys or snap.knows(t)) for _, t in better_terms
            ):
                corrected[word] = better.lower()
                meant = better_terms
            elif analysis.fold(word) not in snap.corrector:  # a known everyday word is no typo
                unknown.append(word)
        for w, t in meant:
            terms.append(t)
            typed.append((w.lower(), t))
    return _Parsed(
        everyday.slots(terms), typed, list(dict.fromkeys(code_rows)), words, corrected, unknown
    )


def _marked(parsed: _Parsed, name: str) -> frozenset[str]:
    """The terms to highlight in one name: each word typed, and each everyday phrase the name
    has whole ("PUESTO DE SALUD" for "posta", but not "SERVICIO" of "servicio educativo" in an
    irrigation canal's name)."""
    has = set(analysis.terms(name))
    return frozenset(
        t
        for _typed, alternatives in parsed.slots
        for alt in alternatives
        if has.issuperset(alt.terms)
        for t in alt.terms
    )


def _split(snap: Snapshot, word: str) -> str | None:
    """Two names typed as one ("sanmiguel", "santacruz"): the split whose halves are both in
    the names, or None."""
    if len(word) > LONGEST_WORD:
        return None
    for cut in range(3, len(word) - 2):
        left, right = analysis.term(word[:cut]), analysis.term(word[cut:])
        if left and right and snap.knows(left) and snap.knows(right):
            return f"{word[:cut]} {word[cut:]}"
    return None


def _select(snap: Snapshot, parsed: _Parsed, filters: Filters) -> _Selection:
    """The rows with every word (or everyday phrase) of the query that pass the filters; when
    none has them all, the rows with the most of them, marked partial.

    Filters apply exactly as ``filters.apply_filters`` does in SQL, so every view agrees.
    """
    if not parsed.slots:
        matched = set(parsed.code_rows) if parsed.code_rows else None
        return _Selection(_filtered(snap, matched, filters), None)
    hits = [snap.slot(alternatives) for _typed, alternatives in parsed.slots]
    scores = np.sum([h.scores for h in hits], axis=0)
    if len(hits) > 1:
        in_unit = np.logical_and.reduce([h.in_unit for h in hits])
        if in_unit.any():
            typed = sum(len(key) for key, _ in parsed.slots)
            coverage = np.minimum(1.0, typed / snap.unit_lengths[in_unit])
            scores[in_unit] += UNIT_PHRASE_BONUS * scores.max() * coverage
    for word, term in parsed.typed:
        snap.spelling_bonus(word, term, scores)
    every = np.logical_and.reduce([h.rows for h in hits])
    code_rows = set(parsed.code_rows)
    allowed = _filtered(snap, set(np.flatnonzero(every).tolist()) | code_rows, filters)
    if allowed or len(hits) == 1:
        return _Selection(allowed, scores)
    counts = np.sum([h.rows for h in hits], axis=0)
    candidates = _filtered(snap, set(np.flatnonzero(counts).tolist()), filters)
    if not candidates:
        return _Selection(_filtered(snap, code_rows, filters), scores)
    best = max(counts[i] for i in candidates)
    allowed = {i for i in candidates if counts[i] == best} | (code_rows & candidates)
    return _Selection(allowed, scores, partial=True)


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
    snap: Snapshot, parsed: _Parsed, selection: _Selection, orden: str, limit: int | None
) -> list[int]:
    allowed = selection.allowed
    if orden == "relevancia" and selection.scores is not None:
        first = [i for i in parsed.code_rows if i in allowed]
        rest = allowed.difference(first)
        if not rest:
            return first
        return first + snap.ranked(selection.scores, rest, limit)
    if orden == "relevancia" and parsed.code_rows:
        return [i for i in parsed.code_rows if i in allowed]
    position = snap.position["cambio" if orden == "relevancia" else orden]
    if limit is None:
        return sorted(allowed, key=position.__getitem__)
    return heapq.nsmallest(limit, allowed, key=position.__getitem__)


def _suggestion(snap: Snapshot, parsed: _Parsed) -> str | None:
    """The query with each unknown word replaced by the closest word of the names, if any.

    Only words that are in no name and are neither a place, a unit nor a vocabulary word: a
    known everyday word with nothing to show ("puente") is not a typo of "puesto".
    """
    words = [parsed.corrected.get(w, w) for w in parsed.words]
    corrections = snap.corrections(parsed.unknown)
    if not corrections:
        return None
    return " ".join(corrections.get(w, w) for w in words)


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
