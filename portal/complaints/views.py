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
from wtforms.validators import ValidationError

from portal.committees.service import attach_committee
from portal.committees.views import signed_in_member
from portal.complaints.antispam import (
    HONEYPOT_FIELD,
    client_hash,
    filled_too_fast,
    issue_fill_token,
)
from portal.complaints.documents import (
    claim_pending_documents,
    keep_pending_documents,
    pending_documents,
    remove_pending_documents,
    store_document,
)
from portal.complaints.forms import MAX_DOCUMENTS, MAX_PHOTOS, ObservationForm
from portal.complaints.next_steps import next_step
from portal.complaints.outbox import send_after_response
from portal.complaints.photos import (
    claim_pending,
    keep_pending,
    pending_photos,
    pending_thumbnail,
    remove_pending,
    store_photo,
    valid_pending_token,
)
from portal.complaints.sender import (
    MAX_COMMENT,
    AnswerRefused,
    answered_current_reply,
    can_answer,
    is_sender,
    record_sender_answer,
    sender_key,
)
from portal.complaints.service import (
    NewObservation,
    find_investment_choice,
    find_observation,
    normalise_code,
    photo_is_visible,
    public_view,
    published_observations,
    record_observation,
    search_investment_choices,
    visible_document,
)
from portal.complaints.uploads import upload_dir
from portal.db import get_session
from portal.security import DOWNLOAD_CSP

bp = Blueprint("complaints", __name__)


def status_url(code: str) -> str:
    """The sender's private link to the status page (in the emails written to them): its key
    lets them say whether the official reply solved the problem."""
    return url_for("complaints.status", code=code, clave=sender_key(code), _external=True)


@bp.route("/observaciones/nueva", methods=["GET", "POST"])
def new():
    session = get_session()
    form = ObservationForm()
    if request.method == "GET":
        investment = find_investment_choice(session, request.args.get("cui", ""))
        query = request.args.get("q", "").strip()
        form.investment_query.data = query
        form.started.data = issue_fill_token()
        found, investment_error = None, None
        if request.args.get("cui") and not investment:
            investment_error = _unknown_cui_message()
        elif query and not investment:
            investment, found, investment_error = _search(session, form, query)
        return _page(form, investment, found, investment_error)

    uploads = upload_dir()
    token = valid_pending_token(form.pending_photos.data)
    removed = request.form.getlist("quitar_foto")
    removed_docs = request.form.getlist("quitar_documento")
    kept = remove_pending(uploads, token, removed) if removed else pending_photos(uploads, token)
    docs = (
        remove_pending_documents(uploads, token, removed_docs)
        if removed_docs
        else pending_documents(uploads, token)
    )
    form.kept_photos = len(kept)
    form.kept_documents = len(docs)
    action = request.form.get("accion", "") or ("quitar" if removed or removed_docs else "")
    if action in ("buscar", "cambiar", "quitar"):
        # Search, choose another investment, drop a photo: nothing else is judged yet, and
        # nothing is lost (the photos and PDFs of this request are kept too).
        _check_photos(form)
        _check_documents(form)
        kept, docs = _keep_files(form, uploads, token, kept, docs)
        if action == "cambiar":
            form.cui.data = ""
            return _page(form, None, None, None, kept, docs=docs)
        if action == "buscar":
            form.cui.data = ""
        investment, found, investment_error = _chosen_investment(session, form)
        if action == "quitar" and not (form.investment_query.data or "").strip():
            investment_error = None
        return _page(form, investment, found, investment_error, kept, docs=docs)

    investment, found, investment_error = _chosen_investment(session, form)
    problem = None
    bot = bool((form[HONEYPOT_FIELD].data or "").strip())
    if bot:
        problem = _("No pudimos aceptar el envío. Revise los datos y vuelva a enviarlo.")
    elif filled_too_fast(form.started.data):
        problem = _(
            "El formulario se envió demasiado rápido. Revise los datos y vuelva a enviarlo."
        )
        form.started.data = issue_fill_token()
    valid = form.validate()
    if problem or not valid or investment is None:
        if not bot:
            kept, docs = _keep_files(form, uploads, token, kept, docs)
        return _page(form, investment, found, investment_error, kept, problem, docs), 422
    documents = claim_pending_documents(uploads, token) if docs else []
    documents += [store_document(data, name, uploads) for data, name in form.pdfs]
    stored = claim_pending(uploads, token) if token else []
    stored += [store_photo(image, uploads) for image in form.images]
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
            documents=documents,
        ),
        ip_hash=client_hash(),
        status_url=status_url,
    )
    attach_committee(session, observation, signed_in_member(), request.form.get("comite"))
    send_after_response()
    return redirect(
        url_for(
            "complaints.status",
            code=observation.code,
            nueva=1,
            clave=sender_key(observation.code),
        ),
        code=303,
    )


def rate_limited_form(wait: str):
    """The 429 of the form: the form again with everything typed and the photos kept from
    earlier tries (this request's new photos are not stored: a flood must not fill the disk),
    saying which limit was reached and how long until it resets."""
    from portal.complaints.antispam import broken_scope

    form = ObservationForm()
    token = valid_pending_token(form.pending_photos.data)
    kept = pending_photos(upload_dir(), token)
    docs = pending_documents(upload_dir(), token)
    form.kept_photos = len(kept)
    form.kept_documents = len(docs)
    investment, found, investment_error = _chosen_investment(get_session(), form)
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
    problem += " " + _("Lo que escribió sigue en el formulario.")
    return _page(form, investment, found, investment_error, kept, problem, docs), 429


