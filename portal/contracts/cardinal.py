"""The Open Contracting Partnership's Cardinal red flags, computed by the import on each merged
OECE process (its OCDS compiled release) and stored with it (``ContractSignal``).

Cardinal (https://cardinal.readthedocs.io) is Rust; its Python package ``ocdscardinal`` (0.0.8,
the newest on PyPI) exposes only ``coverage()``, not the indicators, and its command line is
published on crates.io and GitHub, not on PyPI. So the indicators the OECE data allow are
computed here, rule for rule as Cardinal's documentation and source define them, with the
settings in Cardinal's own INI format (``cardinal.ini`` beside this file), which Cardinal's command
line reads as is: ``ocdscardinal indicators --settings portal/contracts/cardinal.ini FILE``.

- R003 short submission period: ``tender.tenderPeriod`` end minus start, in whole days, below
  the threshold. Vigía's one departure: a period that ends when it starts is how OECE leaves the
  period unknown (all 24 real processes of tests/fixtures and shared/data have one), so it raises
  nothing — Cardinal would flag every OECE process.
- R018 single bid: ``tender.numberOfTenderers`` is 1 in a competitive procedure.
- R024 and R058 (bid-price outliers) compare the winning bid with the second-lowest valid bid
  across the processes of the file (quartiles of ``bids.details``): OECE publishes no bids, so
  they cannot be computed, whatever the number of processes read.

Per Cardinal, a cancelled process (``tender.status``) raises no signal, and a process whose method
is not among an indicator's ``procurement_methods`` is not assessed by it.
"""

from __future__ import annotations

import configparser
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from portal.contracts.models import ContractSignal

SETTINGS = Path(__file__).with_name("cardinal.ini")
SHORT_PERIOD = "R003"
SINGLE_BID = "R018"
#: Cardinal's indicators that need the bids of each process, which OECE does not publish.
NEEDS_BIDS = ("R024", "R058")


@dataclass(frozen=True)
class CardinalSettings:
    """The indicators enabled (a section each, as in Cardinal) and their settings."""

    short_period_days: int | None = 15
    short_period_methods: frozenset[str] = frozenset()
    single_bid_methods: frozenset[str] | None = frozenset({"open", "selective"})

    @classmethod
    def read(cls, text: str) -> CardinalSettings:
        """Settings from the text of a Cardinal INI file; Cardinal's default where one is unset."""
        parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
        parser.read_string(text)
        r003 = parser["R003"] if parser.has_section("R003") else None
        r018 = parser["R018"] if parser.has_section("R018") else None
        return cls(
            short_period_days=None if r003 is None else r003.getint("threshold", 15),
            short_period_methods=_methods(r003, ""),
            single_bid_methods=None if r018 is None else _methods(r018, "open|selective"),
        )


def _methods(section, default: str) -> frozenset[str]:
    text = default if section is None else section.get("procurement_methods", default)
    return frozenset(method for method in text.split("|") if method)


@functools.cache
def bundled_settings() -> CardinalSettings:
    """The settings kept in the repository (``cardinal.ini``), read once."""
    return CardinalSettings.read(SETTINGS.read_text(encoding="utf-8"))


def _method_matches(tender: dict, methods: frozenset[str]) -> bool:
    # Cardinal: an empty list assesses every process; otherwise the method must be published.
    return not methods or tender.get("procurementMethod") in methods


def _moment(value) -> dt.datetime | None:
    """An RFC 3339 date-time with its offset, as Cardinal reads it (none without an offset)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _short_period(tender: dict, settings: CardinalSettings) -> dict | None:
    if settings.short_period_days is None or not _method_matches(
        tender, settings.short_period_methods
    ):
        return None
    period = tender.get("tenderPeriod")
    if not isinstance(period, dict):
        return None
    start, end = _moment(period.get("startDate")), _moment(period.get("endDate"))
    if start is None or end is None or end <= start:
        return None
    # Whole days, truncated as Cardinal's chrono ``num_days`` does.
    days = int((end - start).total_seconds() // 86400)
    if days >= settings.short_period_days:
        return None
    return {"code": SHORT_PERIOD, "observed": days, "threshold": settings.short_period_days}


def _single_bid(tender: dict, settings: CardinalSettings) -> dict | None:
    methods = settings.single_bid_methods
    if methods is None or not _method_matches(tender, methods):
        return None
    tenderers = tender.get("numberOfTenderers")
    # Cardinal reads an unsigned JSON integer: 1.0, "1" or true raise nothing.
    if type(tenderers) is not int or tenderers != 1:
        return None
    return {"code": SINGLE_BID, "observed": 1, "threshold": None}


def process_signals(compiled: dict, settings: CardinalSettings | None = None) -> list[dict]:
    """The ``contract_signals`` rows of one compiled release: one per indicator raised."""
    settings = settings or bundled_settings()
    ocid = compiled.get("ocid")
    tender = compiled.get("tender")
    if not isinstance(ocid, str) or not isinstance(tender, dict):
        return []
    if tender.get("status") == "cancelled":
        return []
    raised = (_single_bid(tender, settings), _short_period(tender, settings))
    return [{"ocid": ocid, "value": 1.0} | signal for signal in raised if signal is not None]


def signal_records(compiled: dict) -> list[tuple]:
    """The signals of a process as importer records (table, row)."""
    return [(ContractSignal.__table__, row) for row in process_signals(compiled)]
