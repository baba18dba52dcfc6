"""Risk signals of a contracting process as the pages show them: where to look more closely,
never an accusation.

- R018 single bid in a competitive procedure and R003 short submission period: the Open
  Contracting Partnership's Cardinal indicators, computed by the import on the merged releases and
  stored with the process (``portal/contracts/cardinal.py``, settings in ``cardinal.ini``);
- R024 and R058 (bid-price outliers): Cardinal's, listed on ``/metodologia`` as not computable,
  because OECE publishes no bids;
- ``sobre_estimado``: Vigía's own rule, not a Cardinal indicator (Cardinal has none comparing the
  amount awarded with the estimate), computed when the page is drawn from the stored amounts.

Each is explained on ``/metodologia`` with its code, rule and threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.contracts.cardinal import SHORT_PERIOD, SINGLE_BID, CardinalSettings
from portal.contracts.queries import ProcessView

ABOVE_ESTIMATE = "sobre_estimado"
SIGNAL_LABELS = {
    SINGLE_BID: _l("Un solo postor en un procedimiento competitivo"),
    SHORT_PERIOD: _l("Plazo corto para presentar ofertas"),
    ABOVE_ESTIMATE: _l("Adjudicado muy por encima del valor estimado"),
}
#: Cardinal's indicators that the OECE data do not allow (no bids are published).
NOT_COMPUTED_LABELS = {
    "R024": _l("Precio muy cercano a la oferta ganadora"),
    "R058": _l("Oferta ganadora con un descuento muy grande"),
}
#: Awards that did not go ahead do not count towards the amount awarded.
_NOT_AWARDED = {"cancelled", "unsuccessful"}


@dataclass(frozen=True)
class SignalThresholds:
    """The threshold of Vigía's own rule (Cardinal's are in ``cardinal.ini``)."""

    above_estimate_percent: int = 10

    @classmethod
    def from_config(cls, config: Mapping) -> SignalThresholds:
        return cls(
            above_estimate_percent=int(config.get("PORTAL_CONTRACT_ABOVE_ESTIMATE_PERCENT", 10))
        )


@dataclass(frozen=True)
class Signal:
    """One signal a process raises: its code and what was measured, in words."""

    code: str
    detail: str


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


def _stored_detail(code: str, observed: int | None, threshold: int | None) -> str:
    if code == SHORT_PERIOD and observed is not None and threshold is not None:
        return _(
            "%(days)d días para presentar ofertas; el umbral es de menos de %(threshold)d días",
            days=observed,
            threshold=threshold,
        )
    return _("una sola oferta")


def process_signals(view: ProcessView, thresholds: SignalThresholds) -> list[Signal]:
    """The signals of a process: Cardinal's stored by the import, then Vigía's own rule."""
    found = [
        Signal(s.code, _stored_detail(s.code, s.observed, s.threshold))
        for s in view.signals
        if s.code in SIGNAL_LABELS
    ]
    p = view.process
    awarded = awarded_amount(view)
    if p.estimated_amount and p.estimated_amount > 0 and awarded is not None:
        limit = p.estimated_amount * (1 + Decimal(thresholds.above_estimate_percent) / 100)
        if awarded > limit:
            over = format_decimal((awarded / p.estimated_amount - 1) * 100, format="#,##0.0")
            detail = _(
                "%(over)s %% sobre el estimado; el umbral es de más de %(percent)d %%",
                over=over,
                percent=thresholds.above_estimate_percent,
            )
            found.append(Signal(ABOVE_ESTIMATE, detail))
    return found


def explain_signal(code: str, cardinal: CardinalSettings, thresholds: SignalThresholds) -> str:
    """The rule of a signal in words, with its threshold (``/metodologia``)."""
    if code == SINGLE_BID:
        methods = ", ".join(f"«{m}»" for m in sorted(cardinal.single_bid_methods or ()))
        return _(
            "El procedimiento es competitivo (tender.procurementMethod %(methods)s: cualquier "
            "proveedor, o cualquier precalificado, puede ofertar) y se presentó una sola oferta "
            "(tender.numberOfTenderers = 1). Un proceso que no publica su método no se evalúa.",
            methods=methods,
        )
    if code == SHORT_PERIOD:
        return _(
            "Entre el inicio y el fin del plazo para presentar ofertas (tender.tenderPeriod) "
            "pasaron menos de %(days)d días completos. Cardinal sugiere 15 días; Vigía usa un "
            "solo umbral de %(days)d para todos los métodos. Un plazo que termina en el mismo "
            "momento en que empieza no se cuenta: así deja OECE un plazo que no publica (y así "
            "están todos los procesos reales que hemos revisado), de modo que esta señal casi "
            "nunca aparece con los datos actuales de OECE.",
            days=cardinal.short_period_days or 0,
        )
    if code == ABOVE_ESTIMATE:
        return _(
            "La suma de lo adjudicado supera el valor estimado del proceso en más de "
            "%(percent)d %%. Regla propia de Vigía, no un indicador de Cardinal: Cardinal no "
            "compara lo adjudicado con lo estimado.",
            percent=thresholds.above_estimate_percent,
        )
    if code == "R024":
        return _(
            "Compara la oferta ganadora con la segunda oferta válida más baja y marca las "
            "diferencias atípicamente pequeñas (por debajo de Q1 − 1,5 × IQR de todas las "
            "diferencias del archivo leído). No se calcula: OECE no publica las ofertas "
            "presentadas (bids.details), por muchos procesos que se lean."
        )
    return _(
        "Compara la oferta ganadora con la segunda oferta válida más baja y marca las "
        "diferencias atípicamente grandes (por encima de Q3 + 1,5 × IQR de todas las diferencias "
        "del archivo leído). No se calcula: OECE no publica las ofertas presentadas "
        "(bids.details), por muchos procesos que se lean."
    )
