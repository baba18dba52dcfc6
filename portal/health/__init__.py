"""Health and readiness for load balancers and orchestrators (issue 14)."""


def init_app(app) -> None:
    from portal.health.views import bp

    app.register_blueprint(bp)
