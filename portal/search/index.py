"""The Whoosh index: build into a new directory, switch a symlink atomically, search a snapshot.

Layout under ``<PORTAL_INSTANCE_DIR>/search/``: ``idx-*`` directories and a ``current`` symlink.
A build never touches the index being searched, so a failed build leaves it answering; old
snapshots stay open until the searches using them end.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import KEYWORD, Schema

from portal.search import analysis
from portal.search.catalogue import Catalogue, catalogue_from_json, load_catalogue
from portal.search.snapshot import Snapshot

log = logging.getLogger(__name__)

POINTER = "current"
CATALOGUE_FILE = "catalogue.json"
#: The last successful import run the index was built from: how a node sees that an import run
#: on another machine made its own index stale.
GENERATION_FILE = "import-run"
#: Terms arrive analysed (see analysis.py): the fields only split on spaces and count frequencies.
#: ``exact`` holds only the words folding changes (accents, ñ): enough to rank the typed spelling
#: first, at a third of the cost of indexing every word twice.
SCHEMA = Schema(
    name=KEYWORD(scorable=True),
    place=KEYWORD(scorable=True),
    unit=KEYWORD(scorable=True),
    exact=KEYWORD(scorable=True),
)


def index_root(instance_dir: str | os.PathLike) -> Path:
    return Path(instance_dir) / "search"


def build_index(session: Session, root: Path, generation: int = 0, only_if_older=False) -> Path:
    """Write a fresh index of every investment and make it current; returns its directory.

    ``generation`` is the import run the data comes from; with ``only_if_older``, a build that
    another process of this node finished meanwhile is not repeated.
    """
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        current = current_directory(root)
        if only_if_older and current is not None and index_generation(current) >= generation:
            return current
        catalogue = load_catalogue(session)
        new = Path(tempfile.mkdtemp(prefix="idx-", dir=root))
        try:
            _write(new, catalogue)
            (new / GENERATION_FILE).write_text(str(generation), encoding="ascii")
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
    places_cache: dict[str, tuple[str, list[str], set[str]]] = {}
    units_cache: dict[str, tuple[str, set[str]]] = {}
    vocabulary: Counter[str] = Counter()
    known: Counter[str] = Counter()
    try:
        for entry in catalogue.entries:
            place = places_cache.get(entry.places)
            if place is None:
                place = (
                    " ".join(analysis.terms(entry.places)),
                    analysis.accented_words(entry.places),
                    analysis.vocabulary_words(entry.places),
                )
                places_cache[entry.places] = place
            unit = units_cache.get(entry.units)
            if unit is None:
                unit = (
                    " ".join(dict.fromkeys(analysis.terms(entry.units))),
                    analysis.vocabulary_words(entry.units),
                )
                units_cache[entry.units] = unit
            name_terms = analysis.terms(entry.name)
            entry.length = len(name_terms)
            entry.unit_length = unit[0].count(" ") + 1 if unit[0] else 0
            vocabulary.update(analysis.vocabulary_words(entry.name) | place[2])
            known.update(place[2] | unit[1])
            writer.add_document(
                name=" ".join(name_terms),
                place=place[0],
                unit=unit[0],
                exact=" ".join(analysis.accented_words(entry.name) + place[1]),
            )
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    catalogue.vocabulary = dict(vocabulary)
    catalogue.known = dict(known)
    # json.dumps, not json.dump: only the former uses the C encoder.
    text = json.dumps(catalogue.as_json(), ensure_ascii=False, separators=(",", ":"))
    (directory / CATALOGUE_FILE).write_text(text, encoding="utf-8")


def _switch(root: Path, new: Path) -> None:
    """Point ``current`` at ``new`` with one rename: readers see the old or the new, never none."""
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


def index_generation(directory: Path) -> int:
    """The import run an index was built from (0 when unknown: built before this was recorded)."""
    try:
        return int((directory / GENERATION_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return 0


def current_directory(root: Path) -> Path | None:
    try:
        target = os.readlink(root / POINTER)
    except OSError:
        return None
    return root / target


_lock = threading.Lock()
#: Signalled when an opening finishes, so threads that had no snapshot to fall back on wake up.
_opened = threading.Condition(_lock)
_open: OrderedDict[Path, Snapshot] = OrderedDict()
#: Roots whose new snapshot is being opened (reading postings takes a moment at 100,000 rows).
_opening: set[Path] = set()
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
    """The open snapshot of the current index; while a new one opens, others keep the old one.

    Only one thread per process opens a given index: a national snapshot takes seconds and about a
    gigabyte to load, so threads with no older snapshot to answer from wait for that one instead
    of each loading their own copy (which, under load, ran a worker out of memory and time).
    """
    for _attempt in range(3):
        directory = current_directory(root)
        if directory is None:
            return None
        with _lock:
            while True:
                snapshot = _open.get(root)
                if snapshot is not None and (snapshot.directory == directory or root in _opening):
                    snapshot.refs += 1
                    return snapshot
                if root not in _opening:
                    break
                _opened.wait()  # another thread is opening the first snapshot of this root
            _opening.add(root)
        try:
            fresh = open_snapshot(directory)
        except (OSError, ValueError, whoosh_index.IndexError):
            # Replaced by a newer build while we looked: read the pointer again.
            log.info("search index %s went away while opening; retrying", directory)
            continue
        finally:
            with _lock:
                _opening.discard(root)
                _opened.notify_all()
        with _lock:
            if root in _open:
                _retire(_open[root])
            _open[root] = fresh
            _open.move_to_end(root)
            while len(_open) > _MAX_OPEN:
                _retire(_open.popitem(last=False)[1])
            fresh.refs += 1
            return fresh
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
