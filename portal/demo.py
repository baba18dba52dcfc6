"""A believable demo data set for Cajamarca, written in the real published file formats.

The portal needs something to show before the first real import, and the importer needs files
that carry the quirks of the real ones. Everything is invented but consistent: the same CUIs run
through every file, budgets add up, coordinates fall inside their district. The output is
byte-identical for a given seed (no clock, fixed workbook metadata), so it can be committed,
diffed and used as a test fixture.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from portal import demo_names as names
from portal.demo_infobras import write_demo_infobras
from portal.demo_oece import write_demo_oece
from portal.places import inei_name, load_places, title_name

AS_OF = datetime(2026, 11, 23, 6, 0, 0)  # the day the demo files were "downloaded"
YEAR = AS_OF.year
LAST_PERIOD = "202610"  # MEF data lag a month behind
FIRST_CUI = 2100000
MEF_DATE = "%Y-%m-%d %H:%M:%S"
SEGUIMIENTO_YEARS = range(2023, YEAR + 1)
CENT = Decimal("0.01")
STARTED = ("ejecucion", "adelantada", "paralizada", "culminada", "cerrada")
# Stage weights of the active investments: enough of each for every page of the portal.
STAGES = {
    "idea": 22,
    "expediente": 13,
    "ejecucion": 33,
    "adelantada": 5,
    "paralizada": 12,
    "culminada": 15,
}
MODALITIES = {
    "ADMINISTRACION INDIRECTA - POR CONTRATA": 5,
    "ADMINISTRACION DIRECTA": 3,
    "ADMINISTRACION INDIRECTA - NUCLEO EJECUTOR": 1,
}


class Where(NamedTuple):
    """Location of an investment as MEF writes it (upper-case names, 6-digit ubigeo)."""

    dep: str
    prov: str
    dist: str
    ubigeo: str
    lat: float
    lon: float


@dataclass
class Investment:
    """One invented investment; every file is a different view of this record."""

    cui: str
    where: Where
    stage: str
    kind: names.Kind
    name: str
    gr: bool
    entity: str
    unit: tuple[str, str]  # (sec_ejec, executing unit name)
    snip: str
    ioarr: bool
    modality: str
    registered: datetime
    start: datetime | None = None
    end: datetime | None = None  # planned end while running, real end once finished
    stop: datetime | None = None  # when works stalled
    closed: datetime | None = None
    viability: datetime | None = None  # none while still being formulated
    beneficiaries: int = 0
    cost: float = 0.0
    viable: float = 0.0
    fisico: float | None = None
    dev: dict[int, float] = field(default_factory=dict)  # devengado by year
    budget: dict[int, tuple[float, ...]] = field(default_factory=dict)  # PIA..girado by year
    cause: str = ""
    lat: str = ""
    lon: str = ""

    @property
    def total_dev(self) -> float:
        return round(sum(self.dev.values()), 2)

    def dev_months(self) -> tuple[str, str]:
        """PRIMER/ULTIMO_DEVENGADO (YYYYMM); empty when nothing was ever paid."""
        if not self.dev:
            return "", ""
        first = self.start or self.registered + timedelta(days=200)
        last = {"ejecucion": LAST_PERIOD, "adelantada": LAST_PERIOD}.get(self.stage)
        last_day = self.stop or self.end or first
        return f"{min(self.dev)}{first.month:02d}", last or f"{max(self.dev)}{last_day.month:02d}"


def write_demo_data(outdir: Path, seed: int = 2026) -> list[Path]:
    """Write the demo files into `outdir` and return their paths (same seed, same bytes)."""
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    invs = _build(rng)
    active = [i for i in invs if i.stage != "cerrada"]
    running = [i for i in active if i.stage in STARTED]
    paths = [
        _write_csv(
            outdir / "DETALLE_INVERSIONES.csv",
            names.DETALLE_HEADER,
            [_detalle_row(i) for i in active],
        ),
        _write_csv(
            outdir / "CIERRE_INVERSIONES.csv",
            names.CIERRE_HEADER,
            [_cierre_row(i) for i in invs if i.stage == "cerrada"],
        ),
        _write_csv(
            outdir / "FORMATO_12B.csv", names.F12B_HEADER, [_f12b_row(rng, i) for i in running]
        ),
        _write_csv(
            outdir / "ESTADO_SITUACIONAL.csv",
            names.ESTADO_HEADER,
            [row for i in running for row in _estado_rows(rng, i)],
        ),
    ]
    # One file carries every year, as the published {YEAR}-Seguimiento-PI.csv does.
    rows = [
        row
        for year in SEGUIMIENTO_YEARS
        for i in invs
        if year in i.budget
        for row in _seguimiento_rows(i, year)
    ]
    paths.append(_write_csv(outdir / f"{YEAR}-Seguimiento-PI.csv", names.SEGUIMIENTO_HEADER, rows))
    paths.append(
        write_demo_infobras(
            outdir / f"DataSet-Obras-Publicas {AS_OF:%d-%m-%Y}.xlsx", rng, _works(invs), AS_OF, seed
        )
    )
    paths.append(
        _write_csv(
            outdir / "presupuesto_participativo.csv",
            names.PP_HEADER,
            _pp_rows(rng, invs),
            mef=False,
        )
    )
    paths.append(write_demo_oece(outdir / "oece" / "oece-demo-2026-10.json", invs, seed))
    return paths


# --- the investments ------------------------------------------------------------------------


def _build(rng: random.Random) -> list[Investment]:
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
        inv.viability = inv.registered + _days(rng, 15, 300)
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


def _days(rng: random.Random, lo: int, hi: int) -> timedelta:
    """A random span, to the second, so dates look like database timestamps."""
    return timedelta(days=rng.randint(lo, hi), seconds=rng.randint(0, 86399))


def _schedule(rng: random.Random, inv: Investment) -> None:
    """Registration, start, end, stop and closure dates that fit the stage."""
    stage = inv.stage
    if stage not in STARTED:
        inv.registered = AS_OF - _days(rng, 30, 3600)
        return
    back = {
        "ejecucion": (60, 1000),
        "adelantada": (200, 900),
        "paralizada": (300, 2200),
        "culminada": (300, 2000),
        "cerrada": (900, 3300),
    }[stage]
    inv.start = AS_OF - _days(rng, *back)
    inv.registered = inv.start - _days(rng, 150, 800)
    inv.end = inv.start + _days(rng, 240, 900)
    if stage == "paralizada":
        inv.stop = min(inv.start + _days(rng, 90, 600), AS_OF - timedelta(days=60))
        inv.cause = rng.choice(names.PARALYSIS_CAUSES)
    elif stage in ("culminada", "cerrada"):
        inv.end = min(inv.end, AS_OF - timedelta(days=30 if stage == "culminada" else 400))
        if stage == "cerrada":
            inv.closed = min(inv.end + _days(rng, 60, 500), AS_OF - timedelta(days=7))


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


# --- MEF files -------------------------------------------------------------------------------


def _amt(x: float) -> str:
    """MEF's number style: `140250.0`, `18144054.37`."""
    return repr(round(float(x), 2))


