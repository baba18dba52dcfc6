"""One opened Whoosh index: postings read on demand, filters, facets and order in memory."""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh import index as whoosh_index
from whoosh.support.levenshtein import damerau_levenshtein

from portal.search import analysis, vocabulary
from portal.search.catalogue import DIMENSIONS, MULTI_VALUED, SORT_COLUMNS, Catalogue
from portal.search.ranking import BM25_B, BM25_K1, EXACT_BONUS, EXPANSION_WEIGHT, FIELDS_OF
from portal.search.spelling import Corrector

#: Postings of the most recently searched terms (per field), kept in memory between searches.
POSTINGS_CACHE_SIZE = 4096
ABSENT_CACHE_SIZE = 100_000
WARM_TERMS = 150
FIELDS = ("name", "place", "unit")


class _Postings(NamedTuple):
    docs: np.ndarray
    freqs: np.ndarray


_EMPTY = np.zeros(0, dtype=np.int64)
_NO_POSTINGS = _Postings(_EMPTY, np.zeros(0))


def _union(arrays: list[np.ndarray], size: int) -> np.ndarray:
    """Sorted rows in any of the arrays (postings are sorted and without repeats); through a
    mask of every row when they are long ("cajamarca" is in nearly every name), a sort else."""
    if len(arrays) == 1:
        return arrays[0]
    if sum(len(a) for a in arrays) * 16 < size:
        return np.unique(np.concatenate(arrays))
    mask = np.zeros(size, dtype=bool)
    for a in arrays:
        mask[a] = True
    return np.flatnonzero(mask)


class SlotHits(NamedTuple):
    """What one word (or everyday phrase) of a query found: rows, their scores, and the rows
    where it was found in the executing unit's name."""

    rows: np.ndarray
    scores: np.ndarray
    in_unit: np.ndarray


