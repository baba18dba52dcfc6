"""The OC4IDS project package (``oc4ids.json`` of the dated downloads), written project by
project so that no investment list is held in memory: its head (publisher, licence, version), then
each project as one compact line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from portal.datos.oc4ids_values import timestamp

OC4IDS_VERSION = "0.9"


def write_package(
    path: Path, projects: Iterable[dict], uri: str, published: dt.datetime, publisher: dict
) -> int:
    """A project package streamed project by project; returns the number of projects."""
    head = {
        "uri": uri,
        "publishedDate": timestamp(published),
        "version": OC4IDS_VERSION,
        "publisher": publisher,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": uri.rsplit("/", 2)[0] + "/",
    }
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "projects": [')
        for count, text in enumerate(_dumped(projects), start=1):
            out.write(("," if count > 1 else "") + "\n" + text)
        out.write("\n]}\n")
    return count


def _dumped(projects: Iterable[dict]) -> Iterator[str]:
    for project in projects:
        yield json.dumps(project, ensure_ascii=False, separators=(",", ":"))
