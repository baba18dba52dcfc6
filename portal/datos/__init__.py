"""Dated downloads (issue 15): /datos and the files the import writes under /datos/<day>/."""


def init_app(app) -> None:
    from portal.datos.snapshot import write_after_import
    from portal.datos.views import bp

    app.register_blueprint(bp)
    app.extensions.setdefault("portal.after_import", []).append(write_after_import(app))
