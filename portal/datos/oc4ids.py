"""One OC4IDS 0.9 project per investment, written as a streamed project package.

Identifiers: ``<PORTAL_OC4IDS_PREFIX>-<CUI>``. The prefix must be registered with the Open
Contracting Partnership before the package is announced (docs: README, "Datos abiertos"); until
then the default ``oc4ids-vigia0`` marks the data as unregistered.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from portal.datos.writers import as_number

OC4IDS_VERSION = "0.9"


#: Plain-words status and cycle phase → projectStatus codelist (closed codelist in 0.9).
def project_status(status: str, phase: str) -> str:
    if phase == "cierre" or status == "finalizada":
        return "completion"
    if status in ("en_ejecucion", "paralizada") or phase == "ejecucion":
        return "implementation"
    return "preparation"


#: MEF budget function (as published, upper case, no accents) → projectSector codelist.
FUNCTION_SECTORS = {
    "SANEAMIENTO": ["waterAndWaste"],
    "EDUCACION": ["education"],
    "SALUD": ["health"],
    "TRANSPORTE": ["transport", "transport.road"],
    "ENERGIA": ["energy"],
    "COMUNICACIONES": ["communications"],
    "AGROPECUARIA": ["economy"],
    "CULTURA Y DEPORTE": ["cultureSportsAndRecreation"],
    "VIVIENDA Y DESARROLLO URBANO": ["socialHousing"],
    "AMBIENTE": ["naturalResources"],
    "ORDEN PUBLICO Y SEGURIDAD": ["governance"],
    "PLANEAMIENTO, GESTION Y RESERVA DE CONTINGENCIA": ["governance"],
}

#: The columns a project is built from, in this order.
PROJECT_FIELDS = (
    "cui", "snip", "name", "status", "phase", "function", "sec_ejec", "executing_unit_name",
    "department", "province", "district", "ubigeo", "latitude", "longitude", "coords_status",
    "viable_cost", "updated_cost", "devengado_accumulated", "viable_on", "execution_start_on",
    "execution_end_on", "closed_on", "closure_note", "changed_at",
)  # fmt: skip

_ACCENTS = str.maketrans("ÁÉÍÓÚÜÑ", "AEIOUUN")


def _datetime(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def _value(amount) -> dict | None:
    number = as_number(amount)
    return None if number is None else {"amount": number, "currency": "PEN"}


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def build_project(row, prefix: str, page_url: str, usable_point: bool) -> dict:
    """The OC4IDS project of one investment row (fields as ``PROJECT_FIELDS``)."""
    r = dict(zip(PROJECT_FIELDS, row, strict=True))
    status = project_status(r["status"], r["phase"])
    identifiers = [{"id": r["cui"], "scheme": "PE-MEF-CUI"}]
    if r["snip"]:
        identifiers.append({"id": r["snip"], "scheme": "PE-MEF-SNIP"})
    project = {
        "id": f"{prefix}-{r['cui']}",
        "updated": _datetime(r["changed_at"]),
        "language": "es",
        "identifiers": identifiers,
        "title": r["name"] or r["cui"],
        "status": status,
        "sector": FUNCTION_SECTORS.get((r["function"] or "").upper().translate(_ACCENTS)),
        "budget": _drop_empty(
            {"amount": _value(r["updated_cost"]), "approvalDate": _datetime(r["viable_on"])}
        ),
        "period": _drop_empty(
            {
                "startDate": _datetime(r["execution_start_on"]),
                "endDate": _datetime(r["execution_end_on"]),
            }
        ),
        "locations": [_location(r, usable_point)] if r["ubigeo"] or usable_point else [],
        "documents": [
            {"id": "ficha", "title": "Ficha en Vigía", "url": page_url, "language": "es"}
        ],
    }
    if r["sec_ejec"]:
        party_id = f"PE-SEC_EJEC-{r['sec_ejec']}"
        name = r["executing_unit_name"] or r["sec_ejec"]
        project["parties"] = [
            {
                "id": party_id,
                "name": name,
                "identifier": {"scheme": "PE-SEC_EJEC", "id": r["sec_ejec"]},
                "roles": ["publicAuthority"],
            }
        ]
        project["publicAuthority"] = {"id": party_id, "name": name}
    if status == "completion":
        project["completion"] = _drop_empty(
            {
                "endDate": _datetime(r["closed_on"] or r["execution_end_on"]),
                "finalValue": _value(r["devengado_accumulated"]),
                "finalValueDetails": "Devengado acumulado (MEF)."
                if r["devengado_accumulated"] is not None
                else None,
                "endDateDetails": r["closure_note"],
            }
        ) or {"finalScope": "Cerrada o finalizada según el MEF."}
    return _drop_empty(project)


def _location(r: dict, usable_point: bool) -> dict:
    place = ", ".join(p.title() for p in (r["district"], r["province"], r["department"]) if p)
    location = {"id": "1", "description": place or None}
    if r["ubigeo"]:
        location["gazetteer"] = {"scheme": "PE-INEI-UBIGEO", "identifiers": [r["ubigeo"]]}
    if usable_point:
        location["geometry"] = {
            "type": "Point",
            "coordinates": [round(r["longitude"], 6), round(r["latitude"], 6)],
        }
    location["address"] = _drop_empty(
        {"region": (r["department"] or "").title() or None, "countryName": "Perú"}
    )
    return _drop_empty(location)


def write_package(
    path: Path, projects: Iterable[dict], uri: str, published: dt.datetime, publisher: dict
) -> int:
    """A project package streamed project by project; returns the number of projects."""
    head = {
        "uri": uri,
        "publishedDate": _datetime(published),
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
