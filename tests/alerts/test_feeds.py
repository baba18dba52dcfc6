"""Atom feeds of an investment, a place and a search: parse cleanly, link back, cache well."""

from __future__ import annotations

import feedparser
import pytest

from tests.alerts.helpers import FOLLOWED, OTHER, change_cost, first_import


@pytest.fixture
def changed(app, tmp_path):
    rows = first_import(app, tmp_path)
    change_cost(app, tmp_path, rows, OTHER, "1350000.0")
    return app.test_client()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (f"/inversiones/{OTHER}.atom", "CREACION DEL CAMINO VECINAL DE CUTERVO"),
        ("/lugares/0606.atom", "Cutervo"),
        ("/lugares/060601.atom", "Cutervo"),
        ("/buscar.atom?q=camino", "camino"),
    ],
)
def test_feeds_parse_and_tell_the_change_in_plain_words(changed, path, title):
    response = changed.get(path)

    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert title in feed.feed.title
    [entry] = feed.entries
    assert entry.link.endswith(f"/inversiones/{OTHER}")
    # 1,200,000.50 rounds half up, as a spreadsheet does.
    assert "Costo actualizado: S/ 1,200,001 → S/ 1,350,000" in entry.content[0].value
    assert "Datos del " in entry.content[0].value


def test_a_search_that_excludes_the_change_has_no_entry(changed):
    feed = feedparser.parse(changed.get("/buscar.atom?q=salud").data)

    assert not feed.bozo
    assert feed.entries == []


def test_feeds_answer_304_to_a_reader_that_is_up_to_date(changed):
    first = changed.get(f"/inversiones/{OTHER}.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]

    again = changed.get(
        f"/inversiones/{OTHER}.atom", headers={"If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert again.data == b""


def test_feed_changes_after_the_next_import(app, tmp_path):
    rows = first_import(app, tmp_path)
    client = app.test_client()
    before = client.get(f"/inversiones/{FOLLOWED}.atom").headers["ETag"]

    change_cost(app, tmp_path, rows, FOLLOWED, "1999999.0")

    response = client.get(f"/inversiones/{FOLLOWED}.atom", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert len(feedparser.parse(response.data).entries) == 1


def test_unknown_investment_or_place_feed_is_404(changed):
    assert changed.get("/inversiones/9999999.atom").status_code == 404
    assert changed.get("/lugares/999999.atom").status_code == 404
    assert changed.get("/lugares/abc.atom").status_code == 404


def test_pages_announce_their_feed_and_offer_the_follow_form(changed):
    for path, feed in [
        (f"/inversiones/{OTHER}", f"/inversiones/{OTHER}.atom"),
        ("/lugares/0606", "/lugares/0606.atom"),
        ("/buscar?q=camino", "/buscar.atom?q=camino"),
    ]:
        page = changed.get(path).get_data(as_text=True)
        assert 'type="application/atom+xml"' in page, path
        assert f'href="{feed}"' in page, path
        assert 'action="/seguir"' in page, path
        assert "Ley 29733" in page, path


def test_investment_feed_carries_published_observations_and_replies(app, tmp_path):
    import datetime as dt

    from portal.complaints.models import Observation
    from portal.db import get_session

    first_import(app, tmp_path)
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = get_session()
        for code, public in (("VC-PUBL-ICAD", True), ("VC-OCUL-TADA", False)):
            session.add(
                Observation(
                    code=code, cui=FOLLOWED, category="stalled",
                    description="La obra está parada desde marzo.", consent_at=now,
                    status="replied", is_public=public, created_at=now,
                    reply="La entidad reinicia la obra en enero.", replied_at=now,
                )
            )
        session.commit()

    feed = feedparser.parse(app.test_client().get(f"/inversiones/{FOLLOWED}.atom").data)

    titles = [e.title for e in feed.entries]
    assert any("VC-PUBL-ICAD" in t and "Observación" in t for t in titles)
    assert any("VC-PUBL-ICAD" in t and "Respuesta oficial" in t for t in titles)
    assert not any("VC-OCUL-TADA" in t for t in titles)


def test_a_feed_with_no_entry_yet_is_dated_by_the_data_it_watches(app, tmp_path):
    first_import(app, tmp_path)

    feed = feedparser.parse(app.test_client().get("/lugares/0604.atom").data)

    assert feed.entries == []
    assert feed.feed.updated_parsed.tm_year >= 2026
