"""Several web nodes, each with its own instance folder, follow an import run elsewhere."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from tests.conftest import _empty_all_tables, import_sources, make_test_app

NEW_WORD = "Zorzalito"


def _renamed_detalle(demo_dir: Path, out: Path) -> tuple[Path, str]:
    """The demo DETALLE with one investment renamed to a word nobody else uses."""
    with (demo_dir / "DETALLE_INVERSIONES.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    name, cui = rows[0].index("NOMBRE_INVERSION"), rows[0].index("CODIGO_UNICO")
    rows[1][name] = f"CONSTRUCCION DEL PUENTE {NEW_WORD.upper()} EN EL CASERIO LA ESPERANZA"
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    return out, rows[1][cui]


def _search_total(client, word: str) -> str:
    return client.get(f"/api/v1/inversiones?q={word}").get_json()["total"]


@pytest.fixture
def nodes(database_url, tmp_path):
    apps = [make_test_app(database_url, tmp_path / name) for name in ("node-a", "node-b", "worker")]
    yield apps
    _empty_all_tables(apps[0])
    for app in apps:
        app.extensions["portal.engine"].dispose()


def test_every_node_follows_an_import_run_on_the_worker(nodes, demo_dir, tmp_path):
    node_a, node_b, worker = nodes
    first = import_sources(worker, [("mef-inversiones", demo_dir / "DETALLE_INVERSIONES.csv")])
    assert first[0].status == "imported"
    clients = [node_a.test_client(), node_b.test_client()]
    etags = []
    for client in clients:
        assert _search_total(client, NEW_WORD) == 0  # builds this node's own index
        etags.append(client.get("/api/v1/inversiones.geojson").headers["ETag"])
    renamed, cui = _renamed_detalle(demo_dir, tmp_path / "DETALLE_INVERSIONES.csv")
    second = import_sources(worker, [("mef-inversiones", renamed)])
    assert second[0].status == "imported"
    for client, old_etag in zip(clients, etags, strict=True):
        deadline = time.monotonic() + 60
        while _search_total(client, NEW_WORD) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)  # the node rebuilds its index in the background meanwhile
        found = client.get(f"/api/v1/inversiones?q={NEW_WORD}").get_json()
        assert [item["cui"] for item in found["results"]] == [cui]
        data = client.get("/api/v1/inversiones.geojson")
        assert data.headers["ETag"] != old_etag
        assert NEW_WORD.upper() in data.get_data(as_text=True)


def test_a_node_rebuilds_its_index_outside_its_web_process(nodes, demo_dir, tmp_path, monkeypatch):
    """The rebuild is CPU for seconds (minutes nationally): run in the web worker, it held the
    interpreter and every page that worker served waited. It must happen in another process."""
    import portal.search.index as search_index

    node_a, _node_b, worker = nodes
    node_a.config["PORTAL_SEARCH_BACKEND"] = "whoosh"  # the backend with an index per node
    import_sources(worker, [("mef-inversiones", demo_dir / "DETALLE_INVERSIONES.csv")])
    client = node_a.test_client()
    assert _search_total(client, NEW_WORD) == 0  # this node's first index, built here
    renamed, _cui = _renamed_detalle(demo_dir, tmp_path / "DETALLE_INVERSIONES.csv")
    assert import_sources(worker, [("mef-inversiones", renamed)])[0].status == "imported"
    built_here = []
    monkeypatch.setattr(search_index, "build_index", lambda *a, **k: built_here.append(a))
    with node_a.app_context():
        from portal.search.freshness import latest_data_import, refresh_if_stale

        root = search_index.index_root(node_a.config["PORTAL_INSTANCE_DIR"])
        with worker.app_context():
            from portal.db import session_scope

            with session_scope() as session:
                latest = latest_data_import(session)
                before = search_index.index_generation(search_index.current_directory(root))
                assert before < latest
                refresh_if_stale(session, root, before)  # as a search does on newer data
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = search_index.current_directory(root)
        if current is not None and search_index.index_generation(current) == latest:
            break
        time.sleep(0.2)
    assert search_index.index_generation(search_index.current_directory(root)) == latest
    assert built_here == []
