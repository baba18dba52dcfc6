"""Bot defences without CAPTCHA: a honeypot field, a minimum fill time, and per-client rate limits.

Clients are identified by a salted hash of their IP, both in the rate-limit storage and in the
database, so no raw address is ever kept. One address is often many people (a municipal office,
an internet cabin): the per-address limits are generous, and a tighter one counts per email.

Every limited answer says so (issue 21): ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds until the window resets, as the IETF draft has it) written by
flask-limiter, ``Retry-After`` on 429, and a message that says how long to wait from the real reset.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext, ngettext
from flask_limiter import HeaderNames, Limiter, RateLimitExceeded
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
DEFAULT_ATTEMPTS_LIMIT = "120 per hour"

#: The response headers, named as in the IETF draft "RateLimit header fields for HTTP".
RATE_LIMIT_HEADERS = {
    HeaderNames.LIMIT: "RateLimit-Limit",
    HeaderNames.REMAINING: "RateLimit-Remaining",
    HeaderNames.RESET: "RateLimit-Reset",
    HeaderNames.RETRY_AFTER: "Retry-After",
}

#: Pages that answer a 429 themselves (the form again, with what was typed): endpoint → renderer
#: taking the message; registered by the blueprints with ``answer_rate_limit_with``.
_RATE_LIMITED_PAGES = "portal.rate_limited_pages"


def email_key() -> str:
    """The salted hash of the email typed in the form: limits that follow a person, not a cabin."""
    return client_hash("email:" + request.form.get("email", "").strip().lower())


def no_email_given() -> bool:
    return not request.form.get("email", "").strip()


def accepted(response) -> bool:
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
        headers_enabled=True,
        header_name_mapping=RATE_LIMIT_HEADERS,
        # Redis down must not take the site down: count in this process's memory meanwhile
        # (limits become per process, which is still a limit), logged by "flask-limiter".
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    # Registered before the limiter's own, so it runs after it has written the headers.
    app.after_request(_reset_as_seconds)
    limiter.init_app(app)
    app.extensions[_RATE_LIMITED_PAGES] = {}
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    for endpoint, setting in limited.items():
        view = app.view_functions[endpoint]
        # Logins count every attempt (guessing passwords fails); observations count what is stored.
        deduct = None if endpoint == "admin.login" else accepted
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


def limit_per_email(app: Flask, endpoint: str, setting: str, deduct_when=None) -> None:
    """A tighter limit on ``endpoint``'s POSTs per email typed (none typed: not counted)."""
    limiter: Limiter = app.extensions["portal.limiter"]
    app.view_functions[endpoint] = limiter.limit(
        lambda: current_app.config[setting],
        key_func=email_key,
        methods=["POST"],
        exempt_when=no_email_given,
        deduct_when=deduct_when,
        scope=f"{endpoint}:email",
    )(app.view_functions[endpoint])


def answer_rate_limit_with(app: Flask, endpoint: str, render: Callable[[str], object]) -> None:
    """Let ``endpoint`` answer its own 429 (e.g. the form again, with what was typed)."""
    app.extensions[_RATE_LIMITED_PAGES][endpoint] = render


def _reset_as_seconds(response):
    """flask-limiter writes the reset as a Unix time; the draft (and Retry-After) use seconds.
    It also writes Retry-After on every limited answer: only a refusal asks the client to wait
    (on a redirect it would ask to wait before following it)."""
    reset = response.headers.get("RateLimit-Reset", "")
    if reset.isdigit():
        response.headers["RateLimit-Reset"] = str(max(0, int(reset) - int(time.time())))
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def seconds_to_wait() -> int:
    """Seconds until the limit this request broke resets (as Retry-After will say)."""
    limiter: Limiter = current_app.extensions["portal.limiter"]
    current = limiter.current_limit
    try:
        reset_at = current.reset_at if current else time.time() + 60
    except Exception:  # noqa: BLE001 (storage gone between the check and now)
        reset_at = time.time() + 60
    return max(1, int(reset_at - time.time()))


def wait_in_words(seconds: int) -> str:
    """'1 minuto', '25 minutos', '3 horas': rounded up, so nobody comes back too early."""
    # flask-limiter rounds the reset up to the next second: 3601 s is the hour, not 61 minutes.
    minutes = max(1, math.ceil((seconds - 1) / 60))
    if minutes <= 90:
        return ngettext("%(num)d minuto", "%(num)d minutos", minutes)
    return ngettext("%(num)d hora", "%(num)d horas", math.ceil(minutes / 60))


def broken_scope() -> str:
    """'email', 'attempts' or '' (the per-address limit) for the limit this request broke."""
    current = current_app.extensions["portal.limiter"].current_limit
    key = current.key if current else ""
    for scope in ("email", "attempts"):
        if f":{scope}" in key:
            return scope
    return ""


def _rate_limited(exc: RateLimitExceeded):
    """The 429: the page's own answer, JSON for data, else the error page saying how long."""
    seconds = seconds_to_wait()
    wait = wait_in_words(seconds)
    if request.path.startswith("/api/") or request.path.endswith((".json", ".geojson")):
        response = jsonify(
            error=f"Too many requests from this address; retry in {seconds} seconds.",
            status=429,
            retry_after=seconds,
        )
        response.status_code = 429
        return response
    render = current_app.extensions[_RATE_LIMITED_PAGES].get(request.endpoint)
    if render is not None:
        return render(wait)
    page = render_template(
        "errors.html",
        code=429,
        title=gettext("Demasiadas solicitudes"),
        advice=gettext(
            "Se hicieron muchas solicitudes desde esta conexión. Vuelva en %(wait)s.", wait=wait
        ),
    )
    return page, 429
