"""The answers at the top of an investment's page: status, progress, money, who, when.

A person on a phone reads this first, so the figures are the ones the rest of the page gives
in detail (the sheet's own), reduced to one line each, and the official name in capitals becomes a
title in sentence case (the official name stays on the page beside it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from portal.investments.flags import work_is_stalled
from portal.investments.sheet import InvestmentSheet

#: Below this many days a delay is told in days; from it on, in whole months.
DAYS_BEFORE_MONTHS = 60


@dataclass(frozen=True)
class PlannedEnd:
    on: dt.date
    source: str  # a key of labels.SOURCE_LABELS


@dataclass(frozen=True)
class SheetSummary:
    title: str
    status: str
    stalled_on: dt.date | None
    stalled_days: int | None
    physical_progress: Decimal | None
    spent: Decimal | None
    cost: Decimal | None
    spent_percent: Decimal | None
    unit_name: str | None
    unit_slug: str | None
    contractors: tuple[str, ...]
    planned_end: PlannedEnd | None
    finished_on: dt.date | None
    #: Days past the planned end on ``today`` (None when not late, finished or without a date).
    delay_days: int | None
    data_date: dt.datetime | None

    @property
    def delay_months(self) -> int | None:
        """The delay in whole months, once it is long enough to be told in months."""
        if self.delay_days is None or self.delay_days < DAYS_BEFORE_MONTHS:
            return None
        return self.delay_days // 30


def summarise_sheet(sheet: InvestmentSheet, today: dt.date) -> SheetSummary:
    """The page's first screen, from the sheet already loaded (no query)."""
    inv = sheet.investment
    stalled = [w for w in sheet.works if work_is_stalled(w.status, w.stalled) and w.stalled_on]
    stall = max(stalled, key=lambda w: w.stalled_on) if stalled else None
    contractors = tuple(dict.fromkeys(w.contractor.strip() for w in sheet.works if w.contractor))
    end = find_planned_end(sheet)
    finished_on = _finished_on(sheet) if inv.status == "finalizada" else None
    delay = None
    if end is not None and inv.status != "finalizada" and end.on < today:
        delay = (today - end.on).days
    return SheetSummary(
        title=sentence_case(inv.name),
        status=inv.status,
        stalled_on=stall.stalled_on if stall and inv.status == "paralizada" else None,
        stalled_days=stall.stalled_days if stall and inv.status == "paralizada" else None,
        physical_progress=sheet.physical_progress,
        spent=inv.devengado_accumulated,
        cost=inv.updated_cost,
        spent_percent=sheet.financial_progress,
        unit_name=sheet.unit.name if sheet.unit else inv.executing_unit_name,
        unit_slug=sheet.unit.slug if sheet.unit else None,
        contractors=contractors,
        planned_end=end,
        finished_on=finished_on,
        delay_days=delay,
        data_date=sheet.data_date,
    )


def find_planned_end(sheet: InvestmentSheet) -> PlannedEnd | None:
    """The planned end of the works from every source that gives one, the freshest kind first:
    the unit's estimate in the 12-B, then the bank of investments (DETALLE), then INFObras (a
    rescheduled date before the contract's)."""
    inv, report = sheet.investment, sheet.f12b
    rescheduled = [w.rescheduled_end_on for w in sheet.works if w.rescheduled_end_on]
    contracted = [w.planned_end_on for w in sheet.works if w.planned_end_on]
    candidates = (
        (report.estimated_end_on if report else None, "mef-f12b"),
        (report.physical_end_on if report else None, "mef-f12b"),
        (inv.physical_end_on, inv.source),
        (inv.execution_end_on, inv.source),
        (max(rescheduled) if rescheduled else None, "infobras"),
        (max(contracted) if contracted else None, "infobras"),
    )
    return next((PlannedEnd(on, source) for on, source in candidates if on is not None), None)


def _finished_on(sheet: InvestmentSheet) -> dt.date | None:
    ends = [w.actual_end_on for w in sheet.works if w.actual_end_on]
    return max(ends) if ends else sheet.investment.closed_on


# --- Sentence case -------------------------------------------------------------------------------

