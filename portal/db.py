"""Engine and session setup: one engine per app, one session per request, committed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A moment (``timestamptz`` on PostgreSQL), read back in UTC on every engine.

    SQLite keeps no offset: its moments came back naive, and a page then showed an evening
    import in Lima (UTC the next day) dated tomorrow, beside a "consultado el" of today.
    Moments are stored in UTC, so a naive one read back is UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL so pages keep answering while an import writes."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    options = {}
    if url.startswith("postgresql"):
        # A dead or unreachable server costs a visitor 5 s and a polite 503, not a hung worker;
        # pre-ping replaces connections a restarted server dropped instead of failing a page.
        # No JIT: PostgreSQL compiles any query the planner prices above 100,000, which every
        # department-size selection is at national size (each row's progress is two indexed
        # look-ups); the compilation alone took 75 ms of a 110 ms map query, every time.
        connect_args = {"connect_timeout": 5, "options": "-c jit=off"}
        options = {"connect_args": connect_args, "pool_pre_ping": True}
    engine = create_engine(url, future=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def vacuum_analyze(engine: Engine) -> None:
    """Reclaim the rows an import replaced and refresh the planner's statistics, at once.

    PostgreSQL only (SQLite reuses freed pages by itself). A first national import leaves
    ~545,000 dead row versions beside 300,000 live ones (the derived step rewrites each row), and
    the statistics still describe the empty table: until autovacuum comes round, if it runs at
    all, a department with one filter read 17,000 pages (240 ms) where 3,600 do (27 ms), and
    counts cannot be answered from the indexes alone. Its own autocommit connection: VACUUM
    cannot run in a transaction, and the statistics serve every web process from that moment,
    not when the after-import hooks commit minutes later. A few seconds at national size.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: Blueprints whose GET pages only read public records: served by the read replica, if any.
#: Observations, moderation and health stay on the primary (they write, or must see it).
REPLICA_BLUEPRINTS = frozenset({"investments", "search", "maps", "importer"})


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["PORTAL_DATABASE_URL"])
    app.extensions["portal.engine"] = engine
    app.extensions["portal.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    replica_url = app.config.get("PORTAL_DATABASE_REPLICA_URL")
    if replica_url:
        replica = make_engine(replica_url)
        app.extensions["portal.replica_engine"] = replica
        replica_sessions = sessionmaker(replica, expire_on_commit=False)
        app.extensions["portal.replica_sessionmaker"] = replica_sessions
    app.after_request(_commit_session)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["portal.engine"]


def get_session() -> Session:
    """The request's session, created on first use (on the read replica for public GET pages)."""
    if "db_session" not in g:
        makers = current_app.extensions
        maker = makers["portal.sessionmaker"]
        if "portal.replica_sessionmaker" in makers and _reads_only():
            maker = makers["portal.replica_sessionmaker"]
        g.db_session = maker()
    return g.db_session


def _reads_only() -> bool:
    return (
        has_request_context()
        and request.method in ("GET", "HEAD")
        and request.blueprint in REPLICA_BLUEPRINTS
    )


def _commit_session(response):
    """Commit once per request, before the response leaves, so a failed commit is a 500."""
    session = g.get("db_session")
    if session is not None and response.status_code < 400:
        session.commit()
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for CLI commands and the importer, committed when the block ends cleanly."""
    session = current_app.extensions["portal.sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
