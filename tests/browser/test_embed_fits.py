"""Every demo investment's embed card fits the size its oEmbed answer announces (issue 20).

A consumer frames the card at exactly ``width`` × ``height``: whatever is taller is cut, and the
last lines (the data date, the link back) are what got lost. Measured in Chromium, both in the
default frame and in the narrowest one a consumer may ask for.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from sqlalchemy import select

from portal.sharing.oembed import MIN_WIDTH

#: Set PORTAL_EMBED_REPORT=1 to print the tallest card per frame (the figures in the report).
REPORT = bool(os.environ.get("PORTAL_EMBED_REPORT"))

# A layout measure of 440 cards in Chromium (~55 s a run): the same templates and demo figures
# on either engine, so it runs once, on SQLite, to keep the suite under CI's 15 minutes.
pytestmark = pytest.mark.skipif(
    os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="layout only, measured on the SQLite run: the engine does not change a card",
)


@pytest.fixture(scope="module")
def cuis(live_app) -> list[str]:
    from portal.db import get_session
    from portal.investments.models import Investment

    with live_app.app_context():
        return list(get_session().scalars(select(Investment.cui).order_by(Investment.cui)))


def _oembed(live_server: str, cui: str, **limits) -> dict:
    # The portal checks the URL's host against the request's: both are 127.0.0.1:PORT.
    query = urlencode({"url": f"{live_server}/inversiones/{cui}", "format": "json", **limits})
    with urlopen(f"{live_server}/oembed?{query}") as response:  # noqa: S310 (local server)
        return json.load(response)


#: Measures every card framed as a consumer frames it, all at once in one page (one page load
#: per card would take minutes): how far down its content and its data-date line reach.
MEASURE = """async ([urls, width, height]) => {
    const frames = urls.map((url) => {
        const frame = document.createElement('iframe');
        frame.width = width;
        frame.height = height;
        frame.style.border = '0';
        frame.src = url;
        document.body.append(frame);
        return new Promise((done) => frame.addEventListener('load', () => done(frame)));
    });
    return (await Promise.all(frames)).map((frame) => {
        const doc = frame.contentDocument;
        return {
            url: frame.src,
            content: doc.querySelector('.card').getBoundingClientRect().bottom,
            date: doc.querySelector('.card-date').getBoundingClientRect().bottom,
        };
    });
}"""


@pytest.mark.parametrize(
    ("language", "limits"),
    # The default frame, and the narrowest in the language with the longer words.
    [("es-PE", {}), ("en-GB", {"maxwidth": str(MIN_WIDTH)})],
    ids=["default-es", "narrowest-en"],
)
def test_every_card_fits_the_frame_its_oembed_announces(
    chromium, live_server, cuis, language, limits
):
    announced = [_oembed(live_server, cui, **limits) for cui in cuis]
    sizes = {(a["width"], a["height"]) for a in announced}
    assert len(sizes) == 1, sizes
    width, height = sizes.pop()
    cards = [f"{live_server}/inversiones/{cui}/tarjeta" for cui in cuis]
    assert all(f'src="{card}"' in a["html"] for card, a in zip(cards, announced, strict=True))
    context = chromium.new_context(locale=language, bypass_csp=True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server) else route.abort()
        ),
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server}/api")
        measured = page.evaluate(MEASURE, [cards, width, height])
    finally:
        context.close()
    overflowing = [m for m in measured if max(m["content"], m["date"]) > height]
    if REPORT:
        tallest = max(measured, key=lambda m: m["content"])
        print(f"\n{language} {width}×{height}: {len(cuis)} cards, tallest {tallest}")
    assert len(measured) == len(cuis)
    assert not overflowing, f"{len(overflowing)} of {len(cuis)} cards taller than {height}px"
