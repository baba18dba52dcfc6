"""Words for the OCDS codes a contracting process carries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: tender.procurementMethod (OCDS codelist), beside OECE's own name of the method.
METHOD_LABELS = {
    "open": _l("procedimiento abierto: cualquier proveedor puede presentar oferta"),
    "selective": _l("procedimiento selectivo: solo los proveedores precalificados ofertan"),
    "limited": _l("procedimiento limitado: la entidad invita a proveedores escogidos"),
    "direct": _l("contratación directa: sin competencia entre proveedores"),
}
#: tender.mainProcurementCategory.
CATEGORY_LABELS = {
    "goods": _l("bienes"),
    "works": _l("obras"),
    "services": _l("servicios"),
}
#: awards[].status and contracts[].status that change how an award reads.
AWARD_STATUS_LABELS = {
    "pending": _l("pendiente"),
    "active": _l("vigente"),
    "cancelled": _l("cancelada"),
    "unsuccessful": _l("desierta"),
    "terminated": _l("terminado"),
}


def init_app(app) -> None:
    from flask import current_app

    from portal.contracts.queries import as_dates, main_contractor
    from portal.contracts.signals import (
        NOT_COMPUTED_LABELS,
        SIGNAL_LABELS,
        SignalThresholds,
        process_signals,
    )

    def contract_signals(views) -> dict[str, list]:
        """The risk signals of each process (by ocid): Cardinal's stored, then Vigía's rule."""
        thresholds = SignalThresholds.from_config(current_app.config)
        return {v.process.ocid: process_signals(v, thresholds) for v in views}

    app.jinja_env.globals.update(
        main_contractor=main_contractor,
        contract_dates=as_dates,
        METHOD_LABELS=METHOD_LABELS,
        CATEGORY_LABELS=CATEGORY_LABELS,
        AWARD_STATUS_LABELS=AWARD_STATUS_LABELS,
        contract_signals=contract_signals,
        SIGNAL_LABELS=SIGNAL_LABELS,
        NOT_COMPUTED_LABELS=NOT_COMPUTED_LABELS,
    )
