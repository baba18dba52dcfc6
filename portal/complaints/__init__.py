"""Citizens' observations and complaints, with moderation (issue: observations).

``init_app`` also turns on CSRF protection for the whole site: every POST form needs its token.
The observation form checks its own token (FlaskForm) instead, so an expired page comes back
with everything typed and every photo kept, and a clear "the page expired" beside it.
"""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()


def init_app(app) -> None:
    from portal import page_cache
    from portal.complaints import cli, labels
    from portal.complaints.antispam import (
        accepted,
        answer_rate_limit_with,
        init_limiter,
        limit_per_email,
    )
    from portal.complaints.models import AuditEntry, Observation, ObservationEvent
    from portal.complaints.moderation import bp as admin_bp
    from portal.complaints.photos import enable_heic
    from portal.complaints.views import bp, rate_limited_form

    enable_heic()
    # A published observation, a moderator's action or a purge of an author's personal data
    # changes public pages (the investment's observations, the moderation counts).
    page_cache.watch(
        app, ObservationEvent.id, AuditEntry.id, Observation.personal_data_purged_at
    )
    csrf.init_app(app)
    csrf.exempt("portal.complaints.views.new")
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.extensions["portal.limiter"] = init_limiter(
        app,
        {
            "complaints.new": "PORTAL_RATELIMIT_OBSERVATIONS",
            "admin.login": "PORTAL_RATELIMIT_LOGIN",
        },
    )
    limit_per_email(app, "complaints.new", "PORTAL_RATELIMIT_OBSERVATIONS_EMAIL", accepted)
    answer_rate_limit_with(app, "complaints.new", rate_limited_form)
    app.jinja_env.globals.update(
        OBSERVATION_CATEGORIES=labels.CATEGORY_LABELS,
        OBSERVATION_STATUSES=labels.STATUS_LABELS,
        OBSERVATION_ROUTES=labels.ROUTE_LABELS,
        OBSERVATION_EVENTS=labels.EVENT_LABELS,
        SENDER_ANSWERS=labels.SENDER_ANSWER_LABELS,
    )
    for command in (cli.create_admin, cli.purge_personal_data, cli.send_mail, cli.send_followups):
        app.cli.add_command(command)
