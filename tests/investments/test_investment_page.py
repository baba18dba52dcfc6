"""The fact sheet of a known demo investment (CUI 2100426): every section shows the right figures."""

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import event

from portal.investments.models import Investment

CUI = "2100426"  # demo: Chugur (Hualgayoc), Agricultura, prioritised in 2026, spending far ahead of works


@pytest.fixture(scope="module")
def page(demo_app):
    response = demo_app.test_client().get(f"/inversiones/{CUI}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(page, name):
    match = re.search(rf'data-figure="{name}"[^>]*>(.*?)</', page, re.S)
    assert match, name
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def section(page, anchor):
    start = page.index(f'id="{anchor}"')
    end = page.find("<section", start)
    return page[start : end if end > 0 else None]


def test_header_names_the_investment_its_place_unit_and_status(page):
    assert page.count("<h1") == 1
    assert "MEJORAMIENTO DE LA PRODUCCIÓN DE LECHE" in page
    assert figure(page, "cui") == CUI
    assert 'href="/lugares/060702">Chugur</a>' in page
    assert 'href="/lugares/0607">provincia de Hualgayoc</a>' in page
    assert 'href="/unidades/region-cajamarca-agricultura">REGION CAJAMARCA-AGRICULTURA</a>' in page
    assert "En ejecución" in page and figure(page, "phase").endswith("Ejecución")


def test_header_shows_the_participatory_budget_prioritisation(page):
    pp = section(page, "pp")
    assert "Año 2026, puesto 12, por S/ 95,167." in html.unescape(pp)
    assert "Comité de Vigilancia PP 2026 - Hualgayoc" in pp
    assert "Ordenanza Regional N° 002-2025-GR.CAJ-CR" in pp


def test_money_section_gives_costs_spending_and_financial_progress_with_source(page):
    assert figure(page, "viable_cost") == "S/ 350,059"
    assert figure(page, "updated_cost") == "S/ 375,295"
    assert figure(page, "devengado_accumulated") == "S/ 353,660"
    assert figure(page, "financial_progress") == "94.2%"
    money = section(page, "dinero")
    assert re.search(
        r"Fuente: MEF, Banco de Inversiones \(Invierte.pe\), dato al \d+ \w+\. 2026", money
    )


def test_money_by_year_is_an_accessible_chart_with_a_data_table(page):
    money = section(page, "dinero")
    assert '<svg class="chart"' in money and 'role="img"' in money and "<title" in money
    assert "<caption>" in money
    rows = dict(
        re.findall(r'data-year="(\d+)">.*?data-figure="execution_\d+">(.*?)</td>', money, re.S)
    )
    # 2024 and 2025 from Seguimiento-PI (114,611.34 / 220,558; 74,568.64 / 109,027); 2026 from the record.
    assert rows == {"2024": "52.0%", "2025": "68.4%", "2026": "68.5%"}
    assert "S/ 220,558" in money and "S/ 240,243" in money


def test_works_section_gives_progress_from_each_source_with_its_date(page):
    assert figure(page, "f12b_progress") == "18.2%"
    assert figure(page, "infobras_progress") == "18.2%"
    works = section(page, "obra")
    assert "MEF, Formato 12-B, dato al 13 oct. 2026" in works
    assert "Contraloría, INFObras, dato al 22 nov. 2026" in works
    assert figure(page, "f12b_situation") == "EN EJECUCIÓN"
    assert figure(page, "infobras_status") == "En Ejecución"
    assert figure(page, "contract_amount") == "—"  # administración directa: no contract
    assert figure(page, "infobras_accrued") == "S/ 353,659.76"


def test_works_section_has_the_monthly_f12b_series(page):
    works = section(page, "obra")
    january = re.search(r'data-month="1">(.*?)</tr>', works, re.S).group(1)
    assert "S/ 14,975" in january and "S/ 22,226" in january
    november = re.search(r'data-month="11">(.*?)</tr>', works, re.S).group(1)
    assert "S/ 20,115" in november and "—" in november


def test_timeline_runs_from_registration_in_date_order(page):
    events = re.findall(r'data-event="(\w+)"><time datetime="([\d-]+)"', page)
    assert events[0] == ("registered", "2023-02-04")
    assert ("viable", "2023-07-31") in events
    assert ("first_devengado", "2024-10-01") in events
    assert ("f12b_report", "2026-10-13") in events
    assert [d for _, d in events] == sorted(d for _, d in events)


def test_red_flags_are_explained_and_linked_to_the_methodology(page):
    flags = section(page, "alertas")
    assert re.findall(r'data-flag="(\w+)"', flags) == ["gasto_adelantado", "plazo_vencido"]
    assert "30 puntos o más" in flags
    assert 'href="/metodologia#gasto_adelantado"' in flags


def test_page_flags_are_the_stored_flags_for_every_investment(demo_app):
    import datetime as dt

    from portal.db import get_session
    from portal.investments.flags import FlagThresholds
    from portal.investments.sheet import find_investment_sheet

    with demo_app.app_context():
        session = get_session()
        stored = {inv.cui: inv.red_flags for inv in session.query(Investment)}
        for cui, codes in stored.items():
            sheet = find_investment_sheet(session, cui, FlagThresholds(), dt.date.today())
            assert " ".join(sheet.flags) == codes, cui
        assert sum(1 for codes in stored.values() if codes) > 100


def test_citation_has_the_permanent_url_and_the_data_date(page):
    cite = html.unescape(section(page, "citar"))
    assert 'href="http://localhost/inversiones/2100426"' in cite
    assert re.search(
        r"«MEJORAMIENTO .*» \(CUI 2100426\)\. Vigía Cajamarca, con datos del MEF y de la "
        r"Contraloría al \d+ \w+\. 2026\. http://localhost/inversiones/2100426",
        cite,
    )
    assert 'href="/inversiones/2100426.json"' in cite


def test_shared_link_has_open_graph_and_twitter_card(page):
    assert '<meta property="og:url" content="http://localhost/inversiones/2100426">' in page
    # With a share image (issue 15) the large-image card is the right one.
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    og = re.search(r'<meta property="og:description" content="(.*?)">', page).group(1)
    assert html.unescape(og).startswith("CUI 2100426: En ejecución, costo actualizado S/ 375,295")


def test_official_links_are_built_from_the_settings(page):
    assert "https://ofi5.mef.gob.pe/ssi/Ssi/Index?codigo=2100426&amp;tipo=2" in page
    assert "InfobrasWeb/Mapa/Obra?ObraId=500962" in page


def test_json_has_the_same_figures_as_the_page(demo_client, page):
    data = demo_client.get(f"/inversiones/{CUI}.json").get_json()
    money = data["money"]
    assert data["cui"] == CUI and data["url"] == "http://localhost/inversiones/2100426"
    with demo_client.application.test_request_context():
        from portal.i18n import format_money as money_text
        from portal.i18n import format_percent as percent_text

        def format_money(text):
            return money_text(Decimal(text))

        def format_percent(text):
            return percent_text(Decimal(text))

        assert format_money(money["viable_cost"]) == figure(page, "viable_cost")
        assert format_money(money["updated_cost"]) == figure(page, "updated_cost")
        assert format_money(money["devengado_accumulated"]) == figure(page, "devengado_accumulated")
        assert format_percent(money["financial_progress"]) == figure(page, "financial_progress")
        assert format_percent(data["works"]["f12b"]["physical_progress"]) == figure(
            page, "f12b_progress"
        )
        for year in money["years"]:
            assert format_percent(year["percent"]) == figure(page, f"execution_{year['year']}")
    assert [f["code"] for f in data["red_flags"]] == ["gasto_adelantado", "plazo_vencido"]
    assert data["prioritisations"][0]["rank"] == 12
    assert data["timeline"][0] == {
        "date": "2023-02-04",
        "event": "registered",
        "label": "Registro en el banco de inversiones",
        "source": "mef-inversiones",
        "detail": None,
    }
    assert data["works"]["infobras"][0]["infobras_code"] == "500962"
    assert len(data["works"]["f12b_months"]) == 12


def test_rendering_the_page_runs_no_query_in_the_template(demo_app):
    from flask import render_template, template_rendered  # noqa: F401

    from portal.investments import views

    engine = demo_app.extensions["portal.engine"]
    statements = []
    original = views.render_template

    def counting_render(*args, **kwargs):
        listener = lambda *a, **k: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            return original(*args, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", listener)

    views.render_template = counting_render
    try:
        assert demo_app.test_client().get(f"/inversiones/{CUI}").status_code == 200
    finally:
        views.render_template = original
    assert statements == []


def test_unknown_cui_gives_404_with_search_box_and_close_matches(demo_client):
    response = demo_client.get("/inversiones/2100401")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert page.count("<h1") == 1 and 'role="search"' in page and 'name="q"' in page
    assert 'href="/inversiones/2100405"' in page  # shares the prefix 210040
    assert 'href="/inversiones/2100910"' not in page


def test_unknown_cui_matches_names_when_words_were_typed(demo_client):
    page = demo_client.get("/inversiones/leche%20Tunaspampa").get_data(as_text=True)
    assert 'href="/inversiones/2100426"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/inversiones/abc",
        "/inversiones/12",
        "/inversiones/" + "9" * 40,
        "/inversiones/%FF%FE",
        "/inversiones/2100426%00",
        "/inversiones/%E2%91%A0%E2%91%A1%E2%91%A2%E2%91%A3",
        "/inversiones/..%2F..%2Fetc",
        "/inversiones/'%20OR%201=1--",
    ],
)
def test_malformed_cui_gives_404_never_500(demo_client, path):
    assert demo_client.get(path).status_code == 404
    assert demo_client.get(path + ".json").status_code == 404


def test_unknown_cui_in_json_is_a_json_404(demo_client):
    response = demo_client.get("/inversiones/9999999.json")
    assert response.status_code == 404 and response.get_json()["status"] == 404
