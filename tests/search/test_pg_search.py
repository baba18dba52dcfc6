"""Search on the engine's own backend: PostgreSQL searches its database (no index files, no
rebuild: an import is found the moment it commits), SQLite its Whoosh index; typos and partial
words are found on both (pg_trgm on PostgreSQL)."""

from __future__ import annotations

from portal.search.backends import backend_name
from portal.search.index import index_root
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle


def search(client, q: str) -> dict:
    response = client.get("/api/v1/inversiones", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def test_the_engine_chooses_the_backend(app):
    with app.app_context():
        engine = app.extensions["portal.engine"].dialect.name
        assert backend_name() == ("postgresql" if engine == "postgresql" else "whoosh")


def test_an_imported_investment_is_found_the_moment_the_import_commits(app, client, tmp_path):
    first = write_detalle(
        tmp_path / "a.csv", [detalle_row("2600001", "CREACIÓN DEL PUESTO DE SALUD LA PAUCA")]
    )
    assert import_sources(app, [("mef-inversiones", first)])[0].status == "imported"
    assert search(client, "posta pauca")["total"] == 1
    rows = [
        detalle_row("2600001", "CREACIÓN DEL PUESTO DE SALUD LA PAUCA"),
        detalle_row("2600002", "MEJORAMIENTO DEL RESERVORIO DE HUAMBOCANCHA"),
    ]
    path = write_detalle(tmp_path / "b.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    found = search(client, "reservorio huambocancha")
    assert [r["cui"] for r in found["results"]] == ["2600002"]
    if backend_name(app) == "postgresql":
        # Found through the database alone: no node wrote or rebuilt any index.
        assert not list(index_root(app.config["PORTAL_INSTANCE_DIR"]).glob("idx-*"))
    assert search(client, "posta pauca")["total"] == 1


def test_a_mistyped_word_is_found_and_said(app, client, tmp_path):
    rows = [
        detalle_row("2600003", "CREACIÓN DEL SERVICIO DE AGUA POTABLE EN HUAMBOCANCHA ALTA"),
        detalle_row("2600004", "MEJORAMIENTO DEL CAMINO VECINAL A LLUSHCAPAMPA"),
    ]
    path = write_detalle(tmp_path / "c.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    # One letter swapped in a hamlet's name: searched as the hamlet (pg_trgm finds it).
    typo = search(client, "huambocahnca")
    assert [r["cui"] for r in typo["results"]] == ["2600003"]
    page = client.get("/buscar", query_string={"q": "huambocahnca"}).get_data(as_text=True)
    assert "«huambocancha»" in page
    # Two letters off: offered, not searched.
    far = search(client, "llushcapanba")
    assert far["suggestion"] == "llushcapampa"


def test_a_new_cost_or_progress_reorders_the_list_after_the_import(app, client, tmp_path):
    """PostgreSQL orders by the documents' copies of cost, progress and last change: the import
    keeps them in step, so the lists follow the data the moment the import commits."""

    def imported(name: str, costs: tuple[str, str], progress: tuple[str, str]) -> None:
        rows = [
            detalle_row(
                cui,
                f"MEJORAMIENTO DEL CANAL DE RIEGO {place}",
                COSTO_ACTUALIZADO=cost,
                AVANCE_FISICO=done,
            )  # fmt: skip
            for cui, place, cost, done in zip(
                ("2600011", "2600012"),
                ("SHITAMALCA", "CHUCLLAPAMPA"),
                costs,
                progress,
                strict=True,
            )  # fmt: skip
        ]
        path = write_detalle(tmp_path / name, rows)
        assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"

    def listed(orden: str) -> list[str]:
        response = client.get("/api/v1/inversiones", query_string={"q": "canal", "orden": orden})
        return [r["cui"] for r in response.get_json()["results"]]

    imported("a.csv", ("500000.0", "900000.0"), ("80.0", "10.0"))
    assert listed("costo") == ["2600012", "2600011"]
    assert listed("avance") == ["2600011", "2600012"]
    imported("b.csv", ("1500000.0", "900000.0"), ("20.0", "60.0"))
    assert listed("costo") == ["2600011", "2600012"]
    assert listed("avance") == ["2600012", "2600011"]
    # By last change: the one the next import changes comes first, then the other.
    imported("c.csv", ("1500000.0", "950000.0"), ("20.0", "60.0"))
    assert listed("cambio") == ["2600012", "2600011"]
    imported("d.csv", ("1600000.0", "950000.0"), ("20.0", "60.0"))
    assert listed("cambio") == ["2600011", "2600012"]
