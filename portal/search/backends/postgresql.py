"""The PostgreSQL backend: words matched by a GIN-indexed ``tsvector``, typos through ``pg_trgm``,
filters as the SQL every list uses, facets as one grouped query, nothing kept between requests.

The documents (pg_documents.py) hold each investment's analysed terms prefixed by field, so one
``tsquery`` says what the Whoosh backend's postings do: a query's slots are ANDed, each slot's
alternatives ORed (the words typed, in name, place or unit; the vocabulary's phrases, in the name or
the unit), a phrase's words ANDed. Scores are the Whoosh backend's BM25 (ranking.py), with the
document frequencies of ``search_terms``: the same weights give the same order.

This module matches, scores and pages; the typo lookups and what the data knows about a word are
in pg_words.py, the facets' counts and labels in pg_facets.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import (
    Float,
    Integer,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR, array
from sqlalchemy.orm import Session

from portal.investments.models import Investment
from portal.search import analysis
from portal.search.backends import Parsed
from portal.search.backends.pg_documents import DOCS, EXACT, LENGTH, NAME, PLACE, UNIT
from portal.search.backends.pg_facets import FACET_COLUMNS, facet_counts, facet_labels
from portal.search.backends.pg_words import PgWords
from portal.search.filters import Filters, apply_filters
from portal.search.ranking import (
    BM25_B,
    BM25_K1,
    EXACT_BONUS,
    EXPANSION_WEIGHT,
    FIELDS_OF,
    UNIT_PHRASE_BONUS,
)

DOCUMENTS = table(
    "search_documents",
    column("cui"),
    column("document", TSVECTOR),
    column("name_length", Integer),
    column("unit_length", Integer),
)
PREFIX = {"name": NAME, "place": PLACE, "unit": UNIT}


def _tsquery(lexemes: list[str], joiner: str) -> str:
    quoted = ["'" + lex.replace("\\", "\\\\").replace("'", "''") + "'" for lex in lexemes]
    return (
        f" {joiner} ".join(quoted) if len(quoted) == 1 else "(" + f" {joiner} ".join(quoted) + ")"
    )


def _matches(tsquery: str):
    return DOCUMENTS.c.document.op("@@")(cast(literal(tsquery), TSQUERY))


@dataclass
class PgSelection:
    conditions: list
    total: int
    partial: bool = False
    #: Whether the words need the documents (no words: investments alone).
    with_documents: bool = True
    code_cuis: list[str] = field(default_factory=list)
    #: lexeme -> its presence's column number in the scoring query; score terms over them.
    presence: list[str] = field(default_factory=list)
    score: list = field(default_factory=list)
    has_words: bool = False
    #: Per slot, the unit-field alternatives (presence columns), and the number of words typed.
    unit: tuple = (None, 0)
    filters: Filters = field(default_factory=Filters)


class PostgresSearcher(PgWords):
    """Matching, scoring and paging over the documents; what the data knows about words (term
    frequencies, codes, typos) comes from ``PgWords``, the facets from pg_facets.py."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._variants: dict[str, list[str]] = {}

    def labels(self, dim: str, values: list[str]) -> dict[str, str]:
        return facet_labels(self.session, dim, values)

    # --- matching ------------------------------------------------------------------------------

    def _idf(self, lexeme: str, size: int) -> float:
        df = self._df.get(lexeme, 0)
        return math.log(1 + (size - df + 0.5) / (df + 0.5))

    def select(self, parsed: Parsed, filters: Filters) -> PgSelection:
        code_cuis = list(parsed.code_rows)
        if not parsed.slots:
            conditions = [Investment.cui.in_(code_cuis)] if code_cuis else []
            selection = PgSelection(conditions, 0, with_documents=False, code_cuis=code_cuis)
            selection.total = self._count(selection, filters)
            return selection
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

        slot_queries, score, in_unit_all = [], [], []
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
                options.append(
                    _tsquery_and([[PREFIX[f] + t for f, _ in found] for t, found in per_term])
                )
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
            slot_queries.append(" | ".join(options) if options else None)
            in_unit_all.append(unit_options)
        words_query = " & ".join(f"({q})" for q in slot_queries) if all(slot_queries) else None
        selection = PgSelection([], 0, code_cuis=code_cuis, has_words=True)
        selection.presence = list(presence)
        selection.score = [score, self._spelling(parsed, present, size), average]
        selection.unit = (
            in_unit_all if len(parsed.slots) > 1 else None,
            sum(len(key) for key, _ in parsed.slots),
        )
        selection.presence = list(presence)
        codes = [Investment.cui.in_(code_cuis)] if code_cuis else []
        if words_query:
            selection.conditions = [or_(_matches(words_query), *codes)]
        else:
            selection.conditions = [or_(*codes)] if codes else [literal(False)]
        selection.total = self._count(selection, filters)
        if selection.total or len(parsed.slots) == 1:
            selection.filters = filters
            return selection
        live = [q for q in slot_queries if q]
        if not live:
            selection.conditions = [or_(*codes)] if codes else [literal(False)]
            selection.total = self._count(selection, filters)
            return selection
        hits = sum((case((_matches(q), 1), else_=0) for q in live), start=literal(0))
        any_slot = _matches(" | ".join(f"({q})" for q in live))
        best = self.session.scalar(
            apply_filters(
                select(func.max(hits)).select_from(_documents_join()).where(any_slot), filters
            )
        )
        if not best:
            selection.conditions = [or_(*codes)] if codes else [literal(False)]
        else:
            selection.conditions = [or_(and_(any_slot, hits == best), *codes)]
            selection.partial = True
        selection.total = self._count(selection, filters)
        return selection

    def _spelling(self, parsed: Parsed, present, size: int) -> list[tuple[int, float]]:
        """(presence column, points): the spelling typed first (Snapshot.spelling_bonus)."""
        plain = [w for w, _t in parsed.typed if analysis.fold(w) == w]
        if plain:
            missing = [w for w in plain if w not in self._variants]
            for w in missing:
                self._variants[w] = []
            if missing:
                rows = self.session.execute(
                    text(
                        "SELECT folded, word FROM search_words WHERE folded = ANY(:w) "
                        "AND word <> folded AND names > 0 ORDER BY word"
                    ),
                    {"w": missing},
                )
                for folded, written in rows:
                    self._variants[folded].append(written)
        self._load(
            [EXACT + w for w, _t in parsed.typed]
            + [EXACT + v for w in plain for v in self._variants[w]]
            + [NAME + t for _w, t in parsed.typed]
        )
        points = []
        for word, term in parsed.typed:
            if analysis.fold(word) != word:
                if self._df[EXACT + word]:
                    points.append(
                        (present(EXACT + word), EXACT_BONUS * self._idf(EXACT + word, size))
                    )
                continue
            variants = [v for v in self._variants[word] if self._df[EXACT + v]]
            if not self._df[NAME + term] or not variants:
                continue
            bonus = EXACT_BONUS * self._idf(NAME + term, size)
            points.append((present(NAME + term), bonus))
            points.extend((present(EXACT + v), -bonus) for v in variants)
        return points

    def _from(self, selection: PgSelection):
        return _documents_join() if selection.with_documents else Investment.__table__

    def _count(self, selection: PgSelection, filters: Filters) -> int:
        query = select(func.count()).select_from(self._from(selection)).where(*selection.conditions)
        selection.filters = filters
        return self.session.scalar(apply_filters(query, filters))

    def _matched(self, selection: PgSelection, *columns):
        query = select(*columns).select_from(self._from(selection)).where(*selection.conditions)
        return apply_filters(query, selection.filters)

    def facet_counts(self, selection: PgSelection) -> dict[str, dict[str, int]]:
        """Every facet's counts in one grouped query over the matching rows."""
        return facet_counts(self.session, self._matched(selection, *FACET_COLUMNS))

    def page(
        self, parsed: Parsed, selection: PgSelection, orden: str, offset: int, limit: int | None
    ) -> list[str]:
        inv = Investment.__table__
        if orden == "relevancia" and not selection.has_words:
            if not selection.code_cuis:
                orden = "cambio"
            else:
                return self._codes_first(selection, offset, limit)
        if orden != "relevancia":
            value = {
                "cambio": inv.c.changed_at,
                "costo": inv.c.updated_cost,
                "avance": Investment.progress.expression,
            }[orden]
            query = self._matched(selection, inv.c.cui).order_by(
                value.desc().nulls_last(), inv.c.cui
            )
            return list(
                self.session.scalars(
                    query.offset(offset).limit(None if limit is None else limit - offset)
                )
            )
        return self._ranked(selection, offset, limit)

    def _codes_first(self, selection: PgSelection, offset: int, limit: int | None) -> list[str]:
        found = set(self.session.scalars(self._matched(selection, Investment.cui)))
        return [c for c in selection.code_cuis if c in found][offset:limit]

    def _ranked(self, selection: PgSelection, offset: int, limit: int | None) -> list[str]:
        """Best score first (codes typed first of all, ties by CUI), scored as Snapshot.slot."""
        inv = Investment.__table__
        columns = [
            DOCUMENTS.c.document.op("@@")(cast(literal(_tsquery([lex], "&")), TSQUERY)).label(
                f"l{i}"
            )
            for i, lex in enumerate(selection.presence)
        ]
        inner = (
            self._matched(
                selection, inv.c.cui, DOCUMENTS.c.name_length, DOCUMENTS.c.unit_length, *columns
            )
            .offset(0)
            .subquery("scored")
        )
        slots, spelling, average = selection.score
        name_factor = (BM25_K1 + 1) / (
            1 + BM25_K1 * (1 - BM25_B + BM25_B * cast(inner.c.name_length, Float) / average)
        )
        flag = [inner.c[f"l{i}"] for i in range(len(selection.presence))]
        total = literal(0.0)
        for matched, parts in slots:
            condition = and_(*(or_(*(flag[i] for i in term)) for term in matched))
            points = sum(
                (
                    cast(flag[i], Integer) * (name_factor * w if f == "name" else literal(w))
                    for i, f, w in parts
                ),
                start=literal(0.0),
            )
            total = total + case((condition, points), else_=0.0)
        for i, points in spelling:
            total = total + cast(flag[i], Integer) * points
        unit_slots, typed = selection.unit
        score = total.label("score")
        base = select(inner.c.cui, inner.c.unit_length, score).subquery("base")
        final = base.c.score
        if unit_slots and all(unit_slots):
            every = and_(
                *(
                    or_(*(and_(*(flag[i] for i in option)) for option in options))
                    for options in unit_slots
                )
            )
            base = select(inner.c.cui, inner.c.unit_length, score, every.label("in_unit")).subquery(
                "base"
            )
            coverage = func.least(1.0, typed / func.greatest(cast(base.c.unit_length, Float), 1.0))
            final = base.c.score + case(
                (base.c.in_unit, UNIT_PHRASE_BONUS * func.max(base.c.score).over() * coverage),
                else_=0.0,
            )
        codes = selection.code_cuis
        order = [final.desc(), base.c.cui]
        if codes:
            order.insert(
                0, func.coalesce(func.array_position(array(codes), base.c.cui), len(codes) + 1)
            )
        query = (
            select(base.c.cui)
            .order_by(*order)
            .offset(offset)
            .limit(None if limit is None else limit - offset)
        )
        return list(self.session.scalars(query))

    def cuis(self, selection: PgSelection) -> list[str]:
        return list(
            self.session.scalars(self._matched(selection, Investment.cui).order_by(Investment.cui))
        )


def _documents_join():
    return Investment.__table__.join(DOCUMENTS, DOCUMENTS.c.cui == Investment.__table__.c.cui)


def _tsquery_and(terms: list[list[str]]) -> str:
    """All the terms, each in any of its fields' lexemes."""
    return " & ".join(_tsquery(fields, "|") for fields in terms)
