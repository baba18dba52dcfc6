"""The demo's invented investment: one record that every demo file shows from its own side."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from portal.demo import names

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


def random_span(rng: random.Random, lo: int, hi: int) -> timedelta:
    """A random span, to the second, so dates look like database timestamps."""
    return timedelta(days=rng.randint(lo, hi), seconds=rng.randint(0, 86399))
