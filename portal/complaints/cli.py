"""``portal create-admin``, ``portal purge-personal-data``, ``portal send-mail`` and
``portal send-followups``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import session_scope


@click.command("create-admin")
@click.argument("email")
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_admin(email: str, password: str) -> None:
    """Create a moderator for /admin (or reset their password)."""
    from portal.complaints.accounts import create_moderator

    with session_scope() as session:
        try:
            create_moderator(session, email, password)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--password") from None
    click.echo(f"Moderator {email} can now log in at /admin.")


@click.command("purge-personal-data")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, metavar="DAYS")
@with_appcontext
def purge_personal_data(days: int) -> None:
    """Remove contact data of observations closed, and subscriptions ended or never confirmed,
    more than DAYS days ago; and photos of forms never sent, after a day."""
    from portal.alerts.subscriptions import purge_subscriptions
    from portal.complaints.photos import purge_pending
    from portal.complaints.retention import purge_personal_data as purge
    from portal.complaints.uploads import upload_dir

    with session_scope() as session:
        count = purge(session, days)
        addresses = purge_subscriptions(session, days)
    forms = purge_pending(upload_dir())
    click.echo(f"Personal data removed from {count} closed observation(s).")
    click.echo(f"{addresses} email address(es) with no live subscription deleted.")
    click.echo(f"Photos of {forms} observation form(s) never sent deleted.")


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Queue the due follow-up questions, then send the outbox's pending emails over SMTP
    (run every few minutes from cron)."""
    from portal.complaints.outbox import deliver_pending

    asked = _queue_followups()
    with session_scope() as session:
        sent = deliver_pending(session, current_app.config)
    click.echo(f"{asked} follow-up question(s) queued.")
    click.echo(f"{sent} email(s) sent.")


@click.command("send-followups")
@with_appcontext
def send_followups() -> None:
    """Ask by email the senders answered PORTAL_OBSERVATION_FOLLOWUP_DAYS ago whether the
    problem was resolved (once per reply; ``send-mail`` does this too)."""
    click.echo(f"{_queue_followups()} follow-up question(s) queued.")


def _queue_followups() -> int:
    from portal.alerts.digests import mail_context
    from portal.complaints.sender import queue_followups
    from portal.complaints.views import status_url

    app = current_app._get_current_object()
    with mail_context(app), session_scope() as session:
        return queue_followups(
            session, status_url, int(app.config["PORTAL_OBSERVATION_FOLLOWUP_DAYS"])
        )
