"""Comités de vigilancia: who they are, how members sign in, their page and report (issue 22)."""

from flask import current_app


def init_app(app) -> None:
    from portal.committees import cli, models  # noqa: F401  (the tables, for the observations' FK)
    from portal.committees.admin import bp as admin_bp
    from portal.committees.views import bp, member_context

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.context_processor(member_context)
    limiter = app.extensions["portal.limiter"]
    app.view_functions["committees.sign_in"] = limiter.limit(
        lambda: current_app.config["PORTAL_RATELIMIT_SIGN_IN"], methods=["POST"]
    )(app.view_functions["committees.sign_in"])
    app.cli.add_command(cli.create_committee)
