"""A person follows an investment by email: confirm, digest after a change, one-click stop."""

from __future__ import annotations

import json

from tests.alerts.helpers import FOLLOWED, OTHER, change_cost, first_import, follow, link_in, outbox


def test_follow_confirm_digest_unsubscribe_and_nothing_after(app, tmp_path):
    rows = first_import(app, tmp_path)
    client = app.test_client()

    answer = follow(client, "inversion", FOLLOWED)

    assert answer.status_code == 200
    assert "Revise su correo" in answer.get_data(as_text=True)
    # One way of addressing the person (usted, as the rest of the site).
    assert "le enviamos un mensaje con un enlace" in answer.get_data(as_text=True)
    [confirmation] = outbox(app)
    assert confirmation.recipient == "vecina@example.pe"
    assert "PUESTO DE SALUD DE CHOTA" in confirmation.subject

    # Until confirmed, a change sends nothing.
    rows = change_cost(app, tmp_path, rows, FOLLOWED, "1300000.0", "v2")
    assert len(outbox(app)) == 1

    confirmed = client.get(link_in(confirmation.body, "/seguir/confirmar/"))
    assert confirmed.status_code == 200
    assert "Suscripción confirmada" in confirmed.get_data(as_text=True)

    # The import that changes the followed investment sends one digest naming it.
    rows = change_cost(app, tmp_path, rows, FOLLOWED, "1450000.0", "v3")
    digest = outbox(app)[-1]
    assert len(outbox(app)) == 2
    assert "MEJORAMIENTO DEL PUESTO DE SALUD DE CHOTA" in digest.body
    assert "Costo actualizado: S/ 1,300,000 → S/ 1,450,000" in digest.body
    assert f"/inversiones/{FOLLOWED}" in digest.body
    headers = json.loads(digest.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http") and "/seguir/baja/" in unsubscribe

    # A change to an investment nobody follows sends nothing.
    rows = change_cost(app, tmp_path, rows, OTHER, "777000.0", "v4")
    assert len(outbox(app)) == 2

    # One-click unsubscribe: a bare POST, no cookie, no CSRF token (RFC 8058).
    fresh = app.test_client(use_cookies=False)
    ended = fresh.post(
        link_in(f"x {unsubscribe}", "/seguir/baja/"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert ended.status_code == 200

    change_cost(app, tmp_path, rows, FOLLOWED, "1600000.0", "v5")
    assert len(outbox(app)) == 2


def test_same_answer_whether_or_not_already_following(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED)
    client.get(link_in(outbox(app)[0].body, "/seguir/confirmar/"))

    again = follow(client, "inversion", FOLLOWED)
    stranger = follow(client, "inversion", FOLLOWED, email="otra@example.pe")

    assert again.status_code == stranger.status_code == 200
    strip = lambda r, email: r.get_data(as_text=True).replace(email, "EMAIL")  # noqa: E731
    assert strip(again, "vecina@example.pe") == strip(stranger, "otra@example.pe")
    # The confirmed address gets no second confirmation; the new one gets its own.
    assert [m.recipient for m in outbox(app)] == ["vecina@example.pe", "otra@example.pe"]


def test_rejected_form_keeps_the_address_and_says_why(app, tmp_path):
    first_import(app, tmp_path)
    answer = app.test_client().post(
        "/seguir", data={"tipo": "inversion", "objetivo": FOLLOWED, "email": "vecina@example"}
    )

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'value="vecina@example"' in page
    assert "correo electrónico válido" in page
    assert "consentimiento" in page
    assert outbox(app) == []


def test_following_something_that_does_not_exist_is_a_404(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()

    assert follow(client, "inversion", "9999999").status_code == 404
    assert follow(client, "lugar", "999999").status_code == 404
    assert follow(client, "otra-cosa", FOLLOWED).status_code == 404


def test_manage_page_lists_and_ends_one_subscription(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED)
    follow(client, "lugar", "0604")
    for message in outbox(app):
        client.get(link_in(message.body, "/seguir/confirmar/"))
    confirmed = client.get(link_in(outbox(app)[0].body, "/seguir/confirmar/"))
    assert confirmed.status_code == 200  # a second visit says it was already confirmed
    assert "ya estaba confirmada" in confirmed.get_data(as_text=True)

    from portal.alerts.models import Subscriber
    from portal.db import get_session

    with app.app_context():
        token = get_session().query(Subscriber.token).scalar()
    page = client.get(f"/seguir/gestionar/{token}").get_data(as_text=True)
    assert "PUESTO DE SALUD DE CHOTA" in page and "Chota" in page

    from portal.alerts.models import Subscription

    with app.app_context():
        first = get_session().query(Subscription.id).order_by(Subscription.id).first()[0]
    page = client.post(f"/seguir/gestionar/{token}", data={"suscripcion": first})
    text = page.get_data(as_text=True)
    assert "PUESTO DE SALUD DE CHOTA" not in text.split("<main")[1]
    assert "Dejar de seguir" in text


def test_purge_forgets_ended_and_unconfirmed_addresses(app, tmp_path, runner):
    import datetime as dt

    from portal.alerts.models import Subscriber
    from portal.alerts.subscriptions import purge_subscriptions
    from portal.db import get_session

    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED, email="nunca@example.pe")  # never confirmed
    follow(client, "inversion", FOLLOWED, email="sigue@example.pe")
    client.get(link_in(outbox(app)[1].body, "/seguir/confirmar/"))

    with app.app_context():
        session = get_session()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
        assert purge_subscriptions(session, 30, now=later) == 1
        session.commit()
        left = session.query(Subscriber.email).all()
    assert [e for (e,) in left] == ["sigue@example.pe"]

    result = runner.invoke(args=["purge-personal-data", "--older-than", "30"])
    assert result.exit_code == 0, result.output
