"""Who builds it: contracting processes from OECE's open-contracting publication (OCDS), joined to
the investments by CUI, and the suppliers that won them (``/contratistas/<RUC>``)."""

from __future__ import annotations


def init_app(app) -> None:
    from portal.contracts import labels
    from portal.contracts.views import bp

    labels.init_app(app)
    app.register_blueprint(bp)
