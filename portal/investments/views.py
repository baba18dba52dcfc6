"""Home page and investment fact sheets."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.db import get_session
from portal.importer.queries import source_freshness
from portal.investments.queries import find_investment_sheet, latest_changed_investments, region_totals

bp = Blueprint("investments", __name__)


@bp.get("/")
def home():
    session = get_session()
    return render_template(
        "investments/home.html",
        totals=region_totals(session),
        latest=latest_changed_investments(session),
        freshness=source_freshness(session),
    )


@bp.get("/inversiones/<cui>")
def show(cui: str):
    sheet = find_investment_sheet(get_session(), cui)
    if sheet is None:
        abort(404)
    return render_template("investments/show.html", sheet=sheet, inv=sheet.investment)
