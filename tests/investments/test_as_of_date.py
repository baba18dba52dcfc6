"""/inversiones/<CUI>?fecha= shows the figures after the last import on or before that date."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from tests.search.factories import add_investment

CUI = "2100001"


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def history(app, db_session):
    """Imported on 1 March (cost 1,000,000), 1 June (cost 1,200,000), 1 Sept (progress 40 → 55)."""
    from portal.importer.models import ImportRun
    from portal.investments.models import ChangeLogEntry

    runs = {}
    for month in (3, 6, 9):
        run = ImportRun(
            source="mef-inversiones", location="x", started_at=_utc(2026, month, 1, 11),
            finished_at=_utc(2026, month, 1, 11, 5), status="imported",
        )  # fmt: skip
        db_session.add(run)
        db_session.flush()
        runs[month] = run.id
    add_investment(
        db_session, CUI, "AGUA POTABLE EN LLUSHCAPAMPA",
        updated_cost=Decimal("1200000.00"), physical_progress=Decimal("55.00"),
        first_seen_at=_utc(2026, 3, 1, 11, 2), changed_at=_utc(2026, 9, 1, 11, 2),
    )  # fmt: skip
    for month, field, old, new in (
        (6, "updated_cost", "1000000.00", "1200000.00"),
        (9, "physical_progress", "40.00", "55.00"),
    ):
        db_session.add(
            ChangeLogEntry(
                cui=CUI,
                field=field,
                old_value=old,
                new_value=new,
                import_run_id=runs[month],
                changed_at=_utc(2026, month, 1, 11, 2),
            )  # fmt: skip
        )
    db_session.commit()
    return runs


def _then(html: str, field: str) -> str:
    match = re.search(rf'data-as-of-field="{field}"[^>]*>.*?<td data-then>(.*?)</td>', html, re.S)
    assert match, field
    return match.group(1)


def test_a_date_between_imports_shows_the_figures_of_the_earlier_import(client, history):
    html = client.get(f"/inversiones/{CUI}?fecha=2026-04-15").get_data(as_text=True)
    assert 'data-as-of="2026-04-15"' in html
    assert "Así estaba el" in html
    assert _then(html, "updated_cost") == "S/ 1,000,000"
    assert _then(html, "physical_progress") == "40.0%"


def test_the_day_of_an_import_includes_that_import(client, history):
    html = client.get(f"/inversiones/{CUI}?fecha=2026-06-01").get_data(as_text=True)
    assert _then(html, "updated_cost") == "S/ 1,200,000"
    assert _then(html, "physical_progress") == "40.0%"


def test_the_citation_carries_the_dated_link_and_the_import_date(client, history):
    html = client.get(f"/inversiones/{CUI}?fecha=2026-07-20").get_data(as_text=True)
    citation = re.search(r'<textarea id="cita"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"http://localhost/inversiones/{CUI}?fecha=2026-07-20" in citation
    assert "1 jun. 2026" in citation
    # The canonical address stays the undated page.
    assert f'<link rel="canonical" href="http://localhost/inversiones/{CUI}">' in html


def test_before_the_investment_appeared_says_so(client, history):
    from portal.db import get_session
    from portal.importer.models import ImportRun

    with client.application.app_context():
        session = get_session()
        session.add(
            ImportRun(source="mef-inversiones", location="x", started_at=_utc(2026, 1, 5),
                      status="imported")
        )  # fmt: skip
        session.commit()
    html = client.get(f"/inversiones/{CUI}?fecha=2026-02-01").get_data(as_text=True)
    assert "aún no figuraba en los datos" in html
    html = client.get(f"/inversiones/{CUI}?fecha=2025-01-01").get_data(as_text=True)
    assert "todavía no tenía datos" in html


@pytest.mark.parametrize("fecha", ["ayer", "2026-13-01", "01/04/2026", "2999-01-01", "2026-4-1"])
def test_a_bad_date_shows_todays_figures_with_a_notice(client, history, fecha):
    response = client.get(f"/inversiones/{CUI}", query_string={"fecha": fecha})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-as-of="invalid"' in html
    assert "no es una fecha válida" in html
    assert "data-as-of-field" not in html
    citation = re.search(r'<textarea id="cita"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"fecha={fecha}" not in citation  # the figures shown are today's: so is the link
    assert re.search(rf"/inversiones/{CUI}\?fecha=\d{{4}}-\d\d-\d\d&amp;version=\d+ ", citation)


def test_without_a_date_the_citation_links_the_figures_of_the_day_read_in_lima(
    client, history, monkeypatch
):
    """At 22:00 in Lima (03:00 UTC the next day) a journalist reads and cites the page: the
    citation's link rebuilds that day's figures and says it was consulted that day."""
    import portal.i18n

    class LateEveningInLima(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(portal.i18n.dt, "datetime", LateEveningInLima)
    html = client.get(f"/inversiones/{CUI}").get_data(as_text=True)
    citation = re.search(r'<textarea id="cita"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    # The newest import (1 Sept) is the version read: the link names it as well as the day.
    link = f"http://localhost/inversiones/{CUI}?fecha=2026-12-01&amp;version={history[9]} "
    assert link in citation
    assert "(consultado el 1 dic. 2026)" in citation
    assert f'<link rel="canonical" href="http://localhost/inversiones/{CUI}">' in html
    later = client.get(f"/inversiones/{CUI}?fecha=2026-12-01").get_data(as_text=True)
    assert _then(later, "physical_progress") == "55.0%"


def test_without_a_date_the_page_has_no_dated_banner(client, history):
    html = client.get(f"/inversiones/{CUI}").get_data(as_text=True)
    assert "data-as-of" not in html


def test_an_evening_import_in_lima_is_dated_that_evening_on_every_engine(client, history):
    """22:30 in Lima is 03:30 UTC the next day: the page dates the import by Lima's calendar
    (SQLite keeps no offset; its moments are read back as the UTC they were written in)."""
    from portal.db import session_scope
    from portal.importer.models import ImportRun

    with client.application.app_context(), session_scope() as session:
        session.add(
            ImportRun(source="mef-inversiones", location="x", status="imported",
                      started_at=_utc(2026, 12, 1, 3, 30), finished_at=_utc(2026, 12, 1, 3, 35))
        )  # fmt: skip
    html = client.get(f"/inversiones/{CUI}").get_data(as_text=True)
    sources = html[html.index('id="fuentes"') :]
    assert "importado el 30 nov. 2026" in sources
    assert "importado el 1 dic. 2026" not in html


def _citation(html: str) -> str:
    return re.search(r'<textarea id="cita"[^>]*>(.*?)</textarea>', html, re.S).group(1)


def test_a_cited_version_keeps_its_figures_after_another_import_the_same_day(app, tmp_path):
    """A journalist cites the page after the morning import; an evening import the same day
    changes the cost: the cited link still shows the cited figure, ?fecha= alone the newest."""
    import html as html_lib

    from tests.conftest import import_sources
    from tests.importer.factories import detalle_row, write_detalle

    client = app.test_client()
    morning = write_detalle(tmp_path / "a.csv", [detalle_row(CUI, COSTO_ACTUALIZADO="52301598")])
    import_sources(app, [("mef-inversiones", morning)])
    page = client.get(f"/inversiones/{CUI}").get_data(as_text=True)
    assert 'data-figure="updated_cost">S/ 52,301,598<' in page
    cited = html_lib.unescape(re.search(r"(http://\S+)", _citation(page)).group(1))
    assert "version=" in cited and "fecha=" in cited

    evening = write_detalle(tmp_path / "b.csv", [detalle_row(CUI, COSTO_ACTUALIZADO="55000000")])
    import_sources(app, [("mef-inversiones", evening)])
    assert "S/ 55,000,000<" in client.get(f"/inversiones/{CUI}").get_data(as_text=True)

    again = client.get(cited.removeprefix("http://localhost")).get_data(as_text=True)
    assert _then(again, "updated_cost") == "S/ 52,301,598"
    assert "data-as-of-version=" in again
    # The link of that page cites the same version again.
    assert html_lib.unescape(re.search(r"(http://\S+)", _citation(again)).group(1)) == cited
    # ?fecha= alone: the last import of that day.
    day = re.search(r"fecha=([\d-]+)", cited).group(1)
    dated = client.get(f"/inversiones/{CUI}?fecha={day}").get_data(as_text=True)
    assert _then(dated, "updated_cost") == "S/ 55,000,000"


@pytest.mark.parametrize("version", ["abc", "0", "-1", "1.5", "99999999", "9" * 40])
def test_a_bad_version_shows_a_notice_and_todays_figures(client, history, version):
    response = client.get(f"/inversiones/{CUI}", query_string={"version": version})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-as-of="invalid-version"' in html
    assert "no es una versión publicada" in html
    assert "data-as-of-field" not in html
    assert f"&amp;version={history[9]} " in _citation(html)  # the figures shown: today's


def test_a_bad_version_with_a_good_date_shows_that_dates_figures(client, history):
    html = client.get(f"/inversiones/{CUI}?fecha=2026-04-15&version=x").get_data(as_text=True)
    assert 'data-as-of="invalid-version"' in html
    assert _then(html, "updated_cost") == "S/ 1,000,000"


def test_a_rejected_import_is_no_version(client, history):
    from portal.db import session_scope
    from portal.importer.models import ImportRun

    with client.application.app_context(), session_scope() as session:
        run = ImportRun(source="mef-inversiones", location="x", status="rejected",
                        started_at=_utc(2026, 10, 1))  # fmt: skip
        session.add(run)
        session.flush()
        rejected = run.id
    html = client.get(f"/inversiones/{CUI}?version={rejected}").get_data(as_text=True)
    assert 'data-as-of="invalid-version"' in html


def test_a_version_between_imports_shows_that_imports_figures(client, history):
    html = client.get(f"/inversiones/{CUI}?version={history[6]}").get_data(as_text=True)
    assert f'data-as-of-version="{history[6]}"' in html
    assert 'data-as-of="2026-06-01"' in html
    assert _then(html, "updated_cost") == "S/ 1,200,000"
    assert _then(html, "physical_progress") == "40.0%"
    assert f"?fecha=2026-06-01&amp;version={history[6]} " in _citation(html)


def test_a_cited_version_is_named_as_datos_names_it(client, history):
    """/datos lists «Importación n.º N» (the number a citation carries) under versions named by
    day (2026-06-01, 2026-06-01.2): the cited page names the import, not a «versión N» that
    /datos never shows."""
    html = client.get(f"/inversiones/{CUI}?version={history[6]}").get_data(as_text=True)
    heading = re.search(r'<h2 id="as-of-title">(.*?)</h2>', html).group(1)
    assert heading == f"Así estaba tras la importación n.º {history[6]}, del 1 jun. 2026"


def test_the_banners_progress_is_labelled_as_the_figure_it_is(client, history):
    """The banner rebuilds the bank of investments' own progress (the page's bar may take a
    higher one from F12-B or INFObras): it says so, as the page's row for that figure does."""
    html = client.get(f"/inversiones/{CUI}?version={history[6]}").get_data(as_text=True)
    row = re.search(r'data-as-of-field="physical_progress"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "Avance físico según el banco de inversiones" in row
    now = re.search(r"<td>(.*?)</td>", row).group(1)
    assert f'data-figure="mef_progress">{now}<' in html
