"""One truth: an investment's physical progress is the same on its page, in lists, CSV and API."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.db import session_scope
from portal.investments.models import F12BReport, InfobrasWork, Investment


@pytest.fixture(scope="module")
def closed(demo_app):
    """A closed demo investment whose records give no progress, and its district."""
    from portal.db import get_session

    with demo_app.app_context():
        inv = (
            get_session()
            .scalars(
                select(Investment)
                .where(Investment.phase == "cierre", Investment.physical_progress.is_(None))
                .order_by(Investment.cui)
            )
            .first()
        )
        assert inv is not None
        return inv.cui, inv.ubigeo


def _csv_progress(text, cui):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = rows[0].index("Avance físico (%)")
    return next(r[column] for r in rows[1:] if r[0] == cui)


def test_closed_investment_is_100_percent_on_its_page_lists_csv_and_api(demo_app, closed):
    cui, ubigeo = closed
    client = demo_app.test_client()
    sheet = client.get(f"/inversiones/{cui}.json").get_json()
    assert sheet["works"]["physical_progress"] == "100.00"
    page = client.get(f"/inversiones/{cui}").text
    assert 'aria-label="Avance físico: 100.0%"' in page

    api = client.get("/api/v1/inversiones", query_string={"fase": "cierre", "distrito": ubigeo})
    row = next(r for r in api.get_json()["results"] if r["cui"] == cui)
    assert row["avance_fisico"] == "100.00"

    export = client.get("/buscar.csv", query_string={"fase": "cierre", "distrito": ubigeo})
    assert _csv_progress(export.get_data(as_text=True), cui) == "100.00"

    listing = client.get(f"/lugares/{ubigeo}", query_string={"fase": "cierre"}).text
    cell = re.search(rf"/inversiones/{cui}\".*?</tr>", listing, re.S).group(0)
    assert "100.0%" in cell and "—" not in cell.split("S/")[-1]


def _investment(session, cui, **fields):
    now = dt.datetime.now(dt.UTC)
    session.add(
        Investment(
            cui=cui, name=f"Obra {cui}", source="mef-inversiones", row_hash="x",
            first_seen_at=now, changed_at=now, **fields,
        )
    )  # fmt: skip


def test_progress_is_the_highest_any_source_reports_and_a_closed_one_keeps_its_own(app):
    with app.app_context(), session_scope() as session:
        _investment(session, "2000001", phase="cierre", physical_progress=Decimal("87.5"))
        _investment(session, "2000002", phase="ejecucion", physical_progress=Decimal("20"))
        session.add(F12BReport(cui="2000002", physical_progress=Decimal("35")))
        session.add(InfobrasWork(infobras_code="9", cui="2000002", name="x",
                                 actual_progress=Decimal("30")))  # fmt: skip
        _investment(session, "2000003", phase="ejecucion")
    client = app.test_client()
    results = client.get("/api/v1/inversiones").get_json()["results"]
    api = {r["cui"]: r["avance_fisico"] for r in results}
    assert api == {"2000001": "87.50", "2000002": "35.00", "2000003": None}
    for cui, expected in api.items():
        sheet = client.get(f"/inversiones/{cui}.json").get_json()
        assert sheet["works"]["physical_progress"] == expected
