"""One truth per figure: one investment's money, percentage and status word are the same on its
page, in the map popup's data, in /buscar.csv, in the API and in its feed."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import feedparser

from portal import i18n
from tests.alerts.helpers import OTHER, first_import
from tests.conftest import import_sources
from tests.importer.factories import write_detalle

#: Rounded half up, as a spreadsheet does: S/ 12,314,605 and 35.5% (babel's half to even: 35.4%).
COST, PROGRESS = "12314604.88", "35.45"


def _imported_twice(app, tmp_path):
    """The second import changes the cost, so the investment's feed has an entry to tell."""
    rows = [dict(r, AVANCE_FISICO=PROGRESS) for r in first_import(app, tmp_path)]
    rows = [dict(r, COSTO_ACTUALIZADO=COST) if r["CODIGO_UNICO"] == OTHER else r for r in rows]
    (tmp_path / "v2").mkdir()
    path = write_detalle(tmp_path / "v2" / "DETALLE_INVERSIONES.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    return app.test_client()


def _figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_one_investment_reads_the_same_everywhere(app, tmp_path):
    client = _imported_twice(app, tmp_path)

    page = client.get(f"/inversiones/{OTHER}").get_data(as_text=True)
    cost_text = _figure(page, "updated_cost")
    progress_text = _figure(page, "mef_progress")
    status_code = re.search(r'class="badge badge-(\w+)">([^<]+)<', page).group(1)
    status_word = re.search(r'class="badge badge-\w+">([^<]+)<', page).group(1)
    assert (cost_text, progress_text) == ("S/ 12,314,605", "35.5%")

    # The map popup shows the texts the server wrote, and its status word from the map's labels.
    points = json.loads(client.get("/api/v1/inversiones.geojson?q=camino").data)
    [popup] = [f["properties"] for f in points["features"] if f["properties"]["c"] == OTHER]
    map_page = client.get("/mapa").get_data(as_text=True)
    statuses = json.loads(re.search(r'"statuses": (\{[^}]*\})', map_page).group(1))
    assert (popup["kt"], popup["pt"]) == (cost_text, progress_text)
    assert (popup["k"], popup["s"], statuses[popup["s"]]) == (float(COST), status_code, status_word)

    # Files and the API keep the published number, to the céntimo; the pages' text comes from it.
    sheet = client.get("/buscar.csv?q=camino").get_data(as_text=True).lstrip("\ufeff")
    [row] = [r for r in csv.DictReader(io.StringIO(sheet)) if r["CUI"] == OTHER]
    assert (row["Costo actualizado (S/)"], row["Avance físico (%)"]) == (COST, "35.45")
    assert row["Estado"] == status_word
    api = client.get("/api/v1/inversiones?q=camino").get_json()
    [item] = [r for r in api["results"] if r["cui"] == OTHER]
    assert (item["costo_actualizado"], item["estado"]) == (COST, status_code)
    with app.test_request_context("/?lang=es"):
        assert i18n.format_money(Decimal(item["costo_actualizado"])) == cost_text
        assert i18n.format_percent(Decimal(item["avance_fisico"])) == progress_text

    feed = feedparser.parse(client.get(f"/inversiones/{OTHER}.atom").data)
    content = feed.entries[0].content[0].value
    assert f"→ {cost_text}" in content
    assert f"Estado: {status_word}." in content


def test_the_popup_is_written_in_the_visitors_language(app, tmp_path):
    """The map's data is cached per language, as the page it is shown on."""
    client = _imported_twice(app, tmp_path)
    english = {"Accept-Language": "en"}
    spanish = client.get("/api/v1/inversiones.geojson", headers={"Accept-Language": "es"})
    response = client.get("/api/v1/inversiones.geojson", headers=english)
    page = client.get(f"/inversiones/{OTHER}", headers=english).get_data(as_text=True)

    [popup] = [f["properties"] for f in response.json["features"] if f["properties"]["c"] == OTHER]
    assert popup["kt"] == _figure(page, "updated_cost")
    assert popup["pt"] == _figure(page, "mef_progress")
    assert response.headers["ETag"] != spanish.headers["ETag"]
    assert "Accept-Language" in response.headers["Vary"]
