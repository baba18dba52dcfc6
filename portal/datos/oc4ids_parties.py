"""The parties and contracting processes of an OC4IDS project: the executing unit as its public
authority, the companies (by RUC) as suppliers, and one contracting process per INFObras contract
(works, supervision) and per OECE process (OCDS), with the OECE processes read per batch.

Apart from the project itself (``oc4ids``): a new source of contracts plugs in here.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.datos.oc4ids_values import ACCENTS, drop_empty, money, timestamp


def public_authority(r: dict) -> tuple[dict, dict | None]:
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


_PROCESS_STATUS = {"FINALIZ": "closed", "EJECU": "active", "PARALIZ": "active"}


def infobras_processes(w: dict, parties: dict) -> list[dict]:
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
            "contractValue": money(w["contract_amount"]),
            "contractPeriod": drop_empty(
                {"startDate": timestamp(w["started_on"]), "endDate": timestamp(w["planned_end_on"])}
            ),
        }
        if w["rescheduled_end_on"] and w["rescheduled_end_on"] != w["planned_end_on"]:
            summary["modifications"] = [
                {
                    "id": "reprogramacion",
                    "type": "duration",
                    "description": "Término de obra reprogramado (INFObras).",
                    "oldContractPeriod": {"endDate": timestamp(w["planned_end_on"])},
                    "newContractPeriod": {"endDate": timestamp(w["rescheduled_end_on"])},
                }
            ]
        processes.append({"id": f"INFOBRAS-{code}-obra", "summary": drop_empty(summary)})
    supervisor = _supplier(parties, w["supervisor_ruc"], w["supervisor"], f"{code}-supervisor")
    if supervisor:
        summary = {
            "externalReference": code,
            "title": f"Supervisión de la obra (INFObras {code})",
            "nature": ["supervision"],
            "status": status,
            "suppliers": [supervisor],
            "contractValue": money(w["supervisor_amount"]),
        }
        processes.append({"id": f"INFOBRAS-{code}-supervision", "summary": drop_empty(summary)})
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


def ocds_process(p: dict, awards: Sequence[dict], parties: dict) -> dict:
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
        contract_value = money(sum(a["contract_amount"] for a in signed))
    starts = [a["period_start"] for a in awards if a["period_start"]]
    ends = [a["period_end"] for a in awards if a["period_end"]]
    text = f"{p['title'] or ''} {p['description'] or ''}".upper().translate(ACCENTS)
    nature = ["construction"] if p["category"] == "works" else []
    nature += [code for word, code in _NATURE_WORDS if word in text and code not in nature]
    estimate = money(p["estimated_amount"]) if (p["currency"] or "PEN") == "PEN" else None
    tender = {
        "procurementMethod": p["method"] if p["method"] in _METHODS else None,
        "procurementMethodDetails": p["method_details"],
        "datePublished": timestamp(p["published_on"]),
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
        "tender": drop_empty(tender),
        "suppliers": suppliers,
        "contractValue": contract_value,
        "contractPeriod": drop_empty(
            {
                "startDate": timestamp(min(starts, default=None)),
                "endDate": timestamp(max(ends, default=None)),
            }
        ),
        "modifications": _ocds_modifications(awards),
        "documents": [
            {"id": "oece-ocds", "title": "Registro OCDS del proceso (OECE)", "url": p["url"]}
        ]
        if p["url"]
        else [],
    }
    return {"id": p["ocid"], "summary": drop_empty(summary)}


_METHODS = ("open", "selective", "limited", "direct")


def _ocds_modifications(awards: Sequence[dict]) -> list[dict]:
    """Each published contract amendment, typed by its words where they say (plazo, monto)."""
    modifications = []
    for award in awards:
        notes = (award["amendment_notes"] or "").splitlines()
        for number in range(award["amendments"] or 0):
            note = notes[number] if number < len(notes) else ""
            words = note.upper().translate(ACCENTS)
            kind = "duration" if "PLAZO" in words else None
            if kind is None and any(w in words for w in ("ADICIONAL", "DEDUCTIVO", "MONTO")):
                kind = "value"
            modification = {
                "id": f"{award['ruc'] or 'proveedor'}-{number + 1}",
                "description": note or None,
                "type": kind,
            }
            modifications.append(drop_empty(modification))
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
        party.setdefault("identifier", drop_empty(identifier))
    if "supplier" not in party["roles"]:
        party["roles"].append("supplier")
    return {"id": party_id, "name": party["name"]}


def read_procurements(session, cuis: list[str], process_model, award_model) -> dict[str, list]:
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
