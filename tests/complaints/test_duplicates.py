"""Before sending, the form shows the observations already published on the chosen investment
and offers to follow it instead of sending the same problem again."""

from __future__ import annotations

import re

from obs_helpers import (
    CUI,
    code_from,
    create_moderator,
    form_tokens,
    login,
    moderate,
    post_observation,
)


def _published(app, client, **changes) -> str:
    code = code_from(post_observation(client, **changes))
    create_moderator(app)
    mod = app.test_client()
    login(mod)
    assert moderate(mod, code, "publish").status_code == 303
    return code


def test_the_form_lists_published_observations_of_the_chosen_investment(app, client, investment):
    hidden = code_from(
        post_observation(client, description="Una observación aún sin revisar, no pública.")
    )
    code = _published(app, client)

    page = client.get(f"/observaciones/nueva?cui={CUI}")
    assert "Ya hay 1 observación publicada sobre esta inversión" in page.text
    items = re.findall(r'data-figure="existing_observation">(.*?)</li>', page.text, re.S)
    assert len(items) == 1
    assert f"/observaciones/{code}" in items[0] and "La obra está paralizada" in items[0]
    assert "Publicada" in items[0]
    assert hidden not in page.text
    assert "/seguir?tipo=inversion&amp;objetivo=" + CUI in page.text

    # Chosen by searching its name (no JavaScript): the same list.
    searched = client.post(
        "/observaciones/nueva",
        data={**form_tokens(client), "investment_query": "puente Chonta", "accion": "buscar"},
    )
    assert f"/observaciones/{code}" in searched.text

    # The follow link opens the existing follow-by-email form for this investment.
    follow = client.get(f"/seguir?tipo=inversion&objetivo={CUI}")
    assert follow.status_code == 200 and "Mejoramiento del puente Chonta" in follow.text


def test_no_list_when_nothing_is_published_yet(client, investment):
    page = client.get(f"/observaciones/nueva?cui={CUI}")
    assert page.status_code == 200 and "existing_observation" not in page.text
