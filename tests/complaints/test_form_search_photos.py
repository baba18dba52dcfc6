"""The form finds investments as /buscar does, and a photo attached once is never lost."""

from __future__ import annotations

import io
import os
import re
import time

import pytest
from obs_helpers import form_tokens, jpeg_with_gps, png_bytes, valid_fields
from sqlalchemy import select

from portal.complaints.models import Observation, ObservationPhoto
from portal.complaints.photos import PENDING_FOLDER, purge_pending
from portal.db import session_scope

EVERYDAY = ["colegio chota", "posta cutervo", "escuela querocoto"]


def _choices(page) -> list[str]:
    return re.findall(r'<input type="radio" name="cui" id="cui-(\d+)"', page.text)


def _buscar_total(client, q: str) -> int:
    return client.get("/api/v1/inversiones", query_string={"q": q}).get_json()["total"]


@pytest.mark.parametrize("query", EVERYDAY)
def test_everyday_words_find_in_the_form_what_buscar_finds(demo_app, query):
    client = demo_app.test_client()
    total = _buscar_total(client, query)
    assert total >= 1

    linked = client.get("/observaciones/nueva", query_string={"q": query})
    assert linked.status_code == 200
    assert "Ninguna inversión coincide" not in linked.text

    page = client.get("/observaciones/nueva")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    searched = client.post(
        "/observaciones/nueva",
        data={"csrf_token": csrf, "investment_query": query, "accion": "buscar"},
        content_type="multipart/form-data",
    )
    assert searched.status_code == 200
    assert "Ninguna inversión coincide" not in searched.text
    assert 'class="error-summary"' not in searched.text or total > 1
    found = _choices(searched) or re.findall(
        r'name="cui" type="hidden" value="(\d+)"', searched.text
    )
    assert len(found) == min(total, 20)
    api = client.get("/api/v1/inversiones", query_string={"q": query}).get_json()
    assert found == [r["cui"] for r in api["results"]], "same investments, same order"


def test_choices_show_name_place_status_and_cui(demo_app):
    client = demo_app.test_client()
    page = client.get("/observaciones/nueva", query_string={"q": "posta cutervo"})
    first = re.search(r'<li class="choice">(.*?)</li>', page.text, re.S).group(1)
    cui = re.search(r'value="(\d+)"', first).group(1)
    assert f"CUI {cui}" in first and "Cutervo" in first
    assert re.search(r"En ejecución|Paralizada|Finalizada|Sin iniciar", first)
    assert f'<label for="cui-{cui}">' in first


def _stored_photos(app) -> list[str]:
    with app.app_context(), session_scope() as session:
        return list(session.scalars(select(ObservationPhoto.filename)))


def _kept_token(page) -> str:
    match = re.search(r'name="pending_photos" type="hidden" value="([^"]*)"', page.text)
    assert match and match.group(1), "the form carries the kept photos' token"
    return match.group(1)


def test_a_photo_survives_a_validation_error_and_is_stored_on_the_final_submit(
    app, client, investment
):
    first = client.post(
        "/observaciones/nueva",
        data={
            **form_tokens(client),
            **valid_fields(category=None),
            "photos": [(io.BytesIO(jpeg_with_gps()), "obra.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert first.status_code == 422 and "Elija qué tipo de problema" in first.text
    assert "Foto adjunta: se conservará al enviar." in first.text
    token = _kept_token(first)
    thumb = re.search(r'<img src="(/observaciones/nueva/fotos/[^"]+)"', first.text).group(1)
    with client.get(thumb) as shown:
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        assert "no-store" in shown.headers["Cache-Control"]

    # The person fixes the field; the browser sends no file this time.
    sent = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(), "pending_photos": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    stored = _stored_photos(app)
    assert len(stored) == 1
    uploads = app.config.get("PORTAL_UPLOAD_DIR") or os.path.join(
        app.config["PORTAL_INSTANCE_DIR"], "uploads"
    )
    assert os.path.isfile(os.path.join(uploads, stored[0]))
    assert not os.path.exists(os.path.join(uploads, PENDING_FOLDER, token)), "pending cleared"
    assert client.get(thumb).status_code == 404


def test_search_retry_and_expired_page_keep_the_photo_and_a_removed_one_goes(
    app, client, investment
):
    photo = [(io.BytesIO(png_bytes()), "cartel.png")]
    searched = client.post(
        "/observaciones/nueva",
        data={
            **form_tokens(client),
            "cui": "",
            "investment_query": "carretera inexistente",
            "accion": "buscar",
            "photos": photo,
        },
        content_type="multipart/form-data",
    )
    assert searched.status_code == 200 and "Ninguna inversión coincide" in searched.text
    token = _kept_token(searched)

    expired = client.post(
        "/observaciones/nueva",
        data={
            **valid_fields(),
            **{k: v for k, v in form_tokens(client).items() if k != "csrf_token"},
            "csrf_token": "caducado",
            "pending_photos": token,
            "photos": [(io.BytesIO(jpeg_with_gps()), "obra.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert expired.status_code == 422 and "La página caducó" in expired.text
    assert expired.text.count("Foto adjunta: se conservará") == 2
    assert _kept_token(expired) == token

    first = re.search(r'name="quitar_foto" value="([^"]+)"', expired.text).group(1)
    removed = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), "pending_photos": token, "quitar_foto": first},
        content_type="multipart/form-data",
    )
    assert removed.status_code == 200 and 'class="error-summary"' not in removed.text
    assert removed.text.count("Foto adjunta: se conservará") == 1

    sent = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(), "pending_photos": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    assert len(_stored_photos(app)) == 1
    with app.app_context(), session_scope() as session:
        assert session.scalar(select(Observation.code)) is not None


def test_kept_photos_count_toward_the_three_photo_limit(app, client, investment):
    photos = [(io.BytesIO(png_bytes()), f"f{i}.png") for i in range(2)]
    first = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(category=None), "photos": photos},
        content_type="multipart/form-data",
    )
    token = _kept_token(first)
    more = [(io.BytesIO(png_bytes()), f"g{i}.png") for i in range(2)]
    second = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(), "pending_photos": token, "photos": more},
        content_type="multipart/form-data",
    )
    assert second.status_code == 422 and "Puede enviar hasta 3 fotos" in second.text
    assert second.text.count("Foto adjunta: se conservará") == 2


def test_photos_of_forms_never_sent_are_purged_after_a_day(app, client, investment, runner):
    page = client.post(
        "/observaciones/nueva",
        data={
            **form_tokens(client),
            **valid_fields(category=None),
            "photos": [(io.BytesIO(png_bytes()), "f.png")],
        },
        content_type="multipart/form-data",
    )
    token = _kept_token(page)
    uploads = os.path.join(app.config["PORTAL_INSTANCE_DIR"], "uploads")
    folder = os.path.join(uploads, PENDING_FOLDER, token)
    assert os.path.isdir(folder)
    from pathlib import Path

    assert purge_pending(Path(uploads)) == 0, "a fresh form keeps its photos"
    old = time.time() - 25 * 3600
    os.utime(folder, (old, old))
    result = runner.invoke(args=["purge-personal-data", "--older-than", "365"])
    assert result.exit_code == 0 and "Photos of 1 observation form(s)" in result.output
    assert not os.path.exists(folder)


def test_a_forged_token_never_reaches_outside_the_pending_folder(app, client, investment):
    assert client.get("/observaciones/nueva/fotos/..%2F..%2Fetc/passwd").status_code == 404
    page = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), "pending_photos": "../../etc", "accion": "buscar"},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200 and "se conservará" not in page.text
