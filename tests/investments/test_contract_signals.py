"""Risk signals of contract data (R018, R003, sobre_estimado): shown on the process, counted on
the investment, explained on /metodologia; real processes raise none they should not."""

from __future__ import annotations

import html
import json

from tests.importer.test_oece_ocds import CONSORTIUM
from tests.investments.test_contracts_page import _imported


def _altered(tmp_path, **changes):
    """The consortium's real process (CUI 2640310) with its tender made to raise signals."""
    package = json.loads(CONSORTIUM.read_text())
    for release in package["releases"]:
        tender = release["tender"]
        if changes.get("single_bid"):
            tender["procurementMethod"] = "open"
            if "numberOfTenderers" in tender:
                tender["numberOfTenderers"] = 1
        if changes.get("short"):
            tender["tenderPeriod"] = {
                "startDate": "2025-07-17T00:00:00-05:00",
                "endDate": "2025-07-20T00:00:00-05:00",
            }
        if changes.get("above"):
            for award in release.get("awards", []):
                award["value"]["amount"] = 130000  # estimate 112,464.60: +15.6 %
    path = tmp_path / "altered.json"
    path.write_text(json.dumps(package))
    return path


def _section(client, lang="es"):
    page = html.unescape(client.get(f"/inversiones/2640310?lang={lang}").get_data(as_text=True))
    return page[page.index('id="contrataciones"') :]


def test_a_real_process_raises_no_signal(app, client, tmp_path):
    _imported(app, tmp_path, CONSORTIUM)

    section = _section(client)

    assert "data-signals=" not in section
    assert "Ninguna señal de riesgo en sus contratos." in section


def test_each_signal_is_shown_on_the_process_and_counted_on_the_investment(app, client, tmp_path):
    _imported(app, tmp_path, _altered(tmp_path, single_bid=True, short=True, above=True))

    section = _section(client)

    assert 'data-signals="R018 R003 sobre_estimado"' in section
    assert "3 señales de riesgo en sus contratos" in section
    assert "no prueba una irregularidad" in section
    assert 'href="/metodologia#R018"' in section
    english = _section(client, "en")
    assert "Single bid in an open procedure" in english


def test_the_thresholds_are_settings(app, client, tmp_path):
    _imported(app, tmp_path, _altered(tmp_path, short=True, above=True))
    app.config.update(
        PORTAL_CONTRACT_SHORT_TENDER_DAYS=3, PORTAL_CONTRACT_ABOVE_ESTIMATE_PERCENT=20
    )

    section = _section(client)

    assert "data-signals=" not in section


def test_the_methodology_explains_each_code_rule_and_threshold(app, client):
    app.config.update(PORTAL_CONTRACT_SHORT_TENDER_DAYS=9)

    page = html.unescape(client.get("/metodologia").get_data(as_text=True))

    section = page[page.index('id="senales-contratos"') :]
    for code in ("R018", "R003", "sobre_estimado"):
        assert f'<dt id="{code}">' in section
    assert "menos de 9 días" in section and "más de 10 %" in section
    assert "no un indicador de Cardinal" in section
