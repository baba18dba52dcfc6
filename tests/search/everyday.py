"""Judging a search by a query set: which investments are right answers, recall, precision@k."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from portal.search.analysis import fold

QUERIES_FILE = Path(__file__).with_name("everyday_queries.tsv")
TOP = 10


@dataclass(frozen=True)
class Judged:
    """One query and the rule that says which records answer it."""

    query: str
    name: str
    place: str
    unit: str

    def is_right(self, inv) -> bool:
        if self.name and not re.search(self.name, fold(inv.name)):
            return False
        if self.place:
            where = {fold(inv.province or ""), fold(inv.district or "")}
            if not where & set(self.place.split("|")):
                return False
        unit = fold(inv.executing_unit_name or "")
        return not self.unit or bool(re.search(self.unit, unit))


def read_queries(path: Path = QUERIES_FILE) -> list[Judged]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + ["", "", ""])[:4]
        out.append(Judged(*cells))
    return out


def scores(ranked: list[str], right: set[str]) -> tuple[float, float]:
    """Recall over every result; precision over the first min(10, |right|) results."""
    if not right:
        raise ValueError("a query without right answers in the data judges nothing")
    recall = len(right.intersection(ranked)) / len(right)
    k = min(TOP, len(right))
    precision = len(right.intersection(ranked[:k])) / k
    return recall, precision
