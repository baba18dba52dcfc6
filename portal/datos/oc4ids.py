"""One OC4IDS 0.9 project per investment, written as a streamed project package.

Identifiers: ``<PORTAL_OC4IDS_PREFIX>-<CUI>``. The prefix must be registered with the Open
Contracting Partnership before the package is announced (README, "OC4IDS"); until then the
default ``oc4ids-vigia0`` marks the data as unregistered.

Only fields of the 0.9 schema are written (the OCP's checker, libcoveoc4ids, must find no
additional fields); how each figure is said is in the README's table ("OC4IDS: what each field
holds"). Dates of the records are days in Lima: written as midnight at -05:00.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.datos.writers import as_number
from portal.places import place_line, place_name, title_name

OC4IDS_VERSION = "0.9"
LIMA = ZoneInfo("America/Lima")


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

_ACCENTS = str.maketrans("ÁÉÍÓÚÜÑ", "AEIOUUN")


def _datetime(value: dt.date | dt.datetime | None) -> str | None:
    """A timestamp (stored in UTC) as ``…Z``; a day of the records as midnight in Lima."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), tzinfo=LIMA).isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _value(amount) -> dict | None:
    number = as_number(amount)
    return None if number is None else {"amount": number, "currency": "PEN"}


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


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
    parties, authority = _authority(r)
    processes = []
    for work in works:
        processes += _contracting_processes(work, parties)
    for process, awards in procurements:
        processes.append(_ocds_process(process, awards, parties))
    project = {
        "id": f"{prefix}-{r['cui']}",
        "updated": _datetime(r["changed_at"]),
        "language": "es",
        "identifiers": identifiers,
        "publicAuthority": authority,
        "title": r["name"] or r["cui"],
        "status": status,
        "sector": FUNCTION_SECTORS.get((r["function"] or "").upper().translate(_ACCENTS)),
        "budget": _budget(r),
        "period": _drop_empty(
            {
                "startDate": _datetime(r["execution_start_on"]),
                "endDate": _datetime(r["execution_end_on"]),
            }
        ),
        "locations": [_location(r, usable_point)] if r["ubigeo"] or usable_point else [],
        "parties": list(parties.values()),
        "milestones": _viability_milestone(r) + _stall_milestones(r, works),
        "completion": _completion(r, works) if status == "completion" else None,
        "documents": documents,
        "contractingProcesses": processes,
    }
    return _drop_empty(project)


def _authority(r: dict) -> tuple[dict, dict | None]:
    """The executing unit (MEF's SEC_EJEC) as the project's public authority."""
    if not r["sec_ejec"]:
        return {}, None
    party_id = f"PE-SEC_EJEC-{r['sec_ejec']}"
    name = r["executing_unit_name"] or r["sec_ejec"]
    party = {
        "id": party_id,
        "name": name,
        "identifier": {"scheme": "PE-SEC_EJEC", "id": r["sec_ejec"]},
        "roles": ["publicAuthority"],
    }
    return {party_id: party}, {"id": party_id, "name": name}


