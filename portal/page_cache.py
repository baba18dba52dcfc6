"""Whole public pages kept in memory until the data changes: most visits ask for a page that
is already rendered.

An investment page costs ~10 ms of CPU (11 queries, ~1,400 translated strings, figures formatted
for the language); serving it again costs ~0.5 ms. The data behind the public pages changes only
when an import runs or a moderator acts, so a page is kept per address, language, host and day,
and every kept page is dropped when:

- this process writes to the database (an observation, a moderator's action, an import run
  here): at once, through the engine's events, so a published observation shows on the next view;
- the data version read from the database changes (another node imported or moderated): each
  feature names, at start-up, the columns whose newest value moves when its pages change
  (``watch``: the importer its runs, investments their last change, complaints their events and
  moderators' actions), and each process asks at most every ``PORTAL_PAGE_CACHE_SECONDS`` (one
  small query on indexes), which is how long a page may lag behind another machine's change;
  for ``STALE_SECONDS`` more, the previous page may still be served to a visitor arriving while
  the process renders another one, so an import does not make every visitor wait at once;
- it is ten minutes old, whatever happened (a safety net, not a rule anyone relies on).

Pages carry a fresh CSP nonce on every response: the kept copy's nonce is replaced by the
request's own. A page that touched the cookie session, set a cookie or is not a 200 HTML page is
never kept. ``PORTAL_PAGE_CACHE_SECONDS = 0`` turns the cache off; ``PORTAL_PAGE_CACHE_MB`` bounds
its memory per process (least recently used pages go first).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx
from flask_babel import get_locale
from sqlalchemy import ColumnElement, event, func, select
from sqlalchemy.engine import Engine

from portal.db import get_session
from portal.i18n import local_today
from portal.security import csp_nonce

#: A kept page older than this is rendered again even if no change was seen.
MAX_AGE_SECONDS = 600
#: After another process's change, how long the previous pages may stand in (see PageCache.get).
STALE_SECONDS = 30
#: Addresses longer than this (odd or hostile query strings) are never kept.
MAX_KEY_LENGTH = 512
#: Statements that change data: the engine marks its connection, the commit drops the pages.
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "COPY", "MERGE", "TRUNCATE")

_local_writes = 0  # committed writes of this process, any app: a change drops every kept page
_local_writes_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Page:
    body: bytes
    headers: list[tuple[str, str]]
    nonce: bytes | None
    stored: float


class PageCache:
    """One app's kept pages: an LRU bounded in bytes, with the data version it was built on."""

    def __init__(self, max_bytes: int, check_seconds: float) -> None:
        self.max_bytes = max_bytes
        self.check_seconds = check_seconds
        self.lock = threading.Lock()
        self.pages: OrderedDict[tuple, _Page] = OrderedDict()
        self.size = 0
        self.version: Any = None
        self.checked = float("-inf")
        self.writes_seen = _local_writes
        # The pages of the version before, served while this process renders others (below).
        self.previous: dict[tuple, _Page] = {}
        self.previous_until = float("-inf")
        self.rendering = 0

    def refresh(self, read_version: Callable[[], Any]) -> None:
        """Drop everything after a local write; set the pages aside when the database's
        version moved on (another process imported or moderated)."""
        now = time.monotonic()
        if self.writes_seen != _local_writes:
            with self.lock:
                self.writes_seen = _local_writes
                self._clear()
                self.previous = {}
                self.checked = float("-inf")
        if now - self.checked < self.check_seconds:
            return
        version = read_version()
        with self.lock:
            if version != self.version:
                self.version = version
                self.previous, self.previous_until = self.pages, now + STALE_SECONDS
                self.pages, self.size = OrderedDict(), 0
            elif now > self.previous_until:
                self.previous = {}
            self.checked = now

    def get(self, key: tuple) -> tuple[_Page, bool] | None:
        """(page, stale) or None. Right after an import every page is new to render at once,
        and every visitor waited for the CPU (p95 0.4–1.7 s for ~2 s after each import): while
        this process is already rendering a page, a page of the previous version is served
        instead, for at most STALE_SECONDS. A page is rendered by whoever finds none busy."""
        now = time.monotonic()
        with self.lock:
            page = self.pages.get(key)
            if page is not None and now - page.stored > MAX_AGE_SECONDS:
                self._drop(key)
                page = None
            if page is not None:
                self.pages.move_to_end(key)
                return page, False
            if self.rendering and now < self.previous_until and key in self.previous:
                return self.previous[key], True
            return None

    @contextmanager
    def rendering_one(self) -> Iterator[None]:
        with self.lock:
            self.rendering += 1
        try:
            yield
        finally:
            with self.lock:
                self.rendering -= 1

    def put(self, key: tuple, page: _Page) -> None:
        if len(page.body) > self.max_bytes // 8:
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = page
            self.size += len(page.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: tuple) -> None:
        self.size -= len(self.pages.pop(key).body)

    def _clear(self) -> None:
        self.pages.clear()
        self.size = 0


