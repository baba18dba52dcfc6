"""A search engine finds every page: sitemap with last changes, robots.txt, a favicon."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from portal.investments.models import ExecutingUnit
from tests.search.factories import PLACES, add_investment

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _urls(response) -> dict[str, str | None]:
    root = ET.fromstring(response.data)
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_investment_place_and_unit_with_last_change(app, client, db_session):
    from portal.investments.models import Place

    for ubigeo, level, name, parent in PLACES:
        db_session.add(Place(ubigeo=ubigeo, level=level, name=name, parent_ubigeo=parent))
    db_session.add(ExecutingUnit(sec_ejec="301001", name="MUNI CHOTA", slug="muni-chota"))
    old = dt.datetime(2025, 3, 4, 10, tzinfo=dt.UTC)
    new = dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC)
    add_investment(db_session, "2100001", "AGUA", "060401", changed_at=old)
    add_investment(db_session, "2100002", "PISTA", "060405", changed_at=new)
    db_session.commit()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    urls = _urls(response)
    assert urls["http://localhost/inversiones/2100001"] == "2025-03-04"
    assert urls["http://localhost/inversiones/2100002"] == "2026-05-06"
    assert urls["http://localhost/lugares/060401"] == "2025-03-04"
    # A province's page changed when any of its districts' investments did.
    assert urls["http://localhost/lugares/0604"] == "2026-05-06"
    assert urls["http://localhost/unidades/muni-chota"] == "2026-05-06"
    assert "http://localhost/lugares/0610" in urls  # listed, no investment: no lastmod
    assert urls["http://localhost/lugares/0610"] is None


def test_sitemap_of_the_demo_lists_every_investment(demo_app):
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_app.app_context():
        count = get_session().scalar(select(func.count()).select_from(Investment))
    urls = _urls(demo_app.test_client().get("/sitemap.xml"))
    assert sum("/inversiones/" in url for url in urls) == count > 0


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_favicon_is_served_as_an_icon_and_pages_link_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/x-icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    page = client.get("/metodologia").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200
