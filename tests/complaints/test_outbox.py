"""Emails: stored in the outbox in development; sent over SMTP in production, retried on failure."""

import smtplib

from obs_helpers import post_observation
from sqlalchemy import select

from portal.complaints.models import OutboxMessage
from portal.db import session_scope


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would leave the server."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if FakeSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({})
        FakeSMTP.sent.append(message)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_store_mode_keeps_the_receipt_without_sending(app, client, runner, investment):
    post_observation(client)
    result = runner.invoke(args=["send-mail"])
    assert "0 email(s) sent" in result.output
    with app.app_context(), session_scope() as session:
        message = session.scalar(select(OutboxMessage))
    assert message.recipient == "rosa@example.pe" and message.sent_at is None


def test_smtp_mode_sends_pending_mail_once_and_retries_failures(
    app, client, runner, investment, monkeypatch
):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    app.config["PORTAL_MAIL_MODE"] = "smtp"
    post_observation(client)
    FakeSMTP.fail = True
    assert "0 email(s) sent" in runner.invoke(args=["send-mail"]).output
    FakeSMTP.fail = False
    assert "1 email(s) sent" in runner.invoke(args=["send-mail"]).output
    assert "0 email(s) sent" in runner.invoke(args=["send-mail"]).output
    assert len(FakeSMTP.sent) == 1
    email = FakeSMTP.sent[0]
    assert email["To"] == "rosa@example.pe" and "VC-" in email["Subject"]
    assert email["From"] == app.config["PORTAL_MAIL_SENDER"]


def test_smtp_mode_sends_the_receipt_right_after_the_response(app, client, investment, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], False
    app.config["PORTAL_MAIL_MODE"] = "smtp"
    response = post_observation(client)
    assert response.status_code == 303
    response.close()  # the server closes the response once it is sent
    assert [m["To"] for m in FakeSMTP.sent] == ["rosa@example.pe"]
    with app.app_context(), session_scope() as session:
        assert session.scalar(select(OutboxMessage.sent_at)) is not None


def test_unreachable_smtp_server_leaves_the_mail_queued(app, client, investment, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    app.config["PORTAL_MAIL_MODE"] = "smtp"
    response = post_observation(client)
    response.close()
    assert response.status_code == 303
    with app.app_context(), session_scope() as session:
        message = session.scalar(select(OutboxMessage))
    assert message.sent_at is None