WATCHED = "portal.page_cache.watched"


def watch(app: Flask, *columns: ColumnElement) -> None:
    """Drop the kept pages when the newest value of any of ``columns`` changes in the database.

    Each feature calls this from its ``init_app`` with indexed columns that move whenever its
    public pages would change (a new import run's id, an investment's ``changed_at``, ...): the
    cache learns what to watch from the features and knows none of their models.
    """
    watched = app.extensions.setdefault(WATCHED, [])
    watched.extend(c for c in columns if not any(c is seen for seen in watched))


def data_version(db_session, columns: list[ColumnElement]) -> tuple:
    """The newest value of every watched column, in one query (each from an index)."""
    if not columns:
        return ()
    maxima = [select(func.max(column)).scalar_subquery() for column in columns]
    return tuple(db_session.execute(select(*maxima)).one())


def cached_page(view: Callable) -> Callable:
    """Serve a public GET page from the cache, or render it and keep it (see the module)."""

    @functools.wraps(view)
    def serve(*args, **kwargs):
        cache: PageCache | None = current_app.extensions.get("portal.page_cache")
        key = _request_key() if cache is not None else None
        if key is None:
            return view(*args, **kwargs)
        watched = current_app.extensions.get(WATCHED, [])
        cache.refresh(lambda: data_version(get_session(), watched))
        found = cache.get(key)
        if found is not None:
            page, stale = found
            body = page.body
            if page.nonce:
                body = body.replace(page.nonce, csp_nonce().encode())
            response = Response(body, 200, headers=page.headers)
            response.headers["X-Cache"] = "STALE" if stale else "HIT"
            return response
        with cache.rendering_one():
            response = current_app.make_response(view(*args, **kwargs))
        if _keepable(response):
            nonce = g.get("csp_nonce")
            headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
            body = response.get_data()
            cache.put(
                key, _Page(body, headers, nonce.encode() if nonce else None, time.monotonic())
            )
        response.headers["X-Cache"] = "MISS"
        return response

    return serve


def _request_key() -> tuple | None:
    if request.method not in ("GET", "HEAD"):
        return None
    address = request.full_path
    if len(address) > MAX_KEY_LENGTH:
        return None
    return (address, str(get_locale()), request.host_url, local_today())


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not _session_used()
    )


def _session_used() -> bool:
    """Whether the page read or wrote the cookie session (its content may be the visitor's).

    Asking ``flask.session`` itself would mark it used: Flask opens it on first access.
    """
    opened = getattr(request_ctx._get_current_object(), "_session", None)
    return opened is not None and (opened.accessed or opened.modified)


def _mark_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:8].upper().startswith(WRITE_VERBS):
        conn.info["portal.wrote"] = True


def _count_write(conn) -> None:
    global _local_writes
    if conn.info.pop("portal.wrote", False):
        with _local_writes_lock:
            _local_writes += 1


def _forget_write(conn) -> None:
    conn.info.pop("portal.wrote", None)


def watch_writes(engine: Engine) -> None:
    """Count this process's committed writes on ``engine`` (a statement that is not a read)."""
    if not event.contains(engine, "after_cursor_execute", _mark_write):
        event.listen(engine, "after_cursor_execute", _mark_write)
        event.listen(engine, "commit", _count_write)
        event.listen(engine, "rollback", _forget_write)


def init_app(app: Flask) -> None:
    seconds = float(app.config["PORTAL_PAGE_CACHE_SECONDS"])
    megabytes = float(app.config["PORTAL_PAGE_CACHE_MB"])
    if seconds <= 0 or megabytes <= 0:
        return
    watch_writes(app.extensions["portal.engine"])
    app.extensions["portal.page_cache"] = PageCache(int(megabytes * 1024 * 1024), seconds)
