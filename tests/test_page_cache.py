"""Public pages kept in memory: served again fast, never stale after a change, never shared
between languages, and always with their own CSP nonce."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

import portal.page_cache as page_cache
from tests.complaints.obs_helpers import (
    CUI,
    add_investment,
    code_from,
    create_moderator,
    login,
    moderate,
    post_observation,
)
from tests.conftest import make_test_app

NONCE = re.compile(r'<script nonce="([^"]+)"')


def _rename_on_another_node(app) -> None:
    """A change this process does not see being made: another node's import, say."""
    other_node = create_engine(app.config["PORTAL_DATABASE_URL"])
    with other_node.begin() as conn:
        conn.execute(
            text("UPDATE investments SET name = 'Puente Chonta renovado', changed_at = :now"),
            {"now": "2031-01-01 00:00:00"},
        )
    other_node.dispose()


@pytest.fixture
def investment(app):
    app.config["PORTAL_RATELIMIT_OBSERVATIONS"] = "1000 per hour"
    app.config["PORTAL_RATELIMIT_ATTEMPTS"] = "1000 per hour"
    add_investment(app)
    return CUI


def test_a_page_seen_again_comes_from_memory_with_a_new_nonce(client, investment):
    first = client.get(f"/inversiones/{CUI}")
    again = client.get(f"/inversiones/{CUI}")
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    nonces = []
    for response in (first, again):
        in_page = set(NONCE.findall(response.text))
        assert len(in_page) == 1  # every inline script of the page carries the response's nonce
        nonce = in_page.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert NONCE.sub("", first.text) == NONCE.sub("", again.text)


def test_each_language_and_address_is_kept_apart(client, investment):
    spanish = client.get(f"/inversiones/{CUI}", headers={"Accept-Language": "es"})
    english = client.get(f"/inversiones/{CUI}", headers={"Accept-Language": "en"})
    assert english.headers["X-Cache"] == "MISS"
    assert spanish.headers["Content-Language"] == "es" and 'lang="es"' in spanish.text
    assert english.headers["Content-Language"] == "en" and 'lang="en"' in english.text
    again = client.get(f"/inversiones/{CUI}?lang=en")
    assert again.headers["X-Cache"] == "MISS"  # another address
    assert 'lang="en"' in again.text
    assert "lang=en" in again.headers.get("Set-Cookie", "")  # the choice is still remembered


def test_a_published_observation_shows_on_the_next_view(app, client, investment):
    """A moderator's action in this process drops the kept pages at once."""
    create_moderator(app)
    moderator = app.test_client()
    assert login(moderator).status_code == 303
    code = code_from(post_observation(client, description="Paralizada desde marzo, sin obreros."))
    client.get(f"/inversiones/{CUI}")
    assert client.get(f"/inversiones/{CUI}").headers["X-Cache"] == "HIT"
    moderate(moderator, code, "review")
    moderate(moderator, code, "publish")
    with app.extensions["portal.page_cache"].rendering_one():  # even while busy: never stale
        page = client.get(f"/inversiones/{CUI}")
    assert "Paralizada desde marzo" in page.text and code in page.text


def test_another_nodes_change_shows_within_the_setting(app, client, investment, monkeypatch):
    """A write this process did not make (another node, the nightly import on a worker) is
    seen when the node next asks the database for the data version."""
    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])
    client.get(f"/inversiones/{CUI}")
    _rename_on_another_node(app)
    clock[0] += 1  # within PORTAL_PAGE_CACHE_SECONDS (2): the kept page
    kept = client.get(f"/inversiones/{CUI}")
    assert kept.headers["X-Cache"] == "HIT" and "Puente Chonta renovado" not in kept.text
    clock[0] += 2
    fresh = client.get(f"/inversiones/{CUI}")
    assert fresh.headers["X-Cache"] == "MISS" and "Puente Chonta renovado" in fresh.text


