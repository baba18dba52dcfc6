"""Citizens' observations and complaints, with moderation (issue: observations)."""


def init_app(app) -> None:
    from portal.complaints.views import bp

    app.register_blueprint(bp)
