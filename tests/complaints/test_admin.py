"""The moderators' area: nothing reachable without login; accounts, sessions and CSRF."""

import re

import pytest
from obs_helpers import MODERATOR, code_from, create_moderator, login, post_observation
from sqlalchemy import select

from portal.complaints.models import AuditEntry, Moderator, ObservationPhoto
from portal.db import session_scope


def _admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def _fill(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "VC-2222-2222", rule.rule)


def test_no_admin_page_is_reachable_without_login(app, client):
    rules = _admin_rules(app)
    assert len(rules) >= 8
    login_page = client.get("/admin/entrar")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    for rule in rules:
        if rule.endpoint == "admin.login":
            continue
        url = _fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": csrf, "action": "publish"}
            )
            assert response.status_code == 302, f"{method} {url}"
            assert "/admin/entrar" in response.headers["Location"], f"{method} {url}"


def test_login_page_and_failed_login_say_so_without_revealing_which_part(app, client):
    create_moderator(app)
    assert client.get("/admin/entrar").status_code == 200
    wrong = login(client, password="no-es-esta-clave")
    unknown = login(client, email="nadie@vigia.example")
    for page in (wrong, unknown):
        assert page.status_code == 401
        assert "Correo o contraseña incorrectos" in page.text
    assert client.get("/admin/").status_code == 302


def test_moderator_session_cookie_is_httponly_and_samesite(app, client):
    create_moderator(app)
    response = login(client)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin/").status_code == 200


def test_session_cookie_is_secure_in_production(database_url, tmp_path):
    from portal import create_app

    app = create_app(
        {
            "PORTAL_ENV": "production",
            "PORTAL_PUBLIC_URL": "https://vigia.example.pe",  # production needs it to start
            "PORTAL_DATABASE_URL": database_url,
            "SECRET_KEY": "s",
            "PORTAL_INSTANCE_DIR": str(tmp_path),
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["portal.engine"].dispose()


def test_logout_ends_the_session_and_is_audited(app, client):
    create_moderator(app)
    login(client)
    page = client.get("/admin/")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    assert client.post("/admin/salir", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/admin/").status_code == 302
    with app.app_context(), session_scope() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["login", "logout"]


def test_login_redirects_only_inside_admin(app, client):
    create_moderator(app)
    page = client.get("/admin/entrar?next=//evil.example/")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/admin/entrar?next=//evil.example/",
        data={"csrf_token": csrf, "email": MODERATOR[0], "password": MODERATOR[1]},
    )
    assert response.headers["Location"] == "/admin/"


def test_create_admin_command_stores_an_argon2_hash(app, runner):
    result = runner.invoke(
        args=["create-admin", "Jefa@Vigia.example", "--password", "clave-muy-larga-123"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context(), session_scope() as session:
        moderator = session.scalar(select(Moderator))
    assert moderator.email == "jefa@vigia.example"
    assert moderator.password_hash.startswith("$argon2id$")
    assert "clave-muy-larga-123" not in moderator.password_hash


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "a@b.pe", "--password", "corta"])
    assert result.exit_code != 0 and "12 characters" in result.output


def test_unpublished_photo_is_visible_to_a_moderator_only(app, client, investment):
    import io

    from obs_helpers import png_bytes

    code_from(post_observation(client, photos=[(io.BytesIO(png_bytes()), "a.png")]))
    with app.app_context(), session_scope() as session:
        name = session.scalar(select(ObservationPhoto.thumbnail))
    assert client.get(f"/observaciones/fotos/{name}").status_code == 404
    create_moderator(app)
    moderator = app.test_client()
    login(moderator)
    with moderator.get(f"/observaciones/fotos/{name}") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/admin/", "/admin/registro", "/admin/derivadas"])
def test_admin_pages_are_not_cached(app, client, path):
    create_moderator(app)
    login(client)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
