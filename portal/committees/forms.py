"""Forms: a member asks for a sign-in link; a moderator registers a committee or its members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from portal.complaints.forms import EMAIL_PATTERN


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Ingrese su correo"),
        validators=[
            DataRequired(_l("Ingrese el correo registrado de su comité.")),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Escriba un correo como nombre@ejemplo.pe.")),
        ],
    )


class CommitteeForm(FlaskForm):
    name = StringField(_l("Nombre del comité"), validators=[DataRequired(), Length(max=300)])
    year = IntegerField(
        _l("Año del presupuesto participativo"),
        validators=[DataRequired(), NumberRange(min=2000, max=2100)],
    )
    ubigeo = StringField(
        _l("Ubigeo del lugar (2, 4 o 6 dígitos)"),
        validators=[
            DataRequired(),
            Regexp(r"^(\d{2}|\d{4}|\d{6})$", message=_l("Escriba 2, 4 o 6 dígitos.")),
        ],
    )
    members = TextAreaField(_l("Correos de los miembros (uno por línea)"))


class MembersForm(FlaskForm):
    members = TextAreaField(_l("Correos de los miembros (uno por línea)"))
