"""Error pages: helpful, in the visitor's language, never a stack trace."""

from __future__ import annotations

import pytest
from flask import abort, request

from tests.conftest import make_test_app


@pytest.fixture
def error_app(database_url, tmp_path):
    """An app with routes that fail on purpose (registered before the first request)."""
    app = make_test_app(database_url, tmp_path / "instance", MAX_CONTENT_LENGTH=1024)

    def broken():
        raise RuntimeError("connection string postgresql://secret@db")

    def upload():
        return str(len(request.form))

    app.add_url_rule("/_prueba/falla", "prueba_falla", broken)
    app.add_url_rule("/_prueba/subir", "prueba_subir", upload, methods=["POST"])
    app.add_url_rule("/_prueba/limite", "prueba_limite", lambda: abort(429))
    return app


@pytest.fixture
def error_client(error_app):
    return error_app.test_client()


EXPECTED = {
    # code: (Spanish title, English title)
    404: ("Página no encontrada", "Page not found"),
    405: ("Acción no permitida", "Action not allowed"),
    413: ("El archivo es demasiado grande", "The file is too large"),
    429: ("Demasiadas solicitudes", "Too many requests"),
    500: ("Algo falló de nuestro lado", "Something went wrong on our side"),
}


def provoke(client, code: int, lang: str):
    if code == 404:
        return client.get(f"/no-existe?lang={lang}")
    if code == 405:
        return client.post(f"/?lang={lang}")
    if code == 413:
        return client.post(f"/_prueba/subir?lang={lang}", data={"foto": "x" * 5000})
    if code == 429:
        return client.get(f"/_prueba/limite?lang={lang}")
    return client.get(f"/_prueba/falla?lang={lang}")


@pytest.mark.parametrize("code", sorted(EXPECTED))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_error_page_speaks_the_visitors_language(error_client, code, lang):
    response = provoke(error_client, code, lang)
    html = response.get_data(as_text=True)
    spanish, english = EXPECTED[code]
    assert response.status_code == code
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{spanish if lang == 'es' else english}</h1>" in html
    assert html.count("<h1>") == 1
    assert 'href="/' in html  # a way back home
    assert "Traceback" not in html and "werkzeug" not in html.lower()


def test_500_hides_the_exception_and_its_details(error_client):
    html = error_client.get("/_prueba/falla").get_data(as_text=True)
    assert "RuntimeError" not in html
    assert "secret" not in html
    assert "Inténtelo de nuevo en unos minutos" in html


def test_404_offers_a_search_box(error_client):
    html = error_client.get("/inversiones/no-existe/tampoco").get_data(as_text=True)
    assert 'role="search"' in html
    assert '<label for="q-error">Buscar una inversión</label>' in html


def test_405_still_says_which_methods_are_allowed(error_client):
    response = error_client.delete("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_413_explains_how_to_make_photos_smaller(error_client):
    response = error_client.post("/_prueba/subir?lang=en", data={"foto": "x" * 5000})
    assert "Make the photos smaller" in response.get_data(as_text=True)


def test_api_errors_answer_in_json(error_client):
    response = error_client.get("/api/no-existe?lang=en")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Page not found", "status": 404}
