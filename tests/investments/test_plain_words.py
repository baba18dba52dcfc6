"""Plain words: singular and plural, month names, and the F-12B problem next to its action."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.db import session_scope
from portal.demo.names import PARALYSIS_ACTIONS, PARALYSIS_CAUSES
from portal.investments.derived import rebuild_executing_units, seed_places
from portal.investments.labels import problem_type_text
from portal.investments.models import F12BMonth, F12BReport, Investment


def _dd(page, name):
    match = re.search(rf'data-figure="{name}">(.*?)</dd>', page, re.S)
    assert match, name
    return html.unescape(match.group(1)).strip()


def test_situation_block_shows_the_problem_type_and_then_the_planned_action(demo_app):
    from portal.db import get_session

    with demo_app.app_context():
        report = (
            get_session()
            .scalars(
                select(F12BReport).where(F12BReport.problem.is_not(None)).order_by(F12BReport.cui)
            )
            .first()
        )
        cui = report.cui
    page = demo_app.test_client().get(f"/inversiones/{cui}").text
    assert "Tipo de problema" in page
    assert _dd(page, "f12b_problem") == "Paralización"
    action = _dd(page, "f12b_action")
    assert action in PARALYSIS_ACTIONS and action not in PARALYSIS_CAUSES


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("PROBLEMA (Atrasos y/o paralizaciones)", "Atrasos y/o paralizaciones"),
        ("PROBLEMA (Paralización)", "Paralización"),
        ("DEFICIENCIAS DEL EXPEDIENTE", "DEFICIENCIAS DEL EXPEDIENTE"),
        (None, "—"),
    ],
)
def test_problem_type_in_plain_words(published, shown):
    assert problem_type_text(published) == shown


def _add(session, cui, ubigeo="060102", **fields):
    now = dt.datetime.now(dt.UTC)
    session.add(
        Investment(
            cui=cui, name=f"Obra {cui}", source="mef-inversiones", row_hash="x", ubigeo=ubigeo,
            first_seen_at=now, changed_at=now, sec_ejec="878",
            executing_unit_name="REGION CAJAMARCA-SUB REGION CHOTA", **fields,
        )
    )  # fmt: skip


@pytest.fixture
def one_investment(app):
    with app.app_context(), session_scope() as session:
        _add(session, "2000001", updated_cost=Decimal("1000"), status="en_ejecucion")
        session.add(F12BReport(cui="2000001", year=2026, physical_progress=Decimal(10)))
        for month in (1, 9, 12):
            session.add(F12BMonth(cui="2000001", month=month, programmed=Decimal(month)))
    with app.app_context(), app.extensions["portal.engine"].begin() as conn:
        seed_places(conn, "06")
        rebuild_executing_units(conn)
    return app.test_client()


def test_one_investment_is_singular_on_place_unit_and_map_pages(one_investment):
    client = one_investment
    for url in ("/lugares/060102", "/lugares/0601", "/unidades/region-cajamarca-sub-region-chota"):
        page = client.get(url).text
        assert "1 inversión" in page, url
        assert not re.search(r"\b1 inversiones\b", page), url
    assert "1 unidad ejecutora con inversiones." in client.get("/unidades").text


def test_f12b_months_are_named_in_the_reader_s_language(one_investment):
    client = one_investment
    spanish = client.get("/inversiones/2000001?lang=es").text
    rows = re.findall(r'data-month="\d+"><th scope="row">([^<]+)</th>', spanish)
    assert rows == ["Enero", "Setiembre", "Diciembre"]
    english = client.get("/inversiones/2000001?lang=en").text
    rows = re.findall(r'data-month="\d+"><th scope="row">([^<]+)</th>', english)
    assert rows == ["January", "September", "December"]
    axis = re.findall(r'<text class="chart-label"[^>]*>([^<]+)</text>', spanish)
    assert axis == ["Ene.", "Set.", "Dic."]
