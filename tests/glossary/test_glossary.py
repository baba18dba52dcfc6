"""/glosario: the words of public investment in plain language, linked from where they appear."""

from __future__ import annotations

import html
import re

import pytest


def _definition(page: str, anchor: str) -> str:
    """The text of the definition under ``<dt id=anchor>``."""
    found = re.search(rf'<dt id="{anchor}">.*?</dt>\s*<dd>(.*?)</dd>', page, re.S)
    assert found, f"no term #{anchor}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("lang", "devengado", "pim", "cui"),
    [
        ("es", "gasto que el Estado reconoce", "Institucional Modificado", "Código Único"),
        ("en", "spending the State recognises", "Modified institutional", "Unique Investment"),
    ],
)
def test_the_glossary_explains_devengado_pim_and_cui(client, lang, devengado, pim, cui):
    response = client.get(f"/glosario?lang={lang}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1
    assert devengado in _definition(page, "devengado")
    assert pim in _definition(page, "pim")
    assert cui in _definition(page, "cui")


def test_the_glossary_speaks_to_the_reader_as_usted(client):
    page = html.unescape(client.get("/glosario").get_data(as_text=True))

    assert "usted" in page
    assert not re.search(r"\b(tú|puedes|quieres|tienes|lees)\b", page)


def test_a_page_links_a_word_to_its_definition(demo_client):
    home = demo_client.get("/").get_data(as_text=True)
    glossary = demo_client.get("/glosario").get_data(as_text=True)

    link = re.search(r'class="term" href="/glosario#devengado" title="([^"]+)"[^>]*>([^<]+)<', home)
    assert link, "the home page's devengado figure is not linked to the glossary"
    assert "Devengado acumulado" in link.group(2)
    assert html.unescape(link.group(1)).startswith("Gasto reconocido")
    assert 'id="devengado"' in glossary


@pytest.mark.parametrize("path", ["/buscar", "/unidades", "/lugares/0604", "/datos"])
def test_pages_with_the_words_link_them_to_the_glossary(demo_client, path):
    page = demo_client.get(path).get_data(as_text=True)
    glossary = demo_client.get("/glosario").get_data(as_text=True)

    anchors = re.findall(r'class="term" href="/glosario#([\w-]+)"', page)
    assert anchors, f"{path} links no word to the glossary"
    assert all(f'<dt id="{anchor}">' in glossary for anchor in anchors)


def test_the_glossary_is_linked_from_every_footer_and_from_the_methodology(client):
    methodology = client.get("/metodologia").get_data(as_text=True)
    footer = methodology.split('<footer class="site-footer">', 1)[1]

    assert 'href="/glosario"' in footer
    assert 'href="/glosario"' in methodology.split('<footer class="site-footer">', 1)[0]
