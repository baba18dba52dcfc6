"""Investment and district pages show where the thing is: a small map with the district outline."""

from __future__ import annotations

import json
import re


def test_investment_page_shows_a_small_map_with_a_link_to_the_big_one(demo_client):
    page = demo_client.get("/inversiones/2100006").get_data(as_text=True)

    assert 'class="small-map' in page
    assert re.search(r'href="/mapa\?distrito=06\d{4}"', page)


def test_district_page_shows_its_outline_on_a_small_map(demo_client):
    page = demo_client.get("/lugares/060401").get_data(as_text=True)

    assert 'class="small-map' in page
    assert 'href="/mapa?distrito=060401"' in page


def test_map_filters_offer_red_flags_units_and_budget_years_by_name(demo_client):
    page = demo_client.get("/mapa?alerta=sin_f12b&pp=2024").get_data(as_text=True)

    assert '<option value="sin_f12b" selected>' in page
    assert '<option value="2024" selected>' in page
    assert re.search(r'<select id="f-unidad" name="unidad">.*REGION CAJAMARCA', page, re.S)


def test_province_page_shows_its_outline_on_a_small_map(demo_client):
    page = demo_client.get("/lugares/0604").get_data(as_text=True)

    assert 'class="small-map' in page
    assert 'href="/mapa?provincia=0604"' in page
    assert "Límite de la provincia." in page


def test_a_hostile_name_in_a_published_file_stays_text_in_the_map_tooltip(map_app):
    """Investment names come from public files: one must not run code in the page's script
    (it carries the nonce) nor add markup to the tooltip."""
    from portal.db import session_scope
    from tests.maps.conftest import add_investment

    name = "Puente `${alert(1)}` </script><img src=x onerror=alert(2)> & 'canal'"
    with map_app.app_context(), session_scope() as session:
        add_investment(session, "2999999", name)
    page = map_app.test_client().get("/inversiones/2999999").get_data(as_text=True)
    script = page[page.index('<figure class="small-map') :]
    script = script[script.index("<script nonce=") : script.index("</figure>")]
    assert script.count("</script>") == 1  # the name did not close the script element
    assert "L.circleMarker([-6.55, -78.66]" in script
    tooltip = re.search(r"\.bindTooltip\((\"[^\"]*\")", script).group(1)
    # A JSON string (no template literal: `${…}` is inert), HTML-escaped for the tooltip.
    assert json.loads(tooltip) == (
        "Puente `${alert(1)}` &lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; "
        "&amp; &#39;canal&#39;"
    )
