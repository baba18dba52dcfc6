"""One merged OECE process (OCDS compiled release) as our records: the contracting process, one
award row per supplier and contract, with amounts, Lima days and amendments as published, and the
risk signals Cardinal's indicators raise on it (``portal/contracts/cardinal.py``).

Apart from the reading (``oece_ocds``) and the join (``oece_ocds_join``): a new column of
``ContractingProcess`` or ``ContractAward`` is filled here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from portal.contracts.cardinal import signal_records
from portal.contracts.models import ContractAward, ContractingProcess
from portal.importer.sources import Record, clean_text
from portal.importer.sources.oece_ocds_join import Link, dicts

#: The official record of a process: the OCDS release package OECE serves for it.
RECORD_URL = "https://contratacionesabiertas.oece.gob.pe/api/v1/release/{system}/{tender_id}"
LIMA = ZoneInfo("America/Lima")


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_text(value)


def _amount(value) -> tuple[Decimal | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    amount = value.get("amount")
    currency = value.get("currency") if isinstance(value.get("currency"), str) else None
    if isinstance(amount, bool) or amount is None:
        return None, currency
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        return None, currency
    if not number.is_finite() or abs(number) >= Decimal("1e14"):
        return None, currency
    return number.quantize(Decimal("0.01")), currency


def _date(value) -> dt.date | None:
    """An OCDS date-time as Lima's calendar day ('2025-09-02T17:34:00-05:00' → 2025-09-02)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LIMA)
    return moment.date()


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal) and value == int(value) and 0 <= value < 100_000:
        return int(value)
    return None


def _supplier_ids(release: dict) -> dict[str, tuple[str | None, str | None]]:
    """Party id → (identifier as published, its scheme), e.g. 'PE-RUC-1704841' → ('1704841', …)."""
    found = {}
    for party in dicts(release.get("parties")):
        identifier = party.get("identifier")
        if isinstance(party.get("id"), str) and isinstance(identifier, dict):
            code = identifier.get("id")
            code = str(code) if isinstance(code, str | int) else None
            found[party["id"]] = (code, _text(identifier.get("scheme")))
    return found


def _published_id(supplier: dict, parties: dict) -> tuple[str | None, str | None]:
    party_id = supplier.get("id")
    if not isinstance(party_id, str):
        return None, None
    code, scheme = parties.get(party_id, (None, None))
    if code:
        return code.strip(), scheme
    if party_id.startswith("PE-RUC-"):
        return party_id.removeprefix("PE-RUC-"), "PE-RUC"
    return party_id, None


def record_url(ocid: str, tender_id: str | None) -> str | None:
    """The official record: OECE's release package of the process (seace_v2 or seace_v3)."""
    system = re.match(r"ocds-dgv273-seacev(\d)-", ocid)
    if system is None or not tender_id:
        return None
    return RECORD_URL.format(system=f"seace_v{system.group(1)}", tender_id=tender_id)


def parse_process(compiled: dict, link: Link) -> list[Record]:
    """The records of one merged process linked to an investment: the process and its awards."""
    ocid = compiled.get("ocid")
    if not isinstance(ocid, str) or not ocid:
        raise ValueError("a release without ocid")
    tender = compiled.get("tender") if isinstance(compiled.get("tender"), dict) else {}
    tender_id = tender.get("id")
    tender_id = str(tender_id) if isinstance(tender_id, str | int) else None
    estimated, currency = _amount(tender.get("value"))
    if estimated is None:
        planning = compiled.get("planning")
        budget = planning.get("budget") if isinstance(planning, dict) else None
        estimated, currency = _amount(budget.get("amount") if isinstance(budget, dict) else None)
    tender_period = (
        tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    )
    tenderers = _int(tender.get("numberOfTenderers"))
    if tenderers is None and isinstance(tender.get("tenderers"), list):
        tenderers = len(dicts(tender["tenderers"])) or None
    buyer = compiled.get("buyer") if isinstance(compiled.get("buyer"), dict) else {}
    process = {
        "ocid": ocid,
        "cui": link.cui,
        "matched_by": link.matched_by,
        "match_text": link.match_text,
        "tender_id": tender_id,
        "title": _text(tender.get("title")),
        "description": _text(tender.get("description")),
        "buyer": _text(buyer.get("name")),
        "method": _text(tender.get("procurementMethod")),
        "method_details": _text(tender.get("procurementMethodDetails")),
        "category": _text(tender.get("mainProcurementCategory")),
        "status": _text(tender.get("status")),
        "estimated_amount": estimated,
        "currency": currency,
        "tenderers": tenderers,
        "published_on": _date(tender.get("datePublished")) or _date(tender_period.get("startDate")),
        "tender_end_on": _date(tender_period.get("endDate")),
        "updated_on": _date(compiled.get("date")),
        "url": record_url(ocid, tender_id),
    }
    records: list[Record] = [(ContractingProcess.__table__, process)]
    parties = _supplier_ids(compiled)
    contracts = dicts(compiled.get("contracts"))
    position = 0
    for award in dicts(compiled.get("awards")):
        award_amount, award_currency = _amount(award.get("value"))
        signed = [c for c in contracts if c.get("awardID") == award.get("id")] or [None]
        for supplier in dicts(award.get("suppliers")):
            code, scheme = _published_id(supplier, parties)
            for contract in signed:
                position += 1
                records.append(
                    (
                        ContractAward.__table__,
                        {
                            "ocid": ocid,
                            "position": position,
                            "award_id": _text(str(award.get("id") or "")),
                            "ruc": code,
                            "scheme": scheme,
                            "supplier": _text(supplier.get("name")),
                            "award_status": _text(award.get("status")),
                            "award_amount": award_amount,
                            "award_currency": award_currency,
                            "awarded_on": _date(award.get("date")),
                        }
                        | _contract_fields(contract),
                    )
                )
    # Cardinal's red flags are read from the compiled release itself, not from our columns.
    records.extend(signal_records(compiled))
    return records


def _contract_fields(contract: dict | None) -> dict:
    if contract is None:
        return {"amendments": 0}
    amount, currency = _amount(contract.get("value"))
    period = contract.get("period") if isinstance(contract.get("period"), dict) else {}
    amendments = dicts(contract.get("amendments"))
    if isinstance(contract.get("amendment"), dict):
        amendments.append(contract["amendment"])
    notes = []
    for amendment in amendments:
        day = _date(amendment.get("date"))
        words = _text(amendment.get("rationale")) or _text(amendment.get("description"))
        notes.append(" — ".join(part for part in (day and day.isoformat(), words) if part))
    contract_id = contract.get("id")
    return {
        "contract_id": str(contract_id) if isinstance(contract_id, str | int) else None,
        "contract_title": _text(contract.get("title")),
        "contract_status": _text(contract.get("status")),
        "contract_amount": amount,
        "contract_currency": currency,
        "signed_on": _date(contract.get("dateSigned")),
        "period_start": _date(period.get("startDate")),
        "period_end": _date(period.get("endDate")),
        "amendments": len(amendments),
        "amendment_notes": "\n".join(note for note in notes if note) or None,
    }
