"""oEmbed (https://oembed.com): which of our URLs can be embedded, and the JSON that embeds it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Card size in CSS pixels; consumers may ask for less with maxwidth/maxheight.
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


def card_size(maxwidth: str | None, maxheight: str | None) -> tuple[int, int] | None:
    """(width, height) within the consumer's limits; None when they are smaller than a card."""
    width, height = CARD_WIDTH, CARD_HEIGHT
    for given, limit in ((maxwidth, "w"), (maxheight, "h")):
        if given is None:
            continue
        if not given.isdigit():
            continue  # the spec's consumers send integers; anything else is ignored
        value = int(given)
        if limit == "w":
            width = min(width, value)
        else:
            height = min(height, value)
    if width < MIN_WIDTH or height < CARD_HEIGHT:
        return None
    return width, height
