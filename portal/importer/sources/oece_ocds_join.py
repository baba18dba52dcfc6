"""The join of an OECE process (OCDS) to an investment: which CUI it names, and how surely.

The CUI is in ``planning.budget.projectID`` in about half the processes (``matched_by =
"budget"``); otherwise it is sometimes written in the tender, item or contract texts ("CON CUI
2598946", "CUI N° 2644512"): weaker evidence, marked ``matched_by = "text"``, and only 7-digit
numbers right after a "CUI" or "código único (de inversión)" cue count.

Apart from the reading (``oece_ocds``) and the records (``oece_ocds_records``): the rule a
reader questions ("why is this contract on that investment?") is all here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

from portal.contracts.models import MATCH_BUDGET, MATCH_TEXT
from portal.importer.reading import normalize_name
from portal.importer.sources import ImportContext, clean_text

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


def dicts(value) -> list[dict]:
    """The objects of an OCDS array (anything else published there is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def strings(*values) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and value:
            yield value


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
        yield from strings(tender.get("title"), tender.get("description"))
        for item in dicts(tender.get("items")):
            yield from strings(item.get("description"))
    for contract in dicts(release.get("contracts")):
        yield from strings(contract.get("title"), contract.get("description"))
        for item in dicts(contract.get("items")):
            yield from strings(item.get("description"))


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
