"""Forms: the observation form (with photo checks) and the moderators' login and action forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.complaints.antispam import HONEYPOT_FIELD
from portal.complaints.documents import DocumentRejected, check_document
from portal.complaints.labels import CATEGORY_LABELS, ROUTE_LABELS
from portal.complaints.photos import PhotoRejected, check_photo

MAX_PHOTOS = 3
MAX_DOCUMENTS = 3
# A pragmatic check (something@domain.tld), not RFC 5322: the receipt email is the real test.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ObservationForm(FlaskForm):
    # Set when the person came from an investment page or picked one of the matches below.
    cui = HiddenField()
    investment_query = StringField(
        _l("Inversión: escriba su CUI o parte de su nombre"),
        validators=[Optional(), Length(max=200)],
    )
    category = RadioField(
        _l("¿Qué observa?"),
        choices=[SelectChoice(value, label) for value, label in CATEGORY_LABELS.items()],
        validators=[DataRequired(_l("Elija qué tipo de problema observa."))],
    )
    description = TextAreaField(
        _l("Describa lo que ve"),
        validators=[
            DataRequired(_l("Describa lo que observa.")),
            Length(
                min=20,
                max=5000,
                message=_l("La descripción debe tener entre %(min)d y %(max)d caracteres."),
            ),
        ],
    )
    photos = MultipleFileField(_l("Fotos (hasta 3, opcional)"))
    documents = MultipleFileField(_l("Documentos PDF: actas u oficios (hasta 3, opcional)"))
    location = StringField(
        _l("Lugar exacto o referencia (opcional)"), validators=[Optional(), Length(max=300)]
    )
    name = StringField(_l("Su nombre (opcional)"), validators=[Optional(), Length(max=120)])
    organisation = StringField(
        _l("Organización, por ejemplo comité de vigilancia (opcional)"),
        validators=[Optional(), Length(max=160)],
    )
    email = EmailField(
        _l("Correo electrónico (opcional)"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Escriba un correo como nombre@ejemplo.pe.")),
        ],
    )
    phone = TelField(
        _l("Teléfono (opcional)"),
        validators=[
            Optional(),
            Regexp(
                r"^\+?[\d\s()-]{6,20}$",
                message=_l("Escriba solo números, espacios o guiones, por ejemplo 976 543 210."),
            ),
        ],
    )
    publish_name = BooleanField(_l("Publicar mi nombre y organización junto a la observación"))
    consent = BooleanField(
        _l(
            "Acepto que Vigía trate estos datos para registrar mi observación, derivarla a la "
            "entidad competente e informarme de su estado (Ley 29733)."
        ),
        validators=[DataRequired(_l("Necesitamos su autorización para registrar la observación."))],
    )
    started = HiddenField()
    #: Token of the photos already attached on an earlier try (kept on the server, photos.py).
    pending_photos = HiddenField()
    #: How many photos are already kept; set by the view before validating.
    kept_photos = 0
    #: The photos of this request, decoded by validate_photos.
    images: tuple | list = ()
    #: How many PDF documents are already kept (same token as the photos).
    kept_documents = 0
    #: The PDFs of this request that passed the checks: (bytes, name sent).
    pdfs: tuple | list = ()

    def validate_photos(self, field):
        """Every photo must be a real image under the size limit; keeps the decoded images.

        The good photos are kept in ``images`` even when another one is refused, so a second
        try only needs the refused one.
        """
        files = [f for f in (field.data or []) if f and f.filename]
        self.images = []
        room = MAX_PHOTOS - self.kept_photos
        if len(files) > room:
            raise ValidationError(_l("Puede enviar hasta %(max)d fotos.", max=MAX_PHOTOS))
        max_bytes = int(current_app.config["PORTAL_PHOTO_MAX_BYTES"])
        refused = []
        for upload in files:
            try:
                self.images.append(check_photo(upload.stream, max_bytes))
            except PhotoRejected as exc:
                refused.append(_l("«%(name)s»: %(reason)s", name=upload.filename, reason=str(exc)))
        if refused:
            raise ValidationError(" ".join(str(message) for message in refused))

    def validate_documents(self, field):
        """Every PDF must pass the checks of documents.py; the good ones are kept in ``pdfs``."""
        files = [f for f in (field.data or []) if f and f.filename]
        self.pdfs = []
        if len(files) > MAX_DOCUMENTS - self.kept_documents:
            raise ValidationError(
                _l("Puede enviar hasta %(max)d documentos PDF.", max=MAX_DOCUMENTS)
            )
        max_bytes = int(current_app.config["PORTAL_DOCUMENT_MAX_BYTES"])
        refused = []
        for upload in files:
            try:
                self.pdfs.append((check_document(upload.stream, max_bytes), upload.filename))
            except DocumentRejected as exc:
                refused.append(_l("«%(name)s»: %(reason)s", name=upload.filename, reason=str(exc)))
        if refused:
            raise ValidationError(" ".join(str(message) for message in refused))


# The honeypot is added by name so the attribute matches what bots see in the HTML.
setattr(ObservationForm, HONEYPOT_FIELD, StringField(_l("Deje este campo vacío")))


class LoginForm(FlaskForm):
    email = EmailField(_l("Correo electrónico"), validators=[DataRequired()])
    password = PasswordField(_l("Contraseña"), validators=[DataRequired()])


class ActionForm(FlaskForm):
    """One form per action on the moderator's page; ``action`` comes from the button pressed."""

    action = HiddenField()
    text = TextAreaField(_l("Texto"), validators=[Optional(), Length(max=5000)])
    target = SelectField(
        _l("Derivar a"),
        choices=[SelectChoice(value, label) for value, label in ROUTE_LABELS.items()],
        validate_choice=False,
    )


class PlainForm(FlaskForm):
    """Only the CSRF token: logout and similar one-button forms."""