def _budget(r: dict) -> dict:
    """The updated cost as the budget, with no date (the MEF publishes none for its last
    update); the viable cost as a breakdown of its own, dated the day of viability."""
    viable = _value(r["viable_cost"])
    breakdowns = []
    if viable:
        item = {
            "id": "monto-viable",
            "description": "Monto viable: costo de la inversión al declararse viable (MEF).",
            "amount": viable,
            "approvalDate": _datetime(r["viable_on"]),
        }
        breakdowns.append(
            {
                "id": "viabilidad",
                "description": "Costo de la inversión al declararse viable, antes de las "
                "actualizaciones; no se suma al costo actualizado.",
                "budgetBreakdown": [_drop_empty(item)],
            }
        )
    amount = _value(r["updated_cost"])
    return _drop_empty(
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
            "dateMet": _datetime(r["viable_on"]),
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
        since = f" desde el {_day(w['stalled_on'])}" if w["stalled_on"] else ""
        days = f" ({w['stalled_days']} días)" if w["stalled_days"] else ""
        cause = f": {w['stall_cause'].strip().rstrip('.')}" if w["stall_cause"] else ""
        milestone = {
            "id": f"paralizacion-{w['infobras_code']}",
            "title": "Término de la obra: obra paralizada",
            "type": "delivery",
            "code": "completion",
            "status": "notMet",
            "description": f"Obra paralizada según INFObras{since}{days}{cause}.",
            "dueDate": _datetime(w["rescheduled_end_on"] or w["planned_end_on"]),
            "dateModified": _datetime(w["updated_on"] or w["stalled_on"]),
        }
        milestones.append(_drop_empty(milestone))
    if not milestones:  # stalled according to the MEF's monthly situation reports
        milestone = {
            "id": "paralizacion",
            "title": "Término de la obra: obra paralizada",
            "type": "delivery",
            "code": "completion",
            "status": "notMet",
            "description": "Obra paralizada según el estado situacional del MEF.",
            "dueDate": _datetime(r["execution_end_on"]),
        }
        milestones.append(_drop_empty(milestone))
    return milestones


def _completion(r: dict, works: list[dict]) -> dict:
    """End date: the closure in the MEF bank, else the works' actual end (INFObras), else the
    physical end the MEF reports. Final value: the liquidation if registered, else devengado."""
    ended = max((w["actual_end_on"] for w in works if w["actual_end_on"]), default=None)
    details = []
    if r["closed_on"]:
        note = f": {r['closure_note'].strip().rstrip('.')}" if r["closure_note"] else ""
        details.append(f"Cierre registrado en el MEF el {_day(r['closed_on'])}{note}.")
    elif r["closure_note"]:
        details.append(f"{r['closure_note'].strip().rstrip('.')}.")
    if ended:
        details.append(f"Obra terminada el {_day(ended)} según INFObras.")
    elif r["physical_end_on"]:
        details.append(f"Ejecución física culminada el {_day(r['physical_end_on'])} (MEF).")
    if r["liquidation_total"] is not None:
        final = _value(r["liquidation_total"])
        final_details = "Total de la liquidación registrado en el cierre (MEF)."
    else:
        final = _value(r["devengado_accumulated"])
        final_details = (
            "Devengado acumulado (MEF): la liquidación aún no está registrada." if final else None
        )
    completion = {
        "endDate": _datetime(r["closed_on"] or ended or r["physical_end_on"]),
        "endDateDetails": " ".join(details),
        "finalValue": final,
        "finalValueDetails": final_details,
    }
    return _drop_empty(completion) or {"finalScope": "Cerrada o finalizada según el MEF."}


_PROCESS_STATUS = {"FINALIZ": "closed", "EJECU": "active", "PARALIZ": "active"}


def _contracting_processes(w: dict, parties: dict) -> list[dict]:
    """The works contract and the supervision contract of one INFObras work, their companies
    added to ``parties`` as suppliers (both are contracted: the supervisor, to oversee)."""
    code = w["infobras_code"]
    status = next(
        (value for key, value in _PROCESS_STATUS.items() if key in (w["status"] or "").upper()),
        None,
    )
    processes = []
    contractor = _supplier(parties, w["contractor_ruc"], w["contractor"], f"{code}-contratista")
    if contractor:
        summary = {
            "externalReference": code,
            "title": f"Ejecución de la obra (INFObras {code})",
            "nature": ["construction"],
            "status": status,
            "suppliers": [contractor],
            "contractValue": _value(w["contract_amount"]),
            "contractPeriod": _drop_empty(
                {"startDate": _datetime(w["started_on"]), "endDate": _datetime(w["planned_end_on"])}
            ),
        }
        if w["rescheduled_end_on"] and w["rescheduled_end_on"] != w["planned_end_on"]:
            summary["modifications"] = [
                {
                    "id": "reprogramacion",
                    "type": "duration",
                    "description": "Término de obra reprogramado (INFObras).",
                    "oldContractPeriod": {"endDate": _datetime(w["planned_end_on"])},
                    "newContractPeriod": {"endDate": _datetime(w["rescheduled_end_on"])},
                }
            ]
        processes.append({"id": f"INFOBRAS-{code}-obra", "summary": _drop_empty(summary)})
    supervisor = _supplier(parties, w["supervisor_ruc"], w["supervisor"], f"{code}-supervisor")
    if supervisor:
        summary = {
            "externalReference": code,
            "title": f"Supervisión de la obra (INFObras {code})",
            "nature": ["supervision"],
            "status": status,
            "suppliers": [supervisor],
            "contractValue": _value(w["supervisor_amount"]),
        }
        processes.append({"id": f"INFOBRAS-{code}-supervision", "summary": _drop_empty(summary)})
    return processes


#: The OECE process columns (``ContractingProcess``) and award columns (``ContractAward``).
OCDS_PROCESS_FIELDS = (
    "cui", "ocid", "tender_id", "title", "description", "method", "method_details", "category",
    "status", "estimated_amount", "currency", "tenderers", "published_on", "url",
)  # fmt: skip
OCDS_AWARD_FIELDS = (
    "ocid", "ruc", "supplier", "award_status", "award_amount", "contract_amount",
    "contract_currency", "period_start", "period_end", "amendments", "amendment_notes",
)  # fmt: skip
_NATURE_WORDS = (("SUPERVISION", "supervision"), ("EXPEDIENTE TECNICO", "design"))


def _ocds_process(p: dict, awards: Sequence[dict], parties: dict) -> dict:
    """One OECE process (OCDS) as a contracting process summary; its suppliers become parties."""
    suppliers = []
    for award in awards:
        if award["award_status"] in ("cancelled", "unsuccessful"):
            continue
        supplier = _supplier(parties, award["ruc"], award["supplier"], f"{p['ocid']}-proveedor")
        if supplier and supplier not in suppliers:
            suppliers.append(supplier)
    signed = [a for a in awards if a["contract_amount"] is not None]
    contract_value = None
    if signed and all((a["contract_currency"] or "PEN") == "PEN" for a in signed):
        contract_value = _value(sum(a["contract_amount"] for a in signed))
    starts = [a["period_start"] for a in awards if a["period_start"]]
    ends = [a["period_end"] for a in awards if a["period_end"]]
    text = f"{p['title'] or ''} {p['description'] or ''}".upper().translate(_ACCENTS)
    nature = ["construction"] if p["category"] == "works" else []
    nature += [code for word, code in _NATURE_WORDS if word in text and code not in nature]
    estimate = _value(p["estimated_amount"]) if (p["currency"] or "PEN") == "PEN" else None
    tender = {
        "procurementMethod": p["method"] if p["method"] in _METHODS else None,
        "procurementMethodDetails": p["method_details"],
        "datePublished": _datetime(p["published_on"]),
        "costEstimate": estimate,
        "numberOfTenderers": p["tenderers"],
    }
    summary = {
        "ocid": p["ocid"],
        "externalReference": p["tender_id"],
        "nature": nature,
        "title": p["title"],
        "description": p["description"],
        "status": "active" if suppliers else "pre-award",
        "tender": _drop_empty(tender),
        "suppliers": suppliers,
        "contractValue": contract_value,
        "contractPeriod": _drop_empty(
            {
                "startDate": _datetime(min(starts, default=None)),
                "endDate": _datetime(max(ends, default=None)),
            }
        ),
        "modifications": _ocds_modifications(awards),
        "documents": [
            {"id": "oece-ocds", "title": "Registro OCDS del proceso (OECE)", "url": p["url"]}
        ]
        if p["url"]
        else [],
    }
    return {"id": p["ocid"], "summary": _drop_empty(summary)}


_METHODS = ("open", "selective", "limited", "direct")


def _ocds_modifications(awards: Sequence[dict]) -> list[dict]:
    """Each published contract amendment, typed by its words where they say (plazo, monto)."""
    modifications = []
    for award in awards:
        notes = (award["amendment_notes"] or "").splitlines()
        for number in range(award["amendments"] or 0):
            note = notes[number] if number < len(notes) else ""
            words = note.upper().translate(_ACCENTS)
            kind = "duration" if "PLAZO" in words else None
            if kind is None and any(w in words for w in ("ADICIONAL", "DEDUCTIVO", "MONTO")):
                kind = "value"
            modification = {
                "id": f"{award['ruc'] or 'proveedor'}-{number + 1}",
                "description": note or None,
                "type": kind,
            }
            modifications.append(_drop_empty(modification))
    return modifications


def _supplier(parties: dict, ruc: str | None, name: str | None, local_id: str) -> dict | None:
    """A company of INFObras as a ``supplier`` party (id by RUC), returned as a reference."""
    name = (name or "").strip().rstrip(":").strip()
    if not name and not ruc:
        return None
    party_id = f"PE-RUC-{ruc}" if ruc else f"INFOBRAS-{local_id}"
    party = parties.setdefault(party_id, {"id": party_id, "name": name or ruc, "roles": []})
    if ruc:
        identifier = {"scheme": "PE-RUC", "id": ruc, "legalName": name}
        party.setdefault("identifier", _drop_empty(identifier))
    if "supplier" not in party["roles"]:
        party["roles"].append("supplier")
    return {"id": party_id, "name": party["name"]}


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
    location["address"] = _drop_empty(
        {"region": department or None, "countryName": "Perú"}
    )
    return _drop_empty(location)


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
        procurements = _procurements(session, cuis, ContractingProcess, ContractAward)
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


def _procurements(session, cuis: list[str], process_model, award_model) -> dict[str, list]:
    """CUI → [(process, [awards])] of the OECE processes of a batch of investments, by date."""
    from sqlalchemy import select

    columns = [getattr(process_model, name) for name in OCDS_PROCESS_FIELDS]
    rows = session.execute(
        select(*columns)
        .where(process_model.cui.in_(cuis))
        .order_by(process_model.cui, process_model.published_on, process_model.ocid)
    )
    found: dict[str, list] = {}
    by_ocid: dict[str, list] = {}
    for row in rows:
        process = dict(zip(OCDS_PROCESS_FIELDS, row, strict=True))
        awards: list[dict] = []
        by_ocid[process["ocid"]] = awards
        found.setdefault(process["cui"], []).append((process, awards))
    if by_ocid:
        award_columns = [getattr(award_model, name) for name in OCDS_AWARD_FIELDS]
        for row in session.execute(
            select(*award_columns)
            .where(award_model.ocid.in_(list(by_ocid)))
            .order_by(award_model.ocid, award_model.position)
        ):
            by_ocid[row[0]].append(dict(zip(OCDS_AWARD_FIELDS, row, strict=True)))
    return found


_BATCH = 1000


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
