"""Finding investments: the words of a query read here, matched by a search backend, rows from SQL.

The map, the lists, the API and the CSV all call ``find_investments`` or ``matching_cuis`` with the
same ``Filters``, so every view of one URL shows the same set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.investments.models import Investment
from portal.search import analysis, backends, vocabulary
from portal.search.backends import Parsed, Searcher, open_searcher
from portal.search.catalogue import DIMENSIONS
from portal.search.filters import FILTER_PARAMS, Filters
from portal.search.spelling import LONGEST_WORD

log = logging.getLogger(__name__)

#: A code typed alone is a CUI (7 digits today, up to 10) or an old SNIP code (4–6 digits).
CODE_LENGTHS = range(4, 11)
_ROWS_PER_QUERY = 500
_ARG_ORDER = (*FILTER_PARAMS, "orden", "pagina")
#: "obras en Chota", "works in Chota": the word before a place's name that makes it a filter.
_PLACE_PREPOSITIONS = frozenset({"en", "in"})
#: Words that may stand between the preposition and the name ("en la Encañada").
_PLACE_ARTICLES = frozenset({"el", "la", "los", "las"})


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
    with open_searcher(session) as searcher:
        understood = understand(searcher, filters)
        filters = understood.filters
        parsed = _parse(searcher, filters.q)
        selection = searcher.select(parsed, filters)
        facets = _facets(searcher, searcher.facet_counts(selection), filters)
        total = selection.total
        pages = max(1, -(-total // page_size)) if page_size else 1
        page = min(filters.pagina, pages)
        offset = (page - 1) * page_size if page_size else 0
        limit = offset + page_size if page_size else None
        cuis = searcher.page(parsed, selection, filters.orden, offset, limit)
        suggestion = _suggestion(searcher, parsed) if parsed.unknown else None
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
    with open_searcher(session) as searcher:
        filters = understand(searcher, filters).filters
        return searcher.cuis(searcher.select(_parse(searcher, filters.q), filters))


def understand_query(session: Session, filters: Filters) -> Understood:
    """``filters`` with the status words of ``q`` and a place named after "en" as filters.

    "obras paralizadas en Chota" is q "obras", estado=paralizada, provincia=<Chota's ubigeo>; the
    page redirects there, so each filter is a chip the reader can remove. A word for a filter
    already set to another value stays a word; so does a place name that names two places.
    """
    with open_searcher(session) as searcher:
        return understand(searcher, filters)


def understand(searcher: Searcher, filters: Filters) -> Understood:
    """``understand_query`` with an open searcher (its place names)."""
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
            place = _place_after(searcher, folded, i + 1)
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


def _place_after(
    searcher: Searcher, folded: list[str], start: int
) -> tuple[int, int, str, str] | None:
    """(start, end, parameter, ubigeo) of the place named from ``folded[start]`` on (articles
    aside): a province first ("Chota" is a province and its capital district), else a district, and
    only when one place has the name."""
    names = searcher.place_names()
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


def warm_summaries(session: Session) -> int:
    """PostgreSQL: answer again, after an import, the broad searches people make (pg_summaries.py);
    how many ran."""
    from portal.search.backends.pg_summaries import warm

    return warm(session, lambda filters: find_investments(session, filters))


def rebuild_index(session: Session) -> None:
    """Rebuild the Whoosh index, or bring the PostgreSQL search documents up to date (the import
    hook on Whoosh and ``portal reindex`` on both)."""
    backends.rebuild(session)


def _parse(searcher: Searcher, q: str) -> Parsed:
    """Words of the query (punctuation and query syntax are just separators), mistyped place,
    unit and everyday words corrected, everyday phrases expanded from the vocabulary."""
    words = analysis.words(q)[: analysis.MAX_QUERY_WORDS]
    codes = searcher.codes([w for w in words if w.isdigit()])
    code_rows = [codes[w] for w in words if w in codes]
    everyday = vocabulary.load()
    single_keys = everyday.single_words
    searcher.prefetch([t for t in map(analysis.term, words) if t])
    terms, typed, corrected, unknown = [], [], {}, []
    for word in words:
        if word in codes:
            continue
        stemmed = analysis.term(word)
        if not stemmed:
            continue
        meant = [(word, stemmed)]
        if not word.isdigit() and stemmed not in single_keys and not searcher.knows(stemmed):
            better = _split(searcher, word) or searcher.correct(word)
            better_terms = [(w, analysis.term(w)) for w in (better or "").split()]
            searcher.prefetch([t for _, t in better_terms if t])
            if better_terms and all(
                t and (t in single_keys or searcher.knows(t)) for _, t in better_terms
            ):
                corrected[word] = better.lower()
                meant = better_terms
            elif not searcher.is_known_word(word):  # a known everyday word is no typo
                unknown.append(word)
        for w, t in meant:
            terms.append(t)
            typed.append((w.lower(), t))
    return Parsed(
        everyday.slots(terms), typed, list(dict.fromkeys(code_rows)), words, corrected, unknown
    )


def _marked(parsed: Parsed, name: str) -> frozenset[str]:
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


def _split(searcher: Searcher, word: str) -> str | None:
    """Two names typed as one ("sanmiguel", "santacruz"): the split whose halves are both in
    the names, or None."""
    if len(word) > LONGEST_WORD:
        return None
    cuts = [
        (cut, analysis.term(word[:cut]), analysis.term(word[cut:]))
        for cut in range(3, len(word) - 2)
    ]
    searcher.prefetch([t for _, left, right in cuts for t in (left, right) if t])
    for cut, left, right in cuts:
        if left and right and searcher.knows(left) and searcher.knows(right):
            return f"{word[:cut]} {word[cut:]}"
    return None


def _facets(
    searcher: Searcher, counted: dict[str, dict[str, int]], filters: Filters
) -> dict[str, list[Facet]]:
    facets = {}
    for dim in DIMENSIONS:
        counts = counted.get(dim, {})
        labels = _labels(searcher, dim, [v for v in counts if v])
        selected = getattr(filters, dim)
        base = filters.as_args(**{dim: "", "pagina": 1})
        items = [
            Facet(
                value=value,
                label=str(labels.get(value, value)),
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


def _labels(searcher: Searcher, dim: str, values: Iterable[str]) -> dict:
    if dim in ("provincia", "distrito", "unidad"):
        return searcher.labels(dim, list(values))
    return {"estado": STATUS_LABELS, "fase": PHASE_LABELS, "alerta": _flag_labels()}.get(dim, {})


def _flag_labels() -> dict:
    """Red-flag names from the status rules, when that module defines them; else the codes."""
    try:
        from portal.investments.flags import FLAG_LABELS
    except ImportError:
        return {}
    return FLAG_LABELS


def _suggestion(searcher: Searcher, parsed: Parsed) -> str | None:
    """The query with each unknown word replaced by the closest word of the names, if any.

    Only words that are in no name and are neither a place, a unit nor a vocabulary word: a
    known everyday word with nothing to show ("puente") is not a typo of "puesto".
    """
    words = [parsed.corrected.get(w, w) for w in parsed.words]
    corrections = searcher.corrections(parsed.unknown)
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
