"""/sitemap.xml, /robots.txt and /favicon.ico: small files that make the portal findable."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Response,
    current_app,
    send_from_directory,
    url_for,
)

from portal.db import get_session
from portal.discovery.sitemap import list_sitemap_entries

bp = Blueprint("discovery", __name__)


@bp.get("/sitemap.xml")
def sitemap():
    """Built whole (a few MB at 20,000 investments, compressed on the way out): a streamed body
    kept the request's database transaction open for as long as a slow client took to read it."""
    entries = list_sitemap_entries(get_session(), current_app.config["PORTAL_REGION"])
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
        f"<url><loc>{escape(url_for('investments.home', _external=True))}</loc></url>\n",
    ]
    for entry in entries:
        loc = escape(url_for(entry.endpoint, **entry.args, _external=True))
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        lines.append(f"<url><loc>{loc}</loc>{lastmod}</url>\n")
    lines.append("</urlset>\n")
    return Response("".join(lines), mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    body = (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        f"Sitemap: {url_for('discovery.sitemap', _external=True)}\n"
    )
    return Response(body, mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=7 * 86400
    )
