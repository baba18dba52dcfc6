"""Read an Excel workbook (.xlsx) row by row, straight from the zip, with the standard library.

The national INFObras export is ~630 MB of sheet XML. openpyxl's read-only mode takes minutes on
it and readers that hold the sheet take gigabytes, so the sheet is inflated and parsed in chunks:
expat and the C TreeBuilder build the rows of one chunk without a Python call per element, the
finished rows are turned into text and dropped from the tree. Memory stays flat whatever the size.

Both forms seen in the wild are read: the publisher's (every cell an inline string, ``x:``-prefixed
tags, no ``r=`` references, empty cells written out) and a spreadsheet's re-save (shared strings,
numbers and dates as numbers, cell references with gaps for empty cells).
"""

from __future__ import annotations

import gc
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from posixpath import join, normpath
from xml.etree import ElementTree

from portal.importer.reading import (
    SourceFileError,
    Table,
    header_key,
    reject_empty_or_error_page,
)

HEADER_SEARCH_ROWS = 30
CHUNK_BYTES = 1 << 16

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET_DATA, _ROW = _MAIN + "sheetData", _MAIN + "row"
_IS, _V, _T, _R = _MAIN + "is", _MAIN + "v", _MAIN + "t", _MAIN + "r"
_CELL_COLUMN = re.compile(r"[A-Z]+")
#: Built-in number formats that show a date (ECMA-376 §18.8.30).
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_EPOCH_1900, _EPOCH_1904 = date(1899, 12, 30), date(1904, 1, 1)
#: What a broken zip or sheet raises half-way through the rows.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError)


def open_xlsx_table(path: str | os.PathLike, required: Iterable[str]) -> Table:
    """Open a workbook; its header is the first row holding `required`, on any sheet.

    Title rows above the header are skipped, however many; rows keep their sheet row numbers.
    A file that is not a workbook, or breaks off half-way, raises SourceFileError.
    """
    required = list(required)
    wanted = {header_key(name) for name in required}
    with open(path, "rb") as raw:
        reject_empty_or_error_page(raw.read(512), "an Excel workbook")
    with ExitStack() as on_failure:
        try:
            archive = on_failure.enter_context(zipfile.ZipFile(path))
            book = _Book(archive)
        except (*_BROKEN, KeyError) as exc:
            raise SourceFileError("the file is not a valid Excel workbook (.xlsx)") from exc
        for sheet in book.sheets:
            rows = _guarded(book.rows(sheet))
            for _number, values in _first(rows, HEADER_SEARCH_ROWS):
                header = [value.strip() for value in values]
                if wanted <= {header_key(name) for name in header}:
                    while header and not header[-1]:
                        header.pop()
                    close = on_failure.pop_all().close
                    return Table(header, "", "", _non_empty(rows, len(header)), close)
    raise SourceFileError(
        f"no header row with {', '.join(required)} found in the first "
        f"{HEADER_SEARCH_ROWS} rows of any sheet"
    )


def _first(rows: Iterator[tuple[int, list[str]]], count: int):
    """The rows of the first `count` sheet rows, leaving `rows` just after the last one given."""
    for number, values in rows:
        yield number, values
        if number >= count:
            return


def _non_empty(rows: Iterator[tuple[int, list[str]]], width: int):
    """Rows with any text, short ones padded: a re-saved sheet leaves trailing empty cells out."""
    for number, values in rows:
        if any(values):
            if len(values) < width:
                values += [""] * (width - len(values))
            yield number, values


