"""Friendly error pages in the active language; never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

MESSAGES = {
    400: (
        _l("No pudimos entender la solicitud"),
        _l("Revise la dirección o el formulario e inténtelo de nuevo."),
    ),
    403: (_l("Acceso denegado"), _l("No tiene permiso para ver esta página.")),
    404: (
        _l("Página no encontrada"),
        _l(
            "La página que busca no existe o cambió de dirección. "
            "Busque la inversión por su nombre, lugar o CUI."
        ),
    ),
    405: (
        _l("Acción no permitida"),
        _l(
            "Esta página no se puede usar de esa forma. "
            "Vuelva atrás e inténtelo desde el enlace o el formulario."
        ),
    ),
    413: (
        _l("El archivo es demasiado grande"),
        _l(
            "Lo que envió supera el tamaño que aceptamos. Reduzca el tamaño de las fotos "
            "(unos pocos megabytes cada una) e inténtelo de nuevo."
        ),
    ),
    429: (
        _l("Demasiadas solicitudes"),
        _l("Hizo muchas solicitudes en poco tiempo. Espere un minuto e inténtelo de nuevo."),
    ),
    500: (
        _l("Algo falló de nuestro lado"),
        _l("El error quedó registrado. Inténtelo de nuevo en unos minutos."),
    ),
    503: (
        _l("El portal no está disponible en este momento"),
        _l(
            "No podemos consultar los datos ahora mismo. Ya estamos avisados; "
            "vuelva a intentarlo en unos minutos."
        ),
    ),
}

#: Seconds a client is asked to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 60


def render_error(code: int, headers: list[tuple[str, str]] | None = None):
    """The error page (or JSON for API paths) in the active language, with the status code."""
    fallback = 400 if 400 <= code < 500 else 500
    title, advice = MESSAGES.get(code, MESSAGES[fallback])
    wants_json = request.path.startswith("/api/") or request.path.endswith(".json")
    if wants_json:
        return {"error": str(title), "status": code}, code, headers or []
    page = render_template("errors.html", code=code, title=title, advice=advice)
    return page, code, headers or []


def _database_unavailable(exc: Exception) -> bool:
    """Down, unreachable or out of connections (a 503), as opposed to a bug in a query (a 500)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _cause_name(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc
    return type(cause).__name__


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # Keep what the exception says to clients (Allow on 405, Retry-After on 429).
        kept = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return render_error(exc.code or 500, kept)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def _database_error(exc: Exception):
        if not _database_unavailable(exc):
            app.logger.exception("Database error on %s", request.path)
            return render_error(InternalServerError.code)
        # Logged by class only: the driver's message can carry the connection string.
        app.logger.error("Database unavailable on %s: %s", request.path, _cause_name(exc))
        return render_error(ServiceUnavailable.code, [("Retry-After", str(RETRY_AFTER_SECONDS))])

    @app.errorhandler(Exception)
    def _unexpected_error(exc: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(InternalServerError.code)
