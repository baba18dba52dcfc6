"""The read step of the import pipeline: a downloaded public-record file becomes numbered rows.

MEF exports reach 300 MB, so tables stream row by row and per-row work stays minimal. A file that
cannot be read at all raises SourceFileError with a sentence the import report can show as is.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

ENCODING_SAMPLE_BYTES = 1 << 20
# Fits the longest free-text fields, yet a quote left open mid-file fails here instead of
# pulling the rest of a 300 MB file into one field.
CSV_FIELD_SIZE_LIMIT = 32 << 20

Rows = Iterator[tuple[int, list[str]]]
T = TypeVar("T")


class SourceFileError(Exception):
    """The whole file is unusable; str(exc) is a user-facing English sentence."""


@dataclass
class Table:
    """A file's header and a single pass over its rows; close it (or use `with`) when done."""

    header: list[str]
    encoding: str
    delimiter: str
    _rows: Rows = field(repr=False, compare=False)
    _close: Callable[[], None] = field(repr=False, compare=False)

    def rows(self) -> Rows:
        """Yield (line the row starts on, fields), short rows padded with ''; streamed, once."""
        return self._rows

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_csv_table(path: str | os.PathLike) -> Table:
    """Open a CSV export, detecting encoding and delimiter, once it is known to be a table.

    Encoding is decided on the first MB; later bad bytes become U+FFFD instead of failing late.
    """
    with open(path, "rb") as raw:
        sample = raw.read(ENCODING_SAMPLE_BYTES)
    reject_empty_or_error_page(sample, "a CSV")
    if sample.startswith((b"PK\x03\x04", b"\x1f\x8b")):
        raise SourceFileError(
            "the file is a compressed archive (zip or gzip), not a CSV: extract the CSV and "
            "import that file"
        )
    if b"\0" in sample:
        raise _failed_download("binary data, not CSV text")
    encoding = _detect_encoding(sample)
    delimiter = _detect_delimiter(sample.decode(encoding, errors="replace"))
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_SIZE_LIMIT))
    with ExitStack() as on_failure:
        handle = on_failure.enter_context(
            open(path, encoding=encoding, errors="replace", newline="")
        )
        reader = csv.reader(handle, delimiter=delimiter)
        header = [name.replace("\ufeff", "").strip() for name in _first_record(reader)]
        if len(header) < 2:
            raise SourceFileError(
                "the header has fewer than two columns: the file is not a comma- or "
                "semicolon-separated table"
            )
        close = on_failure.pop_all().close
    return Table(header, encoding, delimiter, _csv_rows(reader, len(header)), close)


def reject_empty_or_error_page(sample: bytes, expected: str) -> None:
    """Raise SourceFileError for an empty file or an error page saved under the file's name."""
    head = sample.removeprefix(codecs.BOM_UTF8).lstrip()
    if not head:
        raise SourceFileError("the file is empty")
    # Servers answer errors with a page and status 200, saved under the expected file name.
    if head[:5].lower() == b"<?xml":
        raise _failed_download(f"an XML document, not {expected}")
    if head.startswith(b"<"):
        raise _failed_download(f"an HTML page, not {expected}")


def _failed_download(what: str) -> SourceFileError:
    return SourceFileError(f"the file is {what}: the download probably failed")


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header into more fields; quoted ones don't count."""
    widths = {
        delimiter: len(_first_record(csv.reader(io.StringIO(text), delimiter=delimiter)))
        for delimiter in ",;\t|"
    }
    return max(widths, key=widths.__getitem__)


def _first_record(reader: Iterator[list[str]]) -> list[str]:
    return next((fields for fields in reader if fields), [])


def _csv_rows(reader, width: int) -> Rows:
    # reader.line_num counts physical lines, so a row starts one past where the previous ended.
    line = reader.line_num
    try:
        for fields in reader:
            start, line = line + 1, reader.line_num
            if not fields:
                continue
            yield start, fields  # short rows as read: the pipeline tells a cut-off file by them
    except csv.Error as exc:
        raise SourceFileError(f"the CSV cannot be read from line {line + 1} on: {exc}") from exc


def normalize_name(name: str) -> str:
    """Reduce a header name for matching: no BOM or accents, upper case, single spaces."""
    name = name.replace("\ufeff", "")
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(name.upper().split())


