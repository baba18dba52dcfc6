"""A person sends an observation with a photo from Chromium, with and without JavaScript.

Chromium comes from the shared ``chromium`` fixture (tests/browser/conftest.py: one Playwright per
process); the live server is this file's own, over the test's empty database.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.complaints.models import Observation, ObservationPhoto, OutboxMessage
from portal.db import session_scope
from tests.complaints.obs_helpers import CUI, add_investment


@pytest.fixture
def observation_server(app):
    """The test app on a live local server (its own thread), with one investment."""
    app.config["PORTAL_MIN_FILL_SECONDS"] = 1
    add_investment(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _local_only(route):
    """No request may leave the machine."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_person_sends_an_observation_with_a_photo_and_gets_a_tracking_code(
    app, observation_server, chromium, tmp_path, javascript
):
    photo = tmp_path / "obra.jpg"
    Image.new("RGB", (1200, 900), (90, 90, 90)).save(photo, "JPEG")
    context = chromium.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 800}, locale="es-PE"
    )
    page = context.new_page()
    page.route("**/*", _local_only)
    try:
        page.goto(f"{observation_server}/observaciones/nueva?cui={CUI}")
        assert page.locator("h1").inner_text() == "Enviar una observación"
        page.get_by_label("La obra está paralizada").check()
        page.get_by_label("Describa lo que ve").fill(
            "Desde marzo no hay trabajadores y el encofrado se está pudriendo."
        )
        page.get_by_label("Fotos (hasta 3, opcional)").set_input_files(str(photo))
        page.get_by_label("Correo electrónico (opcional)").fill("vecina@example.pe")
        assert not page.get_by_label("Publicar mi nombre", exact=False).is_checked()
        page.locator("#consent").check()
        page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
        page.get_by_role("button", name="Enviar la observación").click()
        page.wait_for_url("**/observaciones/VC-*")
        code = page.locator(".tracking-code").inner_text()
        assert code.startswith("VC-") and len(code) == 12
        assert page.get_by_text("1 foto recibida;", exact=False).count() == 1
    finally:
        context.close()

    with app.app_context(), session_scope() as session:
        observation = session.scalar(select(Observation).where(Observation.code == code))
        stored = session.scalars(select(ObservationPhoto)).all()
        mail = session.scalar(select(OutboxMessage))
    assert observation.cui == CUI and observation.category == "stalled"
    assert len(stored) == 1
    assert code in mail.body and mail.recipient == "vecina@example.pe"


def test_missing_consent_comes_back_with_the_text_kept_and_a_linked_summary(
    app, observation_server, chromium
):
    context = chromium.new_context(locale="es-PE")
    page = context.new_page()
    page.route("**/*", _local_only)
    try:
        page.goto(f"{observation_server}/observaciones/nueva?cui={CUI}")
        page.get_by_label("Mala calidad de la obra").check()
        page.get_by_label("Describa lo que ve").fill(
            "Las paredes del aula nueva ya tienen grietas."
        )
        page.wait_for_timeout(1100)
        page.get_by_role("button", name="Enviar la observación").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary a[href='#consent']")
        assert summary.count() == 1
        assert page.get_by_label("Describa lo que ve").input_value() == (
            "Las paredes del aula nueva ya tienen grietas."
        )
        assert page.get_by_label("Mala calidad de la obra").is_checked()
    finally:
        context.close()


def test_without_javascript_a_search_keeps_the_photo_until_the_observation_is_sent(
    app, observation_server, chromium, tmp_path
):
    add_investment(app, cui="2345679", name="Mejoramiento del puente Llacanora")
    photo = tmp_path / "obra.jpg"
    Image.new("RGB", (800, 600), (90, 90, 90)).save(photo, "JPEG")
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 800}, locale="es-PE"
    )
    page = context.new_page()
    page.route("**/*", _local_only)
    try:
        page.goto(f"{observation_server}/observaciones/nueva")
        page.get_by_label("Fotos (hasta 3, opcional)").set_input_files(str(photo))
        page.get_by_label("Inversión: escriba su CUI").fill("puente")
        page.get_by_role("button", name="Buscar").click()
        page.wait_for_load_state()
        assert page.get_by_text("Foto adjunta: se conservará al enviar.").count() == 1
        assert page.locator(".kept-photos img").evaluate("img => img.naturalWidth") > 0
        page.get_by_label("Mejoramiento del puente Chonta", exact=False).check()
        page.get_by_label("La obra está paralizada").check()
        page.get_by_label("Describa lo que ve").fill(
            "Desde marzo no hay nadie trabajando en el puente."
        )
        page.locator("#consent").check()
        page.wait_for_timeout(1100)
        page.get_by_role("button", name="Enviar la observación").click()
        page.wait_for_url("**/observaciones/VC-*")
        code = page.locator(".tracking-code").inner_text()
    finally:
        context.close()

    with app.app_context(), session_scope() as session:
        observation = session.scalar(select(Observation).where(Observation.code == code))
        stored = session.scalars(select(ObservationPhoto)).all()
    assert observation.cui == CUI and len(stored) == 1
