"""The investment cycle (/ciclo): where each unit's investments are stuck, and for how long."""


def init_app(app) -> None:
    from portal.cycle.views import bp

    app.register_blueprint(bp)
