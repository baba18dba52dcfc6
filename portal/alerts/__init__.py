"""Follow an investment, a place or a search: Atom feeds and email digests (issue: alerts)."""

import click
from flask import current_app
from flask.cli import with_appcontext


def init_app(app) -> None:
    from portal.alerts.views import bp, follow_rate_limited
    from portal.complaints import csrf
    from portal.complaints.antispam import answer_rate_limit_with, limit_per_email

    app.register_blueprint(bp)
    # These forms carry no session: following needs only an address (and its emailed link), and
    # the unsubscribe POST comes from mail providers without cookies (RFC 8058). A token would only
    # force a session cookie on every investment page; the secret links are the protection.
    for endpoint in ("alerts.follow", "alerts.unsubscribe", "alerts.manage"):
        csrf.exempt(app.view_functions[endpoint])
    limiter = app.extensions["portal.limiter"]
    app.view_functions["alerts.follow"] = limiter.limit(
        lambda: current_app.config["PORTAL_RATELIMIT_FOLLOW"], methods=["POST"]
    )(app.view_functions["alerts.follow"])
    limit_per_email(app, "alerts.follow", "PORTAL_RATELIMIT_FOLLOW_EMAIL")
    answer_rate_limit_with(app, "alerts.follow", follow_rate_limited)
    app.cli.add_command(send_alerts_command)

    def send_alerts_after_import() -> None:
        """After a successful import (and the search reindex): tell the followers."""
        _send_alerts(app)

    app.extensions.setdefault("portal.after_import", []).append(send_alerts_after_import)


def _send_alerts(app) -> int:
    from portal.alerts.digests import mail_context, send_alerts
    from portal.complaints.outbox import deliver_pending
    from portal.db import session_scope

    with app.app_context(), mail_context(app):
        with session_scope() as session:
            queued = send_alerts(session)
        if queued and app.config["PORTAL_MAIL_MODE"] == "smtp":
            try:
                with session_scope() as session:
                    deliver_pending(session, app.config)
            except OSError:
                app.logger.warning("Alerts: SMTP server unavailable; digests stay queued")
    return queued


@click.command("send-alerts")
@with_appcontext
def send_alerts_command() -> None:
    """Queue (and in SMTP mode send) one digest per follower with what changed since the last."""
    from portal.alerts.digests import base_url_warning

    warning = base_url_warning()
    if warning:
        click.echo(warning, err=True)
    queued = _send_alerts(current_app._get_current_object())
    click.echo(f"{queued} digest(s) queued.")
