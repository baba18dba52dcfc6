"""The public records the portal imports: one module each, all with the same small interface.

A source says which columns it needs (by name, with the aliases seen across years), how one row
becomes records for our tables, and how the import replaces the old data (see ``SourceSpec``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Table

from portal.importer.reading import expected_kind

T = TypeVar("T")

#: One record for one of our tables.
Record = tuple[Table, dict]


@dataclass(frozen=True)
class ImportContext:
    """What a row parser needs beyond the row: the region filter and today's date."""

    region: str  # INEI department code, or "all"
    region_name: str  # "CAJAMARCA", to match sources that only carry names
    known_cuis: frozenset[str]  # CUIs of the region's investments, for sources without ubigeo
    today: dt.date

    @property
    def national(self) -> bool:
        return self.region == "all"

    def cui_in_region(self, cui: str) -> bool:
        return self.national or cui in self.known_cuis


@dataclass
class RowLayout:
    """How a file's columns map to a source's fields, and the tally of values left empty.

    ``index`` maps every field of the source; fields the file lacks point at -1, an empty value
    the pipeline appends to each row (cheaper than checking on every access). ``names`` gives
    each field's column as the file spells it, so reports name what the publisher wrote.
    """

    index: Mapping[str, int]
    names: Mapping[str, str]
    required: frozenset[str] = frozenset()
    #: Non-empty values met per field parsed through ``Row.parse``: the base of "most values".
    present: dict[str, int] = field(default_factory=dict)


class Row:
    """A file row seen through the column map: ``row["cui"]`` is the raw text, '' if absent."""

    __slots__ = ("values", "index", "layout", "blanked")

    def __init__(self, values: list[str], layout: RowLayout):
        self.values = values
        self.index = layout.index
        self.layout = layout
        #: (field, text as published, what was expected) of each optional value left empty.
        self.blanked: list[tuple[str, str, str]] | None = None

    def __getitem__(self, name: str) -> str:
        return self.values[self.index[name]].strip()

    def parse(self, name: str, parser: Callable[[str], T]) -> T | None:
        """Parse one field; an unreadable optional value is left empty and noted, not fatal.

        Publishers change a column's type without notice: one optional column must not cost
        every row. A required field still raises ValueError naming the published column.
        """
        text = self.values[self.index[name]]
        if text:
            present = self.layout.present
            present[name] = present.get(name, 0) + 1
        try:
            return parser(text)
        except ValueError as exc:
            if name in self.layout.required:
                raise ValueError(f"{self.layout.names[name]}: {exc}") from None
            if self.blanked is None:
                self.blanked = []
            self.blanked.append((name, text.strip(), expected_kind(parser)))
            return None


def reject_negative(row: Row, values: Mapping[str, object]) -> None:
    """Raise ValueError (the row is rejected) naming the first value below zero, as published."""
    for name, value in values.items():
        if value is not None and value < 0:
            column = row.layout.names[name]
            raise ValueError(f"{column}: negative value {row[name]!r}, which cannot be below zero")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    description: str
    file_format: str  # "csv" | "xlsx" | "ocds"
    columns: Mapping[str, Sequence[str]]
    required: frozenset[str]
    #: Tables this source fills; the first one is the main one.
    tables: Sequence[Table]
    #: The records of one row ([] outside the region); raises ValueError to reject the row.
    parse_row: Callable[[Row, ImportContext], Iterable[Record]]
    #: "investments": upsert with a field-level change log; "replace": the tables are replaced;
    #: "processes": the staged keys replace their live records, the others stay.
    mode: str = "replace"
    #: For sources published as several files (one per year): the column that scopes a file.
    scope_column: str | None = None
    #: Columns whose values identify a record: duplicates in one file are rejected as such.
    key_columns: Sequence[str] = field(default_factory=tuple)
    #: For sources whose file has several rows per key that add up (Seguimiento-PI: sources of
    #: funds, rubros): merge(first records, next records) folds the second into the first.
    #: Without it, a repeated key is rejected as a duplicate.
    merge_rows: Callable[[list[Record], list[Record]], None] | None = None
    #: For sources that are not tables (OECE's OCDS JSON): read(path, context) yields one
    #: outcome per record (``.kind``: linked | outside | unlinked | rejected, ``.records``,
    #: ``.reason``) instead of rows for ``parse_row``. Such a source uses mode "processes":
    #: a file replaces only the records of the keys it carries.
    read_items: Callable[[Path, ImportContext], Iterable] | None = None


def all_sources() -> dict[str, SourceSpec]:
    """Every source by its public name, in the order a full nightly import runs them."""
    from portal.importer.sources import (
        infobras,
        mef_cierre,
        mef_estado_situacional,
        mef_f12b,
        mef_inversiones,
        mef_seguimiento,
        oece_ocds,
        presupuesto_participativo,
    )

    specs = [
        mef_inversiones.SOURCE,
        mef_cierre.SOURCE,
        mef_f12b.SOURCE,
        mef_estado_situacional.SOURCE,
        mef_seguimiento.SOURCE,
        infobras.SOURCE,
        presupuesto_participativo.SOURCE,
        oece_ocds.SOURCE,
    ]
    return {spec.name: spec for spec in specs}


def clean_text(text: str) -> str | None:
    """Collapse the line breaks and runs of spaces that published names carry; '' → None."""
    text = " ".join(text.split())
    return text or None


def clean_code(text: str) -> str | None:
    """Official codes arrive as numbers ('2100002.0'); keep the digits."""
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"not a valid code: {text!r}")
    return text


clean_code.expects = "code"  # type: ignore[attr-defined]
