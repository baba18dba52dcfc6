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
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import ijson

from portal.contracts.models import MATCH_BUDGET, MATCH_TEXT, ContractAward, ContractingProcess
from portal.importer.reading import SourceFileError, normalize_name
from portal.importer.sources import ImportContext, Record, SourceSpec, clean_text

SCHEMA = Path(__file__).resolve().parents[2] / "data" / "ocds" / "release-schema.json"
#: OECE's registered ocid prefix (Open Contracting Partnership's prefix register).
OCID_PREFIX = "ocds-dgv273-"
#: The official record of a process: the OCDS release package OECE serves for it.
RECORD_URL = "https://contratacionesabiertas.oece.gob.pe/api/v1/release/{system}/{tender_id}"
LIMA = ZoneInfo("America/Lima")
#: A CUI written in a text: a cue ("CUI", "C.U.I.", "código único de inversión"), a few
#: separators ("N°", "Nº", "N.°", "NRO.", ":", "-"), then exactly 7 digits. Run on
#: ``normalize_name`` text (upper case, no accents: "Nº" becomes "NO").
CUI_IN_TEXT = re.compile(
    r"(?:\bC\.?U\.?I\b\.?|\bCODIGO UNICO(?: DE INVERSION(?:ES)?)?\b)"
    r"(?:\s|[:.\-°]|\bN(?:RO|O|UM|UMERO)?\b)*"
    r"(?<!\d)(\d{7})(?!\d)"
)
#: What a reader may say to show where a text CUI was found (the sentence around it).
MATCH_CONTEXT = 120


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


# --- The join: which investment a process belongs to ---------------------------------------


def budget_cui(release: dict) -> str | None:
    """The CUI in ``planning.budget.projectID``, when it looks like one."""
    planning = release.get("planning")
    budget = planning.get("budget") if isinstance(planning, dict) else None
    value = budget.get("projectID") if isinstance(budget, dict) else None
    if isinstance(value, int | Decimal):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
        if value.isascii() and value.isdigit() and 4 <= len(value) <= 10:
            return value.lstrip("0") if len(value) > 7 else value
    return None


def texts(release: dict) -> Iterator[str]:
    """The texts a CUI may be written in: tender, items, contracts (and their items)."""
    tender = release.get("tender")
    if isinstance(tender, dict):
        yield from _strings(tender.get("title"), tender.get("description"))
        for item in _dicts(tender.get("items")):
            yield from _strings(item.get("description"))
    for contract in _dicts(release.get("contracts")):
        yield from _strings(contract.get("title"), contract.get("description"))
        for item in _dicts(contract.get("items")):
            yield from _strings(item.get("description"))


