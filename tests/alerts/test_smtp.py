"""The digests through a real SMTP server (aiosmtpd on 127.0.0.1), as production sends them."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.alerts.helpers import FOLLOWED, change_cost, first_import, follow, link_in
from tests.conftest import make_test_app


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def test_confirmation_and_digest_arrive_over_smtp_with_one_click_headers(
    database_url, tmp_path, smtp_server
):
    port, inbox = smtp_server
    app = make_test_app(
        database_url,
        tmp_path / "instance",
        PORTAL_MAIL_MODE="smtp",
        PORTAL_MAIL_SMTP_HOST="127.0.0.1",
        PORTAL_MAIL_SMTP_PORT=port,
        PORTAL_MAIL_SMTP_STARTTLS="0",
        PORTAL_PUBLIC_URL="https://vigia.example.pe",
    )
    try:
        rows = first_import(app, tmp_path)
        client = app.test_client()
        follow(client, "inversion", FOLLOWED)
        assert app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0
        [confirmation] = inbox.messages
        assert confirmation["To"] == "vecina@example.pe"
        client.get(link_in(confirmation.get_payload(decode=True).decode(), "/seguir/confirmar/"))

        change_cost(app, tmp_path, rows, FOLLOWED, "1450000.0")

        digest = inbox.messages[-1]
        assert len(inbox.messages) == 2
        body = digest.get_payload(decode=True).decode()
        assert "MEJORAMIENTO DEL PUESTO DE SALUD DE CHOTA" in body
        assert "https://vigia.example.pe/inversiones/2400001" in body
        assert digest["List-Unsubscribe"].startswith("<https://vigia.example.pe/seguir/baja/")
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    finally:
        from tests.conftest import _empty_all_tables

        _empty_all_tables(app)


def test_send_alerts_command_reports_what_it_queued(app, tmp_path, runner):
    first_import(app, tmp_path)

    result = runner.invoke(args=["send-alerts"])

    assert result.exit_code == 0
    assert "0 digest(s) queued." in result.output
