"""Links in follow emails: opening them twice (a mail scanner, then the person) never fails or
unsubscribes, every page links back to what is followed, and subjects end on a whole word."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.alerts.subscriptions import shorten
from tests.alerts.helpers import FOLLOWED, first_import, follow, link_in, outbox
from tests.conftest import import_sources
from tests.importer.factories import detalle_row, write_detalle

SCANNER = {"User-Agent": "Mozilla/5.0 (compatible; SafeLinks URL scanner)"}


def _active(app) -> list[bool]:
    from portal.alerts.models import Subscription
    from portal.db import get_session

    with app.app_context():
        rows = get_session().scalars(select(Subscription).order_by(Subscription.id)).all()
        return [row.active for row in rows]


def _subscriber_token(app) -> str:
    from portal.alerts.models import Subscriber
    from portal.db import get_session

    with app.app_context():
        return get_session().scalar(select(Subscriber.token))


def test_a_scanner_opening_the_link_first_leaves_the_person_a_confirmed_page(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED)
    link = link_in(outbox(app)[0].body, "/seguir/confirmar/")

    scanned = app.test_client(use_cookies=False).get(link, headers=SCANNER)
    assert scanned.status_code == 200 and "Suscripción confirmada" in scanned.text

    person = client.get(link)
    assert person.status_code == 200
    assert "La suscripción ya estaba confirmada" in person.text
    assert "no hace falta nada más" in person.text
    assert f'href="/inversiones/{FOLLOWED}"' in person.text, "links back to the investment"
    assert f'href="/inversiones/{FOLLOWED}"' in scanned.text
    assert _active(app) == [True]


def test_confirming_a_place_links_back_to_the_place(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "lugar", "0604")
    page = client.get(link_in(outbox(app)[0].body, "/seguir/confirmar/"))
    assert page.status_code == 200 and 'href="/lugares/0604"' in page.text
    assert "Volver a «Chota»" in page.text


def test_link_of_an_ended_subscription_says_so_and_links_to_what_it_followed(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED)
    link = link_in(outbox(app)[0].body, "/seguir/confirmar/")
    client.get(link)
    token = _subscriber_token(app)
    client.post(f"/seguir/baja/{token}")

    old = client.get(link)
    assert old.status_code == 404 and "Este enlace ya no es válido" in old.text
    assert "PUESTO DE SALUD DE CHOTA" in old.text
    assert f'href="/inversiones/{FOLLOWED}"' in old.text

    unknown = client.get("/seguir/confirmar/no-existe")
    assert unknown.status_code == 404 and 'href="/buscar"' in unknown.text


def test_scanners_opening_the_unsubscribe_and_manage_links_end_nothing(app, tmp_path):
    first_import(app, tmp_path)
    client = app.test_client()
    follow(client, "inversion", FOLLOWED)
    client.get(link_in(outbox(app)[0].body, "/seguir/confirmar/"))
    token = _subscriber_token(app)
    scanner = app.test_client(use_cookies=False)

    for path in (f"/seguir/baja/{token}", f"/seguir/gestionar/{token}"):
        for _ in range(2):
            page = scanner.get(path, headers=SCANNER)
            assert page.status_code == 200 and "<form method=\"post\"" in page.text
    assert _active(app) == [True], "only the button (a POST) unsubscribes"
    manage = client.get(f"/seguir/gestionar/{token}")
    assert f'href="/inversiones/{FOLLOWED}"' in manage.text


def test_a_long_name_is_cut_between_words_in_the_subject(app, tmp_path):
    name = (
        "MEJORAMIENTO Y AMPLIACION DE LOS SERVICIOS DE SALUD DEL ESTABLECIMIENTO DE SALUD "
        "ESTRATEGICO HOSPITAL GENERAL DE JAEN DISTRITO DE JAEN PROVINCIA DE JAEN"
    )
    path = write_detalle(tmp_path / "DETALLE_INVERSIONES.csv", [detalle_row("2400009", name)])
    assert import_sources(app, [("mef-inversiones", path)])[0].status == "imported"
    follow(app.test_client(), "inversion", "2400009")

    [message] = outbox(app)
    label = re.search(r"«(.*)»", message.subject).group(1)
    assert label.endswith("… (CUI 2400009)"), label
    shown = label.removesuffix("… (CUI 2400009)")
    assert name.startswith(shown) and name[len(shown)] == " ", "cut between two words"
    assert message.subject.startswith("Confirme que desea seguir")
    assert name in message.body, "the email itself names it whole"


def test_shorten_keeps_whole_words():
    assert shorten("puente Chonta", 40) == "puente Chonta"
    assert shorten("uno dos tres cuatro", 12) == "uno dos…"
    assert shorten("uno dos, tres", 10) == "uno dos…"
    assert shorten("Supercalifragilístico", 8) == "Superca…"
    assert len(shorten("a " * 200, 90)) <= 90
    long_cui = shorten("CANAL DE RIEGO " * 10 + "(CUI 2400001)", 60)
    assert long_cui.endswith("… (CUI 2400001)") and len(long_cui) <= 60
