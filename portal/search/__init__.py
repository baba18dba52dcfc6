"""Full-text search (issue: search). The rest of the code never imports whoosh."""


def init_app(app) -> None:
    from portal.search.views import bp

    app.register_blueprint(bp)
