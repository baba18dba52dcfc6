"""Small maps data set written through the ORM: places with centroids and a few investments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portal.importer.models import ImportRun
from portal.investments.models import Investment, Place

NOW = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)

#: (ubigeo, level, name, parent, lat, lon)
PLACES = [
    ("0604", "provincia", "Chota", "06", -6.45, -78.75),
    ("060401", "distrito", "Chota", "0604", -6.56, -78.65),
    ("060405", "distrito", "Cochabamba", "0604", -6.48, -78.87),
    ("0601", "provincia", "Cajamarca", "06", -7.15, -78.5),
    ("060101", "distrito", "Cajamarca", "0601", -7.16, -78.51),
]


def add_investment(session, cui: str, name: str, ubigeo: str | None = "060401", **fields):
    values = dict(
        cui=cui,
        name=name,
        source="mef-inversiones",
        status="en_ejecucion",
        phase="ejecucion",
        function="SANEAMIENTO",
        ubigeo=ubigeo,
        latitude=-6.55,
        longitude=-78.66,
        coords_status="ok",
        updated_cost=Decimal("1000000.00"),
        devengado_accumulated=Decimal("250000.00"),
        physical_progress=Decimal("10.00"),
        red_flags="",
        row_hash="x",
        first_seen_at=NOW,
        changed_at=NOW,
    )
    values.update(fields)
    session.add(Investment(**values))


def add_import_run(session) -> None:
    session.add(
        ImportRun(source="mef-inversiones", location="x", started_at=NOW, status="imported")
    )


@pytest.fixture
def map_app(app):
    """Places of two provinces and six investments, one of each kind the map must handle."""
    from portal.db import session_scope

    with app.app_context(), session_scope() as session:
        for ubigeo, level, name, parent, lat, lon in PLACES:
            session.add(
                Place(
                    ubigeo=ubigeo,
                    level=level,
                    name=name,
                    parent_ubigeo=parent,
                    latitude=lat,
                    longitude=lon,
                )
            )
        add_investment(session, "2000001", "AGUA POTABLE EN CHOTA")
        add_investment(
            session,
            "2000002",
            "PUENTE PARALIZADO EN COCHABAMBA",
            "060405",
            status="paralizada",
            latitude=-6.47,
            longitude=-78.86,
        )
        add_investment(
            session,
            "2000003",
            "COLEGIO TERMINADO EN CAJAMARCA",
            "060101",
            status="finalizada",
            function="EDUCACION",
            latitude=-7.15,
            longitude=-78.52,
        )
        add_investment(
            session,
            "2000004",
            "CAMINO SIN COORDENADAS",
            "060405",
            status="sin_iniciar",
            latitude=None,
            longitude=None,
            coords_status="missing",
        )
        add_investment(
            session,
            "2000005",
            "POSTA CON COORDENADAS EN LIMA",
            "060101",
            latitude=-12.05,
            longitude=-77.04,
        )
        add_investment(
            session,
            "2000006",
            "OBRA SIN DISTRITO",
            None,
            latitude=None,
            longitude=None,
            coords_status="missing",
        )
        add_import_run(session)
    return app


@pytest.fixture
def map_client(map_app):
    return map_app.test_client()