def map_columns(
    header: list[str], columns: Mapping[str, Sequence[str]], required: Iterable[str]
) -> dict[str, int]:
    """Map each field to its column by any of its header names, in any order, among any others.

    Names match whatever their case, accents, spacing or trailing colon. A name the publisher
    repeats is told apart by position: alias ``"RUC #2"`` is the second column named ``RUC``.
    Raises SourceFileError naming every missing required field by its first header name.
    """
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(header_key(name), []).append(index)
    found = {}
    for field_name, aliases in columns.items():
        for alias in aliases:
            name, repeat, nth = alias.rpartition(" #")
            if not (repeat and nth.isdecimal()):
                name, nth = alias, "1"
            indexes = positions.get(header_key(name), ())
            if len(indexes) >= int(nth):
                found[field_name] = indexes[int(nth) - 1]
                break
    missing = [columns[field_name][0] for field_name in required if field_name not in found]
    if missing:
        raise SourceFileError(f"missing required columns: {', '.join(missing)}")
    return found


def header_key(name: str) -> str:
    """A column name reduced for matching: 'Nombre o razón social …:' matches without the colon."""
    return normalize_name(name).rstrip(": ")


# Value parsers: None means the publisher left the value unknown; ValueError carries the reason
# the pipeline reports for the row.

_UNKNOWN = frozenset({"", "-", "NaN", "nan", "NAN"})
# Only '1,234,567' or '1,234.5' are surely thousands: '1,234' alone may be a decimal comma.
#: Digits grouped in thousands, by the decimal mark after them: '1,234,567.89', '1.234.567,89'.
_GROUPED = {
    ".": re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),
    ",": re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?"),
}
_DATED_NOTE = re.compile(r"\s*(\d{1,2}/\d{1,2}/\d{4})\s*:\s*(.*)", re.DOTALL)
_YES, _NO = ("SI", "S", "1", "TRUE"), ("NO", "N", "0", "FALSE")
_FLAGS = dict.fromkeys(_YES, True) | dict.fromkeys(_NO, False)


def _none_when_unknown(parse: Callable[[str], T]) -> Callable[[str], T | None]:
    """Strip the text and answer None for the placeholders publishers use for unknown values."""

    @functools.wraps(parse)
    def parse_known(text: str) -> T | None:
        text = text.strip()
        return None if text in _UNKNOWN else parse(text)

    return parse_known


def expected_kind(parse: Callable) -> str:
    """What a parser expects ('amount', 'date', …): /estado says it when a column stops parsing."""
    return getattr(parse, "expects", "value")


def _expects(kind: str) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    def mark(parse: Callable[[str], T]) -> Callable[[str], T]:
        parse.expects = kind  # type: ignore[attr-defined]
        return parse

    return mark


@_expects("amount")
@_none_when_unknown
def parse_decimal(text: str) -> Decimal:
    """Parse an amount such as '18144054.37' exactly (money is never a float).

    Files re-saved by a Spanish-language spreadsheet write '140250,5' or '1.234.567,89': when
    both separators appear the last one is the decimal point; a lone comma followed by other
    than three digits is a decimal comma; '1,234' alone stays ambiguous and is rejected.
    """
    value = _normalise_separators(text)
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or number.is_infinite() or "_" in value:
        raise ValueError(f"not a number: {text!r}")
    return number


def _normalise_separators(value: str) -> str:
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        if not _GROUPED[decimal_mark].fullmatch(value):
            return value
        return value.replace(thousands, "").replace(",", ".")
    if value.count(",") > 1 and _GROUPED["."].fullmatch(value):
        return value.replace(",", "")
    if value.count(".") > 1 and _GROUPED[","].fullmatch(value):
        return value.replace(".", "")
    if value.count(",") == 1 and not re.fullmatch(r"-?\d+,\d{3}", value):
        return value.replace(",", ".")
    return value


@_expects("amount")
@_none_when_unknown
def parse_infobras_amount(text: str) -> Decimal:
    """Parse an INFObras amount, where a space stands for the decimal point: '1205287 56'."""
    whole, space, cents = text.partition(" ")
    if not space:
        return parse_decimal(text)
    if len(cents) != 2 or not cents.isdecimal() or not whole.lstrip("-").isdecimal():
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(f"{whole}.{cents}")


