"""A small generated index: a handful of investments and places, written through the ORM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal.investments.models import Investment, Place, Prioritisation

NOW = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)

PLACES = [
    ("0604", "provincia", "Chota", "06"),
    ("060401", "distrito", "Chota", "0604"),
    ("060405", "distrito", "Cochabamba", "0604"),
    ("0603", "provincia", "Hualgayoc", "06"),
    ("060301", "distrito", "Bambamarca", "0603"),
    ("0610", "provincia", "Ferreñafe", "06"),
    ("061001", "distrito", "Cañaris", "0610"),
]


def add_investment(session, cui: str, name: str, ubigeo: str = "060401", **fields) -> Investment:
    places = {u: n for u, _l, n, _p in PLACES}
    values = dict(
        cui=cui,
        name=name,
        source="mef-inversiones",
        status="en_ejecucion",
        phase="ejecucion",
        function="SANEAMIENTO",
        sec_ejec="301001",
        executing_unit_name="MUNICIPALIDAD PROVINCIAL DE CHOTA",
        department="CAJAMARCA",
        province=places[ubigeo[:4]].upper(),
        district=places[ubigeo].upper(),
        ubigeo=ubigeo,
        updated_cost=Decimal("1000000.00"),
        physical_progress=Decimal("10.00"),
        red_flags="",
        row_hash="x",
        first_seen_at=NOW,
        changed_at=NOW,
    )
    values.update(fields)
    inv = Investment(**values)
    session.add(inv)
    return inv


def add_sample_investments(session) -> None:
    """Names chosen so each behaviour of the search has one obvious right answer."""
    for ubigeo, level, name, parent in PLACES:
        session.add(Place(ubigeo=ubigeo, level=level, name=name, parent_ubigeo=parent))
    add_investment(
        session,
        "2100001",
        "MEJORAMIENTO DEL SERVICIO DE AGUA POTABLE Y SANEAMIENTO EN EL CASERÍO LLUSHCAPAMPA",
    )
    add_investment(
        session,
        "2100002",
        "CREACIÓN DEL COLEGIO SECUNDARIO SAN JUAN",
        ubigeo="060301",
        function="EDUCACION",
        status="paralizada",
        updated_cost=Decimal("5000000.00"),
        physical_progress=Decimal("40.00"),
        red_flags="paralizada_infobras",
    )
    add_investment(
        session,
        "2100003",
        "AMPLIACIÓN DEL CRÉDITO PARA PEQUEÑOS PRODUCTORES AGRARIOS",
        ubigeo="060405",
        function="AGROPECUARIA",
        status="finalizada",
        phase="cierre",
        snip="123456",
        updated_cost=Decimal("300000.00"),
        physical_progress=Decimal("100.00"),
    )
    add_investment(
        session,
        "2100004",
        "MEJORAMIENTO DEL CAMINO VECINAL CAÑARIS - HUACAPAMPA",
        ubigeo="061001",
        function="TRANSPORTE",
        updated_cost=Decimal("2500000.00"),
    )
    add_investment(
        session,
        "2100005",
        "MEJORAMIENTO DEL CAMINO VECINAL CANARIS ALTO - PUEBLO NUEVO",
        ubigeo="060401",
        function="TRANSPORTE",
        updated_cost=Decimal("750000.00"),
    )
    add_investment(
        session,
        "2100006",
        "RECUPERACIÓN DE LA INSTITUCIÓN EDUCATIVA N° 10234",
        ubigeo="060301",
        function="EDUCACION",
        sec_ejec="878",
        executing_unit_name="REGION CAJAMARCA-SUB REGION CHOTA",
    )
    session.add(Prioritisation(year=2025, cui="2100001"))
    session.add(Prioritisation(year=2024, cui="2100006"))
    session.flush()
