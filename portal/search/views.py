"""Search pages: /buscar (HTML), /api/v1/inversiones (JSON) and /buscar.csv, from one query."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from portal.api.params import SEARCH_PARAMETERS, parse_api_filters
from portal.contracts.queries import find_suppliers
from portal.db import get_session
from portal.i18n import local_today
from portal.page_cache import cached_page
from portal.search.export import (
    csv_document,
    csv_filename,
    find_prioritisations,
    investment_json,
)
from portal.search.filters import Filters
from portal.search.queries import find_code, find_investments, understand_query

bp = Blueprint("search", __name__)
#: Values of a facet listed on the page before "Ver las N opciones" (?ver=<facet> lists them all).
FACET_SHOWN = 12


@bp.get("/buscar")
@cached_page
def results():
    filters = Filters.from_args(request.args)
    session = get_session()
    cui = find_code(session, filters.q) if not filters.active else None
    if cui:
        return redirect(url_for("investments.show", cui=cui))
    # Status words and "en <place>" become filters in the address, each a chip to remove.
    understood = understand_query(session, filters)
    if understood.read:
        return redirect(url_for("search.results", **understood.filters.as_args()))
    found = find_investments(session, filters)
    suppliers = find_suppliers(session, filters.q) if filters.q and found.page == 1 else []
    return render_template(
        "search/results.html", filters=filters, found=found, suppliers=suppliers,
        show_all=request.args.get("ver", ""), facet_shown=FACET_SHOWN,
    )  # fmt: skip


@bp.get("/api/v1/inversiones")
def api():
    """Strict parameters (400 naming a bad one); a page past the last is empty, not the last."""
    filters = parse_api_filters(request.args, SEARCH_PARAMETERS)
    found = find_investments(get_session(), filters)
    past_end = filters.pagina > found.pages
    return jsonify(
        total=found.total,
        page=filters.pagina,
        pages=found.pages,
        results=[] if past_end else [investment_json(inv) for inv in found.investments],
        facets={
            dim: [{"value": f.value, "label": f.label, "count": f.count} for f in items]
            for dim, items in found.facets.items()
        },
        suggestion=found.suggestion,
    )


@bp.get("/buscar.csv")
def csv_export():
    filters = Filters.from_args(request.args)
    session = get_session()
    found = find_investments(session, filters, page_size=None)
    pp_year = int(filters.pp) if filters.pp.isdigit() else None
    prioritised = find_prioritisations(session, [inv.cui for inv in found.investments], pp_year)
    name = csv_filename(filters, found.facets, local_today())
    return Response(
        csv_document(found.investments, prioritised),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
