"""The import computes the figures of the pages that read the whole region; a web process reads
them instead of summing 300,000 investments for its first visitor after each import."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from portal.investments.figures_store import (
    PrecomputedFigure,
    decode,
    encode,
    read_figure,
    write_figures,
)
from portal.investments.queries import Portfolio, YearExecution
from tests.conftest import fresh_web_process, statements_run

#: A statement that adds up investments (what costs seconds at national size).
SUMS_INVESTMENTS = re.compile(r"\b(count|sum)\(.*\bFROM investments\b", re.I | re.S)


PAGES = ["/", "/provincias", "/lugares/0604", "/unidades", "/unidades?orden=nombre"]


@pytest.mark.parametrize("url", PAGES)
def test_the_first_visit_after_an_import_adds_up_no_investment(demo_app, url):
    fresh_web_process(demo_app)
    statements = statements_run(demo_app, [url])
    assert statements
    assert [s for s in statements if SUMS_INVESTMENTS.search(s)] == []


@pytest.mark.parametrize("url", PAGES)
def test_precomputed_figures_read_as_the_pages_computed_them(demo_app, url):
    fresh_web_process(demo_app)
    precomputed = demo_app.test_client().get(url).get_data(as_text=True)
    with demo_app.app_context():
        from portal.db import session_scope

        with session_scope() as session:
            kept = session.execute(select(PrecomputedFigure)).scalars().all()
            rows = [(f.key, f.version, f.value) for f in kept]
            session.execute(delete(PrecomputedFigure))
    try:
        fresh_web_process(demo_app)
        computed = demo_app.test_client().get(url).get_data(as_text=True)
    finally:
        with demo_app.app_context(), session_scope() as session:
            session.add_all(PrecomputedFigure(key=k, version=v, value=x) for k, v, x in rows)
    nonce = re.compile(r'nonce="[^"]+"')
    assert nonce.sub("", precomputed) == nonce.sub("", computed)


def test_figures_of_an_older_import_are_not_read(app):
    with app.app_context():
        from portal.db import session_scope

        with session_scope() as session:
            write_figures(session, (1, "2026-10-01"), {"region": 1, ("place", "06"): [2]})
            assert read_figure(session, (1, "2026-10-01"), ("place", "06")) == (True, [2])
            assert read_figure(session, (2, "2026-10-02"), ("place", "06")) == (False, None)
            assert read_figure(session, (1, "2026-10-01"), "bottlenecks") == (False, None)
            write_figures(session, (2, "2026-10-02"), {"region": 3})
            assert session.scalar(select(func.count()).select_from(PrecomputedFigure)) == 1


def test_stored_figures_come_back_as_the_same_objects():
    portfolio = Portfolio(
        investments=3,
        updated_cost=Decimal("10.50"),
        devengado_accumulated=Decimal("0"),
        by_status={"paralizada": 1},
        years=[YearExecution(2026, Decimal("1"), Decimal("2"), Decimal("0.5"))],
        current_year=2026,
    )
    value = {"p": portfolio, "closures": {2024: 1}, "pair": (1, "a"), "day": dt.date(2026, 1, 2)}
    assert decode(encode(value)) == value
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(ValueError):
        decode('{"$c":"os:system","f":{}}')


def test_a_failure_to_precompute_loses_only_speed(app, tmp_path, monkeypatch, caplog):
    from tests.conftest import import_sources
    from tests.importer.factories import detalle_row, write_detalle

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr("portal.investments.precompute.national_figures", broken)
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", [detalle_row("2600001")])
    [result] = import_sources(app, [("mef-inversiones", path)])
    assert result.status == "imported"
    assert "The figures were not precomputed" in caplog.text
    # The map data was still built by the hooks after it, and the home page computes its own.
    assert list((tmp_path / "instance" / "cache" / "maps").glob("*.gz"))
    assert app.test_client().get("/").status_code == 200
