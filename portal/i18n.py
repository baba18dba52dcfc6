"""Languages: Spanish by default, chosen by ``?lang=``, remembered in a cookie, else the browser's.

Money, numbers, percentages and dates go through Babel for the active locale; Peru's conventions
(es_PE: "S/ 1,234,567", "23 nov. 2026") come from CLDR, not from format strings of ours.

One function per kind of figure, used by pages, map popups, feeds and e-mails alike; files and the
API keep the number itself (``money_value``, ``percent_value``), rounded by the same rule: half up,
as a calculator or a spreadsheet rounds (S/ 0.50 → S/ 1), never cut (the map once showed
12,314,604 for S/ 12,314,604.88 where the page said 12,314,605).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale

LANG_COOKIE = "lang"
#: The regional variant each language is formatted with: soles and Peruvian dates.
FORMAT_LOCALES = {"es": "es_PE", "en": "en_US", "qu": "qu_PE"}

babel = Babel()


def select_locale() -> str:
    """``?lang=``, else the cookie, else the browser's Accept-Language, else Spanish."""
    if not has_request_context():  # e.g. an email rendered by a CLI command
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = g.get("portal_languages") or configured_languages(current_app)
    asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in supported:
        return asked
    return request.accept_languages.best_match(supported) or supported[0]


def configured_languages(app: Flask) -> tuple[str, ...]:
    """PORTAL_LANGUAGES as a tuple; the environment gives it as text: ``es,en,qu``."""
    value = app.config["PORTAL_LANGUAGES"]
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(value)


def init_app(app: Flask, translations_dir: Path) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations_dir)
    babel.init_app(app, locale_selector=select_locale)
    languages = configured_languages(app)

    @app.before_request
    def _languages():
        g.portal_languages = languages

    @app.after_request
    def _remember_language(response):
        chosen = request.args.get("lang")
        if chosen in languages and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(
                LANG_COOKIE,
                chosen,
                max_age=365 * 86400,
                samesite="Lax",
                httponly=True,
                secure=app.config["PORTAL_ENV"] == "production",
            )
        # The same URL answers in another language depending on these headers: tell caches
        # (files sent as they are, CSS or Leaflet, are the same in every language).
        if not response.direct_passthrough:
            response.vary.update(("Accept-Language", "Cookie"))
        if response.mimetype == "text/html":
            response.headers["Content-Language"] = str(get_locale() or "es")
        return response

    app.jinja_env.filters.update(
        money=format_money,
        number=format_number,
        percent=format_percent,
        date=format_day,
        time=format_time,
        month=format_month,
    )
    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or "es")
    app.jinja_env.globals["language_links"] = lambda: language_switch_links(languages)
    app.jinja_env.globals["language_name"] = language_name


def local_today() -> dt.date:
    """Today in the portal's time zone (Lima): the day a visitor reads on the page and cites.

    The server's own day (UTC on most machines) turns five hours early: an evening visitor
    would read "consultado el" tomorrow.
    """
    return dt.datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored moment (UTC) in the portal's time zone (``PORTAL_TIMEZONE``, Lima).

    Naive values are taken as UTC, as the database stores them.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def iso_local(value: dt.datetime | str | None) -> str | None:
    """'2026-11-23T01:00:00-05:00': a stored moment (or SQLite's text of one) in the portal's
    time with its offset, for files and the API: the same clock as the pages, and exact."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return local_time(value).isoformat()


def local_day(value: dt.date | dt.datetime | None) -> dt.date | None:
    """The day of a moment in Lima (an import at 01:00 UTC belongs to the evening before)."""
    if isinstance(value, dt.datetime):
        return local_time(value).date()
    return value


def format_time(value: dt.datetime | None) -> str:
    """'02:56': the hour and minute of a moment in Lima, 24-hour clock in every language."""
    if value is None:
        return "—"
    return local_time(value).strftime("%H:%M")


def _format_locale() -> str:
    language = str(get_locale() or "es").split("_")[0]
    return FORMAT_LOCALES.get(language, language)


class _Symbols(NamedTuple):
    """What babel writes for ``#,##0.0`` and ``#,##0%`` in one locale, looked up once."""

    group: str
    decimal: str
    minus: str
    #: The percent pattern with ``{}`` where the number goes ('{}%' in es_PE and en).
    percent: str


@functools.lru_cache(maxsize=16)
def _symbols(locale: str) -> _Symbols:
    shape = numbers.format_percent(Decimal("0.5"), format="#,##0%", locale=locale)
    return _Symbols(
        numbers.get_group_symbol(locale),
        numbers.get_decimal_symbol(locale),
        numbers.get_minus_sign_symbol(locale),
        shape.replace("50", "{}", 1),
    )


