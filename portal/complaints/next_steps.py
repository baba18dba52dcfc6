"""What happens next to an observation, and by when: the sentence its status page shows.

People who write about a stalled work want to know whether anyone will read it and when to come
back; the stage alone ("Recibida") does not tell them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.complaints.models import Observation


@dataclass(frozen=True)
class NextStep:
    """A plain sentence about the next step; ``due`` is the date to come back, when there is one."""

    text: str
    due: dt.date | None = None


def _day(moment: dt.datetime) -> dt.date:
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).date()


def _since_status(observation: Observation) -> dt.date:
    """The day the observation reached its current stage (its latest event of that status)."""
    # A case the sender reopened is back with the entity from that day.
    same = (
        {observation.status, "reopened"} if observation.status == "routed" else {observation.status}
    )
    moments = [e.created_at for e in observation.events if e.status in same]
    return _day(moments[-1] if moments else observation.created_at)


def next_step(observation: Observation, review_days: int, reply_days: int) -> NextStep:
    """The next step for the observation's current stage (events must be loaded)."""
    status = observation.status
    received = _day(observation.created_at)
    if status in ("received", "under_review"):
        due = received + dt.timedelta(days=review_days)
        if status == "received":
            text = ngettext(
                "Un moderador leerá su observación en un plazo de %(num)d día. Si cumple las "
                "reglas de publicación, se mostrará en la página de la inversión, sin sus datos "
                "personales.",
                "Un moderador leerá su observación en un plazo de %(num)d días. Si cumple las "
                "reglas de publicación, se mostrará en la página de la inversión, sin sus datos "
                "personales.",
                review_days,
            )
        else:
            text = _(
                "Un moderador la está revisando y decidirá si se publica en la página de la "
                "inversión."
            )
        return NextStep(text, due)
    if status in ("published", "not_published"):
        due = _since_status(observation) + dt.timedelta(days=review_days)
        if status == "published":
            text = _(
                "Ya se ve en la página de la inversión. El siguiente paso es enviarla a la "
                "entidad que debe responder: la unidad ejecutora, su Órgano de Control "
                "Institucional o la Contraloría."
            )
        else:
            text = _(
                "No se muestra en la página de la inversión, pero aún puede enviarse a la "
                "entidad que debe responder."
            )
        return NextStep(text, due)
    if status == "routed":
        entity = observation.routed_to_name or _("la entidad responsable")
        return NextStep(
            ngettext(
                "Se envió a %(entity)s, que tiene %(num)d día para responder. Publicaremos "
                "la respuesta oficial en esta página y en la de la inversión.",
                "Se envió a %(entity)s, que tiene unos %(num)d días para responder. Publicaremos "
                "la respuesta oficial en esta página y en la de la inversión.",
                reply_days,
                entity=entity,
            ),
            _since_status(observation) + dt.timedelta(days=reply_days),
        )
    if status == "answered":
        return NextStep(
            _(
                "La entidad respondió (vea la respuesta oficial abajo). Si el problema sigue, "
                "puede enviar una nueva observación sobre la misma inversión."
            )
        )
    return NextStep(
        _(
            "El caso está cerrado. Si el problema sigue, puede enviar una nueva observación "
            "sobre la misma inversión."
        )
    )
