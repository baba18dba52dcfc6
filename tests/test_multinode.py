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
