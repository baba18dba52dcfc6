"""oEmbed (https://oembed.com): which of our URLs can be embedded, and the JSON that embeds it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Card size in CSS pixels; consumers may ask for a narrower one with maxwidth (down to MIN_WIDTH).
CARD_WIDTH = 400
CARD_HEIGHT = 320
MIN_WIDTH = 240

_INVESTMENT_PATH = re.compile(r"/inversiones/(?P<cui>[0-9]{4,10})/?")


def embeddable_cui(url: str, our_host: str) -> str | None:
    """The CUI of an investment page URL on this portal, or None for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != our_host.lower():
        return None
    match = _INVESTMENT_PATH.fullmatch(parts.path)
    return match["cui"] if match else None


class OEmbedRefusal(Exception):
    """An oEmbed request we cannot answer with an embed: status and message, sent as JSON."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def card_size(maxwidth: str | None, maxheight: str | None) -> tuple[int, int]:
    """(width, height) of the frame within the consumer's limits.

    The card is laid out to fit CARD_HEIGHT from MIN_WIDTH to CARD_WIDTH wide (measured over
    every demo card, tests/browser/test_embed_fits.py), so a narrower frame keeps the height;
    a limit below that has no embed (404, as the spec says for a size the provider cannot fit).
    """
    width, height = CARD_WIDTH, CARD_HEIGHT
    for name, given in (("maxwidth", maxwidth), ("maxheight", maxheight)):
        if given is None or given == "":
            continue
        if not given.isdigit():
            raise OEmbedRefusal(400, f"{name} must be a whole number of pixels.", name)
        if name == "maxwidth":
            width = min(width, int(given))
        else:
            height = min(height, int(given))
    if width < MIN_WIDTH or height < CARD_HEIGHT:
        raise OEmbedRefusal(
            404,
            f"The card needs a frame of at least {MIN_WIDTH}×{CARD_HEIGHT} pixels "
            f"(maxwidth ≥ {MIN_WIDTH}, maxheight ≥ {CARD_HEIGHT}).",
            "maxwidth" if width < MIN_WIDTH else "maxheight",
        )
    return width, height
