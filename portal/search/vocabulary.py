"""The everyday-words vocabulary (vocabulary.tsv, reviewed data) turned into query expansions.

A query is a list of terms; each phrase of the file's first column found in it (longest first,
so "centro de salud" wins over "salud") becomes one *slot* whose alternatives are the words typed
and every phrase of its line. A name matches the slot when it has all the terms of one
alternative. Kept out of code so that a reviewer who knows how people in Cajamarca speak can
extend it without a programmer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from portal.search import analysis

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.tsv")
#: Column-2 value for words that only say "works" and narrow nothing.
IGNORE = "-"
#: Column-2 prefix of a phrase of the executing unit's or entity's name, not the work's.
UNIT_MARK = "@"


class Alternative(NamedTuple):
    """One way of saying a slot: its terms and where they count ("typed": the words as typed,
    looked for in names, places and units; "name": the work's name; "unit": the unit's name)."""

    terms: tuple[str, ...]
    where: str


Slot = tuple[tuple[str, ...], tuple[Alternative, ...]]


@dataclass(frozen=True)
class Vocabulary:
    #: key phrase (tuple of terms) -> alternatives; empty: ignore the words.
    expansions: dict[tuple[str, ...], tuple[Alternative, ...]]
    #: Words of the first column as written (for correcting typos in them).
    words: frozenset[str]
    longest: int
    #: Terms that are a whole phrase of the first column (never corrected to another word).
    single_words: frozenset[str] = frozenset()

    def slots(self, terms: list[str]) -> list[Slot]:
        """Split the query terms into (typed phrase, alternatives) slots, longest phrase first.

        A term the file does not know is its own slot with itself as the only alternative.
        """
        out = []
        i = 0
        while i < len(terms):
            for size in range(min(self.longest, len(terms) - i), 0, -1):
                key = tuple(terms[i : i + size])
                if key in self.expansions:
                    alternatives = self.expansions[key]
                    if alternatives:
                        out.append((key, (Alternative(key, "typed"), *alternatives)))
                    i += size
                    break
            else:
                out.append(((terms[i],), (Alternative((terms[i],), "typed"),)))
                i += 1
        return out


def parse(text: str) -> Vocabulary:
    expansions: dict[tuple[str, ...], list[Alternative]] = {}
    written: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            everyday, records = line.split("\t")
        except ValueError:
            raise ValueError(f"vocabulary.tsv line {number}: two columns, one tab") from None
        keys = [tuple(analysis.terms(p)) for p in everyday.split(",")]
        keys = [k for k in keys if k]
        written.update(w.lower() for w in analysis.words(line.replace(UNIT_MARK, " ")))
        alternatives = [Alternative(k, "name") for k in keys]
        if records.strip() == IGNORE:
            alternatives = []
        for phrase in records.split("|") if alternatives else ():
            phrase = phrase.strip()
            where = "unit" if phrase.startswith(UNIT_MARK) else "name"
            alternatives.append(Alternative(tuple(analysis.terms(phrase.lstrip(UNIT_MARK))), where))
        for key in keys:
            merged = expansions.setdefault(key, [])
            merged.extend(a for a in alternatives if a.terms and a.terms != key and a not in merged)
    return Vocabulary(
        {k: tuple(v) for k, v in expansions.items()},
        frozenset(written),
        max((len(k) for k in expansions), default=1),
        frozenset(k[0] for k in expansions if len(k) == 1),
    )


@lru_cache(maxsize=1)
def load() -> Vocabulary:
    return parse(VOCABULARY_FILE.read_text(encoding="utf-8"))


def everyday_words() -> list[str]:
    """The first column's phrases as people type them ("agua potable", "posta"), in file order:
    the searches most likely to be made."""
    lines = VOCABULARY_FILE.read_text(encoding="utf-8").splitlines()
    typed = (line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#"))
    return [phrase.strip() for column in typed for phrase in column.split(",") if phrase.strip()]


FILTER_WORDS_FILE = Path(__file__).with_name("vocabulary_filters.tsv")


@dataclass(frozen=True)
class FilterWords:
    """Status words that are filters (vocabulary_filters.tsv): folded words -> (param, value)."""

    phrases: dict[tuple[str, ...], tuple[str, str]]
    longest: int

    def find(self, words: list[str], start: int) -> tuple[int, tuple[str, str]] | None:
        """The longest phrase starting at ``words[start]`` (folded words): (its length, filter)."""
        for size in range(min(self.longest, len(words) - start), 0, -1):
            found = self.phrases.get(tuple(words[start : start + size]))
            if found:
                return size, found
        return None


def parse_filter_words(text: str, params: tuple[str, ...]) -> FilterWords:
    """Read the filter words; a line naming a parameter not in ``params`` is an error."""
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            typed, condition = line.split("\t")
            param, value = condition.strip().split("=")
        except ValueError:
            raise ValueError(
                f"vocabulary_filters.tsv line {number}: two columns, one tab, parameter=value"
            ) from None
        if param not in params or not value:
            raise ValueError(f"vocabulary_filters.tsv line {number}: unknown filter {param!r}")
        for phrase in typed.split(","):
            key = tuple(analysis.fold(w) for w in analysis.words(phrase))
            if key:
                phrases[key] = (param, value)
    return FilterWords(phrases, max((len(k) for k in phrases), default=1))


@lru_cache(maxsize=1)
def load_filter_words() -> FilterWords:
    return parse_filter_words(FILTER_WORDS_FILE.read_text(encoding="utf-8"), ("estado", "alerta"))
