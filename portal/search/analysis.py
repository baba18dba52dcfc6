"""Spanish text analysis shared by indexing, querying and highlighting.

Words are lowercased, accent-folded (so *ñ* also matches *n*) and then stemmed with Whoosh's
Snowball stemmer. Folding comes first so *educación* and *educacion* get the same stem. The
index stores these terms already analysed, because a per-word cache makes building an order of
magnitude faster than running Whoosh's analyzer chain on every document.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh.lang import stemmer_for_language, stopwords_for_language

#: A word, or a dotted abbreviation kept whole ("I.E.", "I.E.I.", "II.EE.", "C.P."): the records
#: name schools "I.E. N° 10234", and split into letters that would be two dropped stray letters.
WORD = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{0,2}(?!\w)|\w+", re.UNICODE)
#: Hostile or pasted input is cut to this many words: a query is a few words, not a document.
MAX_QUERY_WORDS = 12

_stem = stemmer_for_language("es")


def fold(text: str) -> str:
    """Lowercase without accents: 'CAÑARIS' -> 'canaris', 'Crédito' -> 'credito'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STOP = frozenset(fold(w) for w in stopwords_for_language("es"))


@lru_cache(maxsize=100_000)
def term(word: str) -> str | None:
    """The index term of one word (folded, stemmed), or None for stop words and stray letters."""
    folded = fold(word).replace(".", "")
    if folded in _STOP or (len(folded) < 2 and not folded.isdigit()):
        return None
    return _stem(folded)


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def terms(text: str) -> list[str]:
    """Folded, stemmed terms of a text, in order, stop words dropped."""
    return [t for t in map(term, words(text)) if t]


def accented_words(text: str) -> list[str]:
    """Lowercase words that folding changes ('cañaris', 'creación'): kept as written so that
    the spelling a person typed can rank first."""
    return [lower for lower in (w.lower() for w in words(text)) if fold(lower) != lower]


def vocabulary_words(text: str) -> set[str]:
    """Lowercase words worth suggesting when someone mistypes them."""
    return {w.lower() for w in words(text) if len(w) > 2 and not w.isdigit()}


def highlight(name: str, wanted: frozenset[str]) -> Markup:
    """The name, HTML-escaped, with the words whose term is in ``wanted`` inside <mark>."""
    if not wanted:
        return escape(name)
    out, last = [], 0
    for match in WORD.finditer(name):
        if term(match.group()) in wanted:
            out.append(escape(name[last : match.start()]))
            out.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    out.append(escape(name[last:]))
    return Markup("").join(out)
