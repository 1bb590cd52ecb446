"""Rows of an XLSX sheet, read as a stream with bounds on what a workbook may hold.

openpyxl reads a workbook's shared strings whole (a 205 KB file holding one 200 MB
cell took ingest to 1,132 MB), so the parts are parsed here with expat, a chunk at a
time, keeping at most `MAX_CELL_CHARS` of any cell and `MAX_SHARED_CHARS` of shared
strings in all. A workbook past a bound of the whole (parts, shared strings, cells,
rows, columns) fails with a sentence saying which; a cell past the cell bound is
its row's error. openpyxl's own tables tell which number formats are dates.

Formula cells are their row's error (a formula is not a value an agency recorded),
and so are error cells (`#N/A`). Rows are numbered as the sheet numbers them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from ingest.text import TabularRow

# Excel's own limits: a cell holds at most 32,767 characters, a sheet has
# 1,048,576 rows and 16,384 columns. A workbook past them was not made by Excel.
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# Cells holding a value in one sheet: 100,000 records of 40 columns are 4 million;
# past this a sheet is not a register export (reading it would take many minutes).
MAX_CELLS = 20_000_000
# Shared strings kept in memory (about 100 MB at most in Python strings): a
# 100,000-record workbook holds about 400,000 distinct strings of 8 million characters.
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_CHARS = 32 * 2**20
# Bytes of XML read from a workbook's small parts (workbook, relationships, styles)
# and from the sheet itself (a 20-million-cell sheet is about 1 GB of XML).
MAX_PART_BYTES = 16 * 2**20
MAX_SHEET_BYTES = 2 * 2**30
# A workbook's central directory lists its parts: a spreadsheet has a few dozen.
MAX_DIRECTORY_BYTES = 4 * 2**20

_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]*)")
_RELS_NS_ROOT = "http://schemas.openxmlformats.org/"


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message says why, as a clause
    about the file ("it is not an XLSX workbook ...")."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _attr(attrs: dict[str, str], local: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return None


class _TooLong:
    """A shared string longer than MAX_CELL_CHARS: its length, not its text."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


