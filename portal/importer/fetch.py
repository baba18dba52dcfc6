"""Fetch step: turn a path or an http(s) URL into a local file and its SHA-256.

Downloads are retried with backoff (INFObras answers 503 now and then) and checked against the
announced length, so a transfer that stopped half-way is never mistaken for a smaller file.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from portal.importer.reading import SourceFileError

CHUNK = 1024 * 1024


@dataclass
class FetchedFile:
    path: Path
    sha256: str
    size: int
    temporary: bool

    def discard(self) -> None:
        if self.temporary:
            self.path.unlink(missing_ok=True)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def fetch(
    location: str, retries: int = 3, timeout: float = 120, backoff: float = 1.0
) -> FetchedFile:
    """Local copy of ``location`` with its hash; raises SourceFileError with a readable reason."""
    if is_url(location):
        path = _download(location, retries, timeout, backoff)
        temporary = True
    else:
        path = Path(location)
        temporary = False
        if path.is_dir():
            # A folder of OCDS packages: its files' names and contents make its hash.
            from portal.importer.sources.oece_ocds import fingerprint

            sha256, size = fingerprint(path)
            return FetchedFile(path, sha256, size, temporary)
        if not path.is_file():
            raise SourceFileError(f"file not found: {location}")
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return FetchedFile(path, digest.hexdigest(), path.stat().st_size, temporary)


def _download(url: str, retries: int, timeout: float, backoff: float) -> Path:
    suffix = Path(urllib.request.url2pathname(url.split("?")[0])).suffix
    last_error = ""
    for attempt in range(retries):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        handle, name = tempfile.mkstemp(prefix="portal-fetch-", suffix=suffix)
        target = Path(name)
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "vigia-portal/0.1"})
            with (
                urllib.request.urlopen(request, timeout=timeout) as response,
                open(handle, "wb") as out,
            ):
                expected = response.headers.get("Content-Length")
                shutil.copyfileobj(response, out, CHUNK)
            received = target.stat().st_size
            if expected is not None and int(expected) != received:
                last_error = f"download stopped half-way ({received} of {expected} bytes)"
                target.unlink(missing_ok=True)
                continue
            return target
        except urllib.error.HTTPError as exc:
            target.unlink(missing_ok=True)
            last_error = f"the server answered {exc.code} {exc.reason}"
            if exc.code < 500 and exc.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            target.unlink(missing_ok=True)
            last_error = f"download failed: {getattr(exc, 'reason', exc)}"
    raise SourceFileError(f"{last_error} ({url})")
