"""The embedded backend: a Whoosh index per node (index.py), filters, facets and order in memory.

Rows are catalogue positions of the open snapshot; only CUIs leave this module.
"""

from __future__ import annotations

import heapq
import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy.orm import Session

from portal.search import analysis
from portal.search.backends import Parsed
from portal.search.catalogue import DIMENSIONS
from portal.search.filters import Filters
from portal.search.freshness import latest_data_import, refresh_if_stale
from portal.search.index import (
    build_index,
    index_generation,
    index_root,
    memory_snapshot,
    use_snapshot,
)
from portal.search.ranking import UNIT_PHRASE_BONUS
from portal.search.snapshot import Snapshot
from portal.search.spelling import closest_of

log = logging.getLogger(__name__)
#: Folded place names of a snapshot (word tuple -> level -> ubigeos), built on first use.
_place_names: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class WhooshSelection:
    """The rows a query selects, with their scores (None: no words, so every row)."""

    allowed: set[int]
    scores: np.ndarray | None
    partial: bool = False

    @property
    def total(self) -> int:
        return len(self.allowed)


def rebuild_index(session: Session) -> None:
    """Rebuild the index from the database and switch to it (import hook and ``portal reindex``)."""
    root = index_root(current_app.config["PORTAL_INSTANCE_DIR"])
    build_index(session, root, latest_data_import(session))


@contextmanager
def whoosh_searcher(session: Session) -> Iterator[WhooshSearcher]:
    root = index_root(current_app.config["PORTAL_INSTANCE_DIR"])
    with use_snapshot(root) as snap:
        if snap is not None:
            if snap.directory is not None:
                refresh_if_stale(session, root, index_generation(snap.directory))
            yield WhooshSearcher(snap)
            return
    try:
        build_index(session, root, latest_data_import(session))  # first search on a fresh database
    except OSError:
        log.exception("cannot write the search index in %s; searching the database", root)
    with use_snapshot(root) as snap:
        yield WhooshSearcher(snap if snap is not None else memory_snapshot(session))


class WhooshSearcher:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def knows(self, term: str) -> bool:
        return self.snap.knows(term)

    def prefetch(self, terms: list[str]) -> None:
        """Nothing to do: postings are read (and kept) on demand."""

    def codes(self, words: list[str]) -> dict[str, int]:
        return {w: self.snap.codes[w] for w in words if w.isdigit() and w in self.snap.codes}

    def correct(self, word: str) -> str | None:
        return closest_of(word, (self.snap.corrector, self.snap.name_corrector))

    def is_known_word(self, word: str) -> bool:
        return analysis.fold(word) in self.snap.corrector

    def place_names(self) -> dict[tuple[str, ...], dict[str, list[str]]]:
        names = _place_names.get(self.snap)
        if names is None:
            names = {}
            for param in ("provincia", "distrito"):
                for ubigeo, name in sorted(self.snap.labels.get(param, {}).items()):
                    key = tuple(analysis.fold(w) for w in analysis.words(name))
                    if key:
                        names.setdefault(key, {}).setdefault(param, []).append(ubigeo)
            _place_names[self.snap] = names
        return names

    def labels(self, dim: str, values: list[str]) -> dict[str, str]:
        return self.snap.labels.get(dim, {})

    def corrections(self, words: list[str]) -> dict[str, str]:
        return self.snap.corrections(words)

    def select(self, parsed: Parsed, filters: Filters) -> WhooshSelection:
        """The rows with every word (or everyday phrase) of the query that pass the filters; when
        none has them all, the rows with the most of them, marked partial.

        Filters apply exactly as ``filters.apply_filters`` does in SQL, so every view agrees.
        """
        snap = self.snap
        if not parsed.slots:
            matched = set(parsed.code_rows) if parsed.code_rows else None
            return WhooshSelection(self._filtered(matched, filters), None)
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
        allowed = self._filtered(set(np.flatnonzero(every).tolist()) | code_rows, filters)
        if allowed or len(hits) == 1:
            return WhooshSelection(allowed, scores)
        counts = np.sum([h.rows for h in hits], axis=0)
        candidates = self._filtered(set(np.flatnonzero(counts).tolist()), filters)
        if not candidates:
            return WhooshSelection(self._filtered(code_rows, filters), scores)
        best = max(counts[i] for i in candidates)
        allowed = {i for i in candidates if counts[i] == best} | (code_rows & candidates)
        return WhooshSelection(allowed, scores, partial=True)

    def _filtered(self, matched: set[int] | None, filters: Filters) -> set[int]:
        """Apply the structured filters exactly as ``filters.apply_filters`` does in SQL."""
        allowed = matched
        for rows in self._filter_sets(filters):
            allowed = set(rows) if allowed is None else allowed & rows
        return set(range(self.snap.size)) if allowed is None else allowed

    def _filter_sets(self, filters: Filters) -> Iterator[set[int]]:
        snap = self.snap
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

    def facet_counts(self, selection: WhooshSelection) -> dict[str, dict[str, int]]:
        return {dim: self.snap.count(dim, selection.allowed) for dim in DIMENSIONS}

    def page(
        self, parsed: Parsed, selection: WhooshSelection, orden: str, offset: int,
        limit: int | None,
    ) -> list[str]:  # fmt: skip
        rows = self._ordered(parsed, selection, orden, limit)[offset:limit]
        return [self.snap.cuis[i] for i in rows]

    def _ordered(
        self, parsed: Parsed, selection: WhooshSelection, orden: str, limit: int | None
    ) -> list[int]:
        snap, allowed = self.snap, selection.allowed
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

    def cuis(self, selection: WhooshSelection) -> list[str]:
        return sorted(self.snap.cuis[i] for i in selection.allowed)
