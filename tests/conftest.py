"""Fixtures: app, client, runner, db_session, demo data — on SQLite or PostgreSQL.

The database is chosen by ``PORTAL_TEST_DATABASE_URL`` (default: a temporary SQLite file).
Each test starts from empty tables; with pytest-xdist every worker gets its own database.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import portal.models  # noqa: F401
from portal import create_app
from portal.db import Base, make_engine
from portal.migrate import upgrade_database


def _worker_database_url(tmp_root: Path, worker: str) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_root / f'test-{worker}.db'}"
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    # One database per test process, so parallel runs never share tables.
    name = f"{parsed.database}_{worker}_{os.getpid()}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A throwaway database needs no durability: commits need not wait for the disk.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@contextmanager
def migrated_database(tmp_root: Path, label: str) -> Iterator[str]:
    """A migrated database of this test process, dropped (PostgreSQL) when the session ends."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = _worker_database_url(tmp_root, f"{worker}_{label}")
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The database of the per-test ``app`` fixture (emptied after each test)."""
    with migrated_database(tmp_path_factory.mktemp("db"), "tests") as url:
        yield url


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory) -> Iterator[str]:
    """A second database for ``demo_app``, so emptying ``app``'s tables never wipes the demo."""
    with migrated_database(tmp_path_factory.mktemp("demo-db"), "demo") as url:
        yield url


def _empty_all_tables(app) -> None:
    engine = app.extensions["portal.engine"]
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The PostgreSQL search tables (migrations 0012, 0015) are not ORM models.
            tables += ["search_documents", "search_sources", "search_facets", "search_facet_keys",
                       "search_terms", "search_words", "search_summaries"]  # fmt: skip
            used = _used_tables(conn, tables)
            if used:
                conn.execute(text(f"TRUNCATE {', '.join(used)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
    engine.dispose()


def _used_tables(conn, tables: list[str]) -> list[str]:
    """The tables a test wrote to: those with rows, or whose id sequence has been drawn from.

    Truncating only those keeps ids starting at 1 for the next test and costs a few
    milliseconds, where a TRUNCATE of all ~70 tables took ~100 ms after every test.
    """
    with_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables
    )
    drawn = (
        "SELECT t.relname::text FROM pg_depend d"
        " JOIN pg_class s ON s.oid = d.objid"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " WHERE t.relname = ANY(:tables)"
        " AND CASE WHEN s.relkind = 'S' THEN pg_sequence_last_value(s.oid) IS NOT NULL END"
    )
    rows = conn.execute(text(f"{with_rows} UNION {drawn}"), {"tables": tables})
    return sorted({name for (name,) in rows})


def make_test_app(database_url: str, instance: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_DIR": str(instance),
        "PORTAL_TILE_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "instance")
    yield app
    _empty_all_tables(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    with app.app_context():
        from portal.db import get_session

        yield get_session()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The project's own demo dataset, written once per test session."""
    from portal.demo import write_demo_data

    out = tmp_path_factory.mktemp("demo")
    write_demo_data(out)
    return out


def import_sources(app, requests, dry_run=False):
    """Run the import pipeline as ``portal import`` does; returns the SourceResults."""
    from portal.importer.pipeline import ImportSettings, run_import
    from portal.importer.sources import all_sources

    specs = all_sources()
    ordered = [(specs[name], str(loc)) for name in specs for n, loc in requests if n == name]
    with app.app_context():
        return run_import(
            app.extensions["portal.engine"],
            ImportSettings.from_config(app.config),
            ordered,
            dry_run=dry_run,
            after_import=app.extensions.get("portal.after_import", ()),
        )


def demo_requests(demo_dir: Path) -> list[tuple[str, Path]]:
    return [
        ("mef-inversiones", demo_dir / "DETALLE_INVERSIONES.csv"),
        ("mef-cierre", demo_dir / "CIERRE_INVERSIONES.csv"),
        ("mef-f12b", demo_dir / "FORMATO_12B.csv"),
        ("mef-estado-situacional", demo_dir / "ESTADO_SITUACIONAL.csv"),
        *(("mef-seguimiento", p) for p in sorted(demo_dir.glob("*-Seguimiento-PI.csv"))),
        ("infobras", next(demo_dir.glob("DataSet-Obras-Publicas*.xlsx"))),
        ("presupuesto-participativo", demo_dir / "presupuesto_participativo.csv"),
        ("oece-ocds", demo_dir / "oece"),
    ]


@pytest.fixture(scope="module")
def demo_app(demo_database_url, demo_dir, tmp_path_factory):
    """An app with the whole demo dataset imported, shared by a module's read-only tests."""
    app = make_test_app(demo_database_url, tmp_path_factory.mktemp("demo-instance"))
    results = import_sources(app, demo_requests(demo_dir))
    assert all(r.status == "imported" for r in results), [r.as_dict() for r in results]
    yield app
    _empty_all_tables(app)


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def file_server(tmp_path):
    """A local HTTP server over a temporary folder: URL sources without the internet."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def fresh_web_process(app) -> None:
    """As a web process that has served nothing since the import: no figure, no map data and no
    page kept in memory."""
    from portal.page_cache import PageCache

    app.extensions.pop("portal.figures", None)
    app.extensions.pop("portal.maps.points", None)
    kept = app.extensions["portal.page_cache"]
    app.extensions["portal.page_cache"] = PageCache(kept.max_bytes, kept.check_seconds)


def statements_run(app, urls: list[str]) -> list[str]:
    """The SQL statements the app runs to answer ``urls`` (each must answer 200)."""
    from sqlalchemy import event

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["portal.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        client = app.test_client()
        for url in urls:
            assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements
