"""The demo's OECE OCDS record package: who won the works of some demo investments.

Shaped like OECE's monthly bulk JSON (``records[].compiledRelease``), with its quirks: most
processes carry the CUI in ``planning.budget.projectID``, one only in its text ("CUI N°"), one
consortium an id shorter than a RUC, curly quotes lost as ``¿``. Invented, deterministic.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

PUBLISHER = {"name": "Organismo Supervisor de las Contrataciones del Estado"}
#: Invented suppliers: (id under PE-RUC as published, name). The third is a consortium.
SUPPLIERS = [
    ("20601234561", "CONSTRUCTORA ANDINA DEL NORTE S.A.C."),
    ("20487654322", "INGENIERIA Y OBRAS CUMBE E.I.R.L."),
    ("1704990", "CONSORCIO VIAL CHOTANO"),
    ("20512398763", "EDIFICACIONES MARAÑON S.R.L."),
    ("10412345674", "QUISPE HUAMAN JORGE LUIS"),
]
METHODS = [
    ("open", "Licitación Pública"),
    ("open", "Adjudicación Simplificada"),
    ("open", "Licitación Pública Abreviada"),
    ("direct", "Contratación Directa"),
]


def _party(code: str, name: str, roles: list[str]) -> dict:
    return {
        "id": f"PE-RUC-{code}",
        "name": name,
        "identifier": {"scheme": "PE-RUC", "id": code, "legalName": name},
        "roles": roles,
    }


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00-05:00"


def _process(rng: random.Random, number: int, inv, text_only: bool, amended: bool) -> dict:
    tender_id = str(1200000 + number)
    ocid = f"ocds-dgv273-seacev3-{tender_id}"
    start = (inv.start.date() if inv.start else date(2025, 3, 1)) - timedelta(days=90)
    method, details = METHODS[number % len(METHODS)]
    estimated = round(inv.cost * rng.uniform(0.6, 0.9), 2)
    supplier = SUPPLIERS[number % len(SUPPLIERS)]
    losers = [s for s in SUPPLIERS if s != supplier]
    tenderers = [supplier] + rng.sample(losers, 0 if method == "direct" else rng.randint(0, 3))
    awarded = round(estimated * rng.uniform(0.9, 1.0), 2)
    title = f"¿{inv.name.splitlines()[0]}¿"
    description = f"EJECUCIÓN DE LA OBRA: {title}"
    if text_only:
        description += f" CUI N° {inv.cui}"
    contract = {
        "id": f"{tender_id}01",
        "awardID": f"{tender_id}-{supplier[0]}",
        "title": f"CONTRATO N° {number:03d}-{start.year}",
        "description": description,
        "status": "active",
        "value": {"amount": awarded, "currency": "PEN"},
        "dateSigned": _stamp(start + timedelta(days=45)),
        "period": {
            "startDate": _stamp(start + timedelta(days=50)),
            "endDate": _stamp(start + timedelta(days=50 + rng.choice((120, 180, 240)))),
        },
    }
    if amended:
        contract["amendments"] = [
            {
                "id": "1",
                "date": _stamp(start + timedelta(days=160)),
                "rationale": "AMPLIACIÓN DE PLAZO N° 01 POR LLUVIAS",
            }
        ]
    budget = {"description": "Fondos Públicos", "amount": {"amount": inv.cost, "currency": "PEN"}}
    if not text_only:
        budget |= {"projectID": inv.cui, "project": inv.name.splitlines()[0]}
    return {
        "ocid": ocid,
        "id": f"{ocid}-{_stamp(start + timedelta(days=46))}",
        "date": _stamp(start + timedelta(days=46)),
        "tag": ["compiled"],
        "initiationType": "tender",
        "buyer": {"id": "PE-CONSUCODE-1", "name": inv.entity},
        "planning": {"budget": budget},
        "tender": {
            "id": tender_id,
            "title": f"{details[:2].upper()}-SM-{number}-{start.year}-GRC-1",
            "description": description,
            "status": "complete",
            "datePublished": _stamp(start),
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "mainProcurementCategory": "works",
            "value": {"amount": estimated, "currency": "PEN"},
            "tenderPeriod": {"startDate": _stamp(start), "endDate": _stamp(start + timedelta(20))},
            "numberOfTenderers": len(tenderers),
            "tenderers": [{"id": f"PE-RUC-{c}", "name": n} for c, n in tenderers],
        },
        "awards": [
            {
                "id": f"{tender_id}-{supplier[0]}",
                "status": "active",
                "date": _stamp(start + timedelta(days=30)),
                "value": {"amount": awarded, "currency": "PEN"},
                "suppliers": [{"id": f"PE-RUC-{supplier[0]}", "name": supplier[1]}],
            }
        ],
        "contracts": [contract],
        "parties": [
            _party(c, n, ["tenderer", "supplier"] if (c, n) == supplier else ["tenderer"])
            for c, n in tenderers
        ],
    }


def write_demo_oece(path: Path, invs: list, seed: int) -> Path:
    """A record package of the works contracts of a dozen demo investments that started."""
    rng = random.Random(seed + 23)
    started = [i for i in invs if i.start is not None and i.where.dep == "CAJAMARCA"]
    chosen = rng.sample(started, min(12, len(started)))
    records = []
    for number, inv in enumerate(sorted(chosen, key=lambda i: i.cui), start=1):
        compiled = _process(rng, number, inv, text_only=number == 5, amended=number % 4 == 0)
        records.append({"ocid": compiled["ocid"], "compiledRelease": compiled})
    package = {
        "uri": "https://contratacionesabiertas.oece.gob.pe/api/v1/file/seace_v3/json/2026/10/",
        "version": "1.1",
        "publishedDate": "2026-11-01T00:00:00-05:00",
        "publisher": PUBLISHER,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "records": records,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
