"""PostgreSQL keeps the summary of a broad search (count, facets, first page) until the data it
counts changes, and the import answers the likely broad searches again after its commit
(portal/search/backends/pg_summaries.py)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from portal.search.backends import pg_summaries
from tests.conftest import import_sources, statements_run
from tests.importer.factories import detalle_row, write_detalle

pytestmark = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only: the Whoosh backend keeps no summaries",
)

WATER = "CREACIÓN DEL SERVICIO DE AGUA POTABLE EN EL CASERÍO {}"


def imported(app, tmp_path, name: str, hamlets: list[str], **first: str) -> None:
    """An import of one water investment per hamlet; ``first``: fields of the first one."""
    rows = [detalle_row(str(2700001 + n), WATER.format(h)) for n, h in enumerate(hamlets)]
    rows[0].update(first)
    path = write_detalle(tmp_path / name, rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"


def searched(client, q: str) -> dict:
    response = client.get("/api/v1/inversiones", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def districts(found: dict) -> dict[str, int]:
    return {f["value"]: f["count"] for f in found["facets"]["distrito"]}


def summaries(app) -> list[tuple[str, bool]]:
    """(q, of the current generation) of every stored summary."""
    with app.extensions["portal.engine"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.args->>'q', m.generation = s.generation "
                "FROM search_summaries m, search_state s ORDER BY 1"
            )
        )
        return [tuple(r) for r in rows]


def test_a_broad_search_is_answered_from_its_summary_until_the_data_changes(
    app, client, tmp_path, monkeypatch
):
    monkeypatch.setattr(pg_summaries, "STORED_FROM", 2)
    # As between an import's commit and its after-import hooks (minutes at national size).
    monkeypatch.setattr(pg_summaries, "warm", lambda session, search: 0)
    imported(app, tmp_path, "a.csv", ["LA PAUCA", "HUAMBOCANCHA", "LLUSHCAPAMPA"])
    first = searched(client, "agua")
    assert first["total"] == 3
    assert districts(first) == {"060401": 3}
    assert ("agua", True) in summaries(app)
    # The same search again: the summary is read, no document is counted or ranked.
    statements = statements_run(app, ["/api/v1/inversiones?q=agua"])
    assert not [s for s in statements if "GROUPING SETS" in s]
    assert searched(client, "agua") == first
    # A narrow search is not kept: running it costs less than the row would.
    assert searched(client, "pauca")["total"] == 1
    assert [q for q, _ in summaries(app)] == ["agua"]

    # An import that moves one investment to another district of the province and changes none
    # of the words: the same statement, but its summary is stale from the import's commit.
    imported(app, tmp_path, "b.csv", ["LA PAUCA", "HUAMBOCANCHA", "LLUSHCAPAMPA"], UBIGEO="60402")
    assert districts(searched(client, "agua")) == {"060401": 2, "060402": 1}
    # One that adds a fourth.
    imported(app, tmp_path, "c.csv", ["LA PAUCA", "HUAMBOCANCHA", "LLUSHCAPAMPA", "CHADÍN"])
    after = searched(client, "agua")
    assert after["total"] == 4
    assert "2700004" in [r["cui"] for r in after["results"]]


def test_the_import_answers_the_broad_searches_again_after_its_commit(
    app, client, tmp_path, monkeypatch
):
    monkeypatch.setattr(pg_summaries, "STORED_FROM", 2)
    imported(app, tmp_path, "a.csv", ["LA PAUCA", "HUAMBOCANCHA"])
    # The everyday words, the names' frequent words: answered before anybody asks.
    stored = dict(summaries(app))
    assert stored.get("agua") is True
    assert stored.get("agua potable") is True
    searched(client, "servicio caserío")  # one a visitor made (2 matches: stored)
    imported(app, tmp_path, "b.csv", ["LA PAUCA", "HUAMBOCANCHA", "CHADÍN"])
    stored = dict(summaries(app))
    assert stored.get("servicio caserío") is True  # made again by the import
    assert all(stored.values())  # nothing of an older generation is kept
    assert searched(client, "agua")["total"] == 3


def test_a_transaction_of_many_statements_makes_one_new_generation(app):
    """An import writes row by row: the trigger bumps the generation on the first statement of
    a transaction only (300,000 updates of one row in one transaction took the national import
    from minutes to over half an hour); a rolled-back savepoint takes its bump back with it."""
    engine = app.extensions["portal.engine"]
    insert = text(
        "INSERT INTO executing_units (sec_ejec, name, slug) VALUES (:s, 'MUNICIPALIDAD', :s)"
    )

    def generation() -> int:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT generation FROM search_state"))

    before = generation()
    with engine.begin() as conn:
        for n in range(50):
            conn.execute(insert, {"s": str(300000 + n)})
    assert generation() == before + 1
    with engine.begin() as conn:
        savepoint = conn.begin_nested()
        conn.execute(insert, {"s": "300100"})
        savepoint.rollback()
        conn.execute(insert, {"s": "300101"})  # bumps again: the rolled-back bump is gone
    assert generation() == before + 2
