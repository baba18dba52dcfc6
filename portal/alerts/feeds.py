"""Atom feeds of changes, observations and replies (the one module that touches feedgen).

Entries link to the page they speak of and carry the date of the data they report, so a reader
that follows a feed cites the same figures as the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from flask import render_template


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: dt.datetime
    #: HTML, rendered from our own template (escaped values).
    content: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    self_url: str
    page_url: str
    language: str
    updated: dt.datetime
    entries: list[FeedEntry]


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for UTC columns; Atom needs a zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def atom_document(feed: Feed) -> bytes:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.author({"name": "Vigía"})
    generator.link(href=feed.self_url, rel="self", type="application/atom+xml")
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.language(feed.language)
    generator.updated(aware(feed.updated))
    generator.generator("Vigía")
    for item in feed.entries:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate", type="text/html")
        entry.updated(aware(item.updated))
        entry.content(item.content, type="html")
    return generator.atom_str(pretty=False)


def change_content(change) -> str:
    return render_template("alerts/_change_entry.html", change=change)


def observation_content(observation, reply: bool) -> str:
    return render_template("alerts/_observation_entry.html", obs=observation, reply=reply)
