"""Photo intake: the one place that touches Pillow.

Uploads are judged by their content, never by name or declared type, and re-encoded from pixels
only, so EXIF (GPS, camera serial) and anything hidden in the file never reach our disk.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
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


# Pending uploads: photos already checked and cleaned while the rest of the form still has a
# problem (an investment to choose, a missing field, an expired page). The browser cannot attach
# a file again, so the server keeps them under a random token carried by a hidden field until the
# form is sent, and throws them away after PENDING_MAX_AGE like other personal data.

PENDING_FOLDER = "pendientes"
PENDING_MAX_AGE = dt.timedelta(hours=24)
_MANIFEST = "fotos.json"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def valid_pending_token(token: str | None) -> str:
    """The token when it has the shape we issue, else '' (never a path outside the folder)."""
    return token if token and _TOKEN.match(token) else ""


def _pending_dir(root: Path, token: str) -> Path | None:
    token = valid_pending_token(token)
    return root / PENDING_FOLDER / token if token else None


def live_pending_folder(root: Path, token: str) -> Path | None:
    """The folder of a form's kept files (photos, PDF documents) when ``token`` is a live one."""
    folder = _pending_dir(root, token)
    if folder is None or not folder.is_dir() or _expired(folder, None):
        return None
    return folder


def new_pending_folder(root: Path) -> tuple[str, Path]:
    """A fresh token and its folder (old forms' files are purged first)."""
    purge_pending(root)
    token = secrets.token_urlsafe(24)
    folder = _pending_dir(root, token)
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    return token, folder


def pending_photos(root: Path, token: str, now: dt.datetime | None = None) -> list[StoredPhoto]:
    """The photos kept under ``token``, in the order attached ([] when none or expired)."""
    folder = _pending_dir(root, token)
    if folder is None or not (folder / _MANIFEST).is_file() or _expired(folder, now):
        return []
    try:
        entries = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        return [StoredPhoto(**entry) for entry in entries]
    except (OSError, ValueError, TypeError):
        return []


def keep_pending(
    images: list[Image.Image], root: Path, token: str, limit: int
) -> tuple[str, list[StoredPhoto]]:
    """Clean and store ``images`` after those already kept (at most ``limit`` in all).

    Returns the token (a new one when ``token`` is not a live one) and every photo kept.
    """
    folder = live_pending_folder(root, token)
    if folder is None:
        token, folder = new_pending_folder(root)
    kept = pending_photos(root, token)
    for image in images[: max(0, limit - len(kept))]:
        kept.append(store_photo(image, folder))
    _write_manifest(folder, kept)
    return token, kept


def remove_pending(root: Path, token: str, filenames: list[str]) -> list[StoredPhoto]:
    """Forget the kept photos named in ``filenames``; returns those that stay."""
    folder = _pending_dir(root, token)
    kept = pending_photos(root, token)
    if folder is None or not kept:
        return kept
    stay = [p for p in kept if p.filename not in filenames]
    for photo in kept:
        if photo not in stay:
            for name in (photo.filename, photo.thumbnail):
                (folder / name).unlink(missing_ok=True)
    _write_manifest(folder, stay)
    return stay


def claim_pending(root: Path, token: str) -> list[StoredPhoto]:
    """Move the kept photos next to the published ones (the form was accepted)."""
    folder = _pending_dir(root, token)
    kept = pending_photos(root, token)
    if folder is None:
        return []
    moved = []
    for photo in kept:
        try:
            for name in (photo.filename, photo.thumbnail):
                (folder / name).replace(root / name)
        except OSError:
            continue
        moved.append(photo)
    shutil.rmtree(folder, ignore_errors=True)
    return moved


def pending_thumbnail(root: Path, token: str, filename: str) -> Path | None:
    """The file of a kept photo's thumbnail, for the form to show it; None when not one."""
    folder = _pending_dir(root, token)
    if folder is None or filename not in {p.thumbnail for p in pending_photos(root, token)}:
        return None
    return folder / filename


def purge_pending(root: Path, now: dt.datetime | None = None) -> int:
    """Delete kept photos of forms never sent, older than PENDING_MAX_AGE; returns how many."""
    base = root / PENDING_FOLDER
    if not base.is_dir():
        return 0
    count = 0
    for folder in base.iterdir():
        if folder.is_dir() and _expired(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
            count += 1
    return count


def _expired(folder: Path, now: dt.datetime | None) -> bool:
    now = now or dt.datetime.now(dt.UTC)
    try:
        created = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)
    except OSError:
        return True
    return now - created > PENDING_MAX_AGE


def _write_manifest(folder: Path, photos: list[StoredPhoto]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (_MANIFEST + ".tmp")
    partial.write_text(json.dumps([asdict(p) for p in photos]), encoding="utf-8")
    partial.replace(folder / _MANIFEST)
