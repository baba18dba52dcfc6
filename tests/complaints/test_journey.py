"""The whole life of an observation: sent, coded, moderated, published, routed, answered."""

from obs_helpers import (
    CUI,
    add_investment,
    code_from,
    create_moderator,
    jpeg_with_gps,
    login,
    moderate,
    post_observation,
)
from sqlalchemy import select

from portal.complaints.models import AuditEntry, Observation, ObservationPhoto, OutboxMessage
from portal.complaints.service import (
    CODE_ALPHABET,
    count_published_by_ubigeo,
    published_observations,
)
from portal.db import session_scope


def _outbox(app):
    with app.test_request_context(), session_scope() as session:
        return [
            (m.recipient, m.subject, m.body)
            for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_observation_goes_from_form_to_public_answer_with_an_email_at_each_step(
    app, client, investment
):
    sent = post_observation(
        client,
        photos=[(__import__("io").BytesIO(jpeg_with_gps()), "obra.jpg")],
        description="La obra está paralizada desde marzo. Llámenme al 976543210, DNI 43218765.",
        publish_name="y",
    )
    assert sent.status_code == 303
    code = code_from(sent)
    assert all(ch in CODE_ALPHABET for ch in code[3:].replace("-", ""))

    receipt = client.get(sent.headers["Location"])
    assert code in receipt.text and "Recibimos su observación" in receipt.text
    assert "Recibida" in receipt.text
    mails = _outbox(app)
    assert mails[0][0] == "rosa@example.pe" and code in mails[0][2]

    # Not public before moderation: the investment's list is empty and the photo is hidden.
    with app.test_request_context(), session_scope() as session:
        assert published_observations(session, CUI) == []
        photo_name = session.scalar(select(ObservationPhoto.thumbnail))
    assert client.get(f"/observaciones/fotos/{photo_name}").status_code == 404

    create_moderator(app)
    mod = app.test_client()
    assert login(mod).status_code == 303
    queue = mod.get("/admin/")
    assert code in queue.text
    detail = mod.get(f"/admin/observaciones/{code}")
    assert "976543210" in detail.text and "43218765" in detail.text  # moderators see the original

    assert moderate(mod, code, "review").status_code == 303
    assert moderate(mod, code, "publish").status_code == 303
    assert moderate(mod, code, "route", target="oci").status_code == 303
    assert moderate(mod, code, "reply", text="Se reanudó la obra el 2 de mayo.").status_code == 303

    with app.test_request_context(), session_scope() as session:
        public = published_observations(session, CUI)
        assert count_published_by_ubigeo(session) == {"060102": 1}
    assert len(public) == 1
    assert "976543210" not in public[0].text and "43218765" not in public[0].text
    assert "[teléfono oculto]" in public[0].text and "[DNI oculto]" in public[0].text
    assert public[0].author == "Rosa Quispe · Comité de vigilancia de Baños del Inca"
    thumb = public[0].photos[0][1]
    with client.get(f"/observaciones/fotos/{thumb}") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"

    status = client.get(f"/observaciones/{code}")
    for stage in ("Recibida", "En revisión", "Publicada", "Derivada", "Respondida"):
        assert stage in status.text
    assert (
        "Órgano de Control Institucional de GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL"
        in status.text
    )
    assert "Se reanudó la obra el 2 de mayo." in status.text
    assert "976543210" not in status.text

    subjects = [subject for _, subject, _ in _outbox(app)]
    assert len(subjects) == 5  # receipt + review, publish, route, reply
    assert any("Derivada" in s for s in subjects) and any("Respondida" in s for s in subjects)

    assert moderate(mod, code, "close").status_code == 303
    assert "Cerrada" in client.get(f"/observaciones/{code}").text
    with app.test_request_context(), session_scope() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login", "review", "publish", "route", "reply", "close"]


def test_name_is_not_published_unless_the_person_asks(app, client, investment):
    code = code_from(post_observation(client))
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    moderate(mod, code, "publish")
    with app.test_request_context(), session_scope() as session:
        assert published_observations(session, CUI)[0].author is None


def test_hidden_observation_stays_on_record_with_its_reason(app, client, investment):
    code = code_from(post_observation(client))
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    refused = moderate(mod, code, "hide")
    assert refused.status_code == 422 and "Escriba el motivo" in refused.text
    assert moderate(mod, code, "hide", text="Contiene insultos.").status_code == 303
    page = client.get(f"/observaciones/{code}")
    assert "No publicada" in page.text and "Contiene insultos." in page.text
    with app.test_request_context(), session_scope() as session:
        assert published_observations(session, CUI) == []
        assert session.scalar(select(Observation.hidden_reason)) == "Contiene insultos."


def test_tracking_code_is_found_however_it_is_typed(client, investment):
    code = code_from(post_observation(client))
    typed = code.lower().replace("-", " ")
    response = client.get("/observaciones/consultar", query_string={"codigo": typed})
    assert response.headers["Location"].endswith(f"/observaciones/{code}")


def test_unknown_code_gives_404_with_a_lookup_box(client):
    response = client.get("/observaciones/VC-2222-2222")
    assert response.status_code == 404
    assert 'name="codigo"' in response.text


def test_investment_is_chosen_by_name_or_cui_without_javascript(app, client, investment):
    add_investment(app, cui="2345679", name="Mejoramiento del puente Llacanora")
    by_name = client.get("/observaciones/nueva", query_string={"q": "puente"})
    assert 'value="2345678"' in by_name.text and 'value="2345679"' in by_name.text
    unknown = client.get("/observaciones/nueva?cui=9999999")
    assert "No encontramos esa inversión" in unknown.text


def test_typed_name_that_matches_one_investment_is_enough_to_send(client, investment):
    sent = post_observation(client, cui="", investment_query="puente chonta")
    assert sent.status_code == 303
    assert "Mejoramiento del puente Chonta" in client.get(sent.headers["Location"]).text


def test_several_matches_come_back_as_a_list_to_pick_from_keeping_the_text(app, client, investment):
    add_investment(app, cui="2345679", name="Mejoramiento del puente Llacanora")
    page = post_observation(client, cui="", investment_query="puente")
    assert page.status_code == 422
    assert "Varias inversiones coinciden" in page.text
    assert 'href="#cui-choices"' in page.text and 'id="cui-2345679"' in page.text
    assert "no hay trabajadores en el puente" in page.text


def test_routed_batch_exports_as_csv_and_printable_page(app, client, investment):
    code = code_from(
        post_observation(
            client, description='=HYPERLINK("http://x") la obra está parada hace meses'
        )
    )
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    moderate(mod, code, "route", target="executing_unit")
    listing = mod.get("/admin/derivadas")
    assert "GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL" in listing.text
    params = {"destino": "executing_unit", "entidad": "GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL"}
    csv_response = mod.get("/admin/derivadas/lote.csv", query_string=params)
    assert csv_response.mimetype == "text/csv"
    body = csv_response.get_data(as_text=True)
    assert code in body and "'=HYPERLINK" in body
    assert "rosa@example.pe" not in body
    printable = mod.get("/admin/derivadas/imprimir", query_string=params)
    assert code in printable.text and "<h1>" in printable.text
    with app.test_request_context(), session_scope() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "export_csv" in actions and "export_html" in actions