#: Published observations of the chosen investment shown on the form (the newest ones).
MAX_EXISTING = 5


def _page(form, investment, found, investment_error, kept=(), problem=None, docs=()):
    existing = published_observations(get_session(), investment.cui) if investment else []
    return render_template(
        "complaints/new.html",
        form=form,
        investment=investment,
        found=found,
        choices=found.choices if found else [],
        investment_error=investment_error,
        problem=problem,
        kept_photos=kept,
        max_photos=MAX_PHOTOS,
        kept_documents=docs,
        max_documents=MAX_DOCUMENTS,
        existing=existing[:MAX_EXISTING],
        existing_total=len(existing),
    )


def _check_photos(form: ObservationForm) -> None:
    """Decode this request's photos (to keep them) without judging the other fields."""
    try:
        form.validate_photos(form.photos)
    except ValidationError as exc:
        form.photos.errors = [str(exc)]


def _check_documents(form: ObservationForm) -> None:
    """Check this request's PDFs (to keep them) without judging the other fields."""
    try:
        form.validate_documents(form.documents)
    except ValidationError as exc:
        form.documents.errors = [str(exc)]


def _keep_files(form: ObservationForm, uploads: Path, token: str, kept: list, docs: list):
    """Keep this request's good photos and PDFs with those of earlier tries, under one token
    that the form carries."""
    if form.images:
        token, kept = keep_pending(list(form.images), uploads, token, MAX_PHOTOS)
    if form.pdfs:
        token, docs = keep_pending_documents(list(form.pdfs), uploads, token, MAX_DOCUMENTS)
    form.pending_photos.data = token if kept or docs else ""
    return kept, docs


def _unknown_cui_message() -> str:
    return _("No encontramos esa inversión. Escriba su CUI o parte de su nombre.")


def _chosen_investment(session, form):
    """(investment, search found, error) from the CUI picked or the words typed."""
    if form.cui.data:
        investment = find_investment_choice(session, form.cui.data)
        if investment is not None:
            return investment, None, None
    return _search(session, form, (form.investment_query.data or "").strip())


def _search(session, form, query: str):
    """Search the words as /buscar does; one sure match is chosen, several are offered."""
    if not query:
        return None, None, _("Indique sobre qué inversión escribe: su CUI o parte de su nombre.")
    found = search_investment_choices(session, query)
    if found.total == 1 and not found.partial:
        form.cui.data = found.choices[0].cui
        return found.choices[0], None, None
    if not found.choices:
        return (
            None,
            None,
            _(
                "Ninguna inversión coincide con «%(query)s». Pruebe con otra palabra o con el CUI.",
                query=query,
            ),
        )
    if found.partial:
        return (
            None,
            found,
            _(
                "Ninguna inversión tiene todas las palabras de «%(query)s»; estas tienen la "
                "mayoría: elija una de la lista o busque con otras palabras.",
                query=query,
            ),
        )
    return None, found, _("Varias inversiones coinciden: elija una de la lista.")


@bp.get("/observaciones/nueva/fotos/<token>/<filename>")
def pending_photo(token: str, filename: str):
    """The thumbnail of a photo kept for a form not yet sent (only its token opens it)."""
    path = pending_thumbnail(upload_dir(), token, filename)
    if path is None or not path.is_file():
        abort(404)
    response = send_from_directory(path.parent, path.name, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
    key = request.args.get("clave", "")
    if observation.code != code:
        return redirect(url_for("complaints.status", code=observation.code, clave=key or None))
    return _status_page(session, observation, key)


@bp.post("/observaciones/<code>/resultado")
def answer_reply(code: str):
    """The sender says whether the official reply solved the problem (their private link)."""
    session = get_session()
    observation = find_observation(session, code)
    key = request.form.get("clave", "")
    if observation is None or not is_sender(observation.code, key):
        abort(404)
    comment = request.form.get("comentario", "")
    if len(comment) > MAX_COMMENT:
        error = _("Escriba un comentario de hasta %(num)d caracteres.", num=MAX_COMMENT)
        return _status_page(session, observation, key, error, comment), 422
    try:
        record_sender_answer(session, observation, request.form.get("resultado", ""), comment)
    except AnswerRefused as exc:
        return _status_page(session, observation, key, str(exc), comment), 422
    return redirect(
        url_for("complaints.status", code=observation.code, clave=key, _anchor="su-opinion"),
        code=303,
    )


def _status_page(session, observation, key: str, answer_error=None, comment: str = ""):
    sender = is_sender(observation.code, key)
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
        sender_key=key if sender else None,
        can_answer=sender and can_answer(observation),
        answered=answered_current_reply(observation),
        answer_error=answer_error,
        comment=comment,
        max_comment=MAX_COMMENT,
    )


@bp.get("/observaciones/fotos/<filename>")
def photo(filename: str):
    moderator = cookie_session.get("moderator_id") is not None
    if not photo_is_visible(get_session(), filename, moderator):
        abort(404)
    response = send_from_directory(upload_dir(), filename, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store" if moderator else "public, max-age=3600"
    return response


@bp.get("/observaciones/documentos/<filename>")
def document(filename: str):
    """A PDF attachment, only ever as a download: never rendered inline by the browser, and
    sandboxed with no source allowed should a browser render it anyway."""
    moderator = cookie_session.get("moderator_id") is not None
    name = visible_document(get_session(), filename, moderator)
    if name is None:
        abort(404)
    response = send_from_directory(
        upload_dir(),
        filename,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if moderator else "public, max-age=3600"
    return response
