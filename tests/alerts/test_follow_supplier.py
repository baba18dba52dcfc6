"""Following a supplier (/contratistas/<RUC>): its Atom feed lists its processes, newest first,
and an import that brings a new process awarded to it is named in the follower's digest."""

from __future__ import annotations

import feedparser

from tests.alerts.helpers import follow, link_in, outbox
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle
from tests.importer.test_oece_ocds import CONSORTIUM, MERGE

SUPPLIER = "1709475"  # CONSORCIO LUPUCHE, awarded CONSORTIUM's process (CUI 2640310)
NEW_OCID = "ocds-dgv273-seacev3-1199999"


def _setup(app, tmp_path):
    rows = [detalle_row("2480499"), detalle_row("2640310", "CREACION DEL PUENTE LUPUCHE")]
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", rows)
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    [result] = import_sources(app, [("oece-ocds", CONSORTIUM)])
    assert result.status == "imported", result.error


def _new_process_of_the_supplier(tmp_path):
    """The same consortium wins another process a year later: a copy of its package under
    another ocid, its dates moved to 2026."""
    text = CONSORTIUM.read_text().replace("1134700", "1199999").replace("2025-", "2026-")
    text = text.replace("CP-ABR-9-2026-COMITE/MPP-1", "CP-ABR-12-2026-COMITE/MPP-1")
    path = tmp_path / "new" / "ocds-dgv273-seacev3-1199999.json"
    path.parent.mkdir()
    path.write_text(text)
    return path


def test_the_supplier_feed_lists_its_processes(app, tmp_path):
    _setup(app, tmp_path)
    client = app.test_client()
    page = client.get(f"/contratistas/{SUPPLIER}").get_data(as_text=True)
    assert 'name="tipo" value="contratista"' in page
    assert f'href="/contratistas/{SUPPLIER}.atom"' in page

    feed = feedparser.parse(client.get(f"/contratistas/{SUPPLIER}.atom").data)
    assert not feed.bozo, feed.bozo_exception
    assert "CONSORCIO LUPUCHE" in feed.feed.title
    [entry] = feed.entries
    assert entry.title == "CP-ABR-9-2025-COMITE/MPP-1"
    assert entry.link.endswith("/inversiones/2640310")
    assert "CREACION DEL PUENTE LUPUCHE" in entry.summary
    assert "S/ 112,464.00" in entry.summary
    english = feedparser.parse(client.get(f"/contratistas/{SUPPLIER}.atom?lang=en").data)
    assert english.feed.title == "Vigía: contracting processes of CONSORCIO LUPUCHE"
    assert "Investment: CREACION DEL PUENTE LUPUCHE" in english.entries[0].summary
    assert client.get("/contratistas/99999999999.atom").status_code == 404


def test_a_follower_is_told_of_a_new_process_of_the_supplier(app, tmp_path):
    _setup(app, tmp_path)
    client = app.test_client()
    assert follow(client, "contratista", SUPPLIER).status_code == 200
    [confirmation] = outbox(app)
    assert "CONSORCIO LUPUCHE" in confirmation.subject
    assert client.get(link_in(confirmation.body, "/seguir/confirmar/")).status_code == 200

    # Another supplier's process: nothing for this follower.
    assert import_sources(app, [("oece-ocds", MERGE)])[0].status == "imported"
    assert len(outbox(app)) == 1

    assert import_sources(app, [("oece-ocds", _new_process_of_the_supplier(tmp_path))])
    [_, digest] = outbox(app)
    assert "CREACION DEL PUENTE LUPUCHE (CUI 2640310)" in digest.body
    assert "Proceso de contratación nuevo: CP-ABR-12-2026-COMITE/MPP-1" in digest.body

    feed = feedparser.parse(client.get(f"/contratistas/{SUPPLIER}.atom").data)
    assert [e.title for e in feed.entries][0] == "CP-ABR-12-2026-COMITE/MPP-1"
    assert len(feed.entries) == 2
