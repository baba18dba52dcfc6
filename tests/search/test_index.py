"""The Whoosh index's life: rebuilt by imports and ``portal reindex``, switched without a gap.

Run with the Whoosh backend on both engines (``PORTAL_SEARCH_BACKEND=whoosh`` may serve a
PostgreSQL database too); tests/search/test_pg_search.py has the PostgreSQL backend's life."""

from __future__ import annotations

import os
import threading

import pytest

from portal.search.index import POINTER, index_root
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle
from tests.search.factories import add_investment


@pytest.fixture(autouse=True)
def whoosh_backend(app):
    app.config["PORTAL_SEARCH_BACKEND"] = "whoosh"


def search_total(client, **args) -> int:
    response = client.get("/api/v1/inversiones", query_string=args)
    assert response.status_code == 200
    return response.get_json()["total"]


def index_dirs(app) -> list[str]:
    return sorted(p.name for p in index_root(app.config["PORTAL_INSTANCE_DIR"]).glob("idx-*"))


def test_searches_keep_answering_while_the_index_is_rebuilt(search_app, search_client):
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    with search_app.app_context(), session_scope() as session:
        for n in range(300):
            add_investment(session, f"23{n:05d}", f"CONSTRUCCIÓN DE RESERVORIO {n}")
    stop = threading.Event()
    errors: list[BaseException] = []

    def rebuild_repeatedly() -> None:
        try:
            while not stop.is_set():
                with search_app.app_context(), session_scope() as session:
                    rebuild_index(session)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    builder = threading.Thread(target=rebuild_repeatedly)
    builder.start()
    try:
        answers = [search_total(search_client, q="colegio") for _ in range(60)]
    finally:
        stop.set()
        builder.join()
    assert not errors
    assert answers == [2] * 60  # the colegio and the "institución educativa"
    assert search_total(search_client, q="reservorio") == 300
    assert len(index_dirs(search_app)) == 1


def test_rebuild_replaces_the_old_directory_atomically(search_app):
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    root = index_root(search_app.config["PORTAL_INSTANCE_DIR"])
    before = os.readlink(root / POINTER)
    with search_app.app_context(), session_scope() as session:
        rebuild_index(session)
    after = os.readlink(root / POINTER)
    assert before != after
    assert index_dirs(search_app) == [after]


def test_failed_build_leaves_the_old_index_answering(search_app, search_client, monkeypatch):
    from portal.db import session_scope
    from portal.search import index
    from portal.search.queries import rebuild_index

    before = index_dirs(search_app)

    def broken_write(directory, catalogue):
        raise OSError("disk full")

    monkeypatch.setattr(index, "_write", broken_write)
    with search_app.app_context(), session_scope() as session:
        add_investment(session, "2400001", "PUENTE COLGANTE SOBRE EL RÍO LLAUCANO")
        session.flush()
        with pytest.raises(OSError):
            rebuild_index(session)
    assert index_dirs(search_app) == before
    assert (
        search_total(search_client, q="colegio") == 2
    )  # the colegio and the "institución educativa"


def test_reindex_command_makes_new_rows_findable(search_app, search_client):
    from portal.db import session_scope

    with search_app.app_context(), session_scope() as session:
        add_investment(session, "2400002", "PUENTE COLGANTE SOBRE EL RÍO LLAUCANO")
    assert search_total(search_client, q="puente") == 0
    result = search_app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert search_total(search_client, q="puentes llaucano") == 1


def test_investment_renamed_by_an_import_is_found_by_its_new_name(app, client, tmp_path):
    first = write_detalle(
        tmp_path / "a.csv", [detalle_row("2500001", "CREACIÓN DEL PUESTO DE SALUD LA PAUCA")]
    )
    assert import_sources(app, [("mef-inversiones", first)])[0].status == "imported"
    assert search_total(client, q="puesto salud") == 1
    second = write_detalle(
        tmp_path / "b.csv", [detalle_row("2500001", "MEJORAMIENTO DEL CENTRO DE SALUD LA PAUCA")]
    )
    assert import_sources(app, [("mef-inversiones", second)])[0].status == "imported"
    assert search_total(client, q="centro de salud pauca") == 1
    assert search_total(client, q="puesto") == 0


def test_search_answers_from_the_database_when_no_index_can_be_written(app, client, monkeypatch):
    from portal.db import session_scope
    from portal.search.backends import whoosh

    def unwritable(session, root, *_generation, **_options):
        raise PermissionError("read-only instance folder")

    monkeypatch.setattr(whoosh, "build_index", unwritable)
    with app.app_context(), session_scope() as session:
        add_investment(session, "2400003", "CREACIÓN DE LOS COLEGIOS DE CHOTA")
    assert search_total(client, q="colegio") == 1
    assert client.get("/buscar", query_string={"q": "colegio"}).status_code == 200


def test_index_left_by_an_older_portal_is_rebuilt_not_misread(search_app, search_client):
    """An upgrade finds the previous version's index (no unit names): the first search
    rebuilds it rather than searching units that are not there."""
    import json

    from portal.search.index import CATALOGUE_FILE, close_all, current_directory

    root = index_root(search_app.config["PORTAL_INSTANCE_DIR"])
    saved = current_directory(root) / CATALOGUE_FILE
    old = json.loads(saved.read_text(encoding="utf-8"))
    del old["format"]
    old["entries"] = [entry[:5] for entry in old["entries"]]
    saved.write_text(json.dumps(old), encoding="utf-8")
    close_all()
    assert search_total(search_client, q="subregión chota") == 1
    assert current_directory(root) / CATALOGUE_FILE != saved


def test_threads_arriving_together_open_the_index_once(search_app, monkeypatch):
    """A national snapshot is ~1 GB: eight threads of a fresh worker must not each load a copy."""
    import time

    from portal.search import index as index_module

    index_module.close_all()
    opened: list[str] = []
    real_open = index_module.open_snapshot

    def slow_open(directory):
        opened.append(directory.name)
        time.sleep(0.3)  # long enough for every thread to arrive while the first one reads
        return real_open(directory)

    monkeypatch.setattr(index_module, "open_snapshot", slow_open)
    root = index_root(search_app.config["PORTAL_INSTANCE_DIR"])
    barrier = threading.Barrier(8)
    seen: list[object] = []

    def ask() -> None:
        barrier.wait()
        with index_module.use_snapshot(root) as snapshot:
            seen.append(snapshot)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 1
    assert len(seen) == 8 and all(s is seen[0] and s is not None for s in seen)
    index_module.close_all()
