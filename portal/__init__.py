"""Vigía: citizen oversight of public investments. ``create_app`` builds and wires, nothing else."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from portal import (
        alerts,
        api,
        cli,
        complaints,
        compression,
        cycle,
        datos,
        db,
        discovery,
        gaps,
        errors,
        glossary,
        health,
        i18n,
        maps,
        navigation,
        operations,
        page_cache,
        search,
        security,
        sharing,
    )
    from portal.config import load_config
    from portal.importer.views import bp as importer_bp
    from portal.investments import labels
    from portal.investments.figures_store import precompute_after_import
    from portal.investments.views import bp as investments_bp

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    operations.init_app(app)
    db.init_app(app)
    page_cache.init_app(app)
    compression.init_app(app)
    i18n.init_app(app, ROOT / "translations")
    security.init_app(app)
    errors.init_app(app)
    labels.init_app(app)
    navigation.init_app(app)
    app.register_blueprint(investments_bp)
    # First of the after-import hooks: the pages' figures are ready before the slower ones run.
    app.extensions.setdefault("portal.after_import", []).append(precompute_after_import(app))
    app.register_blueprint(importer_bp)
    health.init_app(app)
    search.init_app(app)
    maps.init_app(app)
    complaints.init_app(app)
    alerts.init_app(app)
    discovery.init_app(app)
    api.init_app(app)
    datos.init_app(app)
    sharing.init_app(app)
    cycle.init_app(app)
    glossary.init_app(app)
    gaps.init_app(app)
    cli.init_app(app)
    return app
