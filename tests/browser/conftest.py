"""Shared fixtures for browser tests: the demo portal on a live local server, and Debian's Chromium.

The live server has its own database (the demo data imported once per test process), so the
function-scoped fixtures of other tests, which empty their tables, never touch it. Every page
records its requests; any request to a host other than 127.0.0.1 is aborted (tiles included:
the tests' tile URL points at 127.0.0.1:9), so no test ever reaches the internet.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.conftest import demo_requests, import_sources, make_test_app, migrated_database

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(demo_dir, tmp_path_factory):
    """The portal with the whole demo dataset, on a database only the live server uses."""
    tmp = tmp_path_factory.mktemp("browser")
    with migrated_database(tmp, "browser") as url:
        app = make_test_app(url, tmp / "instance")
        results = import_sources(app, demo_requests(demo_dir))
        assert all(r.status == "imported" for r in results), [r.as_dict() for r in results]
        yield app
        app.extensions["portal.engine"].dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL ('http://127.0.0.1:PORT') of the live portal, served in a thread."""
    server = make_server(LOCAL_HOST, 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium():
    """Chromium for one test module: Playwright's sync API runs once per thread at a time, so a
    module that starts its own (test_map.py) must not find ours still running."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Traffic:
    """What a page asked for: every request URL, the responses, console and script errors."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def third_party(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https") and urlsplit(u).hostname != LOCAL_HOST
        ]

    def reset(self) -> None:
        self.requests.clear()
        self.blocked.clear()
        self.responses.clear()
        self.console_errors.clear()
        self.page_errors.clear()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def _open_page(chromium, traffic: Traffic, **context_options):
    # A Peruvian browser: Accept-Language es-PE, so pages open in Spanish as for most visitors.
    context = chromium.new_context(locale="es-PE", **context_options)

    def guard(route):
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            traffic.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on("response", lambda response: traffic.responses.append(response))
    page.on(
        "console",
        lambda message: (
            traffic.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: traffic.page_errors.append(str(error)))
    return context, page


@pytest.fixture
def page(chromium, traffic):
    """A desktop-sized page whose requests are recorded and kept on 127.0.0.1."""
    context, page = _open_page(chromium, traffic, viewport={"width": 1280, "height": 800})
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, traffic):
    """A 320 px wide phone page (the narrowest screen the portal supports)."""
    context, page = _open_page(
        chromium,
        traffic,
        viewport={"width": 320, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


@pytest.fixture
def phone360(chromium, traffic):
    """A 360 px wide phone, the most common Android width: where lists must be readable cards."""
    context, page = _open_page(
        chromium,
        traffic,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


MODERATOR = ("moderadora@example.org", "una-clave-larga-de-prueba")


@pytest.fixture(scope="session")
def observation_code(live_app) -> str:
    """The tracking code of one observation received on the live portal."""
    from portal.complaints.service import NewObservation, record_observation
    from portal.db import get_session
    from tests.routes import sample_values

    cui = sample_values(live_app)["cui"]
    with live_app.test_request_context():
        session = get_session()
        observation = record_observation(
            session,
            NewObservation(cui=cui, category="stalled", description="La obra está parada."),
            ip_hash="prueba",
            status_url=lambda code: f"/observaciones/{code}",
        )
        code = observation.code
        session.commit()
    return code


@pytest.fixture(scope="session")
def moderator(live_app) -> tuple[str, str]:
    """(email, password) of a moderator account on the live portal."""
    from portal.complaints.accounts import create_moderator
    from portal.db import get_session

    with live_app.test_request_context():
        session = get_session()
        create_moderator(session, *MODERATOR)
        session.commit()
    return MODERATOR


def log_in(page, live_server: str, moderator: tuple[str, str]) -> None:
    page.goto(live_server + "/admin/entrar")
    page.fill("input[name=email]", moderator[0])
    page.fill("input[name=password]", moderator[1])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/admin/**")
