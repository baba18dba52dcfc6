"""Email through an outbox: every message is stored first; in ``smtp`` mode it is then sent.

Storing before sending means a message is only ever sent for data that was committed, and a
failed SMTP server delays mail instead of losing it (``portal send-mail`` retries).
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from email import policy
from email.message import EmailMessage

from flask import Flask, after_this_request, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.complaints.models import OutboxMessage

MAX_ATTEMPTS = 5


def queue_mail(session: Session, recipient: str, subject: str, body: str, observation_id=None):
    """Store a message for ``recipient``; it is sent by ``deliver_pending`` in SMTP mode."""
    message = OutboxMessage(
        observation_id=observation_id,
        recipient=recipient,
        subject=subject,
        body=body,
        created_at=dt.datetime.now(dt.UTC),
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message


def deliver_pending(session: Session, config) -> int:
    """Send unsent messages over SMTP; returns how many went. A no-op in ``store`` mode."""
    if config["PORTAL_MAIL_MODE"] != "smtp":
        return 0
    # skip_locked: a cron run and a request sending at the same moment never send twice
    # (PostgreSQL; SQLite has a single writer anyway).
    pending = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .with_for_update(skip_locked=True)
    ).all()
    if not pending:
        return 0
    sent = 0
    with _smtp_connection(config) as smtp:
        for message in pending:
            message.attempts += 1
            try:
                smtp.send_message(_email(message, config["PORTAL_MAIL_SENDER"]))
            except smtplib.SMTPException:
                continue
            message.sent_at = dt.datetime.now(dt.UTC)
            sent += 1
    session.flush()
    return sent


def send_after_response() -> None:
    """In SMTP mode, send the outbox once this request's response (and commit) is done.

    Sending after the response keeps the person from waiting on the mail server; what fails
    stays in the outbox for ``portal send-mail``.
    """
    if current_app.config["PORTAL_MAIL_MODE"] != "smtp":
        return
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        response.call_on_close(lambda: _deliver_in_background(app))
        return response


def _deliver_in_background(app: Flask) -> None:
    from portal.db import session_scope

    with app.app_context():
        try:
            with session_scope() as session:
                deliver_pending(session, app.config)
        except (OSError, smtplib.SMTPException):
            app.logger.warning("Outbox: SMTP server unavailable; mail stays queued", exc_info=True)


#: Long header lines are allowed up to RFC 5322's limit: a List-Unsubscribe URL cannot be folded,
#: and the default 78 would encode it (=?utf-8?q?…), which mail clients then fail to use.
MAIL_POLICY = policy.default.clone(max_line_length=998)


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    for name, value in json.loads(message.headers or "{}").items():
        email[name] = value
    email.set_content(message.body)
    return email


def _smtp_connection(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        config["PORTAL_MAIL_SMTP_HOST"], int(config["PORTAL_MAIL_SMTP_PORT"]), timeout=30
    )
    if str(config["PORTAL_MAIL_SMTP_STARTTLS"]).lower() not in ("0", "false", "no"):
        smtp.starttls()
    if config.get("PORTAL_MAIL_SMTP_USER"):
        smtp.login(config["PORTAL_MAIL_SMTP_USER"], config["PORTAL_MAIL_SMTP_PASSWORD"] or "")
    return smtp
