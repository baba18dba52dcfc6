"""PDF attachments (actas, oficios): checked by content, stored under a random name, never shown
inline.

What is checked, from the bytes only (never the name or the declared type):
- the file starts with ``%PDF-`` and is at most PORTAL_DOCUMENT_MAX_BYTES;
- pypdf can read its structure and it is not encrypted (an encrypted file cannot be inspected);
- no object reachable from its trailer carries an active part: JavaScript (/JS, /JavaScript),
  launch or other-document actions (/Launch, /GoToR, /GoToE, /ImportData, /SubmitForm),
  automatic actions (/AA), embedded files (/EmbeddedFile(s)), Flash or XFA forms (/RichMedia,
  /XFA). pypdf reads compressed object streams and decodes ``#xx`` name escapes, which a byte
  scan would miss.
The file is kept as sent (it is evidence: re-rendering would change it) and served only as a
download with ``Content-Disposition: attachment`` and a CSP of ``default-src 'none'; sandbox``.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal.complaints.photos import live_pending_folder, new_pending_folder

#: Keys whose presence anywhere in the file makes it refused (see the module docstring).
ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/ImportData",
        "/SubmitForm",
        "/AA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)
#: Objects inspected at most: a file with more is refused rather than half checked.
MAX_OBJECTS = 200_000


class DocumentRejected(ValueError):
    """A file that is not an acceptable PDF; the message is shown next to the field."""


@dataclass(frozen=True)
class StoredDocument:
    filename: str
    original_name: str
    size: int


def check_document(stream: BinaryIO, max_bytes: int) -> bytes:
    """The PDF's bytes when acceptable, or raise DocumentRejected with a message for the person."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise DocumentRejected(
            _l("El PDF pesa más de %(mb)d MB. Envíe un archivo más liviano.", mb=max_bytes // 2**20)
        )
    data = stream.read()
    not_pdf = _l("El archivo no es un PDF válido.")
    if not data.startswith(b"%PDF-"):
        raise DocumentRejected(not_pdf)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentRejected(
                _l("El PDF está protegido con contraseña. Envíelo sin protección.")
            )
        active = _has_active_content(reader.trailer)
        pages = len(reader.pages)
    except DocumentRejected:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError):
        raise DocumentRejected(not_pdf) from None
    if active:
        raise DocumentRejected(
            _l(
                "El PDF contiene partes activas (JavaScript, acciones o archivos incrustados). "
                "Imprímalo como PDF o escanéelo y envíe ese archivo."
            )
        )
    if pages < 1:
        raise DocumentRejected(not_pdf)
    return data


def _has_active_content(root) -> bool:
    """Walk every object reachable from ``root`` (iteratively; each indirect object once)."""
    seen: set[tuple[int, int]] = set()
    todo = [root]
    count = 0
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        count += 1
        if count > MAX_OBJECTS:
            return True
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            if ACTIVE_KEYS.intersection(item.keys()):
                return True
            if item.get("/S") in ACTIVE_KEYS:
                return True
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return False


def clean_name(name: str) -> str:
    """The name shown and offered for download: no folders, no control characters, '.pdf'."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    name = re.sub(r"\s+", " ", name)[:120] or "documento"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def store_document(data: bytes, original_name: str, folder: Path) -> StoredDocument:
    folder.mkdir(parents=True, exist_ok=True)
    filename = f"{secrets.token_hex(12)}.pdf"
    (folder / filename).write_bytes(data)
    return StoredDocument(filename, clean_name(original_name), len(data))


# Pending documents live beside the pending photos (same token, same folder, same expiry).

_MANIFEST = "documentos.json"


def pending_documents(root: Path, token: str) -> list[StoredDocument]:
    folder = live_pending_folder(root, token)
    if folder is None or not (folder / _MANIFEST).is_file():
        return []
    try:
        entries = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        return [StoredDocument(**entry) for entry in entries]
    except (OSError, ValueError, TypeError):
        return []


def keep_pending_documents(
    files: list[tuple[bytes, str]], root: Path, token: str, limit: int
) -> tuple[str, list[StoredDocument]]:
    """Store ``files`` (bytes, name) after those already kept; returns the token and all kept."""
    folder = live_pending_folder(root, token)
    if folder is None:
        token, folder = new_pending_folder(root)
    kept = pending_documents(root, token)
    for data, name in files[: max(0, limit - len(kept))]:
        kept.append(store_document(data, name, folder))
    _write_manifest(folder, kept)
    return token, kept


def remove_pending_documents(root: Path, token: str, filenames: list[str]) -> list[StoredDocument]:
    folder = live_pending_folder(root, token)
    kept = pending_documents(root, token)
    if folder is None or not kept:
        return kept
    stay = [d for d in kept if d.filename not in filenames]
    for document in kept:
        if document not in stay:
            (folder / document.filename).unlink(missing_ok=True)
    _write_manifest(folder, stay)
    return stay


def claim_pending_documents(root: Path, token: str) -> list[StoredDocument]:
    """Move the kept documents next to the published files (the form was accepted)."""
    folder = live_pending_folder(root, token)
    moved = []
    for document in pending_documents(root, token):
        try:
            (folder / document.filename).replace(root / document.filename)
        except OSError:
            continue
        moved.append(document)
    return moved


def _write_manifest(folder: Path, documents: list[StoredDocument]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (_MANIFEST + ".tmp")
    partial.write_text(json.dumps([asdict(d) for d in documents]), encoding="utf-8")
    partial.replace(folder / _MANIFEST)
