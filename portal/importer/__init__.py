"""The nightly import of the published files: sources, staging, the swap, the run's report."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal import page_cache
    from portal.importer.metrics import ImportCollector
    from portal.importer.models import ImportRun
    from portal.importer.views import bp
    from portal.operations import metrics

    app.register_blueprint(bp)
    page_cache.watch(app, ImportRun.id)
    metrics.add_collector(app, ImportCollector)