def text_cuis(release: dict) -> list[tuple[str, str]]:
    """(CUI, the words around it) for each CUI written after a cue, in order, once each."""
    found: dict[str, str] = {}
    for text in texts(release):
        upper = text.upper()
        if "CUI" not in upper and "NICO" not in upper and "C.U.I" not in upper:
            continue  # most texts: no cue, no need to take the accents off
        plain = normalize_name(text)
        if "CUI" not in plain and "CODIGO UNICO" not in plain and "C.U.I" not in plain:
            continue
        for match in CUI_IN_TEXT.finditer(plain):
            cui = match.group(1)
            if cui not in found:
                start = max(0, match.start() - MATCH_CONTEXT // 2)
                found[cui] = clean_text(plain[start : match.end() + 10]) or cui
    return list(found.items())


@functools.total_ordering
class Link:
    """The best evidence seen so far that a process builds an investment."""

    __slots__ = ("cui", "matched_by", "match_text")

    def __init__(self, cui: str | None, matched_by: str | None, match_text: str | None = None):
        self.cui, self.matched_by, self.match_text = cui, matched_by, match_text

    def strength(self) -> int:
        return {MATCH_BUDGET: 2, MATCH_TEXT: 1}.get(self.matched_by or "", 0)

    def __lt__(self, other: Link) -> bool:
        return self.strength() < other.strength()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and self.strength() == other.strength()


def link_of(release: dict, context: ImportContext) -> Link:
    """The CUI a release names: the budget's project id, else one written in its texts.

    Among text CUIs one of the region's investments is preferred; a process naming only CUIs
    of other regions is linked to the first (and counted outside the region).
    """
    cui = budget_cui(release)
    if cui is not None:
        return Link(cui, MATCH_BUDGET)
    found = text_cuis(release)
    for cui, around in found:
        if context.cui_in_region(cui):
            return Link(cui, MATCH_TEXT, around)
    if found:
        return Link(found[0][0], MATCH_TEXT, found[0][1])
    return Link(None, None)


# --- One merged process → our records ------------------------------------------------------


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(*values) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and value:
            yield value


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_text(value)


def _amount(value) -> tuple[Decimal | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    amount = value.get("amount")
    currency = value.get("currency") if isinstance(value.get("currency"), str) else None
    if isinstance(amount, bool) or amount is None:
        return None, currency
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        return None, currency
    if not number.is_finite() or abs(number) >= Decimal("1e14"):
        return None, currency
    return number.quantize(Decimal("0.01")), currency


def _date(value) -> dt.date | None:
    """An OCDS date-time as Lima's calendar day ('2025-09-02T17:34:00-05:00' → 2025-09-02)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LIMA)
    return moment.date()


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal) and value == int(value) and 0 <= value < 100_000:
        return int(value)
    return None


def _supplier_ids(release: dict) -> dict[str, tuple[str | None, str | None]]:
    """Party id → (identifier as published, its scheme), e.g. 'PE-RUC-1704841' → ('1704841', …)."""
    found = {}
    for party in _dicts(release.get("parties")):
        identifier = party.get("identifier")
        if isinstance(party.get("id"), str) and isinstance(identifier, dict):
            code = identifier.get("id")
            code = str(code) if isinstance(code, str | int) else None
            found[party["id"]] = (code, _text(identifier.get("scheme")))
    return found


def _published_id(supplier: dict, parties: dict) -> tuple[str | None, str | None]:
    party_id = supplier.get("id")
    if not isinstance(party_id, str):
        return None, None
    code, scheme = parties.get(party_id, (None, None))
    if code:
        return code.strip(), scheme
    if party_id.startswith("PE-RUC-"):
        return party_id.removeprefix("PE-RUC-"), "PE-RUC"
    return party_id, None


def record_url(ocid: str, tender_id: str | None) -> str | None:
    """The official record: OECE's release package of the process (seace_v2 or seace_v3)."""
    system = re.match(r"ocds-dgv273-seacev(\d)-", ocid)
    if system is None or not tender_id:
        return None
    return RECORD_URL.format(system=f"seace_v{system.group(1)}", tender_id=tender_id)


def parse_process(compiled: dict, link: Link) -> list[Record]:
    """The records of one merged process linked to an investment: the process and its awards."""
    ocid = compiled.get("ocid")
    if not isinstance(ocid, str) or not ocid:
        raise ValueError("a release without ocid")
    tender = compiled.get("tender") if isinstance(compiled.get("tender"), dict) else {}
    tender_id = tender.get("id")
    tender_id = str(tender_id) if isinstance(tender_id, str | int) else None
    estimated, currency = _amount(tender.get("value"))
    if estimated is None:
        planning = compiled.get("planning")
        budget = planning.get("budget") if isinstance(planning, dict) else None
        estimated, currency = _amount(budget.get("amount") if isinstance(budget, dict) else None)
    tender_period = (
        tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    )
    tenderers = _int(tender.get("numberOfTenderers"))
    if tenderers is None and isinstance(tender.get("tenderers"), list):
        tenderers = len(_dicts(tender["tenderers"])) or None
    buyer = compiled.get("buyer") if isinstance(compiled.get("buyer"), dict) else {}
    process = {
        "ocid": ocid,
        "cui": link.cui,
        "matched_by": link.matched_by,
        "match_text": link.match_text,
        "tender_id": tender_id,
        "title": _text(tender.get("title")),
        "description": _text(tender.get("description")),
        "buyer": _text(buyer.get("name")),
        "method": _text(tender.get("procurementMethod")),
        "method_details": _text(tender.get("procurementMethodDetails")),
        "category": _text(tender.get("mainProcurementCategory")),
        "status": _text(tender.get("status")),
        "estimated_amount": estimated,
        "currency": currency,
        "tenderers": tenderers,
        "published_on": _date(tender.get("datePublished")) or _date(tender_period.get("startDate")),
        "tender_end_on": _date(tender_period.get("endDate")),
        "updated_on": _date(compiled.get("date")),
        "url": record_url(ocid, tender_id),
    }
    records: list[Record] = [(ContractingProcess.__table__, process)]
    parties = _supplier_ids(compiled)
    contracts = _dicts(compiled.get("contracts"))
    position = 0
    for award in _dicts(compiled.get("awards")):
        award_amount, award_currency = _amount(award.get("value"))
        signed = [c for c in contracts if c.get("awardID") == award.get("id")] or [None]
        for supplier in _dicts(award.get("suppliers")):
            code, scheme = _published_id(supplier, parties)
            for contract in signed:
                position += 1
                records.append(
                    (
                        ContractAward.__table__,
                        {
                            "ocid": ocid,
                            "position": position,
                            "award_id": _text(str(award.get("id") or "")),
                            "ruc": code,
                            "scheme": scheme,
                            "supplier": _text(supplier.get("name")),
                            "award_status": _text(award.get("status")),
                            "award_amount": award_amount,
                            "award_currency": award_currency,
                            "awarded_on": _date(award.get("date")),
                        }
                        | _contract_fields(contract),
                    )
                )
    return records


def _contract_fields(contract: dict | None) -> dict:
    if contract is None:
        return {"amendments": 0}
    amount, currency = _amount(contract.get("value"))
    period = contract.get("period") if isinstance(contract.get("period"), dict) else {}
    amendments = _dicts(contract.get("amendments"))
    if isinstance(contract.get("amendment"), dict):
        amendments.append(contract["amendment"])
    notes = []
    for amendment in amendments:
        day = _date(amendment.get("date"))
        words = _text(amendment.get("rationale")) or _text(amendment.get("description"))
        notes.append(" — ".join(part for part in (day and day.isoformat(), words) if part))
    contract_id = contract.get("id")
    return {
        "contract_id": str(contract_id) if isinstance(contract_id, str | int) else None,
        "contract_title": _text(contract.get("title")),
        "contract_status": _text(contract.get("status")),
        "contract_amount": amount,
        "contract_currency": currency,
        "signed_on": _date(contract.get("dateSigned")),
        "period_start": _date(period.get("startDate")),
        "period_end": _date(period.get("endDate")),
        "amendments": len(amendments),
        "amendment_notes": "\n".join(note for note in notes if note) or None,
    }


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
    tables=(ContractingProcess.__table__, ContractAward.__table__),
    parse_row=parse_row,
    mode="processes",
    key_columns=("ocid",),
    read_items=read_processes,
)
