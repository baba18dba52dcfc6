"""The demo's MEF files (DETALLE, CIERRE, Formato 12-B, estado situacional, seguimiento) and the
participatory-budget list, each in its publisher's CSV style."""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from portal.demo import names
from portal.demo.model import (
    AS_OF,
    CENT,
    LAST_PERIOD,
    MEF_DATE,
    STARTED,
    YEAR,
    Investment,
    random_span,
)
from portal.places import title_name


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


def detalle_row(inv: Investment) -> dict[str, str]:
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


def cierre_row(inv: Investment) -> dict[str, str]:
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


def f12b_row(rng: random.Random, inv: Investment) -> dict[str, str]:
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
        "FECHA_ULT_ACT_F12B": _when(AS_OF - random_span(rng, 2, 40)),
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


def estado_rows(rng: random.Random, inv: Investment) -> list[dict[str, str]]:
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
        registered = datetime(month.year, month.month, 28) + random_span(rng, 5, 25)
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


def seguimiento_rows(inv: Investment, year: int) -> list[dict[str, str]]:
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


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]], mef: bool = True) -> Path:
    """MEF style (BOM, every field quoted, CRLF) or our plain UTF-8 style; empty when missing."""
    with path.open("w", encoding="utf-8-sig" if mef else "utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL if mef else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            if unknown := row.keys() - set(header):  # a typo would silently empty a column
                raise KeyError(f"not in the {path.name} header: {sorted(unknown)}")
            writer.writerow(row.get(col, "") for col in header)
    return path


# --- participatory budget ------------------------------------------------------------------


def pp_rows(rng: random.Random, invs: list[Investment]) -> list[dict[str, str]]:
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
