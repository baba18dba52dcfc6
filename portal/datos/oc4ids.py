"""One OC4IDS 0.9 project per investment, streamed into the project package (``oc4ids_package``).

Identifiers: ``<PORTAL_OC4IDS_PREFIX>-<CUI>``. The prefix must be registered with the Open
Contracting Partnership before the package is announced (README, "OC4IDS"); until then the
default ``oc4ids-vigia0`` marks the data as unregistered.

Only fields of the 0.9 schema are written (the OCP's checker, libcoveoc4ids, must find no
additional fields); how each figure is said is in the README's table ("OC4IDS: what each field
holds").

This module builds a project from its investment (status, sector, budget, place, milestones,
completion) and streams one per investment; its parties and contracting processes are in
``oc4ids_parties``, how dates and amounts are said in ``oc4ids_values``, and the package file
is written by ``oc4ids_package``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from portal.datos.oc4ids_parties import (
    infobras_processes,
    ocds_process,
    public_authority,
    read_procurements,
)
from portal.datos.oc4ids_values import ACCENTS, day_text, drop_empty, money, timestamp
from portal.places import place_line, place_name, title_name


#: Plain-words status and cycle phase → projectStatus codelist (closed codelist in 0.9).
#: A stalled work (paralizada) stays ``implementation``: the codelist has no "stalled"; the
#: stall is said by a ``completion`` milestone that is ``notMet`` (see ``_stall_milestones``).
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

#: The investment columns a project is built from, in this order.
PROJECT_FIELDS = (
    "cui", "snip", "name", "status", "phase", "function", "sec_ejec", "executing_unit_name",
    "department", "province", "district", "ubigeo", "latitude", "longitude", "coords_status",
    "viable_cost", "updated_cost", "devengado_accumulated", "viable_on", "execution_start_on",
    "execution_end_on", "closed_on", "closure_note", "changed_at", "physical_end_on",
    "liquidation_total",
)  # fmt: skip

#: The INFObras work columns (``InfobrasWork``) a project's works are built from, in this order.
WORK_FIELDS = (
    "infobras_code", "cui", "name", "status", "contractor_ruc", "contractor", "supervisor_ruc",
    "supervisor", "contract_amount", "supervisor_amount", "started_on", "planned_end_on",
    "rescheduled_end_on", "actual_end_on", "stalled", "stall_cause", "stalled_on",
    "stalled_days", "updated_on",
)  # fmt: skip


def build_project(
    row,
    prefix: str,
    page_url: str,
    usable_point: bool,
    works: Sequence = (),
    infobras_url: str | None = None,
    procurements: Sequence = (),
) -> dict:
    """The OC4IDS project of one investment row (fields as ``PROJECT_FIELDS``) and its INFObras
    works (rows as ``WORK_FIELDS``; ``infobras_url`` has a ``{code}`` placeholder), with its
    OECE contracting processes ((process, [awards]) as ``OCDS_PROCESS_FIELDS`` and
    ``OCDS_AWARD_FIELDS``)."""
    r = dict(zip(PROJECT_FIELDS, row, strict=True))
    works = [dict(zip(WORK_FIELDS, w, strict=True)) for w in works]
    status = project_status(r["status"], r["phase"])
    identifiers = [{"id": r["cui"], "scheme": "PE-MEF-CUI"}]
    if r["snip"]:
        identifiers.append({"id": r["snip"], "scheme": "PE-MEF-SNIP"})
    documents = [{"id": "ficha", "title": "Ficha en Vigía", "url": page_url, "language": "es"}]
    if infobras_url:
        documents += [
            {
                "id": f"infobras-{w['infobras_code']}",
                "title": f"Obra {w['infobras_code']} en INFObras (Contraloría General)",
                "url": infobras_url.format(code=w["infobras_code"], cui=r["cui"]),
                "language": "es",
            }
            for w in works
        ]
    parties, authority = public_authority(r)
    processes = []
    for work in works:
        processes += infobras_processes(work, parties)
    for process, awards in procurements:
        processes.append(ocds_process(process, awards, parties))
    project = {
        "id": f"{prefix}-{r['cui']}",
        "updated": timestamp(r["changed_at"]),
        "language": "es",
        "identifiers": identifiers,
        "publicAuthority": authority,
        "title": r["name"] or r["cui"],
        "status": status,
        "sector": FUNCTION_SECTORS.get((r["function"] or "").upper().translate(ACCENTS)),
        "budget": _budget(r),
        "period": drop_empty(
            {
                "startDate": timestamp(r["execution_start_on"]),
                "endDate": timestamp(r["execution_end_on"]),
            }
        ),
        "locations": [_location(r, usable_point)] if r["ubigeo"] or usable_point else [],
        "parties": list(parties.values()),
        "milestones": _viability_milestone(r) + _stall_milestones(r, works),
        "completion": _completion(r, works) if status == "completion" else None,
        "documents": documents,
        "contractingProcesses": processes,
    }
    return drop_empty(project)


def _budget(r: dict) -> dict:
    """The updated cost as the budget, with no date (the MEF publishes none for its last
    update); the viable cost as a breakdown of its own, dated the day of viability."""
    viable = money(r["viable_cost"])
    breakdowns = []
    if viable:
        item = {
            "id": "monto-viable",
            "description": "Monto viable: costo de la inversión al declararse viable (MEF).",
            "amount": viable,
            "approvalDate": timestamp(r["viable_on"]),
        }
        breakdowns.append(
            {
                "id": "viabilidad",
                "description": "Costo de la inversión al declararse viable, antes de las "
                "actualizaciones; no se suma al costo actualizado.",
                "budgetBreakdown": [drop_empty(item)],
            }
        )
    amount = money(r["updated_cost"])
    return drop_empty(
        {
            "description": "Costo actualizado de la inversión según el Banco de Inversiones "
            "del MEF (el MEF no publica la fecha de su última actualización)."
            if amount
            else None,
            "amount": amount,
            "budgetBreakdowns": breakdowns,
        }
    )


def _viability_milestone(r: dict) -> list[dict]:
    if not r["viable_on"]:
        return []
    return [
        {
            "id": "viabilidad",
            "title": "Declaración de viabilidad",
            "type": "approval",
            "code": "projectApproval",
            "status": "met",
            "dateMet": timestamp(r["viable_on"]),
        }
    ]


def _stall_milestones(r: dict, works: list[dict]) -> list[dict]:
    """A stalled work: its completion milestone is ``notMet``, with the cause and the dates."""
    if r["status"] != "paralizada":
        return []
    milestones = []
    for w in works:
        if not (w["stalled"] or "PARALIZ" in (w["status"] or "").upper()):
            continue
        since = f" desde el {day_text(w['stalled_on'])}" if w["stalled_on"] else ""
        days = f" ({w['stalled_days']} días)" if w["stalled_days"] else ""
        cause = f": {w['stall_cause'].strip().rstrip('.')}" if w["stall_cause"] else ""
        milestone = {
            "id": f"paralizacion-{w['infobras_code']}",
            "title": "Término de la obra: obra paralizada",
            "type": "delivery",
            "code": "completion",
            "status": "notMet",
            "description": f"Obra paralizada según INFObras{since}{days}{cause}.",
            "dueDate": timestamp(w["rescheduled_end_on"] or w["planned_end_on"]),
            "dateModified": timestamp(w["updated_on"] or w["stalled_on"]),
        }
        milestones.append(drop_empty(milestone))
    if not milestones:  # stalled according to the MEF's monthly situation reports
        milestone = {
            "id": "paralizacion",
            "title": "Término de la obra: obra paralizada",
            "type": "delivery",
            "code": "completion",
            "status": "notMet",
            "description": "Obra paralizada según el estado situacional del MEF.",
            "dueDate": timestamp(r["execution_end_on"]),
        }
        milestones.append(drop_empty(milestone))
    return milestones


def _completion(r: dict, works: list[dict]) -> dict:
    """End date: the closure in the MEF bank, else the works' actual end (INFObras), else the
    physical end the MEF reports. Final value: the liquidation if registered, else devengado."""
    ended = max((w["actual_end_on"] for w in works if w["actual_end_on"]), default=None)
    details = []
    if r["closed_on"]:
        note = f": {r['closure_note'].strip().rstrip('.')}" if r["closure_note"] else ""
        details.append(f"Cierre registrado en el MEF el {day_text(r['closed_on'])}{note}.")
    elif r["closure_note"]:
        details.append(f"{r['closure_note'].strip().rstrip('.')}.")
    if ended:
        details.append(f"Obra terminada el {day_text(ended)} según INFObras.")
    elif r["physical_end_on"]:
        details.append(f"Ejecución física culminada el {day_text(r['physical_end_on'])} (MEF).")
    if r["liquidation_total"] is not None:
        final = money(r["liquidation_total"])
        final_details = "Total de la liquidación registrado en el cierre (MEF)."
    else:
        final = money(r["devengado_accumulated"])
        final_details = (
            "Devengado acumulado (MEF): la liquidación aún no está registrada." if final else None
        )
    completion = {
        "endDate": timestamp(r["closed_on"] or ended or r["physical_end_on"]),
        "endDateDetails": " ".join(details),
        "finalValue": final,
        "finalValueDetails": final_details,
    }
    return drop_empty(completion) or {"finalScope": "Cerrada o finalizada según el MEF."}


def _location(r: dict, usable_point: bool) -> dict:
    # Names from the reviewed table by ubigeo ('José Gálvez, Celendín'), never the file's capitals.
    department = place_name((r["ubigeo"] or "")[:2]) or title_name(r["department"] or "")
    place = ", ".join(
        p for p in (place_line(r["ubigeo"], r["province"], r["district"]), department) if p
    )
    location = {"id": "1", "description": place or None}
    if r["ubigeo"]:
        location["gazetteer"] = {"scheme": "PE-INEI-UBIGEO", "identifiers": [r["ubigeo"]]}
    if usable_point:
        location["geometry"] = {
            "type": "Point",
            "coordinates": [round(r["longitude"], 6), round(r["latitude"], 6)],
        }
    location["address"] = drop_empty({"region": department or None, "countryName": "Perú"})
    return drop_empty(location)


def projects(session, prefix: str, page_url: str, infobras_url: str | None) -> Iterator[dict]:
    """Every investment's project, in CUI order, streamed; its INFObras works read per batch.

    ``page_url`` is the investment page's address with ``CUI`` where the code goes.
    """
    from sqlalchemy import select

    from portal.contracts.models import ContractAward, ContractingProcess
    from portal.investments.models import InfobrasWork, Investment
    from portal.maps.geo import locate

    columns = [getattr(Investment, name) for name in PROJECT_FIELDS]
    query = select(*columns).order_by(Investment.cui).execution_options(yield_per=_BATCH)
    work_columns = [getattr(InfobrasWork, name) for name in WORK_FIELDS]
    lat, lon, coords = (PROJECT_FIELDS.index(n) for n in ("latitude", "longitude", "coords_status"))
    for batch in session.execute(query).partitions():
        works: dict[str, list] = {}
        cuis = [row[0] for row in batch]
        for work in session.execute(
            select(*work_columns)
            .where(InfobrasWork.cui.in_(cuis))
            .order_by(InfobrasWork.cui, InfobrasWork.infobras_code)
        ):
            works.setdefault(work[1], []).append(work)
        procurements = read_procurements(session, cuis, ContractingProcess, ContractAward)
        for row in batch:
            point = locate(row[lat], row[lon], row[coords], None)
            yield build_project(
                row,
                prefix,
                page_url.replace("CUI", row[0]),
                point is not None,
                works.get(row[0], ()),
                infobras_url,
                procurements.get(row[0], ()),
            )


_BATCH = 1000
