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
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from portal.db import get_session
from portal.i18n import format_day, format_money, format_percent, local_today
from portal.investments.flags import FlagThresholds
from portal.investments.labels import STATUS_LABELS
from portal.investments.sheet import find_investment_sheet
from portal.maps.queries import latest_import_id
from portal.sharing.image import ShareCard, cached_share_image, draw_share_image
from portal.sharing.oembed import OEmbedRefusal, card_size, embeddable_cui

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
    """oEmbed 1.0, JSON only: every answer, refusals included, is JSON (501 for other formats,
    404 for URLs that are not our investments or frames too small for the card)."""
    try:
        return _oembed_answer()
    except OEmbedRefusal as refusal:
        body = {"error": refusal.message, "status": refusal.status}
        if refusal.parameter:
            body["parameter"] = refusal.parameter
        return jsonify(body), refusal.status


def _oembed_answer():
    if request.args.get("format", "json") != "json":
        raise OEmbedRefusal(501, "Only format=json is available.", "format")
    url = request.args.get("url", "")
    if not url:
        raise OEmbedRefusal(404, "The url parameter is missing.", "url")
    cui = embeddable_cui(url, request.host)
    if cui is None:
        raise OEmbedRefusal(404, "Only investment pages of this portal can be embedded.", "url")
    width, height = card_size(request.args.get("maxwidth"), request.args.get("maxheight"))
    thresholds = FlagThresholds.from_config(current_app.config)
    sheet = find_investment_sheet(get_session(), cui, thresholds, local_today())
    if sheet is None:
        raise OEmbedRefusal(404, f"No investment has the CUI {cui}.", "url")
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
        thumbnail_url=url_for("sharing.share_image", cui=cui, lang=_language(), _external=True),
        thumbnail_width=1200,
        thumbnail_height=630,
        cache_age=3600,
    )


def _language() -> str:
    return str(get_locale() or "es").split("_")[0]


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@bp.get("/inversiones/<cui>/imagen.png")
def share_image(cui: str):
    sheet = _sheet_or_404(cui)
    folder = Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "share"
    version = latest_import_id(get_session())
    language = _language()
    path = cached_share_image(folder, version, sheet.investment.cui, language, lambda: _draw(sheet))
    response = send_file(path, mimetype="image/png", max_age=3600)
    # One URL, one image per language: caches must keep them apart (the ETag already differs).
    response.vary.update(("Accept-Language", "Cookie"))
    response.headers["Content-Language"] = language
    return response


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
