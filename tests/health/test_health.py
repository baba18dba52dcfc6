"""Health, readiness and the polite 503 when the database is unreachable."""

from __future__ import annotations

import pytest

from tests.conftest import make_test_app

#: Nothing listens on port 1: the database is "down" without touching the shared server.
DOWN_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/vigia"


@pytest.fixture
def down_client(tmp_path):
    return make_test_app(DOWN_DATABASE, tmp_path / "instance").test_client()


def test_healthz_answers_without_the_database(down_client):
    response = down_client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_says_the_database_is_unreachable(down_client):
    response = down_client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ready"] is False
    assert body["reason"] == "database unreachable"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_readyz_waits_for_the_first_import(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "no data imported yet"


def test_readyz_is_ready_once_data_is_imported(demo_client):
    response = demo_client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ready"] is True and body["imports"] >= 1
    assert body["schema"] == body["expected_schema"]


def test_readyz_refuses_a_database_not_migrated_to_head(tmp_path):
    """A node deployed with new code before ``portal upgrade-db`` ran stays out of rotation."""
    app = make_test_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "instance")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["reason"] == "database schema is not current"
    assert body["schema"] == [] and body["expected_schema"]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("es", "El portal no está disponible en este momento"),
        ("en", "The portal is not available right now"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/buscar?q=agua", "/inversiones/2001234", "/mapa"])
def test_pages_answer_a_polite_503_when_the_database_is_down(down_client, path, lang, title):
    sep = "&" if "?" in path else "?"
    response = down_client.get(f"{path}{sep}lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert title in html
    for internal in ("psycopg", "OperationalError", "127.0.0.1:1", "Traceback", "postgres"):
        assert internal not in html


def test_a_query_bug_is_still_a_500_not_an_outage(database_url, tmp_path):
    """Only an unreachable database is a 503: a broken query must not hide behind it."""
    from sqlalchemy import text

    from portal.db import get_session

    app = make_test_app(database_url, tmp_path / "instance")

    def broken_query():
        get_session().execute(text("INSERT INTO import_runs (source) VALUES (NULL)"))
        return "unreachable"

    app.add_url_rule("/_prueba/consulta", "prueba_consulta", broken_query)
    response = app.test_client().get("/_prueba/consulta")
    app.extensions["portal.engine"].dispose()
    assert response.status_code == 500
