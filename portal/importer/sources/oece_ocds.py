"""OECE's open-contracting publication (OCDS 1.1, "Contrataciones Abiertas"): who won which
contract of an investment, for how much, against how many bidders.

Layout facts (tests/fixtures/oece; the OECE API and the monthly bulk ZIP):

- The API serves one **release package** per process (``releases[]``: 2–10 snapshots of its
  planning, tender, award and contract). The current state is the OCDS **merge** of the
  releases, done here by the Open Contracting Partnership's ``ocdsmerge`` with the release
  schema bundled in ``portal/data/ocds`` (nothing is fetched at run time).
- The monthly bulk JSON ZIP holds one **record package** (``records[].compiledRelease``, already
  merged). A month: ~6,500 processes, ~80,000 releases; 76 MB of JSON (470 MB when every release
  is written out), so files are streamed with ``ijson``, never loaded whole.
- The CUI is in ``planning.budget.projectID`` in about half the processes; otherwise it is
  sometimes written in the tender, item or contract texts ("CON CUI 2598946", "CUI N° 2644512").
  A CUI found in a text is weaker evidence and is marked as such (``matched_by = "text"``): only
  7-digit numbers right after a "CUI" or "código único (de inversión)" cue count.
- Every OECE ocid starts with ``ocds-dgv273-``; a package with another prefix is another
  publisher's and is rejected whole. Curly quotes and dashes arrive as ``¿`` (kept as published).
- Suppliers: ``awards[].suppliers[]`` with ids ``PE-RUC-<RUC>``; some consortia carry an id
  shorter than 11 digits under ``PE-RUC``: kept as published, never padded.

A file (or ZIP, or folder) replaces only the processes it carries: the others stay as they were.

This module reads the files (streamed), merges each process's releases and gives out the
outcome of each process; which investment a process belongs to is ``oece_ocds_join``, and how a
merged process becomes our records is ``oece_ocds_records``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import ijson

from portal.contracts.models import (
    MATCH_BUDGET,
    ContractAward,
    ContractingProcess,
    ContractSignal,
)
from portal.importer.reading import SourceFileError, normalize_name
from portal.importer.sources import ImportContext, Record, SourceSpec
from portal.importer.sources.oece_ocds_join import Link, link_of
from portal.importer.sources.oece_ocds_records import parse_process

SCHEMA = Path(__file__).resolve().parents[2] / "data" / "ocds" / "release-schema.json"
#: OECE's registered ocid prefix (Open Contracting Partnership's prefix register).
OCID_PREFIX = "ocds-dgv273-"


class NotOcds(SourceFileError):
    """The file is JSON but not an OCDS release or record package."""


@functools.cache
def merger():
    """The OCDS merge rules of the bundled 1.1 release schema (read once per process)."""
    import ocdsmerge

    with SCHEMA.open(encoding="utf-8") as handle:
        return ocdsmerge.Merger(schema=json.load(handle))


# --- Reading: files, ZIPs and folders of release or record packages -----------------------


def fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a folder: the names and contents of its JSON and ZIP files."""
    digest = hashlib.sha256()
    size = 0
    for file in _folder_files(path):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


def _folder_files(path: Path) -> list[Path]:
    return sorted(
        file
        for file in path.rglob("*")
        if file.is_file() and file.suffix.lower() in (".json", ".zip")
    )


#: A document: its name (for messages) and a way to open it (again) as a binary stream.
Document = tuple[str, Callable[[], IO[bytes]]]


@contextmanager
def documents(path: Path) -> Iterator[list[Document]]:
    """The JSON documents of a file, a ZIP or a folder of them, each one re-openable."""
    archives: list[zipfile.ZipFile] = []
    try:
        files = _folder_files(path) if path.is_dir() else [path]
        found: list[Document] = []
        for file in files:
            if zipfile.is_zipfile(file):
                archive = zipfile.ZipFile(file)
                archives.append(archive)
                for member in sorted(archive.namelist()):
                    if member.lower().endswith(".json"):
                        name = f"{file.name}:{member}"
                        found.append((name, functools.partial(archive.open, member)))
            else:
                found.append((file.name, functools.partial(open, file, "rb")))
        if not found:
            raise SourceFileError(f"no JSON file in {path.name}")
        yield found
    except zipfile.BadZipFile as exc:
        raise SourceFileError(f"the ZIP file cannot be read ({exc}): probably cut off") from None
    finally:
        for archive in archives:
            archive.close()


def package_kind(name: str, open_document: Callable[[], IO[bytes]]) -> tuple[str, str | None]:
    """("releases" | "records", publisher's name if it comes first), read from the top only."""
    publisher = None
    with open_document() as stream:
        try:
            for prefix, event, value in ijson.parse(stream):
                if prefix == "" and event not in ("start_map", "map_key"):
                    break
                if prefix == "publisher.name" and event == "string":
                    publisher = value
                elif prefix in ("releases", "records") and event == "start_array":
                    return prefix, publisher
        except ijson.JSONError as exc:
            raise _bad_json(name, exc) from None
    raise NotOcds(
        f'{name} is not an OCDS release or record package (no "releases" or "records" list)'
    )


def _bad_json(name: str, exc: Exception) -> SourceFileError:
    if isinstance(exc, ijson.IncompleteJSONError) and "premature" in str(exc).lower():
        reason = "it ends in the middle of the data: the file was cut off"
    else:
        reason = f"it is not valid JSON ({str(exc).strip()[:120]})"
    return SourceFileError(f"{name}: {reason}, so the previous contracts are kept")


