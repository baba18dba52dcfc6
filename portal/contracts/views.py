"""``/contratistas/<RUC>``: a supplier's processes in the region and the works they are for."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.contracts.queries import supplier_page
from portal.db import get_session
from portal.page_cache import cached_page

bp = Blueprint("contracts", __name__)


@bp.get("/contratistas/<ruc>")
@cached_page
def supplier(ruc: str):
    if not ruc.isascii() or not ruc.isdigit() or len(ruc) > 20:
        abort(404)
    page = supplier_page(get_session(), ruc)
    if page is None:
        abort(404)
    return render_template("contracts/supplier.html", page=page)
