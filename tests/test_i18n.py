"""Languages: Spanish by default, English on request, remembered; numbers and dates per locale."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal import i18n
from tests.routes import get_routes, sample_values

ROOT = Path(__file__).resolve().parents[1]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def switcher_links(response) -> dict[str, str]:
    """hreflang → href of the language switcher's links."""
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S)
    assert nav, f"no language switcher on {response.request.url}"
    nav = nav.group(0)
    return {
        code: unescape(href)
        for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)
    }


def test_spanish_is_the_default(client):
    response = client.get("/no-existe")
    assert html_lang(response) == "es"
    assert "Página no encontrada" in response.get_data(as_text=True)


def test_lang_parameter_is_remembered_for_the_next_page(client):
    first = client.get("/no-existe?lang=en")
    assert html_lang(first) == "en"
    assert "lang=en" in first.headers["Set-Cookie"]
    second = client.get("/otra-pagina")
    assert html_lang(second) == "en"
    assert "Page not found" in second.get_data(as_text=True)


def test_back_to_spanish_with_the_switcher(client):
    client.get("/no-existe?lang=en")
    assert html_lang(client.get("/no-existe?lang=es")) == "es"
    assert html_lang(client.get("/no-existe")) == "es"


def test_accept_language_english_gives_english(client):
    response = client.get("/no-existe", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(response) == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Back to the home page" in response.get_data(as_text=True)


def test_unsupported_language_falls_back_to_spanish(client):
    response = client.get("/no-existe?lang=xx", headers={"Accept-Language": "fr"})
    assert html_lang(response) == "es"
    assert "Set-Cookie" not in response.headers


def test_responses_vary_by_language_headers(client):
    vary = client.get("/no-existe").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary
    with client.get("/static/css/portal.css") as stylesheet:
        assert "Accept-Language" not in stylesheet.headers.get("Vary", "")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_page_has_a_switcher_keeping_the_query(demo_app, lang):
    client = demo_app.test_client()
    query = [("q", "agua potable"), ("estado", "paralizada"), ("estado", "finalizada")]
    checked = 0
    for endpoint, url in get_routes(demo_app, sample_values(demo_app)):
        with client.get(url, query_string=query, headers={"Accept-Language": lang}) as response:
            html_page = (
                response.mimetype == "text/html"
                and not response.status_code // 100 == 3
                and not endpoint.endswith(".embed")
            )
        if not html_page:
            continue
        assert html_lang(response) == lang, url
        links = switcher_links(response)
        assert set(links) == {"es", "en"}, url
        for code, href in links.items():
            parts = urlsplit(href)
            assert parts.path == urlsplit(url).path, url
            assert parse_qsl(parts.query) == [*query, ("lang", code)], url
        checked += 1
    assert checked >= 3


def test_english_pages_show_plain_english_record_names(demo_app):
    client = demo_app.test_client()
    cui = sample_values(demo_app)["cui"]
    html = client.get(f"/inversiones/{cui}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert any(word in html for word in ("Under way", "Halted", "Finished", "Not started"))
    assert "Costo actualizado" not in html


def test_money_in_soles_for_every_language(app):
    with app.test_request_context("/?lang=es"):
        assert i18n.format_money(Decimal("1234567.89"), cents=True) == "S/ 1,234,567.89"
        assert i18n.format_money(Decimal("1234567.89")) == "S/ 1,234,568"
        assert i18n.format_money(Decimal("-1500")) == "-S/ 1,500"
        assert i18n.format_money(None) == "—"
    with app.test_request_context("/?lang=en"):
        assert i18n.format_money(1234567) == "S/ 1,234,567"


def test_dates_numbers_and_percentages_follow_the_language(app):
    day = dt.date(2026, 11, 23)
    with app.test_request_context("/?lang=es"):
        assert i18n.format_day(day) == "23 nov. 2026"
        assert i18n.format_number(1234567) == "1,234,567"
        assert i18n.format_percent(84.5) == "84.5%"
    with app.test_request_context("/?lang=en"):
        assert i18n.format_day(day) == "Nov 23, 2026"
        assert i18n.format_percent(Decimal("100")) == "100.0%"


def test_languages_setting_from_the_environment_is_a_list(database_url, tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, tmp_path / "instance", PORTAL_LANGUAGES="es, en")
    response = app.test_client().get("/no-existe?lang=en")
    assert html_lang(response) == "en"
    assert set(switcher_links(response)) == {"es", "en"}


def test_outside_a_request_texts_are_in_spanish(app):
    from flask_babel import gettext

    with app.app_context():
        assert gettext("Página no encontrada") == "Página no encontrada"


def test_catalogs_are_complete_and_compiled():
    """CI guard: every source string translated in every language, no fuzzy, .mo up to date."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _checkout_copy(tmp_path: Path) -> Path:
    """The catalogs and the script in a scratch tree (sources linked), to break them safely."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "i18n").write_bytes((ROOT / "scripts" / "i18n").read_bytes())
    (tmp_path / "babel.cfg").write_bytes((ROOT / "babel.cfg").read_bytes())
    for linked in ("portal", "templates"):
        (tmp_path / linked).symlink_to(ROOT / linked)
    for path in (ROOT / "translations").rglob("*"):
        target = tmp_path / path.relative_to(ROOT)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return tmp_path


def _check(tree: Path) -> subprocess.CompletedProcess:
    script = tree / "scripts" / "i18n"
    return subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)


def _edit_english(tree: Path, old: str, new: str) -> None:
    po = tree / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "reported"),
    [
        ('msgstr "Page not found"', 'msgstr ""', "untranslated: 'Página no encontrada'"),
        (
            'msgid "Página no encontrada"',
            '#, fuzzy\nmsgid "Página no encontrada"',
            "fuzzy: 'Página no encontrada'",
        ),
        ('msgstr "Page not found"', 'msgstr "Page missing"', "messages.mo: stale"),
    ],
    ids=["untranslated", "fuzzy", "stale-compiled"],
)
def test_check_fails_on_a_broken_catalog(tmp_path, old, new, reported):
    tree = _checkout_copy(tmp_path)
    _edit_english(tree, old, new)
    result = _check(tree)
    assert result.returncode == 1
    assert reported in result.stdout


