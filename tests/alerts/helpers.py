"""Two imports of a tiny DETALLE file, so the change log has something to tell."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle

FOLLOWED = "2400001"
OTHER = "2400002"
#: Cutervo (province 0606) district, where OTHER lies; FOLLOWED is in Chota (0604).
OTHER_UBIGEO = "60601"


def first_import(app, tmp_path):
    rows = [
        detalle_row(FOLLOWED, "MEJORAMIENTO DEL PUESTO DE SALUD DE CHOTA"),
        detalle_row(
            OTHER,
            "CREACION DEL CAMINO VECINAL DE CUTERVO",
            UBIGEO=OTHER_UBIGEO,
            PROVINCIA="CUTERVO",
            DISTRITO="CUTERVO",
        ),
    ]
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    return rows


def change_cost(app, tmp_path, rows, cui, cost, name="v2"):
    rows = [dict(r, COSTO_ACTUALIZADO=cost) if r["CODIGO_UNICO"] == cui else r for r in rows]
    folder = tmp_path / name
    folder.mkdir()
    path = write_detalle(folder / "DETALLE_INVERSIONES.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    return rows


def outbox(app):
    from portal.complaints.models import OutboxMessage
    from portal.db import get_session

    with app.app_context():
        return (
            get_session()
            .execute(
                select(
                    OutboxMessage.recipient,
                    OutboxMessage.subject,
                    OutboxMessage.body,
                    OutboxMessage.headers,
                ).order_by(OutboxMessage.id)
            )
            .all()
        )


def link_in(body: str, path: str) -> str:
    """The first link to ``path`` in an email body, as a path the test client can open."""
    url = re.search(rf"https?://[^\s]+{re.escape(path)}[^\s]*", body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def follow(client, tipo, objetivo, email="vecina@example.pe"):
    return client.post(
        "/seguir", data={"tipo": tipo, "objetivo": objetivo, "email": email, "acepto": "si"}
    )
