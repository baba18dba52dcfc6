"""The sender answers the official reply ("se resolvió" / "no se resolvió", which reopens the case)
through their private link, and is asked by email four weeks after a reply."""

from __future__ import annotations

import datetime as dt
import re

from obs_helpers import CUI, code_from, create_moderator, login, moderate, post_observation
from sqlalchemy import select, update

from portal.complaints.models import AuditEntry, Observation, OutboxMessage
from portal.db import session_scope


def _answered(app, client):
    """An observation sent, published, routed to the unit and answered; (code, private link)."""
    sent = post_observation(client)
    code = code_from(sent)
    private = sent.headers["Location"]
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    for action, fields in (
        ("publish", {}),
        ("route", {"target": "executing_unit"}),
        ("reply", {"text": "Se reanudó la obra el 2 de mayo."}),
    ):
        assert moderate(mod, code, action, **fields).status_code == 303
    return code, private, mod


def _key(link: str) -> str:
    return re.search(r"clave=([A-Za-z0-9_-]+)", link).group(1)


def _csrf(client, code, key):
    page = client.get(f"/observaciones/{code}?clave={key}")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _answer(client, code, key, result, comment="", csrf=None):
    csrf = csrf or _csrf(client, code, key)
    return client.post(
        f"/observaciones/{code}/resultado",
        data={"csrf_token": csrf, "clave": key, "resultado": result, "comentario": comment},
    )


def _mails(app):
    with app.app_context(), session_scope() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_sender_says_not_resolved_and_the_case_is_reopened_for_the_moderators(
    app, client, investment
):
    code, private, mod = _answered(app, client)
    key = _key(private)
    # The code alone (public on the investment page) shows the reply but no form to answer it.
    public = client.get(f"/observaciones/{code}")
    assert "Se reanudó la obra" in public.text and 'name="resultado"' not in public.text
    assert client.get(f"/observaciones/{code}?clave=falsa").text.count('name="resultado"') == 0
    # Every email to the sender carries the private link.
    assert all(f"clave={key}" in m.body for m in _mails(app))
    assert 'name="resultado"' in client.get(f"/observaciones/{code}?clave={key}").text

    csrf = _csrf(client, code, key)
    done = _answer(
        client, code, key, "not_resolved", "Siguen sin trabajadores. Llame al 976543210."
    )
    assert done.status_code == 303
    page = client.get(done.headers["Location"])
    assert "No se resolvió" in page.text and "Siguen sin trabajadores" in page.text
    assert "976543210" not in page.text  # the comment is redacted like the observation
    assert "Reabierta: quien la envió dice que no se resolvió" in page.text
    assert 'name="resultado"' not in page.text  # one answer per reply
    with app.app_context(), session_scope() as session:
        obs = session.scalar(select(Observation))
        assert obs.status == "routed" and obs.reopened_at is not None
        audit = session.scalars(select(AuditEntry.action)).all()
    assert "sender_not_resolved" in audit
    assert (
        code in mod.get("/admin/").text
        and "Reabierta por quien la envió" in mod.get("/admin/").text
    )
    assert "No se resolvió" in client.get(f"/inversiones/{CUI}").text

    # A second answer to the same reply is refused; the entity's new reply can be answered again.
    assert _answer(client, code, key, "resolved", csrf=csrf).status_code == 422
    assert moderate(mod, code, "reply", text="Se contrató personal.").status_code == 303
    assert code not in mod.get("/admin/").text
    assert _answer(client, code, key, "resolved").status_code == 303
    with app.app_context(), session_scope() as session:
        obs = session.scalar(select(Observation))
    assert obs.status == "answered" and obs.sender_answer == "resolved"
    assert "Se resolvió" in client.get(f"/inversiones/{CUI}").text


def test_wrong_key_or_no_choice_records_nothing(app, client, investment):
    code, private, _ = _answered(app, client)
    key = _key(private)
    refused = _answer(client, code, key, "")
    assert refused.status_code == 422 and "Elija si el problema se resolvió o no." in refused.text
    csrf = _csrf(client, code, key)
    forged = client.post(
        f"/observaciones/{code}/resultado",
        data={"csrf_token": csrf, "clave": "x" * 22, "resultado": "not_resolved"},
    )
    assert forged.status_code == 404
    with app.app_context(), session_scope() as session:
        obs = session.scalar(select(Observation))
    assert obs.status == "answered" and obs.sender_answer is None


def test_sender_is_asked_four_weeks_after_a_reply_once(app, client, runner, investment):
    code, private, _ = _answered(app, client)
    before = len(_mails(app))
    assert "0 follow-up question(s) queued" in runner.invoke(args=["send-followups"]).output
    with app.app_context(), session_scope() as session:
        session.execute(
            update(Observation).values(replied_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=29))
        )
    assert "1 follow-up question(s) queued" in runner.invoke(args=["send-mail"]).output
    assert "0 follow-up question(s) queued" in runner.invoke(args=["send-followups"]).output
    mails = _mails(app)
    assert len(mails) == before + 1
    question = mails[-1]
    assert (
        question.recipient == "rosa@example.pe" and "¿Se resolvió el problema?" in question.subject
    )
    link = re.search(r"(http\S+/observaciones/\S+)", question.body).group(1)
    assert f"clave={_key(private)}" in link
    path = link.split("localhost:5000", 1)[1]
    assert 'name="resultado"' in client.get(path).text
