"""Comités de vigilancia: registered by moderators, signed in by emailed link, sending on the
committee's behalf, and the committee's page, CSV and PDF report for the public hearing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
from obs_helpers import (
    CUI,
    code_from,
    create_moderator,
    jpeg_with_gps,
    login,
    moderate,
    post_observation,
)
from sqlalchemy import select

from portal.complaints.models import OutboxMessage
from portal.db import session_scope
from portal.investments.models import Prioritisation

COMMITTEE = "Comité de Vigilancia PP 2026 - Cajamarca"
SLUG = "comite-de-vigilancia-pp-2026-cajamarca"
MEMBER = "rosa.quispe@example.pe"


def _prioritise(app, cui=CUI, year=2026, ubigeo="060102"):
    with app.app_context(), session_scope() as session:
        session.add(
            Prioritisation(
                year=year,
                cui=cui,
                rank=3,
                name="Mejoramiento del puente Chonta",
                ubigeo=ubigeo,
                amount=Decimal("250000.00"),
                act="Acta de formalización de acuerdos PP 2025",
            )
        )


def _give_unit(app, cui=CUI, sec_ejec="000123"):
    from portal.investments.models import ExecutingUnit, Investment

    with app.app_context(), session_scope() as session:
        session.get(Investment, cui).sec_ejec = sec_ejec
        session.add(
            ExecutingUnit(
                sec_ejec=sec_ejec,
                name="GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL",
                slug="gobierno-regional-cajamarca-sede-central",
            )
        )


def _register(runner, *members):
    args = ["create-committee", COMMITTEE, "--ubigeo", "0601", "--year", "2026"]
    for member in members or (MEMBER.upper(),):
        args += ["--member", member]
    return runner.invoke(args=args)


def _mails(app, recipient):
    with app.app_context(), session_scope() as session:
        return [
            (m.subject, m.body)
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.recipient == recipient)
                .order_by(OutboxMessage.id)
            )
        ]


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def _ask_link(client, email):
    page = client.get("/entrar")
    return client.post("/entrar", data={"csrf_token": _csrf(page), "email": email})


def _link_from(body: str) -> str:
    return re.search(r"http://localhost(/entrar/\S+)", body).group(1)


def _sign_in(app, client, email=MEMBER):
    assert _ask_link(client, email).status_code == 200
    link = _link_from(_mails(app, email)[-1][1])
    page = client.get(link)
    assert page.status_code == 200 and "Entrar" in page.text
    return client.post(link, data={"csrf_token": _csrf(page)}), link


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages)


def test_a_committee_member_signs_in_by_email_sends_for_the_committee_and_reports_it(
    app, client, runner, investment
):
    _prioritise(app)
    _give_unit(app)
    registered = _register(runner)
    assert registered.exit_code == 0, registered.output
    assert f"/comites/{SLUG}" in registered.output

    # The emailed one-time link signs the member in; it works once.
    signed_in, link = _sign_in(app, client)
    assert signed_in.status_code == 303
    assert signed_in.headers["Location"].startswith(f"/comites/{SLUG}")
    again = app.test_client()
    page = again.get(link)
    assert again.post(link, data={"csrf_token": _csrf(page)}).status_code == 410

    form = client.get(f"/observaciones/nueva?cui={CUI}")
    assert f"A nombre del {COMMITTEE}" in form.text
    committee_id = re.search(r'name="comite" id="comite-(\d+)"', form.text).group(1)
    sent = post_observation(
        client,
        comite=committee_id,
        publish_name=None,
        photos=[(io.BytesIO(jpeg_with_gps((800, 600))), "obra.jpg")],
    )
    assert sent.status_code == 303
    code = code_from(sent)

    # Not public before a moderator publishes it.
    assert code not in client.get(f"/comites/{SLUG}").text

    create_moderator(app)
    mod = app.test_client()
    assert login(mod).status_code == 303
    assert moderate(mod, code, "publish").status_code == 303
    assert moderate(mod, code, "route", target="executing_unit").status_code == 303
    assert moderate(mod, code, "reply", text="Se reanudará la obra en junio.").status_code == 303

    page = client.get(f"/comites/{SLUG}")
    assert page.status_code == 200
    assert code in page.text and "Mejoramiento del puente Chonta" in page.text
    assert "Se reanudará la obra en junio." in page.text
    assert "Respondida tras 0 días." in page.text

    investment_page = client.get(f"/inversiones/{CUI}")
    assert COMMITTEE in investment_page.text and "registrado por el portal" in investment_page.text

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/comites/{SLUG}.csv").text.lstrip("\ufeff")))
    )
    assert [(r["comite"], r["codigo"], r["inversion"], r["dias_de_espera"]) for r in rows] == [
        (COMMITTEE, code, "Mejoramiento del puente Chonta", "0")
    ]
    assert rows[0]["respuesta_oficial"] == "Se reanudará la obra en junio."

    report = client.get(f"/comites/{SLUG}/informe.pdf")
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    assert report.data.startswith(b"%PDF-")
    text = " ".join(_pdf_text(report.data).split())
    assert "Mejoramiento del puente Chonta" in text
    assert COMMITTEE in text and code in text
    assert "Se reanudará la obra en junio." in text
    assert "hora de Lima" in text and "Fuentes" in text
    # The photo's thumbnail is in the report (pages may share one image resource).
    pages = pypdf.PdfReader(io.BytesIO(report.data)).pages
    assert {(i.name, i.image.size) for p in pages for i in p.images} == {
        (pages[0].images[0].name, (320, 240))
    }

    # The executing unit's response time, in /unidades.csv (named columns) and on its page.
    units = list(csv.DictReader(io.StringIO(client.get("/unidades.csv").text.lstrip("\ufeff"))))
    assert [
        (u["sec_ejec"], u["observaciones_derivadas"], u["mediana_dias_respuesta"]) for u in units
    ] == [("000123", "1", "0")]
    unit_page = client.get("/unidades/gobierno-regional-cajamarca-sede-central").text
    assert re.search(r'data-figure="median_reply_days">0<', unit_page)


def test_the_sign_in_answer_is_the_same_for_anyone_and_only_members_get_mail(app, client, runner):
    assert _register(runner).exit_code == 0
    member = _ask_link(client, MEMBER)
    stranger = _ask_link(app.test_client(), "nadie@example.pe")
    strip = lambda page: page.text.replace(MEMBER, "X").replace("nadie@example.pe", "X")  # noqa: E731
    assert member.status_code == stranger.status_code == 200
    assert strip(member) == strip(stranger)
    assert len(_mails(app, MEMBER)) == 1
    assert _mails(app, "nadie@example.pe") == []


def test_a_sign_in_link_expires(app, client, runner):
    from portal.committees.service import redeem_sign_in, request_sign_in

    assert _register(runner).exit_code == 0
    with app.app_context(), session_scope() as session:
        token = request_sign_in(session, MEMBER, minutes=20)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=21)
        assert redeem_sign_in(session, token, now=later) is None


def test_sign_in_requests_are_rate_limited(app, client, runner):
    app.config["PORTAL_RATELIMIT_SIGN_IN"] = "2 per hour"
    assert _register(runner).exit_code == 0
    assert _ask_link(client, MEMBER).status_code == 200
    assert _ask_link(client, MEMBER).status_code == 200
    assert _ask_link(client, MEMBER).status_code == 429
    assert len(_mails(app, MEMBER)) == 2


def test_only_a_signed_in_member_can_send_for_the_committee(app, client, runner, investment):
    assert _register(runner).exit_code == 0
    form = client.get(f"/observaciones/nueva?cui={CUI}")
    assert "A nombre del" not in form.text
    # A forged field from someone not signed in leaves it a citizen's own observation.
    code = code_from(post_observation(client, comite="1"))
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    moderate(mod, code, "publish")
    assert "registrado por el portal" not in client.get(f"/inversiones/{CUI}").text
    assert code not in client.get(f"/comites/{SLUG}").text


def test_moderators_register_a_committee_in_admin(app, client):
    create_moderator(app)
    assert login(client).status_code == 303
    page = client.get("/admin/comites/")
    sent = client.post(
        "/admin/comites/",
        data={
            "csrf_token": re.search(
                r'name="csrf_token" type="hidden" value="([^"]+)"', page.text
            ).group(1),
            "name": COMMITTEE,
            "year": "2026",
            "ubigeo": "0601",
            "members": f"{MEMBER}\nno-es-correo\n",
        },
    )
    assert sent.status_code == 422 and "no-es-correo" in sent.text
    sent = client.post(
        "/admin/comites/",
        data={
            "csrf_token": _csrf(page),
            "name": COMMITTEE,
            "year": "2026",
            "ubigeo": "0601",
            "members": f"{MEMBER}\n",
        },
    )
    assert sent.status_code == 303
    assert MEMBER in client.get(sent.headers["Location"]).text
    assert app.test_client().get("/admin/comites/").status_code == 302  # moderators only
    public = app.test_client().get(f"/comites/{SLUG}")
    assert public.status_code == 200 and COMMITTEE in public.text


def test_the_routing_sheet_names_the_committee(app, client, runner, investment):
    assert _register(runner).exit_code == 0
    _sign_in(app, client)
    form = client.get(f"/observaciones/nueva?cui={CUI}")
    committee_id = re.search(r'name="comite" id="comite-(\d+)"', form.text).group(1)
    code = code_from(post_observation(client, comite=committee_id, publish_name=None))
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    moderate(mod, code, "publish")
    moderate(mod, code, "route", target="executing_unit")
    unit = "GOBIERNO REGIONAL CAJAMARCA - SEDE CENTRAL"
    sheet = mod.get(f"/admin/derivadas/lote.csv?destino=executing_unit&entidad={unit}")
    rows = list(csv.DictReader(io.StringIO(sheet.text.lstrip("\ufeff"))))
    assert rows[0]["Presentada por"] == f"{COMMITTEE} (registrado por el portal)"
    printed = mod.get(f"/admin/derivadas/imprimir?destino=executing_unit&entidad={unit}")
    assert COMMITTEE in printed.text


def test_response_times_give_the_median_days_to_reply_and_the_overdue(app, investment):
    from portal.complaints.models import Observation
    from portal.complaints.response_times import response_times

    _give_unit(app)
    now = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
    waits = [2, 5, 9, None, None]  # days to reply; None: still waiting
    routed_ago = [50, 40, 30, 40, 10]  # the first unanswered is overdue (30 days), not the second
    with app.app_context(), session_scope() as session:
        for n, (wait, ago) in enumerate(zip(waits, routed_ago, strict=True)):
            routed = now - dt.timedelta(days=ago)
            session.add(
                Observation(
                    code=f"VC-TEST-000{n}",
                    cui=CUI,
                    category="stalled",
                    description="x" * 30,
                    consent_at=routed,
                    created_at=routed,
                    status="answered" if wait is not None else "routed",
                    routed_to="executing_unit",
                    routed_at=routed,
                    replied_at=routed + dt.timedelta(days=wait) if wait is not None else None,
                )
            )
        session.flush()
        times = response_times(session, reply_days=30, now=now)
    assert times["000123"].routed == 5 and times["000123"].answered == 3
    assert times["000123"].median_days == 5 and times["000123"].overdue == 1
