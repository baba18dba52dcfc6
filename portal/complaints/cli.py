"""``portal create-admin``, ``portal purge-personal-data`` and ``portal send-mail``."""

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
    from portal.complaints.views import upload_dir

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
    """Send the outbox's pending emails over SMTP (run every few minutes from cron)."""
    from portal.complaints.outbox import deliver_pending

    with session_scope() as session:
        sent = deliver_pending(session, current_app.config)
    click.echo(f"{sent} email(s) sent.")
