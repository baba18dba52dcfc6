"""Public pages: send an observation, follow it by its code, see its photos once published."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask import (
    session as cookie_session,
)
from flask_babel import gettext as _

from portal.complaints.antispam import (
    HONEYPOT_FIELD,
    client_hash,
    filled_too_fast,
    issue_fill_token,
)
from portal.complaints.forms import ObservationForm
from portal.complaints.next_steps import next_step
from portal.complaints.outbox import send_after_response
from portal.complaints.photos import store_photo
from portal.complaints.service import (
    NewObservation,
    find_investment_choice,
    find_observation,
    normalise_code,
    photo_is_visible,
    public_view,
    record_observation,
    search_investment_choices,
)
from portal.db import get_session

bp = Blueprint("complaints", __name__)


def upload_dir() -> Path:
    configured = current_app.config.get("PORTAL_UPLOAD_DIR")
    return Path(configured or Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "uploads")


def status_url(code: str) -> str:
    return url_for("complaints.status", code=code, _external=True)


@bp.route("/observaciones/nueva", methods=["GET", "POST"])
def new():
    session = get_session()
    form = ObservationForm()
    if request.method == "GET":
        investment = find_investment_choice(session, request.args.get("cui", ""))
        query = request.args.get("q", "").strip()
        form.investment_query.data = query
        form.started.data = issue_fill_token()
        return render_template(
            "complaints/new.html",
            form=form,
            investment=investment,
            choices=search_investment_choices(session, query) if query and not investment else [],
            investment_error=_unknown_cui_message()
            if request.args.get("cui") and not investment
            else None,
        )

    investment, choices, investment_error = _chosen_investment(session, form)
    problem = None
    if (form[HONEYPOT_FIELD].data or "").strip():
        problem = _("No pudimos aceptar el envío. Revise los datos y vuelva a enviarlo.")
    elif filled_too_fast(form.started.data):
        problem = _(
            "El formulario se envió demasiado rápido. Revise los datos y vuelva a enviarlo."
        )
        form.started.data = issue_fill_token()
    valid = form.validate()
    if problem or not valid or investment is None:
        return render_template(
            "complaints/new.html",
            form=form,
            investment=investment,
            choices=choices,
            investment_error=investment_error,
            problem=problem,
            photos_dropped=any(f and f.filename for f in (form.photos.data or [])),
        ), 422
    stored = [store_photo(image, upload_dir()) for image in form.images]
    observation = record_observation(
        session,
        NewObservation(
            cui=investment.cui,
            category=form.category.data,
            description=form.description.data.strip(),
            location=(form.location.data or "").strip(),
            name=(form.name.data or "").strip(),
            organisation=(form.organisation.data or "").strip(),
            email=(form.email.data or "").strip(),
            phone=(form.phone.data or "").strip(),
            publish_name=bool(form.publish_name.data),
            photos=stored,
        ),
        ip_hash=client_hash(),
        status_url=status_url,
    )
    send_after_response()
    return redirect(url_for("complaints.status", code=observation.code, nueva=1), code=303)


def rate_limited_form(wait: str):
    """The 429 of the form: the form again with everything typed (photos must be chosen again),
    saying which limit was reached and how long until it resets."""
    from portal.complaints.antispam import broken_scope

    form = ObservationForm()
    investment, choices, investment_error = _chosen_investment(get_session(), form)
    problem = {
        "email": _(
            "Ya recibimos muchas observaciones con este correo. Vuelva en %(wait)s.", wait=wait
        ),
        "attempts": _(
            "Se intentó enviar el formulario muchas veces desde esta conexión. Vuelva en %(wait)s.",
            wait=wait,
        ),
    }.get(
        broken_scope(),
        _("Ha enviado muchas observaciones desde esta conexión. Vuelva en %(wait)s.", wait=wait),
    )
    return render_template(
        "complaints/new.html",
        form=form,
        investment=investment,
        choices=choices,
        investment_error=investment_error,
        problem=problem + " " + _("Lo que escribió sigue en el formulario."),
        photos_dropped=any(f and f.filename for f in (form.photos.data or [])),
    ), 429


def _unknown_cui_message() -> str:
    return _("No encontramos esa inversión. Escriba su CUI o parte de su nombre.")


def _chosen_investment(session, form):
    """(investment, matches to choose from, error) from the hidden CUI or the typed search."""
    if form.cui.data:
        investment = find_investment_choice(session, form.cui.data)
        if investment is not None:
            return investment, [], None
    query = (form.investment_query.data or "").strip()
    if not query:
        return None, [], _("Indique sobre qué inversión escribe: su CUI o parte de su nombre.")
    choices = search_investment_choices(session, query)
    if len(choices) == 1:
        form.cui.data = choices[0].cui
        return choices[0], [], None
    if not choices:
        return (
            None,
            [],
            _(
                "Ninguna inversión coincide con «%(query)s». Pruebe con otra palabra o con el CUI.",
                query=query,
            ),
        )
    return None, choices, _("Varias inversiones coinciden: elija una de la lista.")


@bp.get("/observaciones/consultar")
def lookup():
    code = request.args.get("codigo", "").strip()
    if not code:
        return redirect(url_for("complaints.new"))
    return redirect(url_for("complaints.status", code=normalise_code(code)))


@bp.get("/observaciones/<code>")
def status(code: str):
    session = get_session()
    observation = find_observation(session, code)
    if observation is None:
        return render_template("complaints/unknown.html", code=code), 404
    if observation.code != code:
        return redirect(url_for("complaints.status", code=observation.code))
    return render_template(
        "complaints/status.html",
        observation=public_view(observation),
        is_public=observation.is_public,
        hidden_reason=observation.hidden_reason,
        events=observation.events,
        next_step=next_step(
            observation,
            int(current_app.config["PORTAL_OBSERVATION_REVIEW_DAYS"]),
            int(current_app.config["PORTAL_OBSERVATION_REPLY_DAYS"]),
        ),
        investment=find_investment_choice(session, observation.cui),
        just_sent=request.args.get("nueva") == "1",
    )


@bp.get("/observaciones/fotos/<filename>")
def photo(filename: str):
    moderator = cookie_session.get("moderator_id") is not None
    if not photo_is_visible(get_session(), filename, moderator):
        abort(404)
    response = send_from_directory(upload_dir(), filename, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store" if moderator else "public, max-age=3600"
    return response
