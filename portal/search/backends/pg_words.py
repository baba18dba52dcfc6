"""What the PostgreSQL search documents know about words, asked before any matching: how many
investments hold a term (``search_terms``), which investments a typed code names, the closest
word to a typo (candidates from ``pg_trgm`` on ``search_words``, chosen by edit distance as the
Whoosh backend's correctors do), and the places a query may name.

The base of ``PostgresSearcher`` (postgresql.py, the matching and scoring), kept apart so that a
newcomer looking at a "¿Quisiste decir…?" finds the typo lookups in one place.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session
from whoosh.support.levenshtein import damerau_levenshtein

from portal.investments.models import Investment, Place
from portal.search import analysis, vocabulary
from portal.search.backends import Parsed
from portal.search.backends.pg_documents import EXACT, NAME, PLACE, UNIT
from portal.search.ranking import EXACT_BONUS
from portal.search.spelling import Corrector, allowed_edits, sound_key

#: Candidates a trigram lookup returns for a mistyped word; the edit distance picks among them.
TRIGRAM_CANDIDATES = 200
#: Similarity (pg_trgm) below which a word is no candidate at all: low, two edits in a short
#: word leave few trigrams in common; the Corrector's rules decide afterwards.
TRIGRAM_THRESHOLD = "0.2"


@lru_cache(maxsize=1)
def _everyday_corrector() -> Corrector:
    """The everyday words (vocabulary.tsv, a file): kept per process like the code itself."""
    return Corrector((w, 0) for w in vocabulary.load().words)


class PgWords:
    """Term frequencies (read once per request, per term), codes, corrections and place names."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._df: dict[str, int] = {}
        self._variants: dict[str, list[str]] = {}
        self._threshold_set = False

    # --- what the data knows ---------------------------------------------------------------

    def _load(self, lexemes) -> None:
        missing = [lex for lex in dict.fromkeys(lexemes) if lex not in self._df]
        if not missing:
            return
        self._df.update(dict.fromkeys(missing, 0))
        rows = self.session.execute(
            text("SELECT lexeme, df FROM search_terms WHERE lexeme = ANY(:lexemes)"),
            {"lexemes": missing},
        )
        self._df.update((lexeme, df) for lexeme, df in rows if df > 0)

    def df(self, lexeme: str) -> int:
        self._load([lexeme])
        return self._df[lexeme]

    def prefetch(self, terms: list[str]) -> None:
        self._load([p + t for t in terms for p in (NAME, PLACE, UNIT)])

    def knows(self, term: str) -> bool:
        self.prefetch([term])
        return any(self._df[p + term] for p in (NAME, PLACE, UNIT))

    def codes(self, words: list[str]) -> dict[str, str]:
        if not words:
            return {}
        rows = self.session.execute(
            select(Investment.cui, Investment.snip)
            .where(or_(Investment.cui.in_(words), Investment.snip.in_(words)))
            .order_by(Investment.cui)
        ).all()
        found = {snip: cui for cui, snip in rows if snip}
        found.update((cui, cui) for cui, _ in rows)
        return {w: found[w] for w in words if w in found}

    def _candidates(self, column_name: str, key: str, condition: str) -> list:
        """Words whose ``column_name`` (folded or sound key) shares enough trigrams with key."""
        if not self._threshold_set:  # once per request (the transaction)
            self.session.execute(
                text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                {"t": TRIGRAM_THRESHOLD},
            )
            self._threshold_set = True
        return self.session.execute(
            text(
                f"SELECT word, names, known FROM search_words WHERE {column_name} % :key "
                f"AND {condition} ORDER BY similarity({column_name}, :key) DESC LIMIT :n"
            ),
            {"key": key, "n": TRIGRAM_CANDIDATES},
        ).all()

    def correct(self, word: str) -> str | None:
        """As the Whoosh backend's two correctors: place, unit and everyday words (two edits),
        then any word of the names (one edit); candidates from pg_trgm, chosen by edit distance."""
        folded = analysis.fold(word)
        if not allowed_edits(len(folded)):
            return None
        rows = self._candidates("sound", sound_key(folded), "true")
        known = Corrector([(w, k) for w, _n, k in rows if k > 0])
        ranks = [r for r in (known.rank(word), _everyday_corrector().rank(word)) if r]
        if ranks and not (folded in _everyday_corrector() or folded in known):
            return min(ranks)[4]
        if folded in _everyday_corrector() or folded in known:
            return None
        in_names = Corrector([(w, n) for w, n, _k in rows if n > 0], max_edits=1).closest(word)
        return in_names[1] if in_names else None

    def is_known_word(self, word: str) -> bool:
        folded = analysis.fold(word)
        if folded in _everyday_corrector():
            return True
        if len(folded) < 4 or not folded.isalpha():
            return False
        return bool(
            self.session.scalar(
                text("SELECT 1 FROM search_words WHERE folded = :f AND known > 0 LIMIT 1"),
                {"f": folded},
            )
        )

    def corrections(self, words: list[str]) -> dict[str, str]:
        """For each word no name has, the closest word of the names (two edits at most, same
        first letter, the most used on a tie): the "¿Quisiste decir…?" of last resort."""
        found: dict[str, str] = {}
        for word in words:
            term = analysis.term(word)
            if word.isdigit() or not term or self.knows(term):
                continue
            folded = analysis.fold(word)
            best = None
            rows = self._candidates(
                "folded", folded, "names > 0 AND left(folded, 1) = left(:key, 1)"
            )
            for written, uses, _known in rows:
                candidate = analysis.fold(written)
                if abs(len(candidate) - len(folded)) > 2:
                    continue
                distance = damerau_levenshtein(candidate, folded, limit=3)
                if distance <= 2:
                    key = (distance, -uses, written)
                    best = min(best, key) if best else key
            if best:
                found[word] = best[2]
        return found

    def _idf(self, lexeme: str, size: int) -> float:
        df = self._df.get(lexeme, 0)
        return math.log(1 + (size - df + 0.5) / (df + 0.5))

    def spelling(self, parsed: Parsed, present, size: int) -> list[tuple[int, float]]:
        """(presence column, points): the spelling typed first (Snapshot.spelling_bonus)."""
        plain = [w for w, _t in parsed.typed if analysis.fold(w) == w]
        if plain:
            missing = [w for w in plain if w not in self._variants]
            for w in missing:
                self._variants[w] = []
            if missing:
                rows = self.session.execute(
                    text(
                        "SELECT folded, word FROM search_words WHERE folded = ANY(:w) "
                        "AND word <> folded AND names > 0 ORDER BY word"
                    ),
                    {"w": missing},
                )
                for folded, written in rows:
                    self._variants[folded].append(written)
        self._load(
            [EXACT + w for w, _t in parsed.typed]
            + [EXACT + v for w in plain for v in self._variants[w]]
            + [NAME + t for _w, t in parsed.typed]
        )
        points = []
        for word, term in parsed.typed:
            if analysis.fold(word) != word:
                if self._df[EXACT + word]:
                    points.append(
                        (present(EXACT + word), EXACT_BONUS * self._idf(EXACT + word, size))
                    )
                continue
            variants = [v for v in self._variants[word] if self._df[EXACT + v]]
            if not self._df[NAME + term] or not variants:
                continue
            bonus = EXACT_BONUS * self._idf(NAME + term, size)
            points.append((present(NAME + term), bonus))
            points.extend((present(EXACT + v), -bonus) for v in variants)
        return points

    def place_names(self) -> dict[tuple[str, ...], dict[str, list[str]]]:
        names: dict[tuple[str, ...], dict[str, list[str]]] = {}
        rows = self.session.execute(
            select(Place.ubigeo, Place.name)
            .where(func.length(Place.ubigeo).in_((4, 6)))
            .order_by(Place.ubigeo)
        )
        for ubigeo, name in rows:
            param = "provincia" if len(ubigeo) == 4 else "distrito"
            key = tuple(analysis.fold(w) for w in analysis.words(name))
            if key:
                names.setdefault(key, {}).setdefault(param, []).append(ubigeo)
        return names
