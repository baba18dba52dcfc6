"""Photo intake: the one place that touches Pillow.

Uploads are judged by their content, never by name or declared type, and re-encoded from pixels
only, so EXIF (GPS, camera serial) and anything hidden in the file never reach our disk.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats we accept, as Pillow detects them from the bytes (HEIF: iPhones' HEIC photos).
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
MAX_SIDE = 1600
THUMB_SIDE = 320
#: Larger images are refused before decoding (decompression bombs).
MAX_PIXELS = 40_000_000


class PhotoRejected(ValueError):
    """A file that is not an acceptable photo; the message is shown next to the field."""


@dataclass(frozen=True)
class StoredPhoto:
    filename: str
    thumbnail: str
    width: int
    height: int


def enable_heic() -> None:
    """Teach Pillow to read HEIC/HEIF, the format iPhones save photos in."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def check_photo(stream: BinaryIO, max_bytes: int) -> Image.Image:
    """Open and fully decode an upload, or raise PhotoRejected with a message for the person."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise PhotoRejected(
            _l("La foto pesa más de %(mb)d MB. Envíe una foto más liviana.", mb=max_bytes // 2**20)
        )
    try:
        image = Image.open(stream, formats=sorted(ACCEPTED_FORMATS))
        if image.width * image.height > MAX_PIXELS:
            raise PhotoRejected(
                _l("La foto es demasiado grande. Envíe una foto de menor resolución.")
            )
        image.load()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        message = _l("El archivo no es una foto JPEG, PNG, WebP o HEIC válida.")
        raise PhotoRejected(message) from None
    return image


def store_photo(image: Image.Image, folder: Path) -> StoredPhoto:
    """Save a clean JPEG (at most MAX_SIDE px) and a thumbnail under random names."""
    folder.mkdir(parents=True, exist_ok=True)
    image = ImageOps.exif_transpose(image)
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    name = secrets.token_hex(12)
    filename, thumbnail = f"{name}.jpg", f"{name}-t.jpg"
    # Saving without exif=/icc_profile= writes pixels only: no GPS, no camera data.
    image.save(folder / filename, "JPEG", quality=85, optimize=True)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb.save(folder / thumbnail, "JPEG", quality=80, optimize=True)
    return StoredPhoto(filename, thumbnail, image.width, image.height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
