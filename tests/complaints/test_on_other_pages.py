"""Observations where people look: the investment page, the place pages, the status page."""

import re

from obs_helpers import (
    CUI,
    add_investment,
    code_from,
    create_moderator,
    login,
    moderate,
    post_observation,
)

from portal.investments.derived import seed_places


def _moderator(app):
    create_moderator(app)
    mod = app.test_client()
    assert login(mod).status_code == 303
    return mod


def _published(client, mod, reply=None, **fields):
    code = code_from(post_observation(client, **fields))
    moderate(mod, code, "review")
    moderate(mod, code, "publish")
    if reply:
        moderate(mod, code, "route", target="executing_unit")
        moderate(mod, code, "reply", text=reply)
    return code


def _seed_places(app):
    with app.app_context():
        with app.extensions["portal.engine"].begin() as conn:
            seed_places(conn, "06")


def test_investment_page_shows_published_observation_and_reply_not_unpublished(
    app, client, investment
):
    mod = _moderator(app)
    shown = _published(
        client,
        mod,
        reply="La obra se reanudó el 2 de mayo.",
        description="Paralizada desde marzo. Mi celular es 976543210.",
    )
    hidden = code_from(post_observation(client, description="Aún sin revisar, no debe verse."))

    page = client.get(f"/inversiones/{CUI}").text
    assert shown in page and hidden not in page
    assert "Paralizada desde marzo." in page
    assert "La obra se reanudó el 2 de mayo." in page
    assert "976543210" not in page and "[teléfono oculto]" in page
    assert "Aún sin revisar" not in page
    assert "1 observación publicada tras revisión" in page
    assert '<a href="#observations-title">1 observación ciudadana publicada</a>' in page
    assert f'href="/observaciones/nueva?cui={CUI}"' in page
    assert "Enviar una observación sobre esta inversión" in page


def test_investment_without_observations_still_offers_the_button(client, investment):
    page = client.get(f"/inversiones/{CUI}").text
    assert "Aún no hay observaciones publicadas sobre esta inversión." in page
    assert f'href="/observaciones/nueva?cui={CUI}"' in page


def _count(page):
    match = re.search(r'data-figure="observations">([^<]*)<', page)
    assert match
    return match.group(1)


def test_place_pages_count_published_observations_and_show_the_latest(app, client, investment):
    _seed_places(app)
    add_investment(app, cui="2345679", name="Canal de riego Otuzco", ubigeo="060102")
    add_investment(app, cui="2345680", name="Posta de Chota", ubigeo="060401")
    mod = _moderator(app)
    _published(client, mod, description="Primera observación sobre el puente.")
    _published(client, mod, cui="2345679", description="El canal pierde agua por las juntas.")
    post_observation(client, cui="2345679", description="Esta no se publicó todavía.")
    _published(client, mod, cui="2345680", description="La posta no tiene techo.")

    district = client.get("/lugares/060102").text
    assert _count(district).startswith("2 observaciones publicadas")
    assert "El canal pierde agua" in district and "Canal de riego Otuzco" in district
    assert "Esta no se publicó" not in district and "La posta no tiene techo" not in district

    province = client.get("/lugares/0601").text
    assert _count(province).startswith("2 observaciones publicadas")
    chota = client.get("/lugares/0604").text
    assert _count(chota).startswith("1 observación publicada")
    empty = client.get("/lugares/0602").text
    assert "Aún no hay observaciones publicadas" in _count(empty)


def test_status_page_says_what_happens_next_and_when(app, client, investment):
    code = code_from(post_observation(client))
    page = client.get(f"/observaciones/{code}").text
    assert "Qué pasa ahora" in page
    assert "en un plazo de 5 días" in page
    assert "Vuelva a consultar esta página a partir del" in page

    mod = _moderator(app)
    moderate(mod, code, "review")
    moderate(mod, code, "publish")
    moderate(mod, code, "route", target="oci")
    routed = client.get(f"/observaciones/{code}").text
    assert "unos 30 días para responder" in routed
    assert "Órgano de Control Institucional de GOBIERNO REGIONAL CAJAMARCA" in routed

    moderate(mod, code, "reply", text="Respuesta de la entidad.")
    answered = client.get(f"/observaciones/{code}").text
    assert "La entidad respondió" in answered
    assert "Vuelva a consultar" not in answered
