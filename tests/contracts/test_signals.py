"""Contract risk signals: Cardinal's indicators (R018, R003) computed by the import and stored
with each process, Vigía's own rule (sobre_estimado), shown on the investment page and on
/contratistas/<RUC> as risk signals, and explained on /metodologia."""

from __future__ import annotations

import html
import json

from sqlalchemy import delete, select

from portal.contracts.models import ContractSignal
from tests.importer.test_oece_ocds import CONSORTIUM
from tests.investments.test_contracts_page import _imported

OCID = "ocds-dgv273-seacev3-1134700"  # CUI 2640310, won by the consortium 1709475


def _altered(tmp_path, **changes):
    """The consortium's real process with its tender changed as the test needs."""
    package = json.loads(CONSORTIUM.read_text())
    for release in package["releases"]:
        tender = release["tender"]
        if changes.get("single_bid"):
            tender["procurementMethod"] = "open"
            if "numberOfTenderers" in tender:
                tender["numberOfTenderers"] = 1
        if "period" in changes:
            start, end = changes["period"]
            tender["tenderPeriod"] = {"startDate": start, "endDate": end}
        if changes.get("cancelled"):
            tender["status"] = "cancelled"
        if changes.get("above"):
            for award in release.get("awards", []):
                award["value"]["amount"] = 130000  # estimate 112,464.60: +15.6 %
    path = tmp_path / "altered.json"
    path.write_text(json.dumps(package))
    return path


def _page(client, url):
    return html.unescape(client.get(url).get_data(as_text=True))


def _section(client, lang="es"):
    page = _page(client, f"/inversiones/2640310?lang={lang}")
    return page[page.index('id="contrataciones"') :]


def _stored(app) -> list[tuple]:
    table = ContractSignal.__table__
    with app.extensions["portal.engine"].connect() as conn:
        return [tuple(r) for r in conn.execute(select(table.c.ocid, table.c.code, table.c.value))]


def test_a_real_process_raises_no_signal(app, client, tmp_path):
    # Its tender period starts and ends at the same moment, as in every real OECE process:
    # Cardinal's R003 would flag it; Vigía reads it as a period OECE does not publish.
    _imported(app, tmp_path, CONSORTIUM)

    section = _section(client)

    assert "data-signals=" not in section
    assert "Ninguna señal de riesgo en sus contratos." in section
    assert _stored(app) == []


def test_a_single_bid_open_procedure_is_a_risk_signal_on_both_pages(app, client, tmp_path):
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True))

    section = _section(client)
    supplier = _page(client, "/contratistas/1709475")

    assert _stored(app) == [(OCID, "R018", 1.0)]
    for page in (section, supplier):
        assert 'data-signals="R018"' in page
        assert "Señal de riesgo:" in page and "(R018)" in page and "una sola oferta" in page
        assert "no es una acusación" in page
        assert 'href="/metodologia#R018"' in page
    assert "1 señal de riesgo en sus contratos" in section
    assert "Single bid in a competitive procedure" in _section(client, "en")


def test_the_page_shows_what_the_import_stored_not_a_rule_of_its_own(app, client, tmp_path):
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True))
    with app.extensions["portal.engine"].begin() as conn:
        conn.execute(delete(ContractSignal.__table__))

    assert "data-signals=" not in _section(client)


def test_a_short_tender_period_shows_r003_with_its_threshold(app, client, tmp_path):
    period = ("2025-07-17T00:00:00-05:00", "2025-07-20T00:00:00-05:00")
    _imported(app, tmp_path, _altered(tmp_path, period=period))

    section = _section(client)

    assert 'data-signals="R003"' in section
    assert "Plazo corto para presentar ofertas (R003)" in section
    assert "3 días para presentar ofertas; el umbral es de menos de 8 días" in section
    english = _section(client, "en")
    assert "3 days to submit bids; the threshold is fewer than 8 days" in english


def test_a_period_of_the_threshold_or_longer_raises_nothing(app, client, tmp_path):
    period = ("2025-07-17T00:00:00-05:00", "2025-07-25T00:00:00-05:00")
    _imported(app, tmp_path, _altered(tmp_path, period=period))

    assert "data-signals=" not in _section(client)


def test_a_cancelled_process_raises_no_signal(app, client, tmp_path):
    period = ("2025-07-17T00:00:00-05:00", "2025-07-18T00:00:00-05:00")
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True, period=period, cancelled=True))

    assert "data-signals=" not in _section(client)


def test_vigias_own_rule_comes_after_cardinals_and_says_its_threshold(app, client, tmp_path):
    period = ("2025-07-17T00:00:00-05:00", "2025-07-20T00:00:00-05:00")
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True, period=period, above=True))

    section = _section(client)

    assert 'data-signals="R018 R003 sobre_estimado"' in section
    assert "3 señales de riesgo en sus contratos" in section
    assert "15,6 % sobre el estimado; el umbral es de más de 10 %" in section


def test_vigias_threshold_is_a_setting(app, client, tmp_path):
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True, above=True))
    app.config.update(PORTAL_CONTRACT_ABOVE_ESTIMATE_PERCENT=20)

    assert 'data-signals="R018"' in _section(client)


def test_the_methodology_explains_each_code_rule_and_threshold(app, client):
    page = _page(client, "/metodologia")

    section = page[page.index('id="senales-contratos"') :]
    for code in ("R018", "R003", "sobre_estimado", "R024", "R058"):
        assert f'<dt id="{code}"' in section
    assert "Una señal de riesgo, no una acusación" in section
    assert "menos de 8 días completos" in section and "Cardinal sugiere 15 días" in section
    assert "«open», «selective»" in section
    assert (
        "más de 10 %" in section and "Regla propia de Vigía, no un indicador de Cardinal" in section
    )
    assert section.count("OECE no publica las ofertas presentadas (bids.details)") == 2
    assert 'href="https://cardinal.readthedocs.io/en/latest/cli/indicators/R/018.html"' in section
    english = _page(client, "/metodologia?lang=en")
    assert "A risk signal, not an accusation" in english
