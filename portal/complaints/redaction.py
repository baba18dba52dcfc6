"""Masks personal data in text shown to the public; moderators always see the original.

People write their DNI, phone or email into the description to be contacted; publishing those
would expose them, so public pages show a placeholder instead.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mobile numbers (9 digits starting with 9, optional +51, spaced or dashed) and landlines
# with an area code such as (076) 362-123.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?51[\s.-]?)?9\d{2}[\s.-]?\d{3}[\s.-]?\d{3}(?!\d)"
    r"|(?:\(0?\d{2}\)|(?<!\d)0\d{2})[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\d)"
)
# A DNI is exactly eight digits; CUIs have seven, so they stay readable.
_DNI = re.compile(r"(?<![\d.,])\d{8}(?![\d.,]*\d)")


def redact_personal_data(text: str | None) -> str:
    """The text with emails, phone numbers and DNI numbers replaced by placeholders."""
    if not text:
        return ""
    text = _EMAIL.sub(_("[correo oculto]"), text)
    text = _PHONE.sub(_("[teléfono oculto]"), text)
    return _DNI.sub(_("[DNI oculto]"), text)
