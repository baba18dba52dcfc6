"""The change history of a fact sheet after a second import, and the stored flags it refreshes."""

import re

from sqlalchemy import select

from tests.conftest import demo_requests, import_sources

CUI = "2100426"


def reimport_with_new_cost(app, demo_dir, tmp_path, old="375295.4", new="500000.0"):
    text = (demo_dir / "DETALLE_INVERSIONES.csv").read_bytes()
    row = next(line for line in text.splitlines(keepends=True) if f'"{CUI}"'.encode() in line)
    changed = row.replace(f'"{old}"'.encode(), f'"{new}"'.encode(), 1)
    assert changed != row
    path = tmp_path / "DETALLE_INVERSIONES.csv"
    path.write_bytes(text.replace(row, changed))
    results = import_sources(app, [("mef-inversiones", path)])
    assert results[0].status == "imported"


def test_second_import_shows_old_and_new_cost_in_plain_words_newest_first(app, demo_dir, tmp_path):
    import_sources(app, demo_requests(demo_dir))
    reimport_with_new_cost(app, demo_dir, tmp_path)
    page = app.test_client().get(f"/inversiones/{CUI}").get_data(as_text=True)
    history = page[page.index('id="cambios"') : page.index('id="fuentes"')]
    rows = re.findall(r'<tr data-change="(\w+)">(.*?)</tr>', history, re.S)
    assert [field for field, _ in rows] == ["updated_cost"]
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", rows[0][1])
    assert cells[1:] == ["Costo actualizado", "S/ 375,295", "S/ 500,000"]
    assert re.fullmatch(r"\d+ \w+\. 2026", cells[0])
    data = app.test_client().get(f"/inversiones/{CUI}.json").get_json()
    assert data["changes"][0]["label"] == "Costo actualizado"
    assert data["changes"][0]["new"] == "500000.00"


def test_import_refreshes_the_stored_flags_used_by_search(app, demo_dir, tmp_path):
    from portal.db import get_session
    from portal.investments.models import Investment

    import_sources(app, demo_requests(demo_dir))
    with app.app_context():
        before = get_session().scalar(select(Investment.red_flags).where(Investment.cui == CUI))
    assert "sobrecosto" not in before.split()
    # 350,059 viable → 500,000 updated is 43 % more: the cost-overrun flag appears.
    reimport_with_new_cost(app, demo_dir, tmp_path)
    with app.app_context():
        after = get_session().scalar(select(Investment.red_flags).where(Investment.cui == CUI))
    assert "sobrecosto" in after.split()
    page = app.test_client().get(f"/inversiones/{CUI}").get_data(as_text=True)
    assert 'data-flag="sobrecosto"' in page


def test_region_and_place_figures_follow_a_new_import(app, demo_dir, tmp_path):
    import_sources(app, demo_requests(demo_dir))
    client = app.test_client()

    def cost(path):
        page = client.get(path).get_data(as_text=True)
        return re.search(r'data-figure="updated_cost">S/ ([\d,]+)<', page).group(1)

    before = {path: cost(path) for path in ("/", "/lugares/0607", "/lugares/060702")}
    reimport_with_new_cost(app, demo_dir, tmp_path)
    for path, old in before.items():
        grown = int(cost(path).replace(",", "")) - int(old.replace(",", ""))
        assert grown in (124704, 124705), path  # 500,000 - 375,295.40, rounded either way
