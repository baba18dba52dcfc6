"""One register for the whole site: the person is addressed as usted, in pages and in emails.

The Spanish catalog holds every user-visible sentence (msgids are Spanish), so a tú form in any
template, view or email shows up here. Words that are also usted forms ("ve", "sigue",
"escribe": "lo que usted ve") are not listed; those that are only tú are.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parent.parent / "translations/es/LC_MESSAGES/messages.po"

#: Pronouns, possessives and verb forms only used when addressing someone as tú.
TU_WORDS = (
    "tú tu tus te ti contigo tuyo tuya tuyos tuyas "
    "quieres puedes tienes sigues vas eres estás haces sabes debes necesitas prefieres "
    "recibes recibirás verás podrás tendrás enviaste fuiste diste hiciste "
    "hayas quieras puedas tengas sigas abras confirmas confirmes "
    "inténtalo escríbenos cuéntanos avísanos mándanos llámanos "
    "enviarte escribirte avisarte darte suscribirte"
).split()
#: Imperatives of tú that open a sentence ("Revisa tu correo", "Escribe un correo…").
TU_IMPERATIVES = (
    "Revisa Confirma Escribe Ingresa Mira Abre Vuelve Elige Ignora Intenta Usa Busca Prueba "
    "Descarga Sigue Cuéntanos Haz Pon Ven Ten Sal Di"
).split()
#: The same after a comma ("Para confirmar, abre este enlace"), where "sigue" or "escribe"
#: would be usted: only those never said of a third person in our texts.
TU_AFTER_COMMA = re.compile(r",\s*(abre|ignora|mira|vuelve|elige|ingresa|revisa)\b")
#: The future of tú ends in -rás ("recibirás", "dejarás"); of usted, in -rá.
TU_FUTURE = re.compile(r"\b\w+rás\b")
#: Enclitic imperatives of tú: "Suscríbete", "Entérate", "Date de baja".
TU_ENCLITIC = re.compile(r"\b\w*[áéíóú]\w*te\b|\bDate\b")
#: Words the patterns above would catch that are not tú (add with care).
ALLOWED = {"límite", "límites", "atrás", "detrás"}

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.:;!?¿¡«\n]\s*)(\w+)")


def _texts():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            yield text, message.locations


def tu_forms(text: str) -> list[str]:
    """The tú forms in one sentence (placeholders like %(name)s are not words)."""
    plain = re.sub(r"%\(\w+\)[sdf]", " ", text)
    found = [w for w in _WORD.findall(plain) if w.lower() in TU_WORDS]
    found += [w for w in _SENTENCE_START.findall(plain) if w in TU_IMPERATIVES]
    found += TU_AFTER_COMMA.findall(plain)
    found += [w for w in TU_FUTURE.findall(plain) if w.lower() not in ALLOWED]
    found += [
        w
        for w in TU_ENCLITIC.findall(plain)
        if w.lower() not in ALLOWED and not w.endswith("mente")
    ]
    return found


def test_the_markers_catch_tu_and_leave_usted_alone():
    assert tu_forms("Revisa tu correo") == ["tu", "Revisa"]
    assert tu_forms("Confirma que quieres seguir «%(label)s»") == ["quieres", "Confirma"]
    assert tu_forms("Suscríbete a los avisos.") == ["Suscríbete"]
    assert tu_forms("Para confirmar, abre este enlace. Dejarás de recibir avisos.") == [
        "abre",
        "Dejarás",
    ]
    assert tu_forms("Revise su correo") == []
    assert tu_forms("Cuéntenos lo que ve en una obra pública. Si el problema sigue, escriba.") == []
    assert tu_forms("Supera el límite en 20 %. Claramente. Dejará de recibir, años atrás.") == []


def test_the_spanish_catalog_addresses_people_as_usted_only():
    offending = [
        f"{', '.join(found)}: {text[:90]!r} ({locations[0][0] if locations else '?'})"
        for text, locations in _texts()
        if (found := tu_forms(text))
    ]
    assert not offending, "tú forms (the site says usted):\n" + "\n".join(offending)