@_expects("whole_number")
@_none_when_unknown
def parse_int(text: str) -> int:
    """Parse a whole number, also when exported as a float ('3195.0')."""
    if text.isdecimal():
        return int(text)
    number = parse_decimal(text)
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"not a whole number: {text!r}")
    return int(number)


@_expects("date")
@_none_when_unknown
def parse_date(text: str) -> date:
    """Parse MEF 'YYYY-MM-DD[ HH:MM:SS]' and INFObras 'dd/mm/yyyy[ HH:MM:SS]' dates."""
    try:
        if "/" in text:
            layout = "%d/%m/%Y %H:%M:%S" if " " in text else "%d/%m/%Y"
            return datetime.strptime(text, layout).date()
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


@_expects("period")
@_none_when_unknown
def parse_period(text: str) -> date:
    """Parse a 'YYYYMM' period (also '202007.0') as the first day of that month."""
    digits = text.removesuffix(".0")
    if len(digits) == 6 and digits.isdecimal() and int(digits[:4]) and 1 <= int(digits[4:]) <= 12:
        return date(int(digits[:4]), int(digits[4:]), 1)
    raise ValueError(f"not a period (YYYYMM): {text!r}")


@_expects("yes_no")
@_none_when_unknown
def parse_flag(text: str) -> bool:
    """Parse SI/NO, Sí/No, S/N, 1/0 and TRUE/FALSE, ignoring case and accents."""
    flag = _FLAGS.get(normalize_name(text))
    if flag is None:
        raise ValueError(f"not a yes/no value: {text!r}")
    return flag


@_expects("ubigeo")
@_none_when_unknown
def parse_ubigeo(text: str) -> str | None:
    """Restore the leading zero lost when a ubigeo was published as a number ('60101')."""
    digits = text.removesuffix(".0")
    if not (digits.isascii() and digits.isdecimal()) or len(digits) > 6:
        raise ValueError(f"not a ubigeo code: {text!r}")
    # Codes have 2 (department), 4 (province) or 6 (district) digits: pad to the next even length.
    code = digits.zfill(len(digits) + len(digits) % 2)
    # No district or province is numbered 00: '210000' is the whole department (rows marked
    # '- TODOS -'), '210100' a whole province; all zeros names no place.
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return None if code == "00" else code


@_expects("percent")
@_none_when_unknown
def parse_progress(text: str) -> Decimal | None:
    """Parse a percentage; values above 100 are kept as published for the caller to flag."""
    value = parse_decimal(text.removesuffix("%"))
    if value is not None and value < 0:
        raise ValueError(f"negative progress: {text!r}")
    return value


def parse_situation_note(text: str) -> tuple[date | None, str]:
    """Split F12-B's '15/10/2026: EN EJECUCIÓN' into date and note; undated notes keep all text."""
    match = _DATED_NOTE.match(text)
    if match:
        try:
            return datetime.strptime(match[1], "%d/%m/%Y").date(), match[2].strip()
        except ValueError:
            pass  # an impossible date is part of the note, not a date
    return None, text.strip()


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


PERU_BBOX = BoundingBox(south=-18.4, west=-81.4, north=0.0, east=-68.6)


def parse_coordinates(
    lat_text: str, lon_text: str, bbox: BoundingBox
) -> tuple[float | None, float | None, str]:
    """Check a point, undoing swapped lat/lon: status 'ok', 'swapped', 'missing', 'zero', 'outside'.

    The point is None unless the status is 'ok' or 'swapped'.
    """
    lat, lon = _coordinate(lat_text), _coordinate(lon_text)
    if lat is None or lon is None:
        return None, None, "missing"
    if lat == 0 or lon == 0:
        return None, None, "zero"
    if bbox.contains(lat, lon):
        return round(lat, 6), round(lon, 6), "ok"
    if bbox.contains(lon, lat):
        return round(lon, 6), round(lat, 6), "swapped"
    return None, None, "outside"


def _coordinate(text: str) -> float | None:
    if "," in text and "." not in text:
        text = text.replace(",", ".", 1)  # '-6,330452' from a Spanish-language spreadsheet
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
