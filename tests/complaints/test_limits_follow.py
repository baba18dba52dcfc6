"""The 'Seguir' form's limits (issue 21): generous per address, tight per email, honest 429."""

import html
import math

from obs_helpers import CUI


def _follow(client, email, remote="192.0.2.10"):
    return client.post(
        "/seguir",
        data={"tipo": "inversion", "objetivo": CUI, "email": email, "acepto": "si"},
        environ_base={"REMOTE_ADDR": remote},
    )


def test_one_address_cannot_mail_bomb_another_person(app, client, investment):
    app.config["PORTAL_RATELIMIT_FOLLOW_EMAIL"] = "2 per hour"
    assert [_follow(client, "vecina@example.pe").status_code for _ in range(2)] == [200, 200]
    refused = _follow(client, "Vecina@Example.pe")
    assert refused.status_code == 429
    text = html.unescape(refused.text)
    assert "Ya pidió varios avisos para este correo" in text
    assert 'value="Vecina@Example.pe"' in text, "the address typed is kept"
    wait = int(refused.headers["Retry-After"])
    assert f"vuelva en {math.ceil((wait - 1) / 60)} minutos." in text
    # Someone else in the same cabin still can.
    assert _follow(client, "otra.persona@example.pe").status_code == 200


def test_the_address_limit_says_how_long_to_wait(app, client, investment):
    app.config["PORTAL_RATELIMIT_FOLLOW"] = "2 per hour"
    assert _follow(client, "a@example.pe").status_code == 200
    assert _follow(client, "b@example.pe").status_code == 200
    refused = _follow(client, "c@example.pe")
    assert refused.status_code == 429
    assert "Se pidieron muchos avisos desde esta conexión" in html.unescape(refused.text)
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert _follow(client, "c@example.pe", remote="192.0.2.11").status_code == 200
