"""Being found (issue 15): /sitemap.xml, /robots.txt and the favicon."""


def init_app(app) -> None:
    from portal.discovery.views import bp

    app.register_blueprint(bp)
