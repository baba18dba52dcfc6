"""Helpers for the observation tests: an investment to write about, form tokens, photos."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

from PIL import Image

from portal.complaints.antispam import issue_fill_token
from portal.db import session_scope
from portal.investments.models import Investment

CUI = "2345678"
MODERATOR = ("moderadora@vigia.example", "una-clave-larga-y-segura")


def add_investment(app, cui=CUI, name="Mejoramiento del puente Chonta", ubigeo="060102"):
    now = dt.datetime.now(dt.UTC)
    with app.app_context(), session_scope() as session:
        session.add(
            Investment(
                cui=cui,
                name=name,
                source="mef-inversiones",
                row_hash="x",
                first_seen_at=now,
                changed_at=now,
                executing_unit_name="GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL",
                entity="GOBIERNO REGIONAL CAJAMARCA",
                district="Baños del Inca",
                province="Cajamarca",
                ubigeo=ubigeo,
            )
        )
    _index_as_an_import_would(app)


def _index_as_an_import_would(app) -> None:
    """Rows written here bypass the import; on PostgreSQL its swap is what writes the search
    documents, so do what it does (Whoosh builds its index on the first search)."""
    from portal.search.backends import backend_name
    from portal.search.backends.pg_documents import sync_documents

    with app.app_context():
        if backend_name(app) == "postgresql":
            with app.extensions["portal.engine"].begin() as conn:
                sync_documents(conn)


def form_tokens(client, cui=CUI, seconds_ago=60) -> dict:
    """The hidden fields of the form as a browser gets them, shown ``seconds_ago``."""
    page = client.get(f"/observaciones/nueva?cui={cui}")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    with client.application.test_request_context():
        started = issue_fill_token(time.time() - seconds_ago)
    return {"csrf_token": csrf, "cui": cui, "started": started}


def valid_fields(**changes) -> dict:
    fields = {
        "category": "stalled",
        "description": "La obra está paralizada desde marzo, no hay trabajadores en el puente.",
        "location": "Frente al colegio 82003",
        "name": "Rosa Quispe",
        "organisation": "Comité de vigilancia de Baños del Inca",
        "email": "rosa@example.pe",
        "phone": "976 543 210",
        "consent": "y",
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def post_observation(client, cui=CUI, photos=(), seconds_ago=60, documents=(), **changes):
    data = {**form_tokens(client, cui, seconds_ago), **valid_fields(**changes)}
    if photos:
        data["photos"] = list(photos)
    if documents:
        data["documents"] = list(documents)
    return client.post("/observaciones/nueva", data=data, content_type="multipart/form-data")


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    """A JPEG carrying EXIF with a camera make and a GPS position, as phones write them."""
    image = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (7.0, 9.0, 46.0)
    gps[3] = "W"
    gps[4] = (78.0, 30.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def create_moderator(app, email=MODERATOR[0], password=MODERATOR[1]) -> None:
    from portal.complaints.accounts import create_moderator as create

    with app.app_context(), session_scope() as session:
        create(session, email, password)


def login(client, email=MODERATOR[0], password=MODERATOR[1]):
    page = client.get("/admin/entrar")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/admin/entrar", data={"csrf_token": csrf, "email": email, "password": password}
    )


def admin_csrf(client, code) -> str:
    page = client.get(f"/admin/observaciones/{code}")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def moderate(client, code, action, **fields):
    data = {"csrf_token": admin_csrf(client, code), "action": action, **fields}
    return client.post(f"/admin/observaciones/{code}", data=data)


def code_from(response) -> str:
    return re.search(
        r"/observaciones/(VC-[A-Z0-9]{4}-[A-Z0-9]{4})", response.headers["Location"]
    ).group(1)