def _concurrent_control(inv: Investment) -> float:
    """The Contraloría's concurrent control: about 1% of works above S/ 10 million, else 0."""
    return round(inv.cost * 0.0105, 2) if inv.cost > 10e6 else 0.0


def _arbitration_award(inv: Investment) -> float:
    """A works stalled by arbitration carries an award (MONTO_LAUDO); the rest 0."""
    return round(inv.cost * 0.04, 2) if "ARBITRAJE" in inv.cause else 0.0


def _bond(inv: Investment) -> float:
    """Contracts running on site are backed by a bond (MONTO_FIANZA) of a tenth of the cost."""
    running = inv.stage in ("ejecucion", "adelantada", "paralizada")
    return round(inv.cost * 0.1, 2) if running and "CONTRATA" in inv.modality else 0.0


def _when(d: datetime | None, fmt: str = MEF_DATE) -> str:
    return d.strftime(fmt) if d else ""


def _common_row(inv: Investment) -> dict[str, str]:
    """Columns DETALLE and CIERRE share (apart from the NOMBRE_*/NOM_* spelling)."""
    w, k = inv.where, inv.kind
    first, last = inv.dev_months()
    viable = inv.viability
    return {
        "NIVEL": "GR" if inv.gr else "GL",
        "SECTOR": "GOBIERNOS REGIONALES" if inv.gr else "GOBIERNOS LOCALES",
        "ENTIDAD": inv.entity,
        "CODIGO_UNICO": inv.cui,
        "CODIGO_SNIP": inv.snip,
        "NOMBRE_INVERSION": inv.name,
        "SEC_EJEC": inv.unit[0],
        "SITUACION": "EN FORMULACION" if viable is None else "APROBADO" if inv.ioarr else "VIABLE",
        "MONTO_VIABLE": _amt(inv.viable),
        "COSTO_ACTUALIZADO": _amt(inv.cost),
        "MONTO_LAUDO": _amt(_arbitration_award(inv)),
        "MONTO_FIANZA": _amt(_bond(inv)),
        "FECHA_REGISTRO": _when(inv.registered),
        "FECHA_VIABILIDAD": _when(viable),
        "FUNCION": k.funcion,
        "PROGRAMA": k.programa,
        "SUBPROGRAMA": k.subprograma,
        "MARCO": "SNIP" if inv.snip else "INVIERTE",
        "TIPO_INVERSION": "IOARR" if inv.ioarr else "PROYECTO DE INVERSION",
        "DES_MODALIDAD": inv.modality,
        "EXPEDIENTE_TECNICO": "NO" if inv.stage == "idea" else "SI",
        "TIENE_F9": "NO",
        "PRIMER_DEVENGADO": first,
        "ULTIMO_DEVENGADO": last,
        "TIENE_F8": "NO" if inv.stage == "idea" else "SI",
        "TIENE_F12B": "SI" if inv.stage in STARTED else "NO",
        "DES_TIPOLOGIA": k.tipologia,
        "DEPARTAMENTO": w.dep,
        "PROVINCIA": w.prov,
        "DISTRITO": w.dist,
        "UBIGEO": str(int(w.ubigeo)),  # published as a number: 060101 -> 60101
        "LATITUD": inv.lat,
        "LONGITUD": inv.lon,
        "ANIO_PROCESO": str(YEAR),
    }