class _Text:
    """Character data of one element, kept up to MAX_CELL_CHARS."""

    __slots__ = ("length", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.length < MAX_CELL_CHARS:
            self.parts.append(data[: MAX_CELL_CHARS - self.length])
        self.length += len(data)

    def value(self) -> str | _TooLong:
        return "".join(self.parts) if self.length <= MAX_CELL_CHARS else _TooLong(self.length)


def _parse(
    archive: zipfile.ZipFile,
    name: str,
    limit: int,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Feed part `name` to expat a chunk at a time, yielding after each chunk."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_dtd(*_: object) -> None:
        raise WorkbookError(f"the part {name} declares a DTD, which no spreadsheet does")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = lambda tag, attrs: start(_local(tag), attrs)
    parser.EndElementHandler = lambda tag: end(_local(tag))
    if text is not None:
        parser.CharacterDataHandler = text
    read = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                read += len(chunk)
                if read > limit:
                    raise WorkbookError(
                        f"the part {name} is larger than {limit // 2**20:,} MB of XML"
                    )
                parser.Parse(chunk, False)
                yield
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WorkbookError(f"the part {name} is not well-formed XML ({exc})") from exc
    yield


def _run(parts: Iterator[None]) -> None:
    for _ in parts:
        pass


def _check_directory(handle: BinaryIO) -> None:
    """Refuse a zip whose central directory is too large before zipfile reads it
    whole (a million parts would take gigabytes of ZipInfo objects)."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, 65_557)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return  # not a zip: zipfile says so in its own words
    (directory_bytes,) = struct.unpack("<I", tail[at + 12 : at + 16])
    if directory_bytes > MAX_DIRECTORY_BYTES:
        raise WorkbookError(
            "its zip directory lists more parts than a workbook has "
            f"({directory_bytes:,} bytes of directory)"
        )


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.path = self._office_document()
        self.sheets: list[tuple[str, str]] = []  # (name, part) of worksheets, in order
        self.date1904 = False
        self.shared_part: str | None = None
        self.styles_part: str | None = None
        self._read_workbook()

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part) of `part`."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels_part not in self.names:
            return found

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                resolved = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

        _run(_parse(self.archive, rels_part, MAX_PART_BYTES, start, lambda _: None))
        return found

    def _office_document(self) -> str:
        for kind, target in self._rels("").values():
            if kind.endswith("/officeDocument") and target in self.names:
                return target
        if "xl/workbook.xml" in self.names:
            return "xl/workbook.xml"
        raise WorkbookError("it is a zip file with no workbook in it (no xl/workbook.xml)")

    def _read_workbook(self) -> None:
        rels = self._rels(self.path)
        for kind, target in rels.values():
            if kind.endswith("/sharedStrings") and target in self.names:
                self.shared_part = target
            elif kind.endswith("/styles") and target in self.names:
                self.styles_part = target

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")
            elif tag == "sheet":
                kind, target = rels.get(_attr(attrs, "id") or "", ("", ""))
                if kind.endswith("/worksheet") and target in self.names:
                    self.sheets.append((attrs.get("name", ""), target))

        _run(_parse(self.archive, self.path, MAX_PART_BYTES, start, lambda _: None))

    def date_styles(self) -> frozenset[int]:
        """Indices of the cell styles whose number format shows a date."""
        if self.styles_part is None:
            return frozenset()
        formats: dict[int, str] = {}
        styles: list[int] = []
        where: list[str] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            where.append(tag)
            if tag == "numFmt":
                formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            elif tag == "xf" and len(where) >= 2 and where[-2] == "cellXfs":
                styles.append(_int(attrs.get("numFmtId")))

        def end(_: str) -> None:
            where.pop()

        _run(_parse(self.archive, self.styles_part, MAX_PART_BYTES, start, end))
        dates = set()
        for index, number_format in enumerate(styles):
            code = formats.get(number_format) or BUILTIN_FORMATS.get(number_format, "")
            if code and is_date_format(code) and not is_timedelta_format(code):
                dates.add(index)
        return frozenset(dates)

    def shared_strings(self) -> list[str | _TooLong]:
        strings: list[str | _TooLong] = []
        if self.shared_part is None:
            return strings
        # The text of an <si> is its <t> elements' (rich text runs have several),
        # not those of phonetic guides (<rPh>), nor the whitespace between elements.
        current: list[_Text | None] = [None]
        capture: list[_Text | None] = [None]
        phonetic = [0]
        chars = [0]

        def start(tag: str, _: dict[str, str]) -> None:
            if tag == "si":
                current[0] = _Text()
            elif tag == "rPh":
                phonetic[0] += 1
            elif tag == "t" and not phonetic[0]:
                capture[0] = current[0]

        def end(tag: str) -> None:
            if tag == "t":
                capture[0] = None
            elif tag == "rPh":
                phonetic[0] -= 1
            elif tag == "si" and current[0] is not None:
                text = current[0]
                chars[0] += min(text.length, MAX_CELL_CHARS)
                if len(strings) >= MAX_SHARED_STRINGS or chars[0] > MAX_SHARED_CHARS:
                    raise WorkbookError(
                        f"its shared strings are more than iprgraph reads "
                        f"({MAX_SHARED_STRINGS:,} strings or {MAX_SHARED_CHARS:,} "
                        "characters); split the workbook or save it as CSV"
                    )
                strings.append(text.value())
                current[0] = None

        def text(data: str) -> None:
            if capture[0] is not None:
                capture[0].add(data)

        _run(_parse(self.archive, self.shared_part, MAX_SHEET_BYTES, start, end, text))
        return strings


def _int(value: str | None) -> int:
    try:
        return int(value or "0")
    except ValueError:
        return -1


def _column(ref: str | None, previous: int) -> int:
    """1-based column of a cell reference ("C7" -> 3); the next one when absent."""
    if not ref:
        return previous + 1
    match = _CELL_REF.match(ref)
    if match is None:
        return previous + 1
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return number


def _column_name(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


class _SheetReader:
    """Callbacks of expat over a worksheet, collecting finished rows."""

    def __init__(
        self,
        shared: list[str | _TooLong],
        dates: frozenset[int],
        epoch: dt.datetime,
    ) -> None:
        self.shared = shared
        self.dates = dates
        self.epoch = epoch
        self.done: list[tuple[int, dict[int, Any], str | None]] = []
        self.row_number = 0
        self.cells: dict[int, Any] | None = None
        self.problem: str | None = None
        self.column = 0
        self.cell_count = 0
        self.cell: dict[str, str] | None = None
        self.value: _Text | None = None
        self.inline: _Text | None = None
        self.formula: _Text | None = None
        self.capture: _Text | None = None
        self.phonetic = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "row":
            number = attrs.get("r")
            self.row_number = _int(number) if number else self.row_number + 1
            if not 1 <= self.row_number <= MAX_ROWS:
                raise WorkbookError(f"it has a row numbered {number!r}, past Excel's {MAX_ROWS:,}")
            self.cells, self.problem, self.column = {}, None, 0
        elif self.cells is None:
            return
        elif tag == "c":
            self.column = _column(attrs.get("r"), self.column)
            if self.column > MAX_COLUMNS:
                raise WorkbookError(
                    f"row {self.row_number} has a cell past Excel's {MAX_COLUMNS:,} columns"
                )
            self.cell, self.value, self.inline, self.formula = attrs, None, None, None
        elif self.cell is None:
            return
        elif tag == "v":
            self.value = self.capture = _Text()
        elif tag == "f":
            self.formula = self.capture = _Text()
        elif tag == "is":
            self.inline = _Text()
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.capture = self.inline
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, tag: str) -> None:
        if tag in ("v", "f", "t"):
            self.capture = None
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.cell is not None and self.cells is not None:
            self._finish_cell()
            self.cell = None
        elif tag == "row" and self.cells is not None:
            self.done.append((self.row_number, self.cells, self.problem))
            self.cells = None

    def text(self, data: str) -> None:
        if self.capture is not None:
            self.capture.add(data)

    def _finish_cell(self) -> None:
        assert self.cell is not None and self.cells is not None
        where = f"cell {_column_name(self.column)}{self.row_number}"
        value: Any
        if self.formula is not None:
            # As openpyxl shows a formula cell: its formula, not a value.
            formula = self.formula.value()
            if isinstance(formula, _TooLong):
                self.problem = self.problem or f"{where} holds a formula, not a value"
                return
            value = "=" + formula
            self.problem = self.problem or (
                f"row {self.row_number} holds a formula ({value[:60]!r}), not a value"
            )
        else:
            try:
                value = self._value()
            except ValueError as exc:
                self.problem = self.problem or f"{where} {exc}"
                value = self.value.value() if self.value is not None else None
        if isinstance(value, _TooLong):
            self.problem = self.problem or (
                f"{where} holds {value.length:,} characters, more than {MAX_CELL_CHARS:,}"
            )
            return
        if value is None:
            return
        self.cell_count += 1
        if self.cell_count > MAX_CELLS:
            raise WorkbookError(f"its sheet holds more than {MAX_CELLS:,} cells with values")
        self.cells[self.column] = value

    def _value(self) -> Any:
        assert self.cell is not None
        kind = self.cell.get("t", "n")
        if kind == "inlineStr":
            return self.inline.value() if self.inline is not None else None
        if self.value is None:
            return None
        raw = self.value.value()
        if isinstance(raw, _TooLong):
            return raw
        if kind == "s":
            index = _int(raw.strip())
            if not 0 <= index < len(self.shared):
                raise ValueError(f"refers to shared string {raw.strip()!r}, which is not there")
            return self.shared[index]
        if kind == "str":
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            raise ValueError(f"holds the error value {raw.strip()[:40]!r}, not a value")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                raise ValueError(f"holds {raw.strip()[:40]!r}, which is not a date") from None
        return self._number(raw.strip())

    def _number(self, raw: str) -> Any:
        if not raw:
            return None
        try:
            number: float | int = (
                int(raw) if raw.lstrip("-").isdigit() and len(raw) < 19 else float(raw)
            )
        except ValueError:
            raise ValueError(f"holds {raw[:40]!r}, which is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"holds {raw[:40]!r}, which is not a finite number")
        style = _int(self.cell.get("s")) if self.cell is not None else 0
        if style in self.dates:
            try:
                return from_excel(number, self.epoch)
            except (OverflowError, ValueError):
                raise ValueError(f"holds {raw[:40]!r}, which is no date") from None
        if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number


def xlsx_rows(path: Path, sheet: str | None, first_row: int) -> Iterator[TabularRow]:
    """The rows of a sheet (the first worksheet when `sheet` is None) from sheet row
    `first_row` on; a row holding nothing is skipped. `WorkbookError` (a sentence)
    when the file cannot be read as a workbook at all."""
    try:
        with path.open("rb") as handle:
            _check_directory(handle)
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                yield from _rows(archive, path, sheet, first_row)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"it is not an XLSX workbook (not a complete zip file: {exc})") from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError, zlib.error) as exc:
        # A part that is encrypted, compressed in a way zipfile cannot read, or corrupt.
        raise WorkbookError(f"its zip cannot be read ({exc})") from exc


def _rows(
    archive: zipfile.ZipFile, path: Path, sheet: str | None, first_row: int
) -> Iterator[TabularRow]:
    workbook = _Workbook(archive)
    if not workbook.sheets:
        raise WorkbookError("it holds no worksheet")
    if sheet is None:
        part = workbook.sheets[0][1]
    else:
        parts = dict(workbook.sheets)
        if sheet not in parts:
            names = ", ".join(name for name, _ in workbook.sheets)
            raise WorkbookError(f"it has no sheet {sheet!r} (sheets: {names})")
        part = parts[sheet]
    reader = _SheetReader(
        workbook.shared_strings(),
        workbook.date_styles(),
        MAC_EPOCH if workbook.date1904 else WINDOWS_EPOCH,
    )
    header_width: int | None = None
    for _ in _parse(archive, part, MAX_SHEET_BYTES, reader.start, reader.end, reader.text):
        done, reader.done = reader.done, []
        for number, cells, problem in done:
            if number < first_row:
                continue
            if header_width is None and number > first_row:
                header_width = 0
                yield TabularRow(first_row, [], "[]")
            width = max(cells, default=0)
            values: list[object] = [cells.get(column) for column in range(1, width + 1)]
            if header_width is None:
                header_width = len(values)
            elif len(values) < header_width:
                values += [None] * (header_width - len(values))
            raw = json.dumps([_json_cell(value) for value in values], ensure_ascii=False)
            yield TabularRow(number, values, raw, problem)


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return str(value) if isinstance(value, dt.timedelta) else value.isoformat()
    return value
