"""Following a unit's pending closures: a work that finishes joins the list, one that is closed
leaves it; the digest and the unit's Atom feed name both."""

from __future__ import annotations

import feedparser
from sqlalchemy import select

from tests.alerts.helpers import follow, link_in, outbox
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle

FINISHED = "2500001"  # finished at the first import: pending closure until the closures file
BUILDING = "2500002"  # in execution, finishes with the second import
ELSEWHERE = "2500003"  # another unit's finished work: never in this unit's digest
UNIT = "878"


def _rows(building_progress: str):
    return [
        detalle_row(FINISHED, "MEJORAMIENTO DEL CANAL DE RIEGO DE LAJAS", AVANCE_FISICO="100"),
        detalle_row(BUILDING, "CREACION DEL PUENTE DE CHOTA", AVANCE_FISICO=building_progress),
        detalle_row(
            ELSEWHERE,
            "MEJORAMIENTO DEL LOCAL ESCOLAR DE JAEN",
            SEC_EJEC="879",
            NOMBRE_UEP="REGION CAJAMARCA-SUB REGION JAEN",
        ),
    ]


def _import(app, folder, progress: str, closed: bool = False):
    folder.mkdir()
    requests = [("mef-inversiones", write_detalle(folder / "DETALLE.csv", _rows(progress)))]
    if closed:
        closed_row = dict(_rows(progress)[0], ESTADO="CERRADO", FEC_CIERRE="2026-11-20 00:00:00")
        closures = [closed_row]
        requests.append(("mef-cierre", write_detalle(folder / "CIERRE.csv", closures)))
    assert {r.status for r in import_sources(app, requests)} == {"imported"}


def _unit_slug(app) -> str:
    from portal.db import get_session
    from portal.investments.models import ExecutingUnit

    with app.app_context():
        return get_session().scalar(
            select(ExecutingUnit.slug).where(ExecutingUnit.sec_ejec == UNIT)
        )


def test_a_unit_follower_is_told_which_work_closed_and_which_joined_the_list(app, tmp_path):
    _import(app, tmp_path / "v1", "35.5")
    client = app.test_client()
    slug = _unit_slug(app)
    unit_page = client.get(f"/unidades/{slug}").get_data(as_text=True)
    assert 'name="tipo" value="cierres"' in unit_page
    assert f'href="/unidades/{slug}/cierres.atom"' in unit_page
    assert 'id="seguir-objetivo"' in client.get("/ciclo").get_data(as_text=True)

    answer = follow(client, "cierres", UNIT)
    assert answer.status_code == 200
    [confirmation] = outbox(app)
    assert (
        "pendientes de cierre" in confirmation.subject
        and "SUB REGION CHOTA" in confirmation.subject
    )
    assert client.get(link_in(confirmation.body, "/seguir/confirmar/")).status_code == 200

    # Nothing moved in or out of the list: no digest.
    _import(app, tmp_path / "v2", "40")
    assert len(outbox(app)) == 1

    # The closures file closes one work; the other finishes.
    _import(app, tmp_path / "v3", "100", closed=True)
    [_, digest] = outbox(app)
    assert "MEJORAMIENTO DEL CANAL DE RIEGO DE LAJAS (CUI 2500001)" in digest.body
    assert "Cerrada: sale de la lista de obras pendientes de cierre." in digest.body
    assert "CREACION DEL PUENTE DE CHOTA (CUI 2500002)" in digest.body
    assert "Obra terminada: entra en la lista de obras pendientes de cierre." in digest.body
    assert "Etapa del ciclo: Terminada, sin cerrar → Cerrada" in digest.body
    assert "LOCAL ESCOLAR" not in digest.body

    feed = feedparser.parse(client.get(f"/unidades/{slug}/cierres.atom").data)
    assert not feed.bozo, feed.bozo_exception
    assert "SUB REGION CHOTA" in feed.feed.title
    titles = {entry.link.rsplit("/", 1)[1]: entry.title for entry in feed.entries}
    assert titles == {
        FINISHED: "Cerrada: MEJORAMIENTO DEL CANAL DE RIEGO DE LAJAS",
        BUILDING: "Obra terminada, pendiente de cierre: CREACION DEL PUENTE DE CHOTA",
    }
    english = feedparser.parse(client.get(f"/unidades/{slug}/cierres.atom?lang=en").data)
    assert any(e.title.startswith("Closed: ") for e in english.entries)


def test_the_first_import_announces_no_work_and_unknown_units_have_no_feed(app, tmp_path):
    _import(app, tmp_path / "v1", "100")
    client = app.test_client()
    feed = feedparser.parse(client.get(f"/unidades/{_unit_slug(app)}/cierres.atom").data)
    assert not feed.bozo and feed.entries == []
    assert client.get("/unidades/no-existe/cierres.atom").status_code == 404
    assert (
        client.post(
            "/seguir", data={"tipo": "cierres", "objetivo": "999999", "email": "a@example.pe"}
        ).status_code
        == 404
    )