def _detalle_row(inv: Investment) -> dict[str, str]:
    """One active investment as in DETALLE_INVERSIONES.csv (2026 layout)."""
    pia, pim, cert, comp, dev, _ = inv.budget.get(YEAR, (0.0,) * 6)
    before = sum(d for y, d in inv.dev.items() if y < YEAR)
    saldo = max(inv.cost - inv.total_dev, 0.0)
    executing = inv.stage != "idea"
    row = _common_row(inv) | {
        "NOMBRE_OPMI": f"OPMI {inv.entity}",
        "NOMBRE_UF": f"UF {inv.entity}",
        "NOMBRE_UEI": inv.unit[1],
        "NOMBRE_UEP": inv.unit[1],
        "ESTADO": "ACTIVO",
        "CTRL_CONCURR": _amt(_concurrent_control(inv)),
        "ALTERNATIVA": "ALTERNATIVA 1",
        "REGISTRADO_PMI": "SI",
        "PMI_ANIO_1": _amt(round(saldo * 0.4) if inv.stage != "culminada" else 0),
        "INFORME_CIERRE": "NO",
        "DEVEN_ACUMUL_ANIO_ANT": _amt(before),
        "DEV_ANIO_ACTUAL": _amt(dev),
        "PIA_ANIO_ACTUAL": _amt(pia),
        "PIM_ANIO_ACTUAL": _amt(pim),
        "CERTIF_ANIO_ACTUAL": _amt(cert),
        "COMPROM_ANUAL_ANIO_ACTUAL": _amt(comp),
        "SALDO_EJECUTAR": _amt(saldo),
        "TIENE_AVAN_FISICO": "SI" if executing else "NO",
        "IND_IOARR_EMERG": "NO",
        "AVANCE_FISICO": "" if inv.fisico is None else _amt(inv.fisico),
        "AVANCE_EJECUCION": _amt(round(100 * inv.total_dev / inv.cost, 1)),
        "NUM_HABITANTES_BENEF": str(inv.beneficiaries),
    }
    for col in ("PMI_ANIO_2", "PMI_ANIO_3", "PMI_ANIO_4"):
        row[col] = "0.0"
    if executing:
        row |= {
            "ETAPA_F8": "Registro de seguimiento de la ejecución física (C)",
            "ULT_FEC_DECLA_ESTIM": _when(inv.end),
            "FEC_INI_EJECUCION": _when(inv.start),
            "FEC_FIN_EJECUCION": _when(inv.end),
            "FEC_INI_EJEC_FISICA": _when(inv.start),
            "FEC_FIN_EJEC_FISICA": _when(inv.end),
            "MONTO_ET_F8": _amt(inv.cost * 0.97),
        }
    return row


