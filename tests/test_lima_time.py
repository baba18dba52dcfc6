"""Every time and day a reader sees is Lima's (PORTAL_TIMEZONE), not the server's UTC.

An import at 02:56 Lima time is stored as 07:56 UTC; late evening in Lima is already tomorrow in
UTC, so a day taken from the UTC moment would be one day ahead.
"""

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import update

from portal.db import get_session
from portal.importer.models import ImportRun
from portal.investments.models import Investment
from tests.conftest import import_sources, make_test_app
from tests.importer.factories import many_rows, write_detalle


def _run_at(app, moment: dt.datetime) -> None:
    with app.app_context():
        session = get_session()
        session.add(
            ImportRun(
                source="mef-inversiones",
                location="DETALLE_INVERSIONES.csv",
                started_at=moment,
                finished_at=moment,
                status="imported",
            )
        )
        session.commit()


def test_an_import_at_0756_utc_shows_0256_lima_time_on_estado(app, client):
    _run_at(app, dt.datetime(2026, 12, 3, 7, 56, tzinfo=dt.UTC))
    page = client.get("/estado").get_data(as_text=True)
    assert "Fecha y hora de Lima" in page
    cell = re.search(r'<time datetime="2026-12-03T07:56:00\+00:00">([^<]*)</time>', page)
    assert cell and cell.group(1).endswith(" 02:56") and "3 dic" in cell.group(1)
    assert "07:56" not in page.replace("T07:56", "")


def test_an_evening_import_in_lima_is_dated_by_lima_s_day(app, client):
    _run_at(app, dt.datetime(2026, 12, 4, 2, 30, tzinfo=dt.UTC))  # 21:30 on 3 Dec in Lima
    cell = re.search(r"<time [^>]*>([^<]*)</time>", client.get("/estado").get_data(as_text=True))
    assert "3 dic" in cell.group(1) and cell.group(1).endswith("21:30")


def test_the_search_csv_dates_a_change_by_lima_s_day(app, client, tmp_path):
    import_sources(app, [("mef-inversiones", write_detalle(tmp_path / "d.csv", many_rows(1)))])
    with app.app_context():
        session = get_session()
        evening = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)  # 22:00 on 3 Dec in Lima
        session.execute(update(Investment).values(changed_at=evening))
        session.commit()
    body = client.get("/buscar.csv").get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert row["Último cambio"] == "2026-12-03"


def test_an_unknown_time_zone_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_TIMEZONE"):
        make_test_app("sqlite://", tmp_path, PORTAL_TIMEZONE="America/Lma")
