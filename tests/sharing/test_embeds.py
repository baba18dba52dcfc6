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
        f'<meta property="og:image" content="http://localhost/inversiones/{cui}/imagen.png">'
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
    assert data["thumbnail_url"].endswith(f"/inversiones/{cui}/imagen.png")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    narrow = demo_client.get("/oembed", query_string={"url": url, "maxwidth": "300"}).get_json()
    assert narrow["width"] == 300 and 'width="300"' in narrow["html"]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        ({"url": "http://localhost/inversiones/{cui}", "format": "xml"}, 501),
        ({"url": "http://elsewhere.example/inversiones/{cui}"}, 404),
        ({"url": "http://localhost/buscar?q=agua"}, 404),
        ({"url": "http://localhost/inversiones/9999999"}, 404),
        ({"url": "javascript:alert(1)"}, 404),
        ({}, 404),
        ({"url": "http://localhost/inversiones/{cui}", "maxheight": "100"}, 404),
    ],
)
def test_oembed_refuses_what_it_cannot_embed(demo_client, cui, args, status):
    args = {k: v.format(cui=cui) for k, v in args.items()}
    assert demo_client.get("/oembed", query_string=args).status_code == status


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
    assert [p.name for p in cached] == [f"{cui}.png"]
    assert demo_client.get(f"/inversiones/{cui}/imagen.png").data == response.data
    assert demo_client.get("/inversiones/9999999/imagen.png").status_code == 404


def test_a_new_import_draws_a_new_image_and_drops_the_old(tmp_path):
    from portal.sharing.image import cached_share_image

    calls = []

    def draw():
        calls.append(1)
        return b"png"

    first = cached_share_image(tmp_path, 1, "2100001", draw)
    assert cached_share_image(tmp_path, 1, "2100001", draw) == first and len(calls) == 1
    second = cached_share_image(tmp_path, 2, "2100001", draw)
    assert len(calls) == 2 and second.parent.name == "2" and not first.exists()
