"""/inversiones/<CUI>/tarjeta (framable), /oembed and /inversiones/<CUI>/imagen.png."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.db import get_session
from portal.i18n import format_day, format_money, format_percent, local_today
from portal.investments.flags import FlagThresholds
from portal.investments.labels import STATUS_LABELS
from portal.investments.sheet import find_investment_sheet
from portal.maps.queries import latest_import_id
from portal.sharing.image import ShareCard, cached_share_image, draw_share_image
from portal.sharing.oembed import card_size, embeddable_cui

bp = Blueprint("sharing", __name__)


def _sheet_or_404(cui: str):
    thresholds = FlagThresholds.from_config(current_app.config)
    sheet = find_investment_sheet(get_session(), cui, thresholds, local_today())
    if sheet is None:
        abort(404)
    return sheet


@bp.get("/inversiones/<cui>/tarjeta")
def embed(cui: str):
    """The compact card other sites frame (the only page with ``frame-ancestors *``)."""
    sheet = _sheet_or_404(cui)
    return render_template("sharing/card.html", sheet=sheet, inv=sheet.investment)


@bp.get("/oembed")
def oembed():
    """oEmbed 1.0: JSON only (501 for other formats), 404 for URLs that are not our investments."""
    if request.args.get("format", "json") != "json":
        abort(501)
    cui = embeddable_cui(request.args.get("url", ""), request.host)
    size = card_size(request.args.get("maxwidth"), request.args.get("maxheight"))
    if cui is None or size is None:
        abort(404)
    sheet = _sheet_or_404(cui)
    width, height = size
    card_url = url_for("sharing.embed", cui=cui, _external=True)
    title = sheet.investment.name
    html = (
        f'<iframe src="{card_url}" width="{width}" height="{height}" '
        f'style="border:0;max-width:100%" loading="lazy" title="{_escape(title)}"></iframe>'
    )
    return jsonify(
        version="1.0",
        type="rich",
        title=title,
        provider_name=_("Vigía %(region)s", region=current_app.config["PORTAL_REGION_NAME"]),
        provider_url=url_for("investments.home", _external=True),
        html=html,
        width=width,
        height=height,
        thumbnail_url=url_for("sharing.share_image", cui=cui, _external=True),
        thumbnail_width=1200,
        thumbnail_height=630,
        cache_age=3600,
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@bp.get("/inversiones/<cui>/imagen.png")
def share_image(cui: str):
    sheet = _sheet_or_404(cui)
    folder = Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "share"
    version = latest_import_id(get_session())
    path = cached_share_image(folder, version, sheet.investment.cui, lambda: _draw(sheet))
    return send_file(path, mimetype="image/png", max_age=3600)


def _draw(sheet) -> bytes:
    inv = sheet.investment
    progress = sheet.physical_progress
    flags = len(sheet.flags)
    card = ShareCard(
        site=_("Vigía %(region)s", region=current_app.config["PORTAL_REGION_NAME"]),
        name=inv.name,
        status_code=inv.status,
        status=str(STATUS_LABELS.get(inv.status, inv.status)),
        progress=float(progress) if progress is not None else None,
        progress_text=_("Avance físico: %(progress)s", progress=format_percent(progress)),
        cost_line=_("Costo actualizado: %(cost)s", cost=format_money(inv.updated_cost)),
        spent_line=_("Gastado: %(spent)s", spent=format_money(inv.devengado_accumulated)),
        alerts_line=ngettext("%(num)d señal de alerta", "%(num)d señales de alerta", flags)
        if flags
        else _("Sin señales de alerta"),
        date_line=_(
            "Datos del MEF y la Contraloría al %(date)s",
            date=format_day(sheet.data_date) if sheet.data_date else "—",
        ),
        cui_line=f"CUI {inv.cui}",
    )
    return draw_share_image(card)
