"""The investments: their pages, places, units, figures and red flags."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal import page_cache
    from portal.investments import labels
    from portal.investments.models import Investment
    from portal.investments.precompute import precompute_after_import
    from portal.investments.views import bp

    labels.init_app(app)
    app.register_blueprint(bp)
    # First of the after-import hooks: the pages' figures are ready before the slower ones run.
    app.extensions.setdefault("portal.after_import", []).append(precompute_after_import(app))
    page_cache.watch(app, Investment.changed_at)
