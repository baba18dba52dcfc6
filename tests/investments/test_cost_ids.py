"""CoST IDS completeness: "N de 40" on the investment page, the unit average on /unidades (and its
CSV), and the 40 points with their source on /metodologia."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

from portal.contracts.ids import RULES, TOTAL_POINTS, load_points
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle
from tests.importer.test_oece_ocds import CONSORTIUM

LINKED, ALONE = "2640310", "2480499"


def _imported(app, tmp_path):
    rows = [detalle_row(LINKED), detalle_row(ALONE)]
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows)
    requests = [("mef-inversiones", path), ("oece-ocds", CONSORTIUM)]
    assert all(r.status == "imported" for r in import_sources(app, requests))


def _points(client, cui: str, lang: str = "es") -> tuple[int, int, str]:
    page = html.unescape(client.get(f"/inversiones/{cui}?lang={lang}").get_data(as_text=True))
    count, total = re.search(r'data-figure="ids_points">(\d+) (?:de|of) (\d+)<', page).groups()
    return int(count), int(total), page


def test_the_table_has_the_40_points_each_with_a_known_rule():
    points = load_points()

    assert len(points) == TOTAL_POINTS == 40
    assert [p.id for p in points] == list(range(1, 41))
    assert all(p.rule in RULES for p in points)
    assert {p.stage for p in points} == {
        "identification", "preparation", "completion", "procurement", "implementation",
    }  # fmt: skip


def test_a_linked_process_discloses_more_points_and_the_missing_are_listed(app, client, tmp_path):
    _imported(app, tmp_path)

    linked, total, page = _points(client, LINKED)
    alone, _, alone_page = _points(client, ALONE)

    assert total == 40 and linked > alone
    missing = alone_page[alone_page.index('data-ids="missing"') :]
    # Without a process nothing of the contract is published: its points are listed as missing.
    assert 'data-point="27"' in missing and "Número de postores" in missing
    assert 'data-point="27"' not in page[page.index('id="cost-ids"') :]
    assert f"{40 - alone} datos que faltan" in alone_page
    english = _points(client, LINKED, "en")[2]
    assert "Number of firms tendering" not in english and "Environmental impact" in english


def test_the_unit_average_is_the_mean_of_its_investments(app, client, tmp_path):
    _imported(app, tmp_path)
    linked, alone = _points(client, LINKED)[0], _points(client, ALONE)[0]

    text = client.get("/unidades.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text[1:])))
    page = client.get("/unidades").get_data(as_text=True)

    expected = (Decimal(linked + alone) / 2).quantize(Decimal("0.1"))
    assert Decimal(row["ids_puntos_promedio"]) == expected
    cell = page[page.index('data-figure="ids_points"') :]
    assert cell.startswith(f'data-figure="ids_points">{expected}<')


def test_the_methodology_lists_the_40_points_and_their_source(client):
    page = html.unescape(client.get("/metodologia").get_data(as_text=True))

    section = page[page.index('id="cost-ids"') :]
    assert section.count("<tr data-point=") == 40
    assert "standard.open-contracting.org/infrastructure" in section
    assert "ContractingProcess.tenderers" in section