class Snapshot:
    """One built index, opened once and shared by every search until the pointer moves."""

    def __init__(self, directory: Path | None, catalogue: Catalogue) -> None:
        self.directory = directory
        self.labels = catalogue.labels
        entries = catalogue.entries
        self.size = len(entries)
        self.cuis = [e.cui for e in entries]
        self.codes = {e.snip: i for i, e in enumerate(entries) if e.snip}
        self.codes.update((cui, i) for i, cui in enumerate(self.cuis))
        #: dimension -> value -> rows having it (the filters); dimension -> row -> value (facets).
        self.rows_with: dict[str, dict[str, set[int]]] = {d: {} for d in DIMENSIONS}
        self.column: dict[str, list[str | None]] = {}
        for dim in DIMENSIONS:
            by_value = self.rows_with[dim]
            for i, entry in enumerate(entries):
                for value in entry.values[dim]:
                    by_value.setdefault(value, set()).add(i)
            if dim not in MULTI_VALUED:
                self.column[dim] = [(e.values[dim] or [None])[0] for e in entries]
        #: sort name -> row -> position in that order (largest or latest first, missing last).
        self.position: dict[str, list[int]] = {}
        for key in SORT_COLUMNS:
            present = sorted(
                (i for i, e in enumerate(entries) if e.sort[key] is not None),
                key=lambda i: entries[i].sort[key],
                reverse=True,
            )
            missing = [i for i, e in enumerate(entries) if e.sort[key] is None]
            position = [0] * self.size
            for rank, i in enumerate(present + missing):
                position[i] = rank
            self.position[key] = position
        self.refs = 0
        self.retired = False
        self._lock = threading.Lock()
        self._postings_cache: OrderedDict[tuple[str, str], _Postings] = OrderedDict()
        self._absent: set[tuple[str, str]] = set()
        self._memory: dict[tuple[str, str], _Postings] | None = None
        if directory is None:
            # No index on disk (could not be written): the same postings, built in memory.
            self._memory = _memory_postings(entries)
            for entry in entries:
                entry.length = len(analysis.terms(entry.name))
                entry.unit_length = len(set(analysis.terms(entry.units)))
        lengths = np.array([e.length for e in entries], dtype=np.float64)
        average = float(lengths.mean()) if self.size else 1.0
        #: The BM25 length term of each row's title, computed once.
        self._norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / (average or 1.0))
        self.unit_lengths = np.array([max(e.unit_length, 1) for e in entries], dtype=np.float64)
        self._codes: dict[str, tuple[list, np.ndarray]] = {}
        for dim, column in self.column.items():
            values = [None, *sorted({v for v in column if v is not None})]
            code_of = {v: i for i, v in enumerate(values)}
            self._codes[dim] = (values, np.array([code_of[v] for v in column], dtype=np.int64))
        self._vocabulary = catalogue.vocabulary
        #: folded word -> its accented spellings ('canaris' -> ['cañaris']); initial -> words.
        self._variants: dict[str, list[str]] = {}
        self._by_initial: dict[str, list[tuple[str, str]]] = {}
        for word in self._vocabulary:
            folded = analysis.fold(word)
            if folded != word:
                self._variants.setdefault(folded, []).append(word)
            self._by_initial.setdefault(folded[:1], []).append((folded, word))
        known = catalogue.known or {
            w: 1 for names in catalogue.labels.values() for n in names.values()
            for w in analysis.vocabulary_words(n)
        }  # fmt: skip
        everyday = vocabulary.load()
        #: Typos in place, unit and everyday words are corrected from these (see spelling.py).
        self.corrector = Corrector([*known.items(), *((w, 0) for w in everyday.words)])
        #: ... and then, one edit at most, from every word of the names (caseríos, rivers).
        self.name_corrector = Corrector(self._vocabulary.items(), max_edits=1)
        self._searcher = None
        if directory is not None:
            self._searcher = whoosh_index.open_dir(str(directory)).searcher()
            self._check_order()
            self._warm_up()

    def _check_order(self) -> None:
        """Document numbers are catalogue positions: one fresh writer numbers documents in the
        order they were added, so storing the CUI in the index would only slow the build."""
        reader = self._searcher.reader()
        if reader.doc_count_all() != self.size or len(reader.leaf_readers()) > 1:
            raise RuntimeError("search index and its catalogue disagree")

    def _warm_up(self) -> None:
        """Read the most common terms now: the slowest to read and the ones people type."""
        reader = self._searcher.reader()
        for field in (*FIELDS, "exact"):
            for _freq, text in reader.most_frequent_terms(field, number=WARM_TERMS):
                self._postings(field, text.decode() if isinstance(text, bytes) else text)
        # And every term of the everyday vocabulary: one word typed looks up dozens of them.
        everyday = vocabulary.load()
        for term in {t for alts in everyday.expansions.values() for a in alts for t in a.terms}:
            for field in FIELDS:
                self._postings(field, term)

    def _postings(self, field: str, term: str) -> _Postings:
        """One term's postings (documents, frequencies), read from Whoosh once and kept (LRU)."""
        if self._memory is not None:
            return self._memory.get((field, term), _NO_POSTINGS)
        key = (field, term)
        if key in self._absent:
            return _NO_POSTINGS
        found = self._postings_cache.get(key)
        if found is not None:
            self._postings_cache.move_to_end(key)
            return found
        if self._searcher is None:
            return _NO_POSTINGS
        reader = self._searcher.reader()
        found = _NO_POSTINGS
        if reader.doc_frequency(field, term):
            pairs = list(reader.postings(field, term).items_as("weight"))
            docs = np.fromiter((d for d, _ in pairs), dtype=np.int64, count=len(pairs))
            freqs = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
            found = _Postings(docs, freqs)
        else:
            # Remembered apart: cheap, and most vocabulary terms are in no name. Bounded, as
            # anyone can type new words.
            if len(self._absent) > ABSENT_CACHE_SIZE:
                self._absent.clear()
            self._absent.add(key)
            return found
        self._postings_cache[key] = found
        if len(self._postings_cache) > POSTINGS_CACHE_SIZE:
            self._postings_cache.popitem(last=False)
        return found

    def _idf(self, postings: _Postings) -> float:
        df = len(postings.docs)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        """Whether any name, place or unit has the term."""
        with self._lock:
            return any(len(self._postings(field, term).docs) for field in FIELDS)

    def slot(self, alternatives: tuple[vocabulary.Alternative, ...]) -> SlotHits:
        """Rows having all the terms of one alternative, scored BM25 (title, place, unit).

        Scored here, vectorised, rather than by Whoosh's collector, which walks every match
        through nested matchers in Python and took 200 ms for a long query over 20,000 names.
        A row matching several alternatives ("agua potable y saneamiento" for "agua") scores
        each: it is the more clearly what was asked for.
        """
        rows = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size)
        in_unit = np.zeros(self.size, dtype=bool)
        for alternative in alternatives:
            fields = FIELDS_OF[alternative.where]
            # Per term, its postings in each field; work on these (a few hundred rows) rather
            # than on arrays of every row, so twenty alternatives cost what one did.
            found: list[list[tuple[str, float, _Postings]]] = []
            with self._lock:
                for term in alternative.terms:
                    per_field = [(f, boost, self._postings(f, term)) for f, boost in fields]
                    per_field = [hit for hit in per_field if len(hit[2].docs)]
                    if not per_field:
                        break
                    found.append(per_field)
            if len(found) < len(alternative.terms):
                continue
            docs = None
            unit_docs = None
            for per_field in found:
                term_docs = _union([p.docs for _, _, p in per_field], self.size)
                docs = term_docs if docs is None else np.intersect1d(docs, term_docs, True)
                in_unit_field = [p.docs for f, _, p in per_field if f == "unit"]
                term_unit = in_unit_field[0] if in_unit_field else _EMPTY
                unit_docs = (
                    term_unit if unit_docs is None else np.intersect1d(unit_docs, term_unit, True)
                )
            if not len(docs):
                continue
            rows[docs] = True
            in_unit[unit_docs] = True
            weight = 1.0 if alternative.where == "typed" else EXPANSION_WEIGHT
            share = weight / len(alternative.terms)
            whole = len(found) == 1 and len(found[0]) == 1
            for per_field in found:
                for field, boost, postings in per_field:
                    tf, at = postings.freqs, postings.docs
                    if not whole:
                        keep = np.isin(at, docs, assume_unique=True)
                        tf, at = tf[keep], at[keep]
                    norm = self._norm[at] if field == "name" else BM25_K1
                    scores[at] += (
                        share * boost * self._idf(postings) * tf * (BM25_K1 + 1) / (tf + norm)
                    )
        return SlotHits(rows, scores, in_unit)

    def spelling_bonus(self, word: str, term: str, scores: np.ndarray) -> None:
        """Rank the spelling typed first: 'cañaris' over 'CANARIS', and 'canaris' the other way."""
        with self._lock:
            if analysis.fold(word) != word:
                exact = self._postings("exact", word)
                if len(exact.docs):
                    scores[exact.docs] += EXACT_BONUS * self._idf(exact)
                return
            variants = [self._postings("exact", v) for v in self._variants.get(word, ())]
            name = self._postings("name", term)
        if not len(name.docs) or not any(len(v.docs) for v in variants):
            return
        bonus = EXACT_BONUS * self._idf(name)
        scores[name.docs] += bonus
        for variant in variants:
            scores[variant.docs] -= bonus

    def ranked(self, scores: np.ndarray, allowed: set[int], limit: int | None) -> list[int]:
        """The allowed rows, best score first (ties in catalogue order)."""
        rows = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
        rows.sort()
        order = np.argsort(-scores[rows], kind="stable")
        if limit is not None:
            order = order[:limit]
        return rows[order].tolist()

    def count(self, dim: str, allowed: set[int]) -> dict[str, int]:
        """How many allowed rows have each value of a facet."""
        if dim in MULTI_VALUED:
            return {v: len(rows & allowed) for v, rows in self.rows_with[dim].items()}
        values, codes = self._codes[dim]
        if len(allowed) == self.size:
            counts = np.bincount(codes, minlength=len(values))
        else:
            rows = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
            counts = np.bincount(codes[rows], minlength=len(values))
        return {values[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def corrections(self, words: Iterable[str]) -> dict[str, str]:
        """For each word no name has, the closest word of the names (two edits at most, same
        first letter, the most used on a tie): the "¿Quisiste decir…?" of last resort."""
        found: dict[str, str] = {}
        for word in words:
            term = analysis.term(word)
            if word.isdigit() or not term or self.knows(term):
                continue
            folded = analysis.fold(word)
            best = None
            for candidate, written in self._by_initial.get(folded[:1], ()):
                if abs(len(candidate) - len(folded)) > 2:
                    continue
                distance = damerau_levenshtein(candidate, folded, limit=3)
                if distance <= 2:
                    key = (distance, -self._vocabulary[written], written)
                    best = min(best, key) if best else key
            if best:
                found[word] = best[2]
        return found

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def _memory_postings(entries) -> dict[tuple[str, str], _Postings]:
    """The postings the index would hold, for a snapshot that has no index on disk."""
    found: dict[tuple[str, str], Counter[int]] = {}
    for i, entry in enumerate(entries):
        for field, text in (("name", entry.name), ("place", entry.places), ("unit", entry.units)):
            terms = analysis.terms(text)
            for term in dict.fromkeys(terms) if field == "unit" else terms:
                found.setdefault((field, term), Counter())[i] += 1
        for word in analysis.accented_words(entry.name + " " + entry.places):
            found.setdefault(("exact", word), Counter())[i] += 1
    return {
        key: _Postings(
            np.array(sorted(counts), dtype=np.int64),
            np.array([counts[d] for d in sorted(counts)], dtype=np.float64),
        )
        for key, counts in found.items()
    }