def test_right_after_another_nodes_import_a_busy_process_serves_the_previous_page(
    app, client, investment, monkeypatch
):
    """After an import every page is new; while this process is rendering one, a visitor gets
    the previous page at once instead of queueing for the CPU, for a short while only."""
    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])
    english = {"Accept-Language": "en"}
    client.get(f"/inversiones/{CUI}")
    client.get(f"/inversiones/{CUI}", headers=english)
    _rename_on_another_node(app)
    clock[0] += 3
    cache = app.extensions["portal.page_cache"]
    with cache.rendering_one():  # another visitor's page is being rendered right now
        busy = client.get(f"/inversiones/{CUI}")
    assert busy.headers["X-Cache"] == "STALE" and "Puente Chonta renovado" not in busy.text
    assert f"'nonce-{NONCE.search(busy.text).group(1)}'" in busy.headers["Content-Security-Policy"]
    idle = client.get(f"/inversiones/{CUI}")  # nobody rendering: this visitor renders it
    assert idle.headers["X-Cache"] == "MISS" and "Puente Chonta renovado" in idle.text
    clock[0] += page_cache.STALE_SECONDS  # later, the previous pages are no longer offered
    with cache.rendering_one():
        late = client.get(f"/inversiones/{CUI}", headers=english)
    assert late.headers["X-Cache"] == "MISS" and "Puente Chonta renovado" in late.text


def test_search_pages_are_kept_per_query(client, investment):
    assert client.get("/buscar?q=puente").headers["X-Cache"] == "MISS"
    assert client.get("/buscar?q=puente").headers["X-Cache"] == "HIT"
    other = client.get("/buscar?q=colegio")
    assert other.headers["X-Cache"] == "MISS" and "Chonta" not in other.text


def test_missing_pages_and_sessions_are_not_kept(app, client, investment):
    @app.get("/prueba-sesion")
    @page_cache.cached_page
    def personal():
        from flask import session

        return f"<p>{session.get('who', 'nadie')}</p>"

    assert client.get("/inversiones/9999999").status_code == 404
    assert client.get("/inversiones/9999999").headers["X-Cache"] == "MISS"
    with client.session_transaction() as session:
        session["who"] = "Rosa"
    assert "Rosa" in client.get("/prueba-sesion").text
    stranger = app.test_client()
    page = stranger.get("/prueba-sesion")
    assert "Rosa" not in page.text and page.headers["X-Cache"] == "MISS"


def test_the_cache_can_be_turned_off(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "instance", PORTAL_PAGE_CACHE_SECONDS="0")
    add_investment(app)
    try:
        client = app.test_client()
        for _ in range(2):
            page = client.get(f"/inversiones/{CUI}")
            assert page.status_code == 200 and "X-Cache" not in page.headers
    finally:
        from tests.conftest import _empty_all_tables

        _empty_all_tables(app)


def test_the_cache_follows_what_a_feature_names_at_start_up(app, client, monkeypatch):
    """The cache knows no feature's tables: a feature names the column whose newest value moves
    when its pages change (``page_cache.watch`` in its init_app), and from then on another
    node's write to it shows; a change nobody named leaves the kept page as it was."""
    from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

    from portal.db import get_session

    notices = Table("test_notices", MetaData(), Column("id", Integer, primary_key=True))
    engine = app.extensions["portal.engine"]
    notices.create(engine)
    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])

    @app.get("/avisos-de-prueba")
    @page_cache.cached_page
    def notice_count():
        return f"<p>{get_session().scalar(select(func.count()).select_from(notices))} avisos</p>"

    def add_notice_on_another_node():
        other_node = create_engine(app.config["PORTAL_DATABASE_URL"])
        with other_node.begin() as conn:
            conn.execute(insert(notices))
        other_node.dispose()

    try:
        assert "0 avisos" in client.get("/avisos-de-prueba").text
        add_notice_on_another_node()
        clock[0] += 10  # past PORTAL_PAGE_CACHE_SECONDS: the node asks for the data version
        unwatched = client.get("/avisos-de-prueba")
        assert unwatched.headers["X-Cache"] == "HIT" and "0 avisos" in unwatched.text

        page_cache.watch(app, notices.c.id)
        add_notice_on_another_node()
        clock[0] += 10
        followed = client.get("/avisos-de-prueba")
        assert followed.headers["X-Cache"] == "MISS" and "2 avisos" in followed.text
    finally:
        notices.drop(engine)


def test_every_feature_with_public_pages_names_what_changes_them(app):
    """The importer, the investments and the observations each tell the cache what to watch."""
    watched = {str(column) for column in app.extensions[page_cache.WATCHED]}
    assert watched == {
        "ImportRun.id",
        "Investment.changed_at",
        "ObservationEvent.id",
        "AuditEntry.id",
        "Observation.personal_data_purged_at",
    }