#: 1, 0.1, 0.01…: the steps figures are rounded to.
_STEPS = tuple(Decimal(1).scaleb(-digits) for digits in range(7))


def rounded(value: Decimal | float | int, digits: int = 0) -> Decimal:
    """``value`` to ``digits`` decimals, half up (away from zero): the one rounding rule.

    A float is read as the decimal it prints as (12314604.88), not as its binary value.
    """
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(_STEPS[digits], rounding=ROUND_HALF_UP)


def money_value(value: Decimal | float | int | None) -> Decimal | None:
    """An amount as files and the API give it: soles to the céntimo, as published."""
    return None if value is None else rounded(value, 2)


def percent_value(value: Decimal | float | int | None, digits: int = 1) -> Decimal | None:
    """A percentage (in points) as files and the API give it, to ``digits`` decimals."""
    return None if value is None else rounded(value, digits)


def _digits_text(value: Decimal | int, digits: int, symbols: _Symbols) -> str:
    """``value``, already rounded to ``digits``, grouped as babel's ``#,##0.00`` would write it.

    Written here rather than by babel: the map's popups format 20,000 figures per response, and
    babel parses the pattern each time (and rounds half to even, 2.5 → 2).
    """
    whole, _, fraction = f"{abs(value):,.{digits}f}".partition(".")
    text = whole.replace(",", symbols.group) + (symbols.decimal + fraction if digits else "")
    return symbols.minus + text if value < 0 else text


class Formatters(NamedTuple):
    """The figure formatters bound to one locale, for code that formats thousands at once."""

    money: Callable[..., str]
    percent: Callable[..., str]
    number: Callable[..., str]


def formatters(locale: str | None = None) -> Formatters:
    """``format_money``, ``format_percent`` and ``format_number`` for ``locale`` (default: the
    active language's), without looking the language up for each figure."""
    symbols = _symbols(locale or _format_locale())
    return Formatters(
        functools.partial(_money_text, symbols=symbols),
        functools.partial(_percent_text, symbols=symbols),
        functools.partial(_number_text, symbols=symbols),
    )


def _money_text(value, cents: bool = False, *, symbols: _Symbols) -> str:
    if value is None:
        return "—"
    amount = rounded(value, 2 if cents else 0)
    text = _digits_text(abs(amount), 2 if cents else 0, symbols)
    return ("-" if amount < 0 else "") + "S/ " + text


def _number_text(value, digits: int = 0, *, symbols: _Symbols) -> str:
    if value is None:
        return "—"
    if type(value) is not int or digits:
        value = rounded(value, digits)
    return _digits_text(value, digits, symbols)


def _percent_text(value, digits: int = 1, *, symbols: _Symbols) -> str:
    if value is None:
        return "—"
    return symbols.percent.format(_digits_text(rounded(value, digits), digits, symbols))


def format_money(value: Decimal | float | int | None, cents: bool = False) -> str:
    """'S/ 1,234,567' — soles, whole by default: citizens read totals, not cents.

    The sol's own symbol in every language (CLDR's English would write "PEN"), with the
    active locale's digit grouping. Rounded half up: S/ 12,314,604.88 reads S/ 12,314,605.
    """
    return _money_text(value, cents, symbols=_symbols(_format_locale()))


def format_number(value: Decimal | float | int | None, digits: int = 0) -> str:
    """'1,234,567'; with ``digits``, that many decimals, rounded half up."""
    return _number_text(value, digits, symbols=_symbols(_format_locale()))


def format_percent(value: Decimal | float | None, digits: int = 1) -> str:
    """A percentage given in points (84.5 → '84.5%' in es_PE and en), rounded half up."""
    return _percent_text(value, digits, symbols=_symbols(_format_locale()))


def format_day(value: dt.date | dt.datetime | None, style: str = "medium") -> str:
    """'23 nov. 2026' in Spanish (es_PE); 'Nov 23, 2026' in English; a moment's day in Lima."""
    if value is None:
        return "—"
    return dates.format_date(local_day(value), style, locale=_format_locale())


def format_month(month: int | None, width: str = "wide") -> str:
    """A month number (1–12) as its name in the active language: 'Setiembre' in es_PE, 'Sep'."""
    if not month or not 1 <= month <= 12:
        return "—"
    return dates.get_month_names(width, "stand-alone", locale=_format_locale())[month]


#: Each language named in itself, as a switcher should show it.
LANGUAGE_NAMES = {"es": "Español", "en": "English", "qu": "Runasimi"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def language_switch_links(languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(language code, URL of this page in that language) for the switcher.

    Every query argument is kept (repeated ones too, e.g. several facets), so switching
    language never loses a search.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = quote(request.path)
    return [(code, f"{path}?{urlencode([*args, ('lang', code)])}") for code in languages]
