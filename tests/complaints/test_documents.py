"""PDF attachments (actas, oficios): checked by content, kept across a retry, listed with name and
size, and served only as sandboxed downloads once the observation is published."""

from __future__ import annotations

import io
import re

import pytest
from obs_helpers import (
    CUI,
    code_from,
    create_moderator,
    form_tokens,
    jpeg_with_gps,
    login,
    moderate,
    post_observation,
    valid_fields,
)
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import select

from portal.complaints.documents import DocumentRejected, check_document, clean_name
from portal.complaints.models import ObservationDocument
from portal.db import session_scope


def pdf_bytes(action: dict | None = None, escape: bytes = b"") -> bytes:
    """A one-page PDF; ``action`` becomes its /OpenAction; ``escape`` is a name (b"/Launch")
    written with a #xx escape (b"/L#61unch"), as a file hiding it from a byte scan would."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
                for k, v in action.items()
            }
        )
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    if escape:
        data = data.replace(escape, escape[:2] + b"#%02x" % escape[2] + escape[3:])
    return data


def _documents(app) -> list[ObservationDocument]:
    with app.app_context(), session_scope() as session:
        return list(session.scalars(select(ObservationDocument)))


def test_a_pdf_acta_is_stored_listed_and_downloaded_only_as_an_attachment(app, client, investment):
    acta = pdf_bytes()
    sent = post_observation(client, documents=[(io.BytesIO(acta), "Acta de reunión 12.pdf")])
    assert sent.status_code == 303
    code = code_from(sent)
    (doc,) = _documents(app)
    assert doc.original_name == "Acta de reunión 12.pdf" and doc.size == len(acta)
    # Listed on the status page, but not downloadable before publication.
    page = client.get(f"/observaciones/{code}")
    assert "Acta de reunión 12.pdf" in page.text and "PDF, " in page.text
    assert client.get(f"/observaciones/documentos/{doc.filename}").status_code == 404

    create_moderator(app)
    mod = app.test_client()
    login(mod)
    assert moderate(mod, code, "publish").status_code == 303
    with client.get(f"/observaciones/documentos/{doc.filename}") as download:
        assert download.status_code == 200 and download.data == acta
        assert download.headers["Content-Type"] == "application/pdf"
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "Acta" in disposition
        assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    investment_page = client.get(f"/inversiones/{CUI}")
    assert f"/observaciones/documentos/{doc.filename}" in investment_page.text
    assert "Acta de reunión 12.pdf" in investment_page.text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (jpeg_with_gps((40, 30)), "no es un PDF válido"),
        (b"%PDF-1.7\nnot really a pdf at all", "no es un PDF válido"),
        (pdf_bytes({"/S": "/JavaScript", "/JS": "app.alert('hola')"}), "partes activas"),
        (pdf_bytes({"/S": "/Launch", "/F": "calc.exe"}, escape=b"/Launch"), "partes activas"),
    ],
    ids=["jpeg-named-pdf", "broken", "javascript", "launch-escaped-name"],
)
def test_a_file_that_is_not_a_clean_pdf_is_refused_and_the_form_kept(
    app, client, investment, content, reason
):
    refused = post_observation(client, documents=[(io.BytesIO(content), "oficio.pdf")])
    assert refused.status_code == 422
    assert "«oficio.pdf»" in refused.text and reason in refused.text
    assert "La obra está paralizada desde marzo" in refused.text
    assert _documents(app) == []


def test_pdf_over_the_size_setting_is_refused(app):
    with app.test_request_context(), pytest.raises(DocumentRejected, match="más de 1 MB"):
        check_document(io.BytesIO(b"%PDF-" + b"0" * 2**20), 2**20)


def test_a_kept_pdf_survives_a_validation_error_and_can_be_removed(app, client, investment):
    first = client.post(
        "/observaciones/nueva",
        data={
            **form_tokens(client),
            **valid_fields(category=None),
            "documents": [
                (io.BytesIO(pdf_bytes()), "oficio 45.pdf"),
                (io.BytesIO(pdf_bytes()), "acta.pdf"),
            ],
            "photos": [(io.BytesIO(jpeg_with_gps()), "obra.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert first.status_code == 422
    assert "PDF adjunto: oficio 45.pdf" in first.text and "Foto adjunta" in first.text
    token = re.search(r'name="pending_photos" type="hidden" value="([^"]+)"', first.text).group(1)
    acta = re.findall(r'name="quitar_documento" value="([^"]+)"', first.text)[1]
    removed = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), "pending_photos": token, "quitar_documento": acta},
        content_type="multipart/form-data",
    )
    assert "oficio 45.pdf" in removed.text and "PDF adjunto: acta.pdf" not in removed.text
    sent = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(), "pending_photos": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    assert [d.original_name for d in _documents(app)] == ["oficio 45.pdf"]


def test_a_kept_pdf_alone_survives_a_retry(app, client, investment):
    first = post_observation(
        client, documents=[(io.BytesIO(pdf_bytes()), "acta.pdf")], category=None
    )
    token = re.search(r'name="pending_photos" type="hidden" value="([^"]+)"', first.text).group(1)
    sent = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), **valid_fields(), "pending_photos": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303 and len(_documents(app)) == 1


def test_names_are_cleaned_for_showing_and_downloading():
    assert clean_name("C:\\Users\\rosa\\acta\x00 final") == "acta final.pdf"
    assert clean_name("../../etc/passwd") == "passwd.pdf"
    assert clean_name("") == "documento.pdf"