#: Words after which the official names put a proper name: "CASERÍO NUEVO PARAÍSO".
_NAME_BEFORE = frozenset(
    """CASERIO CASERIOS C.P. CC.PP. LOCALIDAD LOCALIDADES
    COMUNIDAD COMUNIDADES CAMPESINA CAMPESINAS NATIVA SECTOR SECTORES ANEXO ANEXOS DISTRITO
    DISTRITOS PROVINCIA PROVINCIAS DEPARTAMENTO REGION MICROCUENCA CUENCA SUBCUENCA CANAL RIO
    QUEBRADA LAGUNA VECINAL BARRIO URBANIZACION AA.HH. JR. AV. CALLE PASAJE
    CIUDAD VALLE CERRO""".split()
)
#: The same, in more than one word.
_NAME_BEFORE_PHRASES = (
    ("CENTRO", "POBLADO"),
    ("CENTROS", "POBLADOS"),
    ("ASENTAMIENTO", "HUMANO"),
    ("PUESTO", "DE", "SALUD"),
    ("CENTRO", "DE", "SALUD"),
    ("INSTITUCION", "EDUCATIVA"),
)
#: Small words that stay lowercase inside a name ("San José de Lourdes").
_PARTICLES = frozenset("DE DEL LA LAS LOS EL Y E".split())
_ARTICLES = frozenset("LA LAS LOS EL".split())
#: Words that end a proper name: what follows is the description again.
_NAME_ENDS = frozenset("EN PARA CON MEDIANTE A AL POR SOBRE ENTRE HACIA HASTA".split())
#: Acronyms of the public records, kept in capitals.
_ACRONYMS = frozenset(
    """IE IEI IEP EBR PRONEI PRONOEI SNIP PIP IOARR ESSALUD MINSA MINEDU GR GORE UGEL DRE DIRESA
    PNP RENIEC SUNARP CEBA CETPRO CEM JASS PTAR PTAP UBS EESS IIEE II III IV VI VII VIII IX XI XII
    XIII XIV XV XX SAC SRL EIRL MYPE TIC""".split()
)
#: Abbreviations written with a capital only: "Jr.", "Av.".
_ABBREVIATIONS = {"JR.": "Jr.", "AV.": "Av.", "PROV.": "prov.", "DIST.": "dist.", "DPTO.": "dpto."}
_TOKEN = re.compile(r"[^\W_]+(?:[.°º'][^\W_]*)*\.?|\S")
_ACCENTS = str.maketrans("ÁÉÍÓÚÜ", "AEIOUU")


def _plain(word: str) -> str:
    return word.upper().translate(_ACCENTS)


def _is_acronym(word: str) -> bool:
    plain = _plain(word).rstrip(".")
    if any(ch.isdigit() for ch in word) or word.startswith(("N°", "Nº")):
        return True
    if "." in word.rstrip(".") and word.upper() not in _ABBREVIATIONS:
        return True  # I.E., C.P., AA.HH.
    if plain.replace(".", "") in _ACRONYMS:
        return True
    return len(plain) > 1 and not any(ch in "AEIOU" for ch in plain)  # SS, HH, CRL


def sentence_case(name: str) -> str:
    """An official name in capitals as a sentence: first letter and proper names capitalised,
    acronyms and codes as published. Names already in mixed case are left as they are."""
    if not name or name != name.upper():
        return name
    tokens = list(_TOKEN.finditer(name))
    words = [m.group(0) for m in tokens]
    out: list[str] = []
    in_name = False
    name_start = False
    quoted = False
    skip = 0
    for i, word in enumerate(words):
        plain = _plain(word)
        if skip:  # the rest of "centro poblado", "puesto de salud"
            out.append(word.lower())
            skip -= 1
            continue
        phrase = next(
            (p for p in _NAME_BEFORE_PHRASES if tuple(map(_plain, words[i : i + len(p)])) == p), ()
        )
        if word in {'"', "«", "»", "“", "”"}:
            quoted = word in {'"', "«", "“"} and not quoted
            out.append(word)
            continue
        if not word[0].isalnum():
            out.append(word)
            # A comma or a bracket ends a place name; "-" separates two ("Los Alisos - La Pauca").
            in_name = in_name and word in {"-", "/"}
            name_start = in_name
            continue
        if _is_acronym(word):
            out.append(_ABBREVIATIONS.get(word.upper(), word))
            in_name, name_start = (in_name, False) if in_name else (plain in _NAME_BEFORE, True)
            continue
        if plain in _NAME_BEFORE or phrase:
            out.append(word.lower())
            in_name, name_start, skip = True, True, max(len(phrase) - 1, 0)
            continue
        if in_name and plain in _NAME_ENDS:
            in_name = False
        if in_name and plain in {"DE", "DEL"}:
            following = [_plain(w) for w in words[i + 1 : i + 4] if w[0].isalnum()]
            following = [w for w in following if w not in _ARTICLES]
            if not following or following[0] in _NAME_BEFORE or following[0] in _NAME_ENDS:
                in_name = False
            elif name_start:  # "distrito de Querocoto": the name comes after "de"
                out.append(word.lower())
                continue
        if quoted or (in_name and (plain not in _PARTICLES or (name_start and plain in _ARTICLES))):
            out.append(word.capitalize())
            name_start = False
        elif in_name and plain in {"Y", "E"}:
            out.append(word.lower())
            name_start = True
        else:
            out.append(word.lower())
            if in_name:
                name_start = False
    text = "".join(
        word + name[tokens[i].end() : tokens[i + 1].start()] if i + 1 < len(tokens) else word
        for i, word in enumerate(out)
    )
    text = name[: tokens[0].start()] + text + name[tokens[-1].end() :] if tokens else text
    first = next((i for i, ch in enumerate(text) if ch.isalpha()), None)
    if first is None:
        return text
    return text[:first] + text[first].upper() + text[first + 1 :]
