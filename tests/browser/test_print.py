"""Printing on A4: the investment page prints its content only, and the yearly table keeps every
column inside the page (it used to lose Devengado and Ejecución off the right edge)."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.routes import sample_values

pytestmark = pytest.mark.browser

#: Chromium's CSS width of an A4 page with print.css's 14 mm side margins (210 − 28 mm at 96 dpi).
A4_CONTENT_PX = round((210 - 28) / 25.4 * 96)


def test_the_investment_page_prints_on_a4_without_menus_forms_or_lost_columns(
    page, live_app, live_server
):
    cui = sample_values(live_app)["cui"]
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    page.goto(f"{live_server}/inversiones/{cui}")
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", "nav", "form"):
        assert all(not el.is_visible() for el in page.query_selector_all(hidden)), hidden
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main table')].filter(
               t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
           ).map(t => (t.querySelector('caption') || t).textContent.trim().slice(0, 60))"""
    )
    assert overflowing == []
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Devengado" in text and "Saltar al contenido" not in text
    assert len(reader.pages) <= 5, len(reader.pages)
