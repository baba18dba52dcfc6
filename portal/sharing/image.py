"""The share image of an investment (og:image): a 1200×630 PNG drawn with Pillow.

Drawn once per import, investment and language, then served from the instance folder: a link
pasted into a chat is fetched by many previews and must not redraw each time, and a reader of one
language must never get the card drawn for a reader of another.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BRAND, BRAND_DARK, INK, MUTED, SOFT = "#0b5394", "#083b6a", "#1b1f24", "#4d5660", "#e8eef5"
STATUS_COLOURS = {"paralizada": "#b42318", "finalizada": "#1a7f37"}


@dataclass(frozen=True)
class ShareCard:
    """The words and figures drawn, already translated and formatted."""

    site: str
    name: str
    status_code: str
    status: str
    progress: float | None
    progress_text: str
    cost_line: str
    spent_line: str
    alerts_line: str
    date_line: str
    cui_line: str


#: DejaVu Sans (free licence, portal/data/fonts): Pillow's built-in font has no accents.
FONT = Path(__file__).resolve().parent.parent / "data" / "fonts" / "DejaVuSans.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int) -> list[str]:
    words, out, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    if len(out) == lines and " ".join(out) != " ".join(words):
        last = out[-1]
        while last and draw.textlength(last + " …", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        out[-1] = last + " …"
    return out


def draw_share_image(card: ShareCard) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 84], fill=BRAND_DARK)
    draw.text((60, 22), card.site, font=_font(38), fill="white")
    draw.text((WIDTH - 60, 28), card.cui_line, font=_font(30), fill="white", anchor="ra")
    title_font = _font(46)
    y = 118
    for line in _wrap(draw, card.name, title_font, WIDTH - 120, 3):
        draw.text((60, y), line, font=title_font, fill=INK)
        y += 62
    y = max(y + 16, 330)
    colour = STATUS_COLOURS.get(card.status_code, BRAND)
    status_font = _font(34)
    box = draw.textbbox((60, y), card.status, font=status_font)
    draw.rounded_rectangle(
        [box[0] - 14, box[1] - 10, box[2] + 14, box[3] + 10], radius=24, outline=colour, width=4
    )
    draw.text((60, y), card.status, font=status_font, fill=colour)
    draw.text((box[2] + 44, y), card.progress_text, font=status_font, fill=INK)
    y += 70
    draw.rounded_rectangle([60, y, WIDTH - 60, y + 30], radius=15, fill=SOFT)
    if card.progress:
        filled = 60 + (WIDTH - 120) * min(max(card.progress, 0), 100) / 100
        draw.rounded_rectangle([60, y, max(filled, 90), y + 30], radius=15, fill=BRAND)
    y += 46
    body = _font(32)
    draw.text((60, y), card.cost_line, font=body, fill=INK)
    draw.text((60, y + 42), card.spent_line, font=body, fill=INK)
    alerts_colour = STATUS_COLOURS["paralizada"] if card.alerts_line[:1].isdigit() else MUTED
    draw.text((60, y + 84), card.alerts_line, font=body, fill=alerts_colour)
    draw.text((60, HEIGHT - 50), card.date_line, font=_font(26), fill=MUTED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def cached_share_image(folder: Path, version: int, cui: str, language: str, draw) -> Path:
    """The PNG of ``cui`` in ``language`` for import ``version``, drawn by ``draw()`` if not on
    disk yet. A new import (a new ``version``) drops the images of the earlier ones."""
    if not language.isalpha():
        raise ValueError(f"not a language code: {language!r}")
    current = folder / str(version)
    path = current / f"{cui}.{language}.png"
    if path.is_file():
        return path
    current.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_dir() and old.name != current.name:
            shutil.rmtree(old, ignore_errors=True)  # images of earlier imports
    handle, temporary = tempfile.mkstemp(dir=current, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(draw())
    os.replace(temporary, path)
    return path
