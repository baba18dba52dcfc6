"""Security headers on every route: strict CSP with a nonce, no framing, HSTS in production."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_test_app
from tests.routes import get_routes, sample_values

TILE_ORIGIN = "http://127.0.0.1:9"  # from make_test_app's PORTAL_TILE_URL


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_problems(endpoint: str, response) -> list[str]:
    """What is wrong with one response's security headers (empty when all is well)."""
    problems = []
    csp = parse_csp(response.headers.get("Content-Security-Policy", ""))
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, [])
        if not sources or "'unsafe-inline'" in sources or "*" in sources:
            problems.append(f"{directive} is {sources}")
    if csp.get("base-uri") != ["'none'"]:
        problems.append(f"base-uri is {csp.get('base-uri')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}")
    if not endpoint.endswith(".embed") and csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
    if not set(csp.get("img-src", ["missing"])) <= {"'self'", "data:", TILE_ORIGIN}:
        problems.append(f"img-src is {csp.get('img-src')}")
    if csp.get("default-src") != ["'self'"]:
        problems.append(f"default-src is {csp.get('default-src')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in (
        "strict-origin-when-cross-origin",
        "no-referrer",
        "same-origin",
    ):
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')}")
    permissions = response.headers.get("Permissions-Policy", "")
    if "camera=()" not in permissions or "microphone=()" not in permissions:
        problems.append(f"Permissions-Policy is {permissions!r}")
    if "Strict-Transport-Security" in response.headers:
        problems.append("HSTS sent outside production")
    return problems


def inline_code_problems(response) -> list[str]:
    """Inline <script>/<style> need this response's nonce; no style="" and no on*= handlers."""
    if response.mimetype != "text/html":
        return []
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    problems = []
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if "src=" not in tag and f'nonce="{nonce}"' not in tag:
            problems.append(f"inline code without the nonce: {tag}")
    for attribute in re.findall(r"<[a-zA-Z][^>]*?\s(style|on[a-z]+)\s*=", html):
        problems.append(f"inline {attribute}= attribute (blocked by the CSP)")
    return problems


@pytest.fixture(scope="module")
def moderator_client(demo_app):
    """A client logged in as a moderator, with one observation in the queue."""
    from portal.complaints.accounts import create_moderator
    from portal.complaints.service import NewObservation, record_observation
    from portal.db import get_session

    with demo_app.test_request_context():
        session = get_session()
        moderator = create_moderator(session, "moderadora@example.org", "una-clave-larga-de-prueba")
        record_observation(
            session,
            NewObservation(
                cui=sample_values(demo_app)["cui"], category="other", description="Hola"
            ),
            ip_hash="prueba",
            status_url=lambda code: f"/observaciones/{code}",
        )
        moderator_id = moderator.id
        session.commit()
    client = demo_app.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["moderator_id"] = moderator_id
    return client


@pytest.mark.parametrize("who", ["visitor", "moderator"])
def test_every_route_sends_strict_security_headers(demo_app, moderator_client, who):
    client = moderator_client if who == "moderator" else demo_app.test_client()
    routes = get_routes(demo_app, sample_values(demo_app))
    assert any(endpoint == "investments.home" for endpoint, _ in routes)
    if who == "moderator":
        assert client.get("/admin/").status_code == 200
    problems = []
    for endpoint, url in routes:
        with client.get(url) as response:
            problems += [f"{url}: {p}" for p in header_problems(endpoint, response)]
            problems += [f"{url}: {p}" for p in inline_code_problems(response)]
    assert problems == []


def test_error_pages_send_the_same_headers(demo_client):
    response = demo_client.get("/no-existe")
    assert response.status_code == 404
    assert header_problems("investments.missing", response) == []


def test_each_response_gets_a_fresh_nonce(demo_client):
    first = demo_client.get("/").headers["Content-Security-Policy"]
    second = demo_client.get("/").headers["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first).group(1) != nonce.search(second).group(1)
    assert len(nonce.search(first).group(1)) >= 16


def test_pages_cannot_be_framed_outside_embed_routes(demo_client):
    response = demo_client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_embed_routes_may_be_framed(app):
    app.add_url_rule("/_prueba/embed", endpoint="prueba.embed", view_func=lambda: "<p>mapa</p>")
    response = app.test_client().get("/_prueba/embed")
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.fixture
def production_app(database_url, tmp_path):
    return make_test_app(database_url, tmp_path / "instance", PORTAL_ENV="production")


def test_production_adds_hsts_and_upgrades_requests(production_app):
    response = production_app.test_client().get("/no-existe")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "upgrade-insecure-requests" in response.headers["Content-Security-Policy"]


def test_production_language_cookie_is_secure(production_app):
    response = production_app.test_client().get("/no-existe?lang=en")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_tile_host_is_the_only_outside_image_source(app):
    from portal.security import content_security_policy

    csp = parse_csp(
        content_security_policy("n", "https://{s}.tile.example.org/{z}/{x}/{y}.png", False)
    )
    assert csp["img-src"] == ["'self'", "data:", "https://*.tile.example.org"]
    assert csp["connect-src"] == ["'self'"]
