"""The import's derived step rewrites only the investments whose status or phase changes.

It rewrote all of them every night: at national size 300,000 row versions written while visitors
were served, as many dead rows left behind, and each place's rows scattered over the table.
"""

from __future__ import annotations

from sqlalchemy import event

from portal.investments.derived import refresh_statuses
from portal.investments.models import Investment
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle


def _rows_rewritten(engine) -> int:
    rewritten = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE INVESTMENTS"):
            rewritten.append(cursor.rowcount)

    event.listen(engine, "after_cursor_execute", record)
    try:
        with engine.begin() as conn:
            refresh_statuses(conn)
    finally:
        event.remove(engine, "after_cursor_execute", record)
    return sum(rewritten)


def test_statuses_already_right_are_not_written_again(app, tmp_path):
    path = write_detalle(
        tmp_path / "DETALLE_INVERSIONES.csv",
        [detalle_row("2500001", "AGUA EN CHOTA"), detalle_row("2500002", "COLEGIO EN CHOTA")],
    )
    [result] = import_sources(app, [("mef-inversiones", path)])
    assert result.status == "imported"
    engine = app.extensions["portal.engine"]

    assert _rows_rewritten(engine) == 0

    with engine.begin() as conn:  # one status goes stale (as a new file would make it)
        conn.execute(
            Investment.__table__.update()
            .where(Investment.cui == "2500001")
            .values(status="finalizada", phase="cierre")
        )
    assert _rows_rewritten(engine) == 1
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                Investment.__table__.select().with_only_columns(Investment.cui, Investment.status)
            ).all()
        )
    assert statuses["2500001"] == statuses["2500002"]
