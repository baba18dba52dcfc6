"""Personal data: masked on public pages, purged after closing, never kept as raw IPs."""

import datetime as dt

import pytest
from obs_helpers import code_from, create_moderator, login, moderate, post_observation
from sqlalchemy import select

from portal.complaints.models import Observation, OutboxMessage
from portal.complaints.redaction import redact_personal_data
from portal.db import session_scope


@pytest.mark.parametrize(
    ("text", "hidden", "shown"),
    [
        ("Mi DNI es 43218765.", "43218765", "[DNI oculto]"),
        ("Llamar al 976 543 210", "976 543 210", "[teléfono oculto]"),
        ("o al +51 976-543-210", "976-543-210", "[teléfono oculto]"),
        ("fijo (076) 362-123", "362-123", "[teléfono oculto]"),
        ("escriban a juan.perez@gmail.com", "juan.perez@gmail.com", "[correo oculto]"),
    ],
)
def test_personal_data_is_masked_in_public_text(app, text, hidden, shown):
    with app.test_request_context():
        public = redact_personal_data(text)
    assert hidden not in public and shown in public


def test_codes_and_amounts_stay_readable(app):
    text = "El CUI 2345678 lleva S/ 12,345,678 gastados desde 2024."
    with app.test_request_context():
        assert redact_personal_data(text) == text


def _close(app, client, **fields):
    code = code_from(post_observation(client, **fields))
    create_moderator(app)
    moderator = app.test_client()
    login(moderator)
    moderate(moderator, code, "close")
    return code


def test_purge_removes_contact_data_of_old_closed_observations_only(
    app, client, runner, investment
):
    old = _close(app, client)
    recent = _close(app, client, email="otra@example.pe")
    open_code = code_from(post_observation(client, email="abierta@example.pe"))
    with app.app_context(), session_scope() as session:
        row = session.scalar(select(Observation).where(Observation.code == old))
        row.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)

    result = runner.invoke(args=["purge-personal-data", "--older-than", "365"])
    assert result.exit_code == 0 and "1 closed" in result.output

    with app.app_context(), session_scope() as session:
        rows = {o.code: o for o in session.scalars(select(Observation))}
        mails = session.scalars(select(OutboxMessage.recipient)).all()
    purged = rows[old]
    assert (purged.name, purged.organisation, purged.email, purged.phone, purged.ip_hash) == (
        None,
    ) * 5
    assert purged.description and purged.personal_data_purged_at is not None
    assert "rosa@example.pe" not in mails, "emails that carried the address are gone"
    assert rows[recent].email == "otra@example.pe"
    assert rows[open_code].email == "abierta@example.pe"
