"""Bad input gets a clear answer next to the field and loses nothing the person typed."""

import io
import re

import pytest
from obs_helpers import form_tokens, jpeg_with_gps, png_bytes, post_observation, valid_fields
from PIL import Image
from sqlalchemy import func, select

from portal.complaints.models import Observation, ObservationPhoto
from portal.db import session_scope

TYPED = (
    "no hay trabajadores en el puente",
    "Rosa Quispe",
    "rosa@example.pe",
    "Frente al colegio 82003",
)


def _count(app):
    with app.app_context(), session_scope() as session:
        return session.scalar(select(func.count(Observation.id)))


def _assert_kept_and_explained(page, field, message):
    assert page.status_code == 422
    for typed in TYPED:
        assert typed in page.text, f"{typed!r} was lost"
    assert 'class="error-summary"' in page.text
    assert f'href="#{field}"' in page.text, "the summary links to the field"
    next_to_field = re.search(rf'id="{field}-error">(.*?)</p>', page.text, re.S)
    assert next_to_field and message in next_to_field.group(1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": None}, "category", "Elija qué tipo de problema"),
        ({"consent": None}, "consent", "Necesitamos su autorización"),
        ({"email": "rosa@example.pe x"}, "email", "Escriba un correo"),
        ({"phone": "llámeme"}, "phone", "Escriba solo números"),
    ],
)
def test_rejected_field_keeps_everything_typed_with_a_message_beside_it(
    app, client, investment, changes, field, message
):
    page = post_observation(client, **changes)
    if field == "email":  # the wrong email itself is kept, with the rest
        assert "rosa@example.pe x" in page.text
        changes = {}
    _assert_kept_and_explained(page, field, message)
    assert _count(app) == 0


def test_too_short_description_is_kept_for_the_person_to_complete(app, client, investment):
    page = post_observation(client, description="Muy mal")
    assert page.status_code == 422
    assert re.search(r"<textarea[^>]*>\s*Muy mal</textarea>", page.text)
    assert re.search(r'id="description-error">.*entre 20 y 5000', page.text, re.S)


def test_renamed_script_is_refused_as_a_photo_and_the_form_is_kept(app, client, investment):
    script = io.BytesIO(b"#!/bin/sh\nrm -rf /\n" * 50)
    page = post_observation(client, photos=[(script, "foto.jpg")])
    _assert_kept_and_explained(page, "photos", "no es una foto JPEG, PNG, WebP o HEIC válida")
    assert "se conservará" not in page.text, "a refused file is not kept as a photo"
    assert _count(app) == 0


def test_photo_over_the_per_file_limit_is_refused_with_its_name(app, client, investment):
    app.config["PORTAL_PHOTO_MAX_BYTES"] = 50_000
    big = io.BytesIO(b"\xff\xd8" + b"0" * 60_000)
    page = post_observation(client, photos=[(big, "grande.jpg")])
    _assert_kept_and_explained(page, "photos", "«grande.jpg»: La foto pesa más de")


def test_more_than_three_photos_are_refused(app, client, investment):
    photos = [(io.BytesIO(png_bytes()), f"f{i}.png") for i in range(4)]
    page = post_observation(client, photos=photos)
    _assert_kept_and_explained(page, "photos", "Puede enviar hasta 3 fotos")


def _multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool 30 MB to an unclosed file)."""
    boundary = "----vigia-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{filename}"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_30_mb_upload_gets_the_friendly_too_large_page(app, client, investment):
    body, content_type = _multipart(
        {**form_tokens(client), **valid_fields()}, "enorme.jpg", b"\0" * (30 * 1024 * 1024)
    )
    page = client.post("/observaciones/nueva", data=body, content_type=content_type)
    assert page.status_code == 413
    assert "El archivo es demasiado grande" in page.text
    assert _count(app) == 0


def test_honeypot_filled_by_a_bot_stores_nothing(app, client, investment):
    page = post_observation(client, sitio_web="http://spam.example")
    assert page.status_code == 422 and "No pudimos aceptar el envío" in page.text
    assert "no hay trabajadores en el puente" in page.text
    assert _count(app) == 0


def test_form_sent_faster_than_a_person_can_type_is_refused_but_kept(app, client, investment):
    page = post_observation(client, seconds_ago=0)
    assert page.status_code == 422 and "demasiado rápido" in page.text
    assert "no hay trabajadores en el puente" in page.text
    assert _count(app) == 0


def test_forged_start_time_counts_as_too_fast(app, client, investment):
    data = {**form_tokens(client), **valid_fields(), "started": "eyJ0IjoxfQ.forged"}
    page = client.post("/observaciones/nueva", data=data)
    assert page.status_code == 422 and _count(app) == 0


def test_gps_and_camera_data_never_reach_the_stored_photos(app, client, investment):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the fixture has GPS"
    sent = post_observation(
        client, photos=[(io.BytesIO(original), "obra.jpg"), (io.BytesIO(png_bytes()), "p.png")]
    )
    assert sent.status_code == 303
    uploads = app.config.get("PORTAL_UPLOAD_DIR") or f"{app.config['PORTAL_INSTANCE_DIR']}/uploads"
    with app.app_context(), session_scope() as session:
        photos = session.scalars(select(ObservationPhoto).order_by(ObservationPhoto.position)).all()
        names = [(p.filename, p.thumbnail) for p in photos]
    assert len(names) == 2
    for full, thumb in names:
        for name, limit in ((full, 1600), (thumb, 320)):
            with Image.open(f"{uploads}/{name}") as stored:
                assert stored.format == "JPEG"
                assert max(stored.size) <= limit
                assert len(stored.getexif()) == 0
                assert "exif" not in stored.info
            with open(f"{uploads}/{name}", "rb") as raw:
                content = raw.read()
            assert b"PhoneMaker" not in content and b"Exif" not in content


def test_html_in_the_description_is_shown_as_text(app, client, investment):
    from obs_helpers import code_from

    code = code_from(
        post_observation(client, description="<script>alert('x')</script> la obra está mal hecha")
    )
    page = client.get(f"/observaciones/{code}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text


def test_client_ip_is_stored_only_as_a_salted_hash(app, client, investment):
    post_observation(client)
    with app.app_context(), session_scope() as session:
        stored = session.scalar(select(Observation.ip_hash))
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert "127.0.0.1" not in stored


def test_an_iphone_heic_photo_is_accepted_and_stored_as_a_clean_jpeg(app, client, investment):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    heic = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 120, 60)).save(heic, format="HEIF")
    heic.seek(0)

    sent = post_observation(client, photos=[(heic, "IMG_0042.HEIC")])

    assert sent.status_code == 303
    uploads = app.config.get("PORTAL_UPLOAD_DIR") or f"{app.config['PORTAL_INSTANCE_DIR']}/uploads"
    with app.app_context(), session_scope() as session:
        [photo] = session.scalars(select(ObservationPhoto)).all()
        filename = photo.filename
    with Image.open(f"{uploads}/{filename}") as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 900)