def test_check_ignores_the_compiler_version_in_the_header(tmp_path):
    """A new Babel release changes only the .mo header: that must not fail CI on a fresh clone."""
    tree = _checkout_copy(tmp_path)
    mo = tree / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
    data = mo.read_bytes()
    marker = b"Generated-By: Babel "
    start = data.index(marker) + len(marker)
    version = data[start : data.index(b"\n", start)]
    mo.write_bytes(data.replace(marker + version, marker + b"9" * len(version)))

    result = _check(tree)

    assert result.returncode == 0, result.stdout


def test_strings_in_template_macros_are_translated_too(demo_client):
    """Babel skips folders starting with "_" unless told: templates/_macros must be extracted."""
    page = demo_client.get("/inversiones/2100006?lang=en").get_data(as_text=True)

    assert "Source: MEF" in page and "Fuente:" not in page
    assert "(initial budget)" in demo_client.get("/?lang=en").get_data(as_text=True)


def test_counts_are_written_as_babel_writes_them_in_every_language(app):
    """Counts take a fast path (hundreds per search page): same text as babel's in es and en."""
    from babel import numbers

    from portal import i18n

    values = [0, 7, -7, 999, 1000, -1234, 20865, 1234567, -300000000, 10**12]
    for language, locale in (("es", "es_PE"), ("en", "en")):
        with app.test_request_context(f"/?lang={language}"):
            for value in values:
                assert i18n.format_number(value) == numbers.format_decimal(
                    value, format="#,##0", locale=locale
                )


def test_moments_are_read_in_lima_whatever_the_database_gives_back(app):
    """03:05 UTC on 1 December is 22:05 on 30 November in Lima, stored with or without a zone."""
    stored_by_sqlite = dt.datetime(2026, 12, 1, 3, 5)
    stored_by_postgres = stored_by_sqlite.replace(tzinfo=dt.UTC)
    with app.test_request_context("/?lang=es"):
        for moment in (stored_by_sqlite, stored_by_postgres):
            assert i18n.format_day(moment) == "30 nov. 2026"
            assert i18n.format_time(moment) == "22:05"  # 24-hour clock, as /estado shows it


def test_figures_round_half_up_as_a_spreadsheet_does(app):
    """Babel alone rounds half to even: S/ 0.50 read S/ 0 and 35.45% read 35.4%."""
    with app.test_request_context("/?lang=es"):
        assert i18n.format_money(Decimal("12314604.88")) == "S/ 12,314,605"
        assert i18n.format_money(Decimal("1200000.50")) == "S/ 1,200,001"
        assert i18n.format_money(12314604.88) == i18n.formatters().money(Decimal("12314604.88"))
        assert i18n.format_money(Decimal("-0.40")) == "S/ 0"
        assert i18n.format_percent(Decimal("35.45")) == "35.5%"
        assert i18n.format_number(Decimal("2.5")) == "3"
        assert i18n.money_value(12314604.875) == Decimal("12314604.88")


def test_english_says_halted_for_paralizada_everywhere():
    """The status badge says "Halted"; /provincias, /unidades and their sort options said
    "Stalled" for the same idea: one English word for "paralizada" on every page."""
    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    mixed = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if any("paraliz" in i.lower() for i in ids) and any("stall" in s.lower() for s in strs):
            mixed.append(ids[0])
    assert mixed == []
    assert catalog.get("Paralizada").string == "Halted"
