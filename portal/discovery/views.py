"""/sitemap.xml, /robots.txt and /favicon.ico: small files that make the portal findable."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Response,
    current_app,
    send_from_directory,
    stream_with_context,
    url_for,
)

from portal.db import get_session
from portal.discovery.sitemap import list_sitemap_entries

bp = Blueprint("discovery", __name__)


@bp.get("/sitemap.xml")
def sitemap():
    """Streamed, so 20,000 investments never sit in memory as one string."""
    entries = list_sitemap_entries(get_session(), current_app.config["PORTAL_REGION"])

    def lines():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        yield f"<url><loc>{escape(url_for('investments.home', _external=True))}</loc></url>\n"
        for entry in entries:
            loc = escape(url_for(entry.endpoint, **entry.args, _external=True))
            lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
            yield f"<url><loc>{loc}</loc>{lastmod}</url>\n"
        yield "</urlset>\n"

    return Response(stream_with_context(lines()), mimetype="application/xml")


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
