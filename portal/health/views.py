"""``/healthz`` (the process answers) and ``/readyz`` (it can serve real pages)."""

from __future__ import annotations

from flask import Blueprint

from portal.db import get_engine
from portal.health.checks import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness: no database, so a slow database never gets a healthy process restarted."""
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/readyz")
def readyz():
    state = readiness(get_engine())
    code = 200 if state["ready"] else 503
    return (
        {"status": "ready" if state["ready"] else "unavailable", **state},
        code,
        {"Cache-Control": "no-store"},
    )