def _cierre_row(inv: Investment) -> dict[str, str]:
    """One closed investment as in CIERRE_INVERSIONES.csv (NOM_* and CONTROL_CONCURR names)."""
    return _common_row(inv) | {
        "NOM_OPMI": f"OPMI {inv.entity}",
        "NOM_UF": f"UF {inv.entity}",
        "NOM_UEI": inv.unit[1],
        "NOM_UEP": inv.unit[1],
        "ESTADO": "CERRADO",
        "TIENE_F9": "SI",
        "INFORME_CIERRE": "SI",
        "CONTROL_CONCURR": _amt(_concurrent_control(inv)),
        "FEC_CIERRE": f"{inv.closed:%Y-%m-%d} 00:00:00",
        "DES_CIERRE": "CIERRE DE INVERSIÓN",
        "CULMINADA": "SI",
        "INICIO_EJEC_FISICA": _when(inv.start),
        "CULMINA_EJEC_FISICA": _when(inv.end),
        "FEC_INI_OPER": _when(inv.end),
        "DEVEN_ACUMULADO": _amt(inv.total_dev),
        "TOTAL_LIQUIDACION": _amt(inv.total_dev * 1.01),
        "FEC_LIQUIDACION": _when(inv.end + timedelta(days=45)),
    }


def _f12b_row(rng: random.Random, inv: Investment) -> dict[str, str]:
    """This year's Formato 12-B report: monthly paid and programmed amounts, last status."""
    first, last = inv.dev_months()
    _, pim, _, _, dev, _ = inv.budget.get(YEAR, (0.0,) * 6)
    months = int(last[4:]) if last.startswith(str(YEAR)) else 0
    weights = [rng.random() for _ in range(months)]
    status = {"paralizada": "OBRA PARALIZADA", "culminada": "OBRA CULMINADA, EN LIQUIDACIÓN"}.get(
        inv.stage, "EN EJECUCIÓN"
    )
    row = {
        "CODIGO_UNICO": inv.cui,
        "NOMBRE_INVERSION": inv.name,
        "ESTADO": "ACTIVO",
        "PRIMER_DEVENGADO": first,
        "ULTIMO_DEVENGADO": last,
        "DEVENGADO_ACUMULADO": _amt(inv.total_dev),
        "DEV_AÑO_ACTUAL": _amt(dev),
        "PIM_AÑO_ACTUAL": _amt(pim),
        "FECHA_ULT_ACT_F12B": _when(AS_OF - _days(rng, 2, 40)),
        "ULT_PERIODO_REG_F12B": LAST_PERIOD,
        "AVANCE_FISICO": _amt(inv.fisico),
        "ULT_ESTADO_SITUACIONAL": f"{rng.choice(('30/09', '15/10', '31/10'))}/{YEAR}: {status}",
        "ULT_FEC_DECLA_ESTIM": _when(inv.end),
        "AVANCE_EJECUCION": _amt(round(100 * inv.total_dev / inv.cost, 1)),
        "INICIO_EJEC_FISICA": _when(inv.start),
        "CULMINA_EJEC_FISICA": _when(inv.end),
    }
    if inv.stage == "paralizada":
        action = names.PARALYSIS_ACTIONS[names.PARALYSIS_CAUSES.index(inv.cause)]
        row |= {"ULT_PROBLEMA": "PROBLEMA (Paralización)", "ACC_PROBLEMA": action}
    for n, month in enumerate("ENE FEB MAR ABR MAY JUN JUL AGO SET OCT".split()[:months]):
        row[f"DEV_{month}_AÑO_VIG"] = _amt(dev * weights[n] / sum(weights))
    for n in range(1, 13):
        row[f"MONTO_PROGRAMADO_{n}"] = _amt(pim / 12 * rng.uniform(0.6, 1.4))
        row[f"MONTO_ACTUALIZADO_{n}"] = _amt(pim / 12 * rng.uniform(0.6, 1.4))
    return row


