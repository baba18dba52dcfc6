"""/ciclo: every executing unit's investments per stage of the cycle and its pending closures;
/ciclo.json: the same figures for programs (described in /api/v1/openapi.json)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from portal.cycle.export import cycle_document
from portal.cycle.queries import INTERVALS, STAGES, summarise_cycle
from portal.db import get_session
from portal.i18n import local_today
from portal.page_cache import cached_page

bp = Blueprint("cycle", __name__)


@bp.get("/ciclo")
@cached_page
def index():
    today = local_today()
    units = summarise_cycle(get_session(), today)
    return render_template(
        "cycle/index.html",
        units=units,
        stages=STAGES,
        intervals=[key for key, _start, _end in INTERVALS],
        today=today,
        # The follow box's list: every unit by name (the one with most pending chosen first).
        follow_units=sorted(((u.sec_ejec, u.name) for u in units), key=lambda c: c[1].casefold()),
    )


@bp.get("/ciclo.json")
def data():
    today = local_today()
    return jsonify(cycle_document(summarise_cycle(get_session(), today), today))
