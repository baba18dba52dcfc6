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
        committees,
        complaints,
        compression,
        contracts,
        cycle,
        datos,
        db,
        discovery,
        errors,
        gaps,
        glossary,
        health,
        i18n,
        importer,
        investments,
        maps,
        navigation,
        operations,
        page_cache,
        search,
        security,
        sharing,
    )
    from portal.config import load_config

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
    navigation.init_app(app)
    investments.init_app(app)
    importer.init_app(app)
    health.init_app(app)
    search.init_app(app)
    maps.init_app(app)
    complaints.init_app(app)
    contracts.init_app(app)
    alerts.init_app(app)
    committees.init_app(app)
    discovery.init_app(app)
    api.init_app(app)
    datos.init_app(app)
    sharing.init_app(app)
    cycle.init_app(app)
    glossary.init_app(app)
    gaps.init_app(app)
    cli.init_app(app)
    return app
