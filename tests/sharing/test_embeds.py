"""A pasted investment link embeds: card framable by anyone, oEmbed, a share image per import."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from tests.test_security import parse_csp


@pytest.fixture(scope="module")
def cui(demo_app) -> str:
    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_app.app_context():
        return get_session().scalar(
            select(Investment.cui).where(Investment.red_flags != "").order_by(Investment.cui)
        )


def test_card_shows_the_figures_and_links_back(demo_client, cui):
    response = demo_client.get(f"/inversiones/{cui}/tarjeta")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="http://localhost/inversiones/{cui}"' in html
    assert 'target="_blank"' in html
    for figure in ("progress", "cost", "spent", "red_flags"):
        assert f'data-figure="{figure}"' in html
    assert "Datos del MEF y la Contraloría al" in html
    assert "site-header" not in html  # a card, not the whole page


def test_only_the_card_may_be_framed_by_other_sites(demo_client, cui):
    card = demo_client.get(f"/inversiones/{cui}/tarjeta")
    assert parse_csp(card.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in card.headers
    page = demo_client.get(f"/inversiones/{cui}")
    assert parse_csp(page.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_investment_page_announces_oembed_and_share_image(demo_client, cui):
    html = demo_client.get(f"/inversiones/{cui}").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/json+oembed" '
        f'href="http://localhost/oembed?url=http://localhost/inversiones/{cui}&amp;format=json"'
    ) in html
    assert (
        f'<meta property="og:image" content="http://localhost/inversiones/{cui}/imagen.png?lang=es">'
        in html
    )


def test_oembed_returns_a_rich_iframe_of_the_card(demo_client, cui):
    url = f"http://localhost/inversiones/{cui}"
    response = demo_client.get("/oembed", query_string={"url": url, "format": "json"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert f'src="http://localhost/inversiones/{cui}/tarjeta"' in data["html"]
    assert data["html"].startswith("<iframe") and data["width"] == 400
    assert data["thumbnail_url"].endswith(f"/inversiones/{cui}/imagen.png?lang=es")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    narrow = demo_client.get("/oembed", query_string={"url": url, "maxwidth": "300"}).get_json()
    assert narrow["width"] == 300 and 'width="300"' in narrow["html"]


@pytest.mark.parametrize(
    ("args", "status", "parameter"),
    [
        ({"url": "http://localhost/inversiones/{cui}", "format": "xml"}, 501, "format"),
        ({"url": "http://elsewhere.example/inversiones/{cui}"}, 404, "url"),
        ({"url": "http://localhost/buscar?q=agua"}, 404, "url"),
        ({"url": "http://localhost/inversiones/9999999"}, 404, "url"),
        ({"url": "javascript:alert(1)"}, 404, "url"),
        ({}, 404, "url"),
        ({"url": "http://localhost/inversiones/{cui}", "maxheight": "200"}, 404, "maxheight"),
        ({"url": "http://localhost/inversiones/{cui}", "maxwidth": "100"}, 404, "maxwidth"),
        ({"url": "http://localhost/inversiones/{cui}", "maxwidth": "ancho"}, 400, "maxwidth"),
    ],
)
def test_oembed_refuses_what_it_cannot_embed_in_json(demo_client, cui, args, status, parameter):
    """A consumer parses the answer as JSON whatever happens: never an HTML error page."""
    args = {k: v.format(cui=cui) for k, v in args.items()}
    response = demo_client.get("/oembed", query_string=args)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status and body["parameter"] == parameter and body["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_oembed_explains_the_smallest_frame_the_card_fits(demo_client, cui):
    url = f"http://localhost/inversiones/{cui}"
    body = demo_client.get("/oembed", query_string={"url": url, "maxheight": "200"}).get_json()
    assert "240×320" in body["error"]
    fits = demo_client.get("/oembed", query_string={"url": url, "maxheight": "320"}).get_json()
    assert fits["height"] == 320 and 'height="320"' in fits["html"]


def test_share_image_is_a_1200x630_png_cached_per_import(demo_app, demo_client, cui):
    response = demo_client.get(f"/inversiones/{cui}/imagen.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 630)
    # Drawn, not blank: the header band and the text use several colours.
    assert len(image.convert("RGB").getcolors(maxcolors=100_000)) > 10
    from pathlib import Path

    cached = list(
        (Path(demo_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "share").glob("*/*.png")
    )
    assert [p.name for p in cached] == [f"{cui}.es.png"]
    assert demo_client.get(f"/inversiones/{cui}/imagen.png").data == response.data
    assert demo_client.get("/inversiones/9999999/imagen.png").status_code == 404


def test_a_new_import_draws_a_new_image_and_drops_the_old(tmp_path):
    from portal.sharing.image import cached_share_image

    calls = []

    def draw():
        calls.append(1)
        return b"png"

    first = cached_share_image(tmp_path, 1, "2100001", "es", draw)
    assert cached_share_image(tmp_path, 1, "2100001", "es", draw) == first and len(calls) == 1
    second = cached_share_image(tmp_path, 2, "2100001", "es", draw)
    assert len(calls) == 2 and second.parent.name == "2" and not first.exists()


def test_the_share_image_speaks_the_language_of_whoever_asks(demo_app, cui):
    """English first must not leave Spanish readers with the English card (issue 20)."""
    from pathlib import Path

    folder = Path(demo_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "share"
    english = demo_app.test_client().get(
        f"/inversiones/{cui}/imagen.png", headers={"Accept-Language": "en"}
    )
    spanish = demo_app.test_client().get(
        f"/inversiones/{cui}/imagen.png", headers={"Accept-Language": "es-PE"}
    )
    assert english.status_code == spanish.status_code == 200
    assert english.headers["Content-Language"] == "en"
    assert spanish.headers["Content-Language"] == "es"
    assert english.data != spanish.data
    assert english.headers["ETag"] != spanish.headers["ETag"]
    assert {"Accept-Language", "Cookie"} <= set(spanish.vary)
    # Each is what a fresh render in its language draws, not a copy of the other.
    assert spanish.data == _fresh_share_image(demo_app, cui, "es")
    assert english.data == _fresh_share_image(demo_app, cui, "en")
    assert sorted(p.name for p in folder.glob("*/*.png")) == [f"{cui}.en.png", f"{cui}.es.png"]
    by_query = demo_app.test_client().get(f"/inversiones/{cui}/imagen.png?lang=en")
    assert by_query.data == english.data


def _fresh_share_image(app, cui: str, language: str) -> bytes:
    from portal.db import get_session
    from portal.i18n import local_today
    from portal.investments.flags import FlagThresholds
    from portal.investments.sheet import find_investment_sheet
    from portal.sharing.views import _draw

    with app.test_request_context(headers={"Accept-Language": language}):
        thresholds = FlagThresholds.from_config(app.config)
        return _draw(find_investment_sheet(get_session(), cui, thresholds, local_today()))
