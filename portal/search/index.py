"""The Whoosh index: build into a new directory, switch a symlink atomically, search a snapshot.

Layout under ``<PORTAL_INSTANCE_DIR>/search/``: ``idx-*`` directories and a ``current`` symlink.
A build never touches the index being searched, so a failed build leaves it answering; old
snapshots stay open until the searches using them end.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, Schema

from portal.search import analysis
from portal.search.catalogue import (
    DIMENSIONS,
    MULTI_VALUED,
    SORT_COLUMNS,
    Catalogue,
    catalogue_from_json,
    load_catalogue,
)

log = logging.getLogger(__name__)

POINTER = "current"
#: A word found only in the district or province name counts for less than one in the title.
PLACE_BOOST = 0.3
BM25_K1, BM25_B = 1.2, 0.75
#: Postings of the most recently searched terms (per field), kept in memory between searches.
POSTINGS_CACHE_SIZE = 1024
WARM_TERMS = 150
CATALOGUE_FILE = "catalogue.json"
#: Terms arrive analysed (see analysis.py): the fields only split on spaces and count frequencies.
SCHEMA = Schema(
    cui=ID(sortable=True),
    name=KEYWORD(scorable=True),
    place=KEYWORD(scorable=True),
    exact=KEYWORD(scorable=True),
)


def index_root(instance_dir: str | os.PathLike) -> Path:
    return Path(instance_dir) / "search"


def build_index(session: Session, root: Path) -> Path:
    """Write a fresh index of every investment and make it current; returns its directory."""
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        catalogue = load_catalogue(session)
        new = Path(tempfile.mkdtemp(prefix="idx-", dir=root))
        try:
            _write(new, catalogue)
            _switch(root, new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        for old in root.glob("idx-*"):
            if old != new:
                shutil.rmtree(old, ignore_errors=True)
    return new


def _write(directory: Path, catalogue: Catalogue) -> None:
    ix = whoosh_index.create_in(str(directory), SCHEMA)
    # One writer, one segment: document numbers follow catalogue order, and the build is
    # faster than merging the segments of several processes at this size.
    writer = ix.writer(limitmb=256)
    places_cache: dict[str, tuple[str, str]] = {}
    try:
        for entry in catalogue.entries:
            place = places_cache.get(entry.places)
            if place is None:
                place = (
                    " ".join(analysis.terms(entry.places)),
                    " ".join(analysis.exact_terms(entry.places)),
                )
                places_cache[entry.places] = place
            name_terms = analysis.terms(entry.name)
            entry.length = len(name_terms)
            writer.add_document(
                cui=entry.cui,
                name=" ".join(name_terms),
                place=place[0],
                exact=" ".join(analysis.exact_terms(entry.name)) + " " + place[1],
            )
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    with (directory / CATALOGUE_FILE).open("w", encoding="utf-8") as fh:
        json.dump(catalogue.as_json(), fh, ensure_ascii=False, separators=(",", ":"))


def _switch(root: Path, new: Path) -> None:
    """Point ``current`` at ``new`` with one rename: readers see the old or the new, never neither."""
    tmp = root / f".{POINTER}-{os.getpid()}-{threading.get_ident()}"
    tmp.unlink(missing_ok=True)
    os.symlink(new.name, tmp)
    os.replace(tmp, root / POINTER)


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    with (root / "build.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_directory(root: Path) -> Path | None:
    try:
        target = os.readlink(root / POINTER)
    except OSError:
        return None
    return root / target


class _Postings(NamedTuple):
    rows: frozenset[int]
    docs: np.ndarray
    freqs: np.ndarray


_NO_POSTINGS = _Postings(frozenset(), np.zeros(0, dtype=np.int64), np.zeros(0))


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
        lengths = np.array([e.length for e in entries], dtype=np.float64)
        average = float(lengths.mean()) if self.size else 1.0
        #: The BM25 length term of each row's title, computed once.
        self._norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / (average or 1.0))
        self._codes: dict[str, tuple[list, np.ndarray]] = {}
        for dim, column in self.column.items():
            values = [None, *sorted({v for v in column if v is not None})]
            code_of = {v: i for i, v in enumerate(values)}
            self._codes[dim] = (values, np.array([code_of[v] for v in column], dtype=np.int64))
        self._searcher = None
        if directory is not None:
            self._searcher = whoosh_index.open_dir(str(directory)).searcher()
            self._check_order()
            self._warm_up()
        else:
            # No index on disk (could not be written): match words in memory, same rules.
            self._words = [
                frozenset(analysis.terms(e.name + " " + e.places)) for e in entries
            ]

    def _check_order(self) -> None:
        """Document numbers must follow catalogue order (one writer, one segment)."""
        if self.size == 0:
            return
        column = self._searcher.reader().column_reader("cui")
        if len(column) != self.size or any(column[i] != cui for i, cui in enumerate(self.cuis)):
            raise RuntimeError("search index and its catalogue disagree")

    def _warm_up(self) -> None:
        """Read the most common terms now: they are the slow ones to read and the ones people type."""
        reader = self._searcher.reader()
        for field in ("name", "place", "exact"):
            for _freq, text in reader.most_frequent_terms(field, number=WARM_TERMS):
                self._postings(field, text.decode() if isinstance(text, bytes) else text)

    def _postings(self, field: str, term: str) -> _Postings | None:
        """One term's postings, read from Whoosh once and kept (LRU): its documents and frequencies."""
        key = (field, term)
        found = self._postings_cache.get(key)
        if found is not None:
            self._postings_cache.move_to_end(key)
            return found
        reader = self._searcher.reader()
        found = _NO_POSTINGS
        if reader.doc_frequency(field, term):
            pairs = list(reader.postings(field, term).items_as("weight"))
            docs = np.fromiter((d for d, _ in pairs), dtype=np.int64, count=len(pairs))
            freqs = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
            found = _Postings(frozenset(docs.tolist()), docs, freqs)
        self._postings_cache[key] = found
        if len(self._postings_cache) > POSTINGS_CACHE_SIZE:
            self._postings_cache.popitem(last=False)
        return found

    def _word_postings(self, term: str, exact: str) -> list[tuple[_Postings, float]]:
        """Each field's postings of one query word with its weight (idf times field boost)."""
        weighted = []
        with self._lock:
            for field, text, boost in (("name", term, 1.0), ("place", term, PLACE_BOOST), ("exact", exact, 1.0)):
                postings = self._postings(field, text)
                if postings.rows:
                    df = len(postings.rows)
                    weighted.append((postings, boost * math.log(1 + (self.size - df + 0.5) / (df + 0.5))))
        return weighted

    def match(self, terms: list[str], exact: list[str]) -> set[int]:
        """Rows whose name or place has every term (or its exact spelling)."""
        if self._searcher is None:
            wanted = set(terms)
            return {i for i, words in enumerate(self._words) if wanted <= words}
        per_word = []
        for term, word in zip(terms, exact, strict=True):
            fields = self._word_postings(term, word)
            if not fields:
                return set()
            per_word.append(set().union(*(postings.rows for postings, _ in fields)))
        per_word.sort(key=len)
        return per_word[0].intersection(*per_word[1:])

    def ranked(self, terms: list[str], exact: list[str], allowed: set[int], limit: int | None) -> list[int]:
        """The allowed rows, best first: BM25 over the Whoosh postings of title, place and spelling.

        Scored here, vectorised, rather than by Whoosh's collector, which walks every match
        through nested matchers in Python and took 200 ms for a long query over 20,000 names.
        """
        if self._searcher is None:
            return sorted(allowed)[:limit]
        scores = np.zeros(self.size)
        for term, word in zip(terms, exact, strict=True):
            for postings, weight in self._word_postings(term, word):
                tf = postings.freqs
                scores[postings.docs] += weight * tf * (BM25_K1 + 1) / (tf + self._norm[postings.docs])
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
        """For each word unknown to the index, the closest known word (at most two edits)."""
        if self._searcher is None:
            return {}
        found = {}
        with self._lock:
            reader = self._searcher.reader()
            corrector = self._searcher.corrector("exact")
            for word in words:
                lower = word.lower()
                if word.isdigit() or reader.doc_frequency("exact", lower):
                    continue
                suggestions = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
                if suggestions:
                    found[word] = suggestions[0]
        return found

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


