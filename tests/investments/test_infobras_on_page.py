"""What INFObras says about a contracted, stalled work, on its investment's page (demo data)."""

import html
import re

import pytest

CUI = "2100040"  # demo: INFObras work 500078, by contract, supervised, stalled since 13/06/2026


@pytest.fixture(scope="module")
def works(demo_app):
    page = demo_app.test_client().get(f"/inversiones/{CUI}").get_data(as_text=True)
    start = page.index('id="obra"')
    return page[start : page.find("<section", start)]


def figure(section, name):
    match = re.search(rf'data-figure="{name}"[^>]*>(.*?)</dd>', section, re.S)
    assert match, name
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def test_contract_amounts_are_shown_to_the_cent(works):
    assert figure(works, "contract_amount") == "S/ 11,438,816.58"
    assert figure(works, "supervisor_amount") == "S/ 406,004.52"
    assert figure(works, "infobras_accrued") == "S/ 7,253,500.43"


def test_the_supervisor_is_named_with_its_ruc_apart_from_the_contractor(works):
    assert "ING. CARLOS VÁSQUEZ TERRONES" in works
    assert works.count("RUC 20") == 2


def test_the_paralysis_gives_cause_date_and_days(works):
    assert figure(works, "stall") == (
        "LLUVIAS INTENSAS; VÍA DE ACCESO INTERRUMPIDA (13 jun. 2026; 163 días paralizada)"
    )


def test_a_long_paralysis_is_counted_with_thousands_grouped(app):
    """Years of paralysis read "1,615 días", as every other figure of the page is grouped."""
    import datetime as dt

    from portal.db import session_scope
    from portal.investments.models import InfobrasWork
    from tests.search.factories import add_investment

    with app.app_context(), session_scope() as session:
        add_investment(session, "2100999", "CARRETERA CHOTA - BAMBAMARCA")
        session.add(
            InfobrasWork(
                infobras_code="900001", cui="2100999", name="CARRETERA CHOTA - BAMBAMARCA",
                stalled=True, stall_cause="FALTA DE PRESUPUESTO", stalled_on=dt.date(2022, 5, 2),
                stalled_days=1615,
            )
        )  # fmt: skip
    client = app.test_client()
    spanish = client.get("/inversiones/2100999").get_data(as_text=True)
    assert figure(spanish, "stall") == "FALTA DE PRESUPUESTO (2 may. 2022; 1,615 días paralizada)"
    english = client.get("/inversiones/2100999?lang=en").get_data(as_text=True)
    assert figure(english, "stall") == "FALTA DE PRESUPUESTO (May 2, 2022; halted for 1,615 days)"
