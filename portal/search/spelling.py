"""Correcting a mistyped place, unit or everyday word from the names the portal knows.

People write the names as they hear them: *cuterbo* (Cutervo), *selendin* (Celendín),
*bambamarka*, *kajamarca*. Comparing a sound-alike key (b/v, c/s/z, c/k/qu, ll/y, silent h) finds
those at distance 0, where plain edit distance would need one or two edits and a shared first
letter. The candidates are few (place names, unit names, the vocabulary's words), so a
deletion-neighbourhood index (SymSpell's idea) answers in microseconds instead of comparing every
name each time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import combinations

from whoosh.support.levenshtein import damerau_levenshtein

from portal.search.analysis import fold

_SOUNDS = (
    (re.compile(r"ch"), "X"),
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"[ck]"), "k"),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"h"), ""),
    (re.compile(r"([a-z])\1+"), r"\1"),
)


def sound_key(word: str) -> str:
    """How a folded word sounds in Spanish: 'cutervo' and 'cuterbo' -> 'kuterbo'."""
    key = fold(word)
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


#: Longer "words" are pasted text or an attack, not a name: not worth 20,000 deletions each.
LONGEST_WORD = 24


def allowed_edits(length: int) -> int:
    """Short words change meaning with one letter ('luz'/'lux'): correct only longer ones."""
    if length <= 3 or length > LONGEST_WORD:
        return 0
    return 1 if length <= 5 else 2


def _deletions(key: str, edits: int) -> set[str]:
    found = {key}
    for n in range(1, min(edits, len(key) - 1) + 1):
        for drop in combinations(range(len(key)), n):
            found.add("".join(ch for i, ch in enumerate(key) if i not in drop))
    return found


class Corrector:
    """Closest known word to a mistyped one, by sound key then by spelling."""

    def __init__(self, words: Iterable[tuple[str, int]], max_edits: int = 2) -> None:
        self.max_edits = max_edits
        #: folded word -> (as written, weight): the accented spelling ("celendín", as the place
        #: names write it, not "CELENDIN" as the MEF does) and the words' total use.
        self._known: dict[str, tuple[str, int]] = {}
        for written, weight in words:
            folded = fold(written)
            if len(folded) < 4 or not folded.isalpha():
                continue
            before, used = self._known.get(folded, (written, 0))
            spelled = written if fold(before) == before.lower() else before
            self._known[folded] = (spelled, used + weight)
        self._by_deletion: dict[str, set[str]] = {}
        for folded in self._known:
            for deleted in _deletions(sound_key(folded), max_edits):
                self._by_deletion.setdefault(deleted, set()).add(folded)

    def __contains__(self, word: str) -> bool:
        return fold(word) in self._known

    def correct(self, word: str) -> str | None:
        """The known word meant by ``word`` (as written in the records), or None."""
        found = self.closest(word)
        return found[1] if found else None

    def closest(self, word: str) -> tuple[int, str] | None:
        """(sound-alike distance, known word) of the best candidate for ``word``, or None."""
        best = self.rank(word)
        return (best[0], best[4]) if best else None

    def rank(self, word: str) -> tuple[int, int, int, str, str] | None:
        """(sound distance, spelling distance, -use, folded, as written) of the best candidate:
        comparable between correctors, the smallest is the best."""
        folded = fold(word)
        edits = min(allowed_edits(len(folded)), self.max_edits)
        if not edits or folded in self._known:
            return None
        key = sound_key(folded)
        candidates: set[str] = set()
        for deleted in _deletions(key, edits):
            candidates |= self._by_deletion.get(deleted, set())
        best = None
        for candidate in candidates:
            sound = damerau_levenshtein(sound_key(candidate), key, limit=edits + 1)
            if sound > edits:
                continue
            spelled = damerau_levenshtein(candidate, folded, limit=edits + 3)
            rank = (sound, spelled, -self._known[candidate][1], candidate)
            best = min(best, rank) if best else rank
        return (*best, self._known[best[3]][0]) if best else None


def closest_of(word: str, correctors: Iterable[Corrector]) -> str | None:
    """The best correction among several lists, the earlier list winning a tie."""
    found = [c for c in (corrector.closest(word) for corrector in correctors) if c]
    return min(found, key=lambda c: c[0])[1] if found else None
