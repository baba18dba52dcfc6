"""The demo's ~450 investments: where, what, who executes them, when and how much."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from portal.demo import names
from portal.demo.model import (
    AS_OF,
    FIRST_CUI,
    MODALITIES,
    STAGES,
    STARTED,
    YEAR,
    Investment,
    Where,
    random_span,
)
from portal.places import inei_name, load_places

# --- the investments ------------------------------------------------------------------------


def build(rng: random.Random) -> list[Investment]:
    """~400 active and 40 closed in Cajamarca plus 12 elsewhere, CUIs ascending, stages mixed."""
    districts = [p for p in load_places() if p.level == "distrito"]
    provinces = {p.ubigeo: inei_name(p.ubigeo) for p in load_places() if p.level == "provincia"}
    plan = ["active"] * 400 + ["cerrada"] * 40 + ["other"] * 12
    rng.shuffle(plan)
    invs, cui = [], FIRST_CUI
    for what in plan:
        cui += rng.randint(1, 9)
        if what == "other":
            ubigeo, dep, prov, dist, lat, lon = rng.choice(names.OTHER_DISTRICTS)
            where = Where(dep, prov, dist, ubigeo, lat, lon)
        else:
            d = rng.choice(districts)
            where = Where(
                "CAJAMARCA", provinces[d.parent], inei_name(d.ubigeo), d.ubigeo, d.lat, d.lon
            )
        stage = what if what == "cerrada" else rng.choices(list(STAGES), list(STAGES.values()))[0]
        invs.append(_investment(rng, str(cui), where, stage))
    _add_quirks(rng, [i for i in invs if i.where.dep == "CAJAMARCA" and i.stage != "cerrada"])
    return invs


def _investment(rng: random.Random, cui: str, where: Where, stage: str) -> Investment:
    """Draw who executes it, what it is, when it happened and how much it cost."""
    kind = rng.choice(names.KINDS)
    gr = where.dep == "CAJAMARCA" and rng.random() < 0.45
    c1, c2 = rng.sample(names.CASERIOS, 2)
    name = rng.choice(kind.templates).format(
        c1=c1, c2=c2, num=rng.randint(10000, 82999), dist=where.dist, prov=where.prov, dep=where.dep
    )
    inv = Investment(
        cui=cui,
        where=where,
        stage=stage,
        kind=kind,
        name=name,
        gr=gr,
        entity=names.GR_ENTITY if gr else _municipality(where),
        unit=_gr_unit(rng, where, kind) if gr else (_municipal_sec(where), _municipality(where)),
        snip="",
        ioarr=rng.random() < 0.18,
        modality=rng.choices(list(MODALITIES), list(MODALITIES.values()))[0],
        registered=AS_OF,
    )
    _schedule(rng, inv)
    if inv.stage != "idea" or rng.random() < 0.7:
        inv.viability = inv.registered + random_span(rng, 15, 300)
    inv.beneficiaries = rng.randint(300, 25000)
    if inv.registered < datetime(2017, 2, 15):  # Invierte.pe replaced SNIP in February 2017
        inv.snip = str(rng.randint(150000, 380000))
    scale = kind.max_millions * 1e6 * (1.5 if gr else 1)
    inv.viable = float(round(150_000 + scale * rng.random() ** 2))  # many small, a few large
    inv.cost = inv.viable if rng.random() < 0.3 else round(inv.viable * rng.uniform(1.0, 1.35), 2)
    _progress(rng, inv)
    inv.budget = {y: _budget(rng, d) for y, d in sorted(inv.dev.items())}
    if rng.random() > 0.12:  # about one in eight is published without coordinates
        inv.lat = f"{where.lat + rng.uniform(-0.03, 0.03):.6f}"
        inv.lon = f"{where.lon + rng.uniform(-0.03, 0.03):.6f}"
    return inv


def _municipality(where: Where) -> str:
    """The district's municipality, or the provincial one in the province's capital district."""
    if where.ubigeo.endswith("01"):
        return f"MUNICIPALIDAD PROVINCIAL DE {where.prov}"
    return f"MUNICIPALIDAD DISTRITAL DE {where.dist}"


def _municipal_sec(where: Where) -> str:
    """A stable, unique executing-unit number per municipality."""
    return str(301000 + int(where.ubigeo) % 100000)


def _gr_unit(rng: random.Random, where: Where, kind: names.Kind) -> tuple[str, str]:
    """Sub-regions run works in their provinces; sector units and PRORREGION the rest."""
    subregion = names.SUBREGION_OF.get(where.ubigeo[:4])
    if subregion and rng.random() < 0.7:
        return names.GR_UNITS[subregion]
    key = kind.funcion if kind.funcion in names.GR_UNITS else rng.choice(["SEDE", "PRORREGION"])
    return names.GR_UNITS[key]


def _schedule(rng: random.Random, inv: Investment) -> None:
    """Registration, start, end, stop and closure dates that fit the stage."""
    stage = inv.stage
    if stage not in STARTED:
        inv.registered = AS_OF - random_span(rng, 30, 3600)
        return
    back = {
        "ejecucion": (60, 1000),
        "adelantada": (200, 900),
        "paralizada": (300, 2200),
        "culminada": (300, 2000),
        "cerrada": (900, 3300),
    }[stage]
    inv.start = AS_OF - random_span(rng, *back)
    inv.registered = inv.start - random_span(rng, 150, 800)
    inv.end = inv.start + random_span(rng, 240, 900)
    if stage == "paralizada":
        inv.stop = min(inv.start + random_span(rng, 90, 600), AS_OF - timedelta(days=60))
        inv.cause = rng.choice(names.PARALYSIS_CAUSES)
    elif stage in ("culminada", "cerrada"):
        inv.end = min(inv.end, AS_OF - timedelta(days=30 if stage == "culminada" else 400))
        if stage == "cerrada":
            inv.closed = min(inv.end + random_span(rng, 60, 500), AS_OF - timedelta(days=7))


def _progress(rng: random.Random, inv: Investment) -> None:
    """Physical progress and money paid; 'adelantada' pays far ahead of what is built."""
    stage, cost, u = inv.stage, inv.cost, rng.uniform
    if stage == "idea":
        return
    if stage == "expediente":  # only the technical file has been paid
        inv.fisico, total = 0.0, cost * u(0.01, 0.04)
        year = rng.randint(min(inv.registered.year + 1, YEAR), YEAR)
        inv.dev = {year: round(total, 2)}
        return
    inv.fisico = {"ejecucion": u(5, 95), "adelantada": u(12, 35), "paralizada": u(10, 70)}.get(
        stage, 100.0
    )
    built = cost * inv.fisico / 100
    total = {
        "ejecucion": built * u(0.85, 1.15),
        "adelantada": cost * u(0.8, 0.97),
        "paralizada": min(built * u(0.9, 1.4), cost * 0.98),
    }.get(stage, cost * u(0.93, 1.0))
    inv.fisico = round(inv.fisico, 2)
    last = YEAR if stage in ("ejecucion", "adelantada") else (inv.stop or inv.end).year
    years = range(inv.start.year, last + 1)
    weights = [u(0.3, 1.0) for _ in years]
    inv.dev = {y: round(total * w / sum(weights), 2) for y, w in zip(years, weights, strict=True)}


def _budget(rng: random.Random, dev: float) -> tuple[float, ...]:
    """PIA, PIM, certified, committed, devengado, paid: each step at most the one before."""
    pim = float(math.ceil(dev / rng.uniform(0.45, 0.98)))
    pia = float(round(pim * rng.uniform(0.5, 1.2)))
    cert = round(dev + (pim - dev) * rng.uniform(0.1, 0.8), 2)
    comp = round(dev + (cert - dev) * rng.uniform(0.0, 0.6), 2)
    return pia, pim, cert, comp, dev, round(dev * rng.uniform(0.95, 1.0), 2)


def _add_quirks(rng: random.Random, invs: list[Investment]) -> None:
    """The mistakes real files carry: a line break in a name, 0,0 and swapped points, >100 %."""
    picks = rng.sample([i for i in invs if i.lat], 3)
    picks[0].lat = picks[0].lon = picks[1].lat = picks[1].lon = "0"
    picks[2].lat, picks[2].lon = picks[2].lon, picks[2].lat
    broken = rng.choice([i for i in invs if ", DISTRITO" in i.name])
    broken.name = broken.name.replace(", DISTRITO", ",\nDISTRITO", 1)
    for inv, over in zip(
        rng.sample([i for i in invs if i.stage == "culminada"], 2), (104.6, 117.25), strict=True
    ):
        inv.fisico = over


def works(invs: list[Investment]) -> list[Investment]:
    """Works INFObras knows: everything that started, and contracts awarded but not begun."""
    return [
        i
        for i in invs
        if i.stage in STARTED or (i.stage == "expediente" and "CONTRATA" in i.modality)
    ]
