"""The answers at the top of an investment's page: status, progress, money, who, when."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from portal.investments.summary import sentence_case

CUI = "2100040"  # demo: stalled since 13/06/2026 (INFObras), 12-B end 30/11/2025, a contractor


def glance_of(page: str) -> dict[str, str]:
    """The summary's lines, as text, by their data-glance name."""
    start = page.index('class="glance"')
    box = page[start : page.index("</section>", start)]
    lines = re.findall(r'data-glance="(\w+)"><dt>.*?</dt><dd>(.*?)</dd></div>', box, re.S)
    return {
        name: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
        for name, value in lines
    }


@pytest.fixture(scope="module")
def demo_page(demo_app):
    return demo_app.test_client().get(f"/inversiones/{CUI}").get_data(as_text=True)


def test_summary_answers_a_stalled_works_questions_before_the_details(demo_page):
    glance = glance_of(demo_page)
    assert glance["status"] == "Paralizada desde el 13 jun. 2026 (163 días)"
    assert glance["progress"] == "46.4%"
    assert glance["spent"] == "S/ 7,253,500 de S/ 12,314,605 (58.9%)"
    assert glance["unit"].startswith("MUNICIPALIDAD DISTRITAL DE QUEROCOTO")
    assert "Contratista: CORPORACIÓN ANDINA DE OBRAS S.A.C." in glance["unit"]
    # Late since 30/11/2025 on the day the page is read.
    late = r"30 nov\. 2025 · \d+ meses de retraso Según MEF, Formato 12-B"
    assert re.fullmatch(late, glance["end"])
    assert re.fullmatch(r"\d+ \w+\. 2026", glance["data_date"])
    # The summary comes before the details it sums up.
    assert demo_page.index('class="glance"') < demo_page.index('data-figure="place"')


def test_title_is_in_sentence_case_and_the_official_name_stays_on_the_page(demo_page):
    title = re.search(r'<h1 class="sheet-title">(.*?)</h1>', demo_page).group(1)
    assert html.unescape(title) == (
        "Mejoramiento del servicio educativo de la I.E. N° 36140 del caserío Nuevo Paraíso, "
        "distrito de Querocoto, provincia de Chota, departamento de Cajamarca"
    )
    official = re.search(r'data-figure="official_name">(.*?)</p>', demo_page).group(1)
    assert html.unescape(official).startswith("MEJORAMIENTO DEL SERVICIO EDUCATIVO DE LA I.E.")


def test_summary_in_english_says_the_same_in_english(demo_app):
    page = demo_app.test_client().get(f"/inversiones/{CUI}?lang=en").get_data(as_text=True)
    glance = glance_of(page)
    assert " since Jun 13, 2026 (163 days)" in glance["status"]
    assert glance["spent"] == "S/ 7,253,500 of S/ 12,314,605 (58.9%)"
    assert "months late" in glance["end"]


@pytest.mark.parametrize(
    ("official", "title"),
    [
        (
            "CREACIÓN DEL CAMINO VECINAL LOS ALISOS - LA PAUCA, DISTRITO DE CONDEBAMBA",
            "Creación del camino vecinal Los Alisos - La Pauca, distrito de Condebamba",
        ),
        (
            "CREACIÓN DEL SERVICIO DE ENERGÍA ELÉCTRICA EN LOS CASERÍOS LLAUCÁN Y LA CUCHILLA DEL "
            "DISTRITO DE SAN JOSE DE LOURDES",
            "Creación del servicio de energía eléctrica en los caseríos Llaucán y La Cuchilla del "
            "distrito de San Jose de Lourdes",
        ),
        (
            'MEJORAMIENTO DE LA I.E.I. N° 123 "JOSÉ OLAYA" EN EL CENTRO POBLADO CHORRO BLANCO',
            'Mejoramiento de la I.E.I. N° 123 "José Olaya" en el centro poblado Chorro Blanco',
        ),
        (
            "AMPLIACIÓN DEL PUESTO DE SALUD MOYOCUCHO, PROVINCIA DE CUTERVO - REGIÓN CAJAMARCA",
            "Ampliación del puesto de salud Moyocucho, provincia de Cutervo - región Cajamarca",
        ),
        ("Reparación de aulas en Chota", "Reparación de aulas en Chota"),  # already mixed case
    ],
)
def test_official_names_become_sentences_keeping_acronyms_and_places(official, title):
    assert sentence_case(official) == title


def _page_with(app, **fields):
    from portal.db import session_scope
    from tests.search.factories import add_investment

    with app.app_context(), session_scope() as session:
        add_investment(session, "2300001", "CREACIÓN DEL PUENTE CHOTANO", **fields)
    return glance_of(app.test_client().get("/inversiones/2300001").get_data(as_text=True))


def test_without_an_end_date_in_any_source_the_summary_says_so(app):
    glance = _page_with(app)
    assert glance["end"] == "Sin fecha de término publicada"
    assert glance["spent"] == "— de S/ 1,000,000"  # nothing spent is published: no percentage


def test_an_end_date_only_infobras_gives_is_used_rescheduled_first(app):
    from portal.db import session_scope
    from portal.investments.models import InfobrasWork

    with app.app_context(), session_scope() as session:
        session.add(
            InfobrasWork(
                infobras_code="900002", cui="2300001", name="PUENTE",
                planned_end_on=dt.date(2020, 1, 31), rescheduled_end_on=dt.date(2020, 3, 31),
            )
        )  # fmt: skip
    glance = _page_with(app, devengado_accumulated=Decimal("250000"))
    assert glance["end"].startswith("31 mar. 2020 · ")
    assert "meses de retraso" in glance["end"] and "Contraloría, INFObras" in glance["end"]
    assert glance["spent"] == "S/ 250,000 de S/ 1,000,000 (25.0%)"


def test_an_end_date_from_the_bank_of_investments_is_used_without_12b_or_infobras(app):
    glance = _page_with(app, physical_end_on=dt.date(2099, 6, 30))
    assert glance["end"] == "30 jun. 2099 Según MEF, Banco de Inversiones (Invierte.pe)"
