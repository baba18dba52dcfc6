"""Where the gaps are (/brechas): investment per inhabitant beside each district's poverty."""


def init_app(app) -> None:
    from portal.gaps.views import bp

    app.register_blueprint(bp)
