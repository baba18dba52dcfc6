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
