"""/buscar.csv for a committee: words not codes, participatory-budget columns, a telling name."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.investments.models import Investment, Prioritisation

PRIORITISED = "2100426"  # demo: prioritised in the 2026 participatory budget


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_file_name_says_what_was_filtered(demo_client):
    response = demo_client.get(
        "/buscar.csv", query_string={"provincia": "0606", "estado": "en_ejecucion"}
    )
    today = dt.datetime.now(ZoneInfo("America/Lima")).date().isoformat()  # the portal's day
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition == f'attachment; filename="vigia-inversiones-cutervo-en-ejecucion-{today}.csv"'
    )
    everything = demo_client.get("/buscar.csv", query_string={"q": "😀 ;DROP"})
    assert (
        f'filename="vigia-inversiones-drop-{today}.csv"'
        in everything.headers["Content-Disposition"]
    )


def test_csv_shows_labels_not_codes(demo_client):
    rows = _rows(demo_client.get("/buscar.csv", query_string={"estado": "en_ejecucion"}))
    assert rows and {r["Estado"] for r in rows} == {"En ejecución"}
    assert "en_ejecucion" not in {r["Estado"] for r in rows}
    assert not {r["Fase"] for r in rows} & {"ejecucion", "formulacion", "funcionamiento", "cierre"}
    flagged = [r for r in rows if r["Alertas"]]
    assert flagged and all("_" not in r["Alertas"] for r in flagged)


def test_csv_has_the_participatory_budget_columns(demo_app, demo_client):
    from portal.db import get_session

    with demo_app.app_context():
        pp = (
            get_session()
            .scalars(
                select(Prioritisation)
                .where(Prioritisation.cui == PRIORITISED)
                .order_by(Prioritisation.year.desc())
            )
            .first()
        )
        year = pp.year
        expected = (
            str(pp.year),
            str(pp.rank or ""),
            str(pp.amount or ""),
            pp.committee or "",
            pp.act or "",
        )
        prioritised_count = len(
            set(
                get_session().scalars(select(Prioritisation.cui).where(Prioritisation.year == year))
            )
            & set(get_session().scalars(select(Investment.cui)))
        )
    rows = _rows(demo_client.get("/buscar.csv", query_string={"pp": str(year)}))
    assert len(rows) == prioritised_count
    row = next(r for r in rows if r["CUI"] == PRIORITISED)
    assert (
        row["Presupuesto participativo: año"],
        row["Presupuesto participativo: puesto"],
        row["Presupuesto participativo: monto asignado (S/)"],
        row["Presupuesto participativo: comité"],
        row["Presupuesto participativo: acta"],
    ) == expected
    assert expected[3] and expected[4]  # the demo names a committee and an act
    assert all(r["Presupuesto participativo: año"] == str(year) for r in rows)