def _guarded(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """A zip or sheet that breaks off half-way rejects the whole file, never a partial import."""
    number = 0
    try:
        for number, values in rows:
            yield number, values
    except _BROKEN as exc:
        raise SourceFileError(
            f"the workbook breaks off after sheet row {number} ({exc}): the file is damaged or "
            "the download was cut off, so the previous data is kept"
        ) from exc


class _Book:
    """What reading a workbook's rows needs: its sheets in order, shared strings, date styles."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        properties = workbook.find(_MAIN + "workbookPr")
        epoch_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = _EPOCH_1904 if epoch_1904 else _EPOCH_1900
        rels = "xl/_rels/workbook.xml.rels"
        targets = self._relationships(rels, "xl") if rels in names else {}
        listed = [targets.get(sheet.get(_REL, "")) for sheet in workbook.iter(_MAIN + "sheet")]
        # Sheets in the workbook's order; a workbook without relationships, by part name.
        self.sheets = [name for name in listed if name in names] or sorted(
            name for name in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name)
        )
        self.strings = self._shared_strings() if "xl/sharedStrings.xml" in names else []
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else frozenset()

    def _relationships(self, part: str, base: str) -> dict[str, str]:
        rels = ElementTree.fromstring(self.archive.read(part))
        targets = {}
        for rel in rels.iter(_PKG_REL):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(base, target))
            targets[rel.get("Id", "")] = path
        return targets

    def _shared_strings(self) -> list[str]:
        strings = []
        with self.archive.open("xl/sharedStrings.xml") as part:
            for _event, item in ElementTree.iterparse(part):
                if item.tag == _MAIN + "si":
                    strings.append(_rich_text(item))
                    item.clear()
        return strings

    def _date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles that show a number as a date."""
        styles = ElementTree.fromstring(self.archive.read("xl/styles.xml"))
        custom = {
            int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
            for fmt in styles.iter(_MAIN + "numFmt")
        }
        cell_styles = styles.find(_MAIN + "cellXfs")
        if cell_styles is None:
            return frozenset()
        dated = set()
        for index, style in enumerate(cell_styles.iter(_MAIN + "xf")):
            format_id = int(style.get("numFmtId", "0"))
            if format_id in _DATE_FORMATS or _is_date_format(custom.get(format_id, "")):
                dated.add(index)
        return frozenset(dated)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        """(sheet row number, cell texts) of every row of a sheet, empty cells as ''."""
        builder = ElementTree.TreeBuilder()
        parser = ElementTree.XMLParser(target=builder)
        sheet_data = None
        number = 0
        with self.archive.open(sheet) as part:
            while chunk := part.read(CHUNK_BYTES):
                with _no_cycle_collection():
                    parser.feed(chunk)
                    if sheet_data is None:
                        # The C TreeBuilder's close() hands over the root while parsing goes on.
                        root = builder.close()
                        sheet_data = None if root is None else root.find(_SHEET_DATA)
                        if sheet_data is None:
                            continue
                    # Every row but the last is complete; the last may still be filling.
                    finished = sheet_data[: len(sheet_data) - 1]
                    del sheet_data[: len(finished)]
                    read = []
                    for row in finished:
                        number = _row_number(row, number)
                        read.append((number, self._texts(row)))
                yield from read
            parser.close()
        for row in [] if sheet_data is None else list(sheet_data):
            number = _row_number(row, number)
            yield number, self._texts(row)

    def _texts(self, row: ElementTree.Element) -> list[str]:
        texts = []
        for cell in row:
            if cell.attrib:
                reference = cell.get("r")
                if reference:
                    column = _column_index(reference)
                    if column > len(texts):
                        texts.extend([""] * (column - len(texts)))
                kind = cell.get("t")
            else:
                kind = None
            if not len(cell):
                texts.append("")
            elif kind == "inlineStr":
                inline = cell[0]
                if len(inline) == 1 and inline[0].tag == _T:
                    texts.append(inline[0].text or "")
                else:
                    texts.append(_rich_text(cell.find(_IS)))
            else:
                texts.append(self._value(cell, kind))
        return texts

    def _value(self, cell: ElementTree.Element, kind: str | None) -> str:
        """The text of a cell that is not an inline string, as the CSV exports would write it."""
        value = cell.findtext(_V)
        if value is None:
            inline = cell.find(_IS)
            return "" if inline is None else _rich_text(inline)
        if kind == "s":
            try:
                return self.strings[int(value)]
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return "TRUE" if value.strip() == "1" else "FALSE"
        if kind in (None, "n"):
            return self._number(value, cell.get("s"))
        return value

    def _number(self, value: str, style: str | None) -> str:
        try:
            number = float(value)
        except ValueError:
            return value
        if style is not None and style.isdigit() and int(style) in self.date_styles:
            day = self.epoch + timedelta(days=int(number))
            return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return value


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while a chunk's elements are built and read.

    Elements hold no cycles and die by reference counting; left on, the collector runs every
    few hundred elements and walks the whole heap of a loaded app, doubling the read time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _row_number(row: ElementTree.Element, previous: int) -> int:
    number = row.get("r")
    return int(number) if number and number.isdigit() else previous + 1


def _column_index(reference: str) -> int:
    """'A1' → 0, 'AB12' → 27."""
    letters = _CELL_COLUMN.match(reference.upper())
    index = 0
    for letter in letters.group() if letters else "":
        index = index * 26 + ord(letter) - 64
    return index - 1


def _rich_text(item: ElementTree.Element | None) -> str:
    """The text of a string item, its formatted runs joined, phonetic hints left out."""
    if item is None:
        return ""
    direct = item.find(_T)
    if direct is not None:
        return direct.text or ""
    return "".join(run.findtext(_T) or "" for run in item.iter(_R))


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return "d" in code or "y" in code or ("m" in code and "h" not in code and "s" not in code)
