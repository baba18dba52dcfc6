"""Security headers on every response, with a per-request nonce for the few inline scripts.

The map tiles are the only outside host a page may load from, so the CSP names just that host.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def tile_origin(tile_url: str) -> str:
    """'https://{s}.tile.example.org/{z}/{x}/{y}.png' → 'https://*.tile.example.org'."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if host else ""


def content_security_policy(
    nonce: str, tile_url: str, embeddable: bool, production: bool = False
) -> str:
    """No inline code without the nonce, no plugins, no <base>; images from us and the tiles."""
    tiles = tile_origin(tile_url)
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        f"img-src 'self' data: {tiles}".strip(),
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "frame-ancestors *" if embeddable else "frame-ancestors 'none'",
    ]
    if production:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


#: The policy of files served as downloads (observations' PDFs): no source at all, sandboxed.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        embeddable = bool(request.endpoint and request.endpoint.endswith(".embed"))
        production = app.config["PORTAL_ENV"] == "production"
        if response.headers.get("Content-Security-Policy") != DOWNLOAD_CSP:
            response.headers["Content-Security-Policy"] = content_security_policy(
                csp_nonce(), app.config["PORTAL_TILE_URL"], embeddable, production
            )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"
        )
        if not embeddable:
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
