"""Bot defences without CAPTCHA: a honeypot field, a minimum fill time, and per-client rate limits.

Clients are identified by a salted hash of their IP, both in the rate-limit storage and in the
database, so no raw address is ever kept.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from itsdangerous import BadSignature, URLSafeSerializer

#: The honeypot's name looks like a real field to bots; people never see it.
HONEYPOT_FIELD = "sitio_web"


def client_hash(remote_addr: str | None = None) -> str:
    """HMAC-SHA256 of the client IP with the configured salt."""
    salt = current_app.config.get("PORTAL_IP_SALT") or "ip:" + current_app.config["SECRET_KEY"]
    address = remote_addr if remote_addr is not None else (request.remote_addr or "")
    return hmac.new(salt.encode(), address.encode(), hashlib.sha256).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="observation-form-started")


def issue_fill_token(started_at: float | None = None) -> str:
    """A signed time stamp put in the form when it is first shown."""
    return _serializer().dumps({"t": time.time() if started_at is None else started_at})


def seconds_since_issued(token: str | None) -> float | None:
    """How long ago the form was shown, or None when the token is missing or forged."""
    if not token:
        return None
    try:
        payload = _serializer().loads(token)
        return time.time() - float(payload["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def filled_too_fast(token: str | None) -> bool:
    elapsed = seconds_since_issued(token)
    return elapsed is None or elapsed < float(current_app.config["PORTAL_MIN_FILL_SECONDS"])


#: Attempts that fail validation; generous, so a person fixing mistakes is never blocked.
DEFAULT_ATTEMPTS_LIMIT = "60 per hour"


def _accepted(response) -> bool:
    return response.status_code in (302, 303)


def _storage_options(storage_uri: str) -> dict:
    """Give up on an unreachable Redis within a second instead of hanging the request."""
    if storage_uri.startswith(("redis://", "rediss://", "redis+")):
        return {"socket_connect_timeout": 1, "socket_timeout": 1}
    return {}


def init_limiter(app: Flask, limited: dict[str, str]) -> Limiter:
    """A limiter for this app on the configured storage; ``limited`` maps endpoint → config key.

    Only POSTs count, and the configured limit counts accepted ones (an observation stored, a
    login that worked… or failed, see below); every attempt also counts against a wider limit,
    so a person correcting a rejected form does not lose it to a 429.
    """
    storage = app.config["PORTAL_RATELIMIT_STORAGE_URL"]
    limiter = Limiter(
        key_func=client_hash,
        storage_uri=storage,
        storage_options=_storage_options(storage),
        key_prefix=app.config.get("PORTAL_RATELIMIT_KEY_PREFIX", "vigia"),
        headers_enabled=False,
        # Redis down must not take the site down: count in this process's memory meanwhile
        # (limits become per process, which is still a limit), logged by "flask-limiter".
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(app)
    for endpoint, setting in limited.items():
        view = app.view_functions[endpoint]
        # Logins count every attempt (guessing passwords fails); observations count what is stored.
        deduct = None if endpoint == "admin.login" else _accepted
        view = limiter.limit(
            lambda s=setting: current_app.config[s], methods=["POST"], deduct_when=deduct
        )(view)
        if deduct is not None:
            view = limiter.limit(
                lambda: current_app.config.get("PORTAL_RATELIMIT_ATTEMPTS", DEFAULT_ATTEMPTS_LIMIT),
                methods=["POST"],
                scope=f"{endpoint}:attempts",
            )(view)
        app.view_functions[endpoint] = view
    return limiter