def _check_publisher(name: str, publisher: str | None) -> None:
    if publisher is None:
        return
    words = normalize_name(publisher)
    if not any(cue in words for cue in ("CONTRATACIONES DEL ESTADO", "OECE", "OSCE")):
        raise SourceFileError(
            f"{name} is published by {publisher!r}, not by OECE (Organismo Supervisor de las "
            "Contrataciones del Estado): it is another publisher's package"
        )


def releases_of(name: str, open_document, kind: str) -> Iterator[dict]:
    """Each release (or each record's compiled release) of one document, streamed."""
    prefix = "releases.item" if kind == "releases" else "records.item.compiledRelease"
    with open_document() as stream:
        try:
            for release in ijson.items(stream, prefix):
                if not isinstance(release, dict):
                    raise NotOcds(f"{name}: a release is not an object")
                ocid = release.get("ocid")
                if isinstance(ocid, str) and not ocid.startswith(OCID_PREFIX):
                    raise SourceFileError(
                        f"{name} holds process {ocid!r}, of another publisher (OECE's processes "
                        f"begin with {OCID_PREFIX!r}): the package is not OECE's"
                    )
                yield release
        except ijson.JSONError as exc:
            raise _bad_json(name, exc) from None


# --- The whole read: two passes, so only the region's releases are ever held -------------


class Outcome:
    """What became of one process: its records, or why it was left out."""

    __slots__ = ("ocid", "records", "kind", "reason")

    #: linked (to an investment of the region) | outside (a CUI of another region) |
    #: unlinked (no CUI at all) | rejected (reason says why).
    def __init__(self, ocid: str, kind: str, records=None, reason: str | None = None):
        self.ocid, self.kind, self.records, self.reason = ocid, kind, records or [], reason


def read_processes(path: Path, context: ImportContext) -> Iterator[Outcome]:
    """Every process of ``path`` (a package, a ZIP or a folder), merged, as an Outcome.

    One streaming pass: the releases of a process come together (as the API and the bulk files
    write them), so each run of releases of one ocid is linked and, when it names one of the
    region's CUIs, merged as soon as the next process begins; only one process is ever held.
    A process whose releases are scattered (seen again later) is read again in a second pass
    restricted to those processes. Nothing is given out until every document has been read, so
    an unreadable one raises SourceFileError before a single record is staged.
    """
    with documents(path) as found:
        kinds = []
        for name, open_document in found:
            kind, publisher = package_kind(name, open_document)
            _check_publisher(name, publisher)
            kinds.append((name, open_document, kind))
        links: dict[str, Link] = {}
        results: dict[str, Outcome] = {}
        scattered: set[str] = set()
        missing_ocid = 0
        run: list[dict] = []

        def close_run() -> None:
            if not run:
                return
            ocid = run[0]["ocid"]
            link = links[ocid]
            if ocid in results:
                scattered.add(ocid)
            elif link.cui is not None and context.cui_in_region(link.cui):
                results[ocid] = _merged(ocid, run.copy(), link)
            else:
                results[ocid] = Outcome(ocid, "outside" if link.cui else "unlinked")
            run.clear()

        for name, open_document, kind in kinds:
            for release in releases_of(name, open_document, kind):
                ocid = release.get("ocid")
                if not isinstance(ocid, str) or not ocid:
                    missing_ocid += 1
                    continue
                if run and run[0]["ocid"] != ocid:
                    close_run()
                known = links.get(ocid)
                if known is None or known.matched_by != MATCH_BUDGET:
                    link = link_of(release, context)
                    if known is None or known < link:
                        links[ocid] = link
                run.append(release)
            close_run()
        wanted = set()
        for ocid in scattered:
            link = links[ocid]
            if link.cui is not None and context.cui_in_region(link.cui):
                wanted.add(ocid)
            else:
                results[ocid] = Outcome(ocid, "outside" if link.cui else "unlinked")
        if wanted:
            grouped: dict[str, list[dict]] = {}
            for name, open_document, kind in kinds:
                for release in releases_of(name, open_document, kind):
                    if release.get("ocid") in wanted:
                        grouped.setdefault(release["ocid"], []).append(release)
            for ocid in wanted:
                results[ocid] = _merged(ocid, grouped.pop(ocid, []), links[ocid])
        yield from results.values()
        for number in range(missing_ocid):
            yield Outcome(f"#{number + 1}", "rejected", reason="a release without ocid")


def _merged(ocid: str, releases: list[dict], link: Link) -> Outcome:
    try:
        if len(releases) == 1 and "compiled" in (releases[0].get("tag") or ()):
            compiled = releases[0]
        else:
            compiled = merger().create_compiled_release(_with_ids(releases))
        return Outcome(ocid, "linked", parse_process(compiled, link))
    except Exception as exc:  # ocdsmerge raises its own errors on malformed releases
        return Outcome(ocid, "rejected", reason=f"{ocid}: cannot merge its releases ({exc})")


def _with_ids(releases: list[dict]) -> list[dict]:
    """ocdsmerge needs a date and an id on every release; a compiled one may lack the id."""
    for number, release in enumerate(releases):
        release.setdefault("id", f"{release.get('ocid')}-{number}")
        if not isinstance(release.get("date"), str):
            release["date"] = ""
    return releases


def parse_row(row, context: ImportContext) -> list[Record]:  # pragma: no cover - not tabular
    raise ValueError("oece-ocds is read by read_processes, not row by row")


SOURCE = SourceSpec(
    name="oece-ocds",
    description="OECE, Contrataciones Abiertas — OCDS (paquetes de releases o records, ZIP)",
    file_format="ocds",
    columns={},
    required=frozenset(),
    tables=(ContractingProcess.__table__, ContractAward.__table__, ContractSignal.__table__),
    parse_row=parse_row,
    mode="processes",
    key_columns=("ocid",),
    read_items=read_processes,
)