def _estado_rows(rng: random.Random, inv: Investment) -> list[dict[str, str]]:
    """Monthly situation entries from the start until last month; stalls name their cause."""
    rows, month = [], date(inv.start.year, inv.start.month, 1)
    while month < date(YEAR, 11, 1):
        if inv.stop and month >= date(inv.stop.year, inv.stop.month, 1):
            entry = (f"OBRA PARALIZADA. {inv.cause}", "PROBLEMA (Paralización)", "2")
        elif inv.stage == "culminada" and month > inv.end.date():
            entry = ("OBRA CULMINADA, EN LIQUIDACIÓN", "ESTADO SITUACIONAL", "1")
        elif rng.random() < 0.2:
            entry = (
                "EN EJECUCIÓN CON ATRASO. AMPLIACIÓN DE PLAZO EN EVALUACIÓN",
                "PROBLEMA (Atrasos y/o paralizaciones)",
                "2",
            )
        else:
            entry = ("EN EJECUCIÓN", "ESTADO SITUACIONAL", "1")
        registered = datetime(month.year, month.month, 28) + _days(rng, 5, 25)
        rows.append(
            dict(
                zip(
                    names.ESTADO_HEADER,
                    (inv.cui, f"{month:%Y%m}", *entry, _when(registered)),
                    strict=True,
                )
            )
        )
        if inv.stage == "culminada" and month > inv.end.date() + timedelta(days=90):
            break
        months = month.year * 12 + month.month - 1 + rng.randint(1, 3)
        month = date(months // 12, months % 12 + 1, 1)
    return rows


def _seguimiento_rows(inv: Investment, year: int) -> list[dict[str, str]]:
    """A CUI's budget execution by its executing unit in one year, split by source of funds.

    The parts of each amount add up to the cent to the unit's figure (the last part takes the
    remainder), so the portal's sums can be checked against the investment's budget.
    """
    pia, pim, _, _, dev, _ = inv.budget[year]
    w = inv.where
    before = sum(d for y, d in inv.dev.items() if y < year - 1)
    last_year = inv.dev.get(year - 1, 0.0)
    total = sum(d for y, d in inv.dev.items() if y <= year)
    unit_place = ("6", "CAJAMARCA", "1", "CAJAMARCA", "1", "CAJAMARCA")
    if not inv.gr:
        unit_place = (
            str(int(w.ubigeo[:2])),
            w.dep,
            str(int(w.ubigeo[2:4])),
            w.prov,
            str(int(w.ubigeo[4:])),
            w.dist,
        )
    funds = names.FUNDS[: int(inv.cui) % 3 + 1]
    parts = {
        column: _split(amount, len(funds))
        for column, amount in (
            ("COSTO_ACTUAL", None),
            ("MONTO_EJECUCION_HASTA_HACE_2_ANOS", before),
            ("MONTO_EJECUCION_ANO_ANTERIOR", last_year),
            ("MONTO_PIA", pia),
            ("MONTO_PIM", pim),
            ("MONTO_DEVENGADO_ANO_EJE", dev),
            ("MONTO_EJECUCION_TOTAL", total),
        )
    }
    rows = []
    for n, (fund, fund_name, rubro, rubro_name) in enumerate(funds):
        row = {
            "ANO_EJE": str(year),
            "NIVEL_GOBIERNO": "R" if inv.gr else "M",
            "NIVEL_GOBIERNO_NOMBRE": "GOBIERNOS REGIONALES" if inv.gr else "GOBIERNOS LOCALES",
            # A local government's SECTOR and PLIEGO are published as a single space.
            "SECTOR": "99" if inv.gr else " ",
            "SECTOR_NOMBRE": "GOBIERNOS REGIONALES" if inv.gr else " ",
            "PLIEGO": "445" if inv.gr else " ",
            "PLIEGO_NOMBRE": names.GR_ENTITY if inv.gr else " ",
            "SEC_EJEC": inv.unit[0],
            "EJECUTORA": str(int(inv.unit[0]) % 100 or 1),
            "EJECUTORA_NOMBRE": inv.unit[1],
            **dict(
                zip(
                    (
                        "DEPARTAMENTO_EJECUTORA",
                        "DEPARTAMENTO_EJECUTORA_NOMBRE",
                        "PROVINCIA_EJECUTORA",
                        "PROVINCIA_EJECUTORA_NOMBRE",
                        "DISTRITO_EJECUTORA",
                        "DISTRITO_EJECUTORA_NOMBRE",
                    ),
                    unit_place,
                    strict=True,
                )
            ),
            "TIPO_ACT_PROY": "2",
            "TIPO_ACT_PROY_NOMBRE": "PROYECTO",
            "PRODUCTO_PROYECTO": inv.cui,
            "PRODUCTO_PROYECTO_NOMBRE": inv.name,
            "FUNCION": names.FUNCTION_CODES[inv.kind.funcion],
            "FUNCION_NOMBRE": inv.kind.funcion,
            # Where the works are (the region filter), published as a number: 06 -> 6.
            "DEPARTAMENTO_META": str(int(w.ubigeo[:2])),
            "DEPARTAMENTO_META_NOMBRE": w.dep,
            "FUENTE_FINANCIAMIENTO": fund,
            "FUENTE_FINANCIAMIENTO_NOMBRE": fund_name,
            "RUBRO": rubro,
            "RUBRO_NOMBRE": rubro_name,
        }
        for column, values in parts.items():
            row[column] = values[n]
        row["COSTO_ACTUAL"] = _amt(inv.cost) if n == 0 else "0.0"  # on the first row only
        rows.append(row)
    return rows


def _split(amount: float | None, count: int) -> list[str]:
    """``amount`` in ``count`` parts (60/40, 45/30/25) that add up to it to the cent."""
    if amount is None:
        return [""] * count
    total = Decimal(_amt(amount))
    shares = {1: ("1",), 2: ("0.6", "0.4"), 3: ("0.45", "0.3", "0.25")}[count]
    parts = [(total * Decimal(share)).quantize(CENT) for share in shares[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return [_amt(float(part)) for part in parts]


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]], mef: bool = True) -> Path:
    """MEF style (BOM, every field quoted, CRLF) or our plain UTF-8 style; empty when missing."""
    with path.open("w", encoding="utf-8-sig" if mef else "utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL if mef else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            if unknown := row.keys() - set(header):  # a typo would silently empty a column
                raise KeyError(f"not in the {path.name} header: {sorted(unknown)}")
            writer.writerow(row.get(col, "") for col in header)
    return path


# --- INFObras and participatory budget -----------------------------------------------------


def _works(invs: list[Investment]) -> list[Investment]:
    """Works INFObras knows: everything that started, and contracts awarded but not begun."""
    return [
        i
        for i in invs
        if i.stage in STARTED or (i.stage == "expediente" and "CONTRATA" in i.modality)
    ]


def _pp_rows(rng: random.Random, invs: list[Investment]) -> list[dict[str, str]]:
    """The regional participatory budget 2023-2026: ~18 prioritised CUIs a year."""
    pool = [i for i in invs if i.where.dep == "CAJAMARCA" and "\n" not in i.name]
    rows = []
    for year in range(2023, YEAR + 1):
        eligible = [
            i
            for i in pool
            if i.registered.year < year and (i.closed is None or i.closed.year >= year)
        ]
        for rank, inv in enumerate(rng.sample(eligible, rng.randint(16, 19)), start=1):
            province = title_name(inv.where.prov)
            rows.append(
                {
                    "anio": str(year),
                    "cui": inv.cui,
                    "prioridad": str(rank),
                    "nombre": inv.name,
                    "ubigeo": inv.where.ubigeo,
                    "monto_asignado": _amt(inv.cost * rng.uniform(0.05, 0.6)),
                    "acta": f"Acta de formalización de acuerdos PP {year - 1}, Ordenanza Regional "
                    f"N° {rng.randint(1, 9):03d}-{year - 1}-GR.CAJ-CR",
                    "comite_vigilancia": rng.choice(
                        (
                            f"Comité de Vigilancia PP {year} - {province}",
                            "Comité de Vigilancia del PP Regional",
                            "",
                        )
                    ),
                    "observaciones": {
                        "paralizada": "Obra paralizada; el comité pidió un informe a la "
                        "unidad ejecutora",
                        "idea": "Sin expediente técnico al cierre del año",
                    }.get(inv.stage, ""),
                }
            )
    return rows
