"""Risk signals of a contracting process, from its own OCDS data: where to look more closely,
never an accusation.

Our own code (the OCP's ``ocdscardinal`` is not on PyPI for Python), following the definitions of
the Open Contracting Partnership's Cardinal where the data allow; each is explained on
``/metodologia`` with its code, rule and threshold:

- R018 (Cardinal) single bid received in an open procedure;
- R003 (Cardinal) short submission period: from publication to the end of the tender period;
- ``sobre_estimado`` (ours, not a Cardinal indicator) the amount awarded well above the estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.contracts.queries import ProcessView

SINGLE_BID = "R018"
SHORT_PERIOD = "R003"
ABOVE_ESTIMATE = "sobre_estimado"
SIGNAL_LABELS = {
    SINGLE_BID: _l("Un solo postor en un procedimiento abierto"),
    SHORT_PERIOD: _l("Plazo corto para presentar ofertas"),
    ABOVE_ESTIMATE: _l("Adjudicado muy por encima del valor estimado"),
}
#: Awards that did not go ahead do not count towards the amount awarded.
_NOT_AWARDED = {"cancelled", "unsuccessful"}


@dataclass(frozen=True)
class SignalThresholds:
    short_tender_days: int = 8
    above_estimate_percent: int = 10

    @classmethod
    def from_config(cls, config: Mapping) -> SignalThresholds:
        return cls(
            short_tender_days=int(config.get("PORTAL_CONTRACT_SHORT_TENDER_DAYS", 8)),
            above_estimate_percent=int(config.get("PORTAL_CONTRACT_ABOVE_ESTIMATE_PERCENT", 10)),
        )


def awarded_amount(view: ProcessView) -> Decimal | None:
    """The sum of the awards that went ahead, in the estimate's currency (None if none)."""
    currency = view.process.currency or "PEN"
    values = [
        a.award_amount
        for a in view.awards
        if a.award_amount is not None
        and a.award_status not in _NOT_AWARDED
        and (a.award_currency or "PEN") == currency
    ]
    return sum(values, Decimal(0)) if values else None


def process_signals(view: ProcessView, thresholds: SignalThresholds) -> list[str]:
    """The codes of the signals a process raises (SIGNAL_LABELS order); missing data raise none."""
    p = view.process
    codes = []
    if p.method == "open" and p.tenderers == 1:
        codes.append(SINGLE_BID)
    if p.published_on and p.tender_end_on:
        days = (p.tender_end_on - p.published_on).days
        # A period that ends the day it starts is how OECE leaves it unknown: no signal.
        if 1 <= days < thresholds.short_tender_days:
            codes.append(SHORT_PERIOD)
    awarded = awarded_amount(view)
    if p.estimated_amount and p.estimated_amount > 0 and awarded is not None:
        limit = p.estimated_amount * (1 + Decimal(thresholds.above_estimate_percent) / 100)
        if awarded > limit:
            codes.append(ABOVE_ESTIMATE)
    return codes


def count_signals(views: list[ProcessView], thresholds: SignalThresholds) -> int:
    """Signals raised by all the processes of an investment."""
    return sum(len(process_signals(v, thresholds)) for v in views)


def explain_signal(code: str, thresholds: SignalThresholds) -> str:
    """The rule of a signal in words, with its threshold (``/metodologia``)."""
    rules = {
        SINGLE_BID: _(
            "El procedimiento es abierto (procurementMethod «open»: cualquier proveedor puede "
            "ofertar) y se presentó una sola oferta (numberOfTenderers = 1). Indicador R018 de "
            "Cardinal (Open Contracting Partnership)."
        ),
        SHORT_PERIOD: _(
            "Entre la publicación de la convocatoria y el fin del plazo para presentar ofertas "
            "(tender.tenderPeriod.endDate) pasaron menos de %(days)d días. Indicador R003 de "
            "Cardinal, con un solo umbral para todos los métodos. Un plazo que termina el mismo "
            "día en que empieza no se cuenta: así deja OECE un plazo que no publica.",
            days=thresholds.short_tender_days,
        ),
        ABOVE_ESTIMATE: _(
            "La suma de lo adjudicado supera el valor estimado del proceso en más de "
            "%(percent)d %%. Regla de Vigía, no un indicador de Cardinal.",
            percent=thresholds.above_estimate_percent,
        ),
    }
    return rules[code]
