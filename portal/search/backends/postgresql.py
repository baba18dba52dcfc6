"""The PostgreSQL backend: words matched by a GIN-indexed ``tsvector``, typos through ``pg_trgm``,
filters and facets over the same narrow table, nothing kept between requests.

The documents (pg_documents.py) hold each investment's analysed terms prefixed by field, so one
``tsquery`` says what the Whoosh backend's postings do: a query's slots are ANDed, each slot's
alternatives ORed (the words typed, in name, place or unit; the vocabulary's phrases, in the name or
the unit), a phrase's words ANDed. Scores are the Whoosh backend's BM25 (ranking.py), with the
document frequencies of ``search_terms``: the same weights give the same order.

Speed (docs/performance.md, issue 25): the one ``tsquery`` selects the candidates through the GIN
index (a typed code is ORed in by the primary key); each candidate is scored once, with one ``@@``
per lexeme the query can match; the documents carry copies of the filter and facet columns, so the
count, every facet and the first page come from ONE statement reading one table once. The empty
search reads the facets the import counted (pg_facets.py).

This module matches, scores and pages; the typo lookups and what the data knows about a word are
in pg_words.py, the facets' counts and labels in pg_facets.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import (
    Float,
    Integer,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, array
from sqlalchemy.orm import Session

from portal.investments.models import Investment
from portal.search.backends import Parsed
from portal.search.backends.pg_codes import summarise_apart
from portal.search.backends.pg_documents import (
    DOCS,
    DOCUMENTS,
    LENGTH,
    NAME,
    PLACE,
    UNIT,
    matches,
    tsquery_any,
    tsquery_text,
)
from portal.search.backends.pg_facets import (
    FACET_COLUMNS,
    FACET_FROM,
    ROW_WIDTH,
    TOP,
    facet_labels,
    facet_parts,
    read_facets,
    stored_facets,
)
from portal.search.backends.pg_partial import any_match, most_words
from portal.search.backends.pg_summaries import summary_rows
from portal.search.backends.pg_words import PgWords
from portal.search.filters import Filters, apply_filters
from portal.search.ranking import BM25_B, BM25_K1, EXPANSION_WEIGHT, FIELDS_OF, UNIT_PHRASE_BONUS

PREFIX = {"name": NAME, "place": PLACE, "unit": UNIT}
#: The documents' copies (migrations 0016, 0019) the lists are ordered by, highest first.
BY_VALUE = {"costo": "cost", "avance": "progress", "cambio": "changed_at"}
#: Results per page of the search pages: the first pages are ranked with the facets, in the
#: same statement (a later page, or a page of another size, is ranked on its own).
PAGE_SIZE = 20
PREFETCHED_PAGES = 3
#: Matches (the most frequent word of each slot's) from which the documents are read in
#: parallel (below, starting the workers costs more than it saves).
PARALLEL_FROM = 20_000
_PARALLEL = ("SET LOCAL parallel_setup_cost = 0", "SET LOCAL parallel_tuple_cost = 0.001")


@dataclass
class PgSelection:
    conditions: list
    partial: bool = False
    #: Whether the words need the documents (no words: investments alone).
    with_documents: bool = True
    code_cuis: list[str] = field(default_factory=list)
    #: lexeme -> its presence's column number in the scoring query; score terms over them.
    presence: list[str] = field(default_factory=list)
    score: list = field(default_factory=list)
    has_words: bool = False
    #: A word so frequent that the documents are read by parallel workers.
    broad: bool = False
    #: The condition of the words alone (without the codes typed).
    words: object = None
    #: Per slot, the unit-field alternatives (presence columns), and the number of words typed.
    unit: tuple = (None, 0)
    filters: Filters = field(default_factory=Filters)
    #: Counts the matches, their facets and (by relevance) the first pages, in one statement.
    summarise: Callable | None = None
    facets: dict | None = None
    #: The first pages' CUIs in order (by ``top_order``), when the summary listed them.
    top: list[str] | None = None
    top_order: str | None = None
    _total: int | None = None
    #: (the words' queries that match something, whether that is all of them, the codes'
    #: conditions) until the first count says whether anything has every word.
    pending: tuple | None = None

    @property
    def total(self) -> int:
        if self._total is None:
            self.summarise(self)
        return self._total


class PostgresSearcher(PgWords):
    """Matching, scoring and paging over the documents; what the data knows about words (term
    frequencies, codes, typos) comes from ``PgWords``, the facets from pg_facets.py."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._tuned = False

    def labels(self, dim: str, values: list[str]) -> dict[str, str]:
        return facet_labels(self.session, dim, values)

    # --- matching ------------------------------------------------------------------------------

    def select(self, parsed: Parsed, filters: Filters) -> PgSelection:
        code_cuis = list(parsed.code_rows)
        if not parsed.slots:
            conditions = [Investment.cui.in_(code_cuis)] if code_cuis else []
            return PgSelection(
                conditions, with_documents=False, code_cuis=code_cuis, filters=filters,
                summarise=self._summarise,
            )  # fmt: skip
        lexemes = [
            PREFIX[f] + t
            for _k, alts in parsed.slots
            for alt in alts
            for t in alt.terms
            for f, _ in FIELDS_OF[alt.where]
        ]
        self._load([*lexemes, DOCS, LENGTH])
        size = max(self._df[DOCS], 1)
        average = (self._df[LENGTH] / size) or 1.0
        presence: dict[str, int] = {}

        def present(lexeme: str) -> int:
            return presence.setdefault(lexeme, len(presence))

        slot_queries, score, in_unit_all, reach = [], [], [], []
        for _key, alternatives in parsed.slots:
            options, unit_options = [], []
            for alt in alternatives:
                fields = FIELDS_OF[alt.where]
                per_term = []
                for t in alt.terms:
                    found = [(f, boost) for f, boost in fields if self._df.get(PREFIX[f] + t)]
                    if not found:
                        break
                    per_term.append((t, found))
                if len(per_term) < len(alt.terms):
                    continue
                options.append([[PREFIX[f] + t for f, _ in found] for t, found in per_term])
                weight = 1.0 if alt.where == "typed" else EXPANSION_WEIGHT
                share = weight / len(alt.terms)
                matched = [[present(PREFIX[f] + t) for f, _ in found] for t, found in per_term]
                parts = [
                    (present(PREFIX[f] + t), f, share * boost * self._idf(PREFIX[f] + t, size))
                    for t, found in per_term
                    for f, boost in found
                ]
                score.append((matched, parts))
                units = [
                    present(UNIT + t) for t, found in per_term if any(f == "unit" for f, _ in found)
                ]
                if len(units) == len(per_term):
                    unit_options.append(units)
            slot_queries.append(tsquery_any(options) if options else None)
            reach.append(max((self._df[lex] for o in options for lex in o[0]), default=0))
            in_unit_all.append(unit_options)
        words_query = " & ".join(f"({q})" for q in slot_queries) if all(slot_queries) else None
        selection = PgSelection(
            [], code_cuis=code_cuis, has_words=True, filters=filters, summarise=self._summarise
        )
        selection.score = [score, self.spelling(parsed, present, size), average]
        selection.broad = min(reach) >= PARALLEL_FROM
        selection.presence = list(presence)  # the spelling's lexemes included
        selection.unit = (
            in_unit_all if len(parsed.slots) > 1 else None,
            sum(len(key) for key, _ in parsed.slots),
        )
        codes = [DOCUMENTS.c.cui.in_(code_cuis)] if code_cuis else []
        if words_query:
            selection.words = matches(words_query)
            selection.conditions = [or_(selection.words, *codes)]
        else:
            selection.conditions = [or_(*codes)] if codes else [literal(False)]
        if len(parsed.slots) > 1:
            # Resolved by the first count (or ``_resolve``): none has every word -> the most.
            selection.pending = ([q for q in slot_queries if q], all(slot_queries), codes)
        return selection

    def _resolve(self, selection: PgSelection, total: int | None = None) -> bool:
        """Switch a selection nothing matches to the documents with the most of its words;
        whether it changed."""
        if not selection.pending:
            return False
        live, every_slot, codes = selection.pending
        selection.pending = None
        if total is None and any_match(self.session, selection.conditions[0], selection.filters):
            return False
        if total:
            return False
        found = most_words(self.session, live, every_slot, selection.filters) if live else None
        selection.conditions = [or_(literal(False) if found is None else found, *codes)]
        selection.partial = found is not None
        return True

    def _from(self, selection: PgSelection):
        return DOCUMENTS if selection.with_documents else Investment.__table__

    def _matched(self, selection: PgSelection, *columns):
        query = select(*columns).select_from(self._from(selection)).where(*selection.conditions)
        on = DOCUMENTS if selection.with_documents else None
        return apply_filters(query, selection.filters, on)

    def _summarise(self, selection: PgSelection) -> None:
        """Total, facets and (by relevance) the first pages in one statement over the matches;
        for the empty search, the facets the import counted."""
        filters = selection.filters
        if summarise_apart(self, selection, PAGE_SIZE, PREFETCHED_PAGES):
            return
        if not selection.with_documents and not selection.conditions and not filters.active:
            stored = stored_facets(self.session)
            if stored:
                selection.facets, selection._total = stored
                return
        top = None
        if selection.with_documents:
            orden = filters.orden
            ranked = selection.has_words and orden == "relevancia"
            if filters.pagina <= PREFETCHED_PAGES and (ranked or orden in BY_VALUE):
                top = PAGE_SIZE * filters.pagina
            c = DOCUMENTS.c
            columns = [c.cui, c.ubigeo, c.sec_ejec, c.facet_key]
            if orden in BY_VALUE:
                columns.append(c[BY_VALUE[orden]])
            if top and ranked:
                matched = self._scored(selection, columns)
            else:
                matched = self._matched(selection, *columns)
        else:
            matched = select(*FACET_COLUMNS).select_from(FACET_FROM).where(*selection.conditions)
            matched = apply_filters(matched, filters)
        # Kept once for both the facets and the first pages; read once, it is better inlined
        # (113,000 matches of "Cajamarca" by date of change: 20 ms less).
        m = matched.cte("m").prefix_with("MATERIALIZED" if top else "NOT MATERIALIZED")
        parts = facet_parts(m)
        if top:
            if ranked:
                order = self._order(selection, m)
            else:  # highest first, those without a figure last, ties by CUI
                value = m.c[BY_VALUE[orden]]
                order = [(value.is_(None), False), (value, True), (m.c.cui, False)]
            parts.append(self._ordered(m, order, top))
        if not self._tuned:
            # The matches of a broad word (a third of the country) are kept and grouped in
            # memory rather than spilled to disk; for this transaction only.
            self.session.execute(text("SET LOCAL work_mem = '64MB'"))
            self._tuned = True
        if selection.broad:
            # Read by two more processes: "agua" (84,000 of 300,000 matches) 132 -> 96 ms.
            # PostgreSQL's default costs never choose it for ~100,000 rows handed upwards.
            for setting in _PARALLEL:
                self.session.execute(text(setting))
        statement = parts[0].union_all(*parts[1:])
        rows = summary_rows(self.session, statement, filters, lambda r: read_facets(r)[1])
        selection.facets, selection._total = read_facets(rows)
        if top:
            selection.top = [r[1] for r in sorted((r for r in rows if r[0] == TOP), key=_last)]
            selection.top_order = filters.orden
        if self._resolve(selection, selection._total):
            self._summarise(selection)

    def facet_counts(self, selection: PgSelection) -> dict[str, dict[str, int]]:
        """Every facet's counts, from the selection's one summary statement."""
        if selection.facets is None:
            selection.summarise(selection)
        return selection.facets

    def page(
        self, parsed: Parsed, selection: PgSelection, orden: str, offset: int, limit: int | None
    ) -> list[str]:
        inv = Investment.__table__
        self._resolve(selection)
        if orden == "relevancia" and not selection.has_words:
            if not selection.code_cuis:
                orden = "cambio"
            else:
                return self._codes_first(selection, offset, limit)
        top = selection.top if selection.top_order == orden else None
        if top is not None and (len(top) >= selection.total or limit and limit <= len(top)):
            return top[offset:limit]
        if orden in BY_VALUE and selection.with_documents:
            value = DOCUMENTS.c[BY_VALUE[orden]]
            query = self._matched(selection, DOCUMENTS.c.cui).order_by(
                value.desc().nulls_last(), DOCUMENTS.c.cui
            )
            return list(
                self.session.scalars(
                    query.offset(offset).limit(None if limit is None else limit - offset)
                )
            )
        if orden != "relevancia":
            value = {
                "cambio": inv.c.changed_at,
                "costo": inv.c.updated_cost,
                "avance": Investment.progress.expression,
            }[orden]
            key = inv.c.cui
            if selection.with_documents:
                query = self._matched(selection, key).join(inv, inv.c.cui == DOCUMENTS.c.cui)
            else:
                query = self._matched(selection, key)
            # changed_at is never NULL: plain DESC lets its index give the order (read backwards).
            first = value.desc() if orden == "cambio" else value.desc().nulls_last()
            query = query.order_by(first, key)
            return list(
                self.session.scalars(
                    query.offset(offset).limit(None if limit is None else limit - offset)
                )
            )
        return self._ranked(selection, offset, limit)

    def _codes_first(self, selection: PgSelection, offset: int, limit: int | None) -> list[str]:
        found = set(self.session.scalars(self._matched(selection, Investment.cui)))
        return [c for c in selection.code_cuis if c in found][offset:limit]

    def _scored(self, selection: PgSelection, columns: list):
        """The matching documents' ``columns`` and their score (as Snapshot.slot scores): one
        ``@@`` per lexeme the query can match, evaluated once per candidate."""
        flags = [
            DOCUMENTS.c.document.op("@@")(cast(literal(tsquery_text([lex], "&")), TSQUERY)).label(
                f"l{i}"
            )
            for i, lex in enumerate(selection.presence)
        ]
        slots, spelling, average = selection.score
        name_factor = (BM25_K1 + 1) / (
            1 + BM25_K1 * (1 - BM25_B + BM25_B * cast(DOCUMENTS.c.name_length, Float) / average)
        )
        inner = (
            self._matched(
                selection, *columns, DOCUMENTS.c.unit_length, name_factor.label("nf"), *flags
            )
            .offset(0)
            .subquery("scored")
        )
        flag = [inner.c[f"l{i}"] for i in range(len(selection.presence))]
        total = literal(0.0)
        for matched, parts in slots:
            condition = and_(*(or_(*(flag[i] for i in term)) for term in matched))
            in_name = [case((flag[i], w), else_=0.0) for i, f, w in parts if f == "name"]
            elsewhere = [case((flag[i], w), else_=0.0) for i, f, w in parts if f != "name"]
            points = literal(0.0)
            if in_name:
                points = points + inner.c.nf * sum(in_name[1:], start=in_name[0])
            if elsewhere:
                points = points + sum(elsewhere[1:], start=elsewhere[0])
            total = total + case((condition, points), else_=0.0)
        for i, points in spelling:
            total = total + case((flag[i], points), else_=0.0)
        names = [c.name for c in columns]
        unit_slots, typed = selection.unit
        if not (unit_slots and all(unit_slots)):
            return select(*(inner.c[n] for n in names), total.label("score"))
        every = and_(
            *(
                or_(*(and_(*(flag[i] for i in option)) for option in options))
                for options in unit_slots
            )
        )
        base = select(
            *(inner.c[n] for n in names), inner.c.unit_length, total.label("score"),
            every.label("in_unit"),
        ).subquery("base")  # fmt: skip
        coverage = func.least(1.0, typed / func.greatest(cast(base.c.unit_length, Float), 1.0))
        final = base.c.score + case(
            (base.c.in_unit, UNIT_PHRASE_BONUS * func.max(base.c.score).over() * coverage),
            else_=0.0,
        )
        return select(*(base.c[n] for n in names), final.label("score"))

    def _order(self, selection: PgSelection, scored) -> list[tuple]:
        """(key, descending): codes typed first (in the order typed), best score, ties by CUI."""
        order = [(scored.c.score, True), (scored.c.cui, False)]
        codes = selection.code_cuis
        if codes:
            position = func.array_position(array(codes), scored.c.cui)
            order.insert(0, (func.coalesce(position, len(codes) + 1), False))
        return order

    def _ordered(self, m, order: list[tuple], top: int):
        """Rows (TOP, cui, place) of the first ``top`` by ``order`` ((key, descending) over the
        CTE ``m``), for the summary statement: the best ``top`` kept while reading (a top-N
        sort), numbered afterwards."""
        best = (
            select(m.c.cui, *(key.label(f"o{n}") for n, (key, _) in enumerate(order)))
            .order_by(*(_direction(key, desc) for key, desc in order))
            .limit(top)
            .subquery("best")
        )
        again = [_direction(best.c[f"o{n}"], desc) for n, (_, desc) in enumerate(order)]
        empty = [cast(null(), Text)] * (ROW_WIDTH - 1)
        return select(
            cast(literal(TOP), Integer), best.c.cui, *empty, func.row_number().over(order_by=again)
        )

    def _ranked(self, selection: PgSelection, offset: int, limit: int | None) -> list[str]:
        """Best score first (codes typed first of all, ties by CUI), scored as Snapshot.slot."""
        scored = self._scored(selection, [DOCUMENTS.c.cui]).subquery("ranked")
        query = (
            select(scored.c.cui)
            .order_by(*(_direction(key, desc) for key, desc in self._order(selection, scored)))
            .offset(offset)
            .limit(None if limit is None else limit - offset)
        )
        return list(self.session.scalars(query))

    def cuis(self, selection: PgSelection) -> list[str]:
        self._resolve(selection)
        key = DOCUMENTS.c.cui if selection.with_documents else Investment.cui
        return list(self.session.scalars(self._matched(selection, key).order_by(key)))


def _direction(key, descending: bool):
    return key.desc() if descending else key


def _last(row):
    return row[-1]