_lock = threading.Lock()
_open: OrderedDict[Path, Snapshot] = OrderedDict()
#: Several apps (tests) or instance folders in one process: keep a few, close the rest.
_MAX_OPEN = 4


def open_snapshot(directory: Path) -> Snapshot:
    with (directory / CATALOGUE_FILE).open(encoding="utf-8") as fh:
        catalogue = catalogue_from_json(json.load(fh))
    return Snapshot(directory, catalogue)


@contextmanager
def use_snapshot(root: Path) -> Iterator[Snapshot | None]:
    """The current snapshot of the index under ``root`` (None when none was built yet)."""
    snapshot = _acquire(root)
    try:
        yield snapshot
    finally:
        if snapshot is not None:
            _release(snapshot)


def _acquire(root: Path) -> Snapshot | None:
    for _attempt in range(3):
        directory = current_directory(root)
        if directory is None:
            return None
        with _lock:
            snapshot = _open.get(root)
            if snapshot is None or snapshot.directory != directory:
                try:
                    fresh = open_snapshot(directory)
                except (OSError, ValueError, whoosh_index.IndexError):
                    # Replaced by a newer build while we looked: read the pointer again.
                    log.info("search index %s went away while opening; retrying", directory)
                    continue
                if snapshot is not None:
                    _retire(snapshot)
                snapshot = _open[root] = fresh
                _open.move_to_end(root)
                while len(_open) > _MAX_OPEN:
                    _retire(_open.popitem(last=False)[1])
            snapshot.refs += 1
            return snapshot
    return None


def _release(snapshot: Snapshot) -> None:
    with _lock:
        snapshot.refs -= 1
        if snapshot.retired and snapshot.refs == 0:
            snapshot.close()


def _retire(snapshot: Snapshot) -> None:
    snapshot.retired = True
    if snapshot.refs == 0:
        snapshot.close()


def close_all() -> None:
    """Close every open snapshot (tests and shutdown)."""
    with _lock:
        while _open:
            _retire(_open.popitem()[1])


def memory_snapshot(session: Session) -> Snapshot:
    """A snapshot straight from the database, for when no index can be written."""
    return Snapshot(None, load_catalogue(session))
