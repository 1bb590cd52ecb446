"""XLSX files written part by part, for inputs openpyxl will not write: a cell of
200 MB streamed into its shared strings, an error cell, a DTD, a cell of `inf`.

The parts are those of a minimal workbook Excel opens: content types, the package
and workbook relationships, the workbook, one sheet, shared strings and styles (one
date style, index 1).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OOXML}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OOXML}.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_MAIN}">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def workbook_xml(sheet: str = "Data") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _column(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(value: object, column: int, row: int) -> str:
    """A cell of the sheet: text inline, a number as a number, a `Raw` as written."""
    ref = f"{_column(column)}{row}"
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.xml.format(ref=ref)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


class Raw:
    """A cell written as given (`{ref}` stands for its reference)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml


def sheet_xml(rows: Iterable[Iterable[object]], prologue: str = "") -> str:
    body = "".join(
        f'<row r="{number}">'
        + "".join(cell(value, column, number) for column, value in enumerate(row, start=1))
        + "</row>"
        for number, row in enumerate(rows, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
        f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'
    )


def write_xlsx(
    path: Path,
    rows: Iterable[Iterable[object]],
    *,
    shared: Iterable[str] | None = None,
    sheet: str = "Data",
    parts: dict[str, str | bytes] | None = None,
) -> Path:
    """A workbook of one sheet; `shared` are its shared strings (cells refer to
    them with `Raw('<c r="{ref}" t="s"><v>0</v></c>')`), written as a stream so
    that a string of hundreds of megabytes costs no memory here; `parts` replace
    or add parts as given."""
    given = dict(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", given.pop("[Content_Types].xml", CONTENT_TYPES))
        archive.writestr("_rels/.rels", given.pop("_rels/.rels", PACKAGE_RELS))
        archive.writestr("xl/workbook.xml", given.pop("xl/workbook.xml", workbook_xml(sheet)))
        archive.writestr(
            "xl/_rels/workbook.xml.rels", given.pop("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        )
        archive.writestr("xl/styles.xml", given.pop("xl/styles.xml", STYLES))
        archive.writestr(
            "xl/worksheets/sheet1.xml", given.pop("xl/worksheets/sheet1.xml", sheet_xml(rows))
        )
        if "xl/sharedStrings.xml" in given:
            archive.writestr("xl/sharedStrings.xml", given.pop("xl/sharedStrings.xml"))
        else:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                for chunk in _shared_strings(shared or ()):
                    part.write(chunk)
        for name, data in given.items():
            archive.writestr(name, data)
    return path


def _shared_strings(strings: Iterable[str]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode()
    for text in strings:
        yield b"<si><t>"
        for start in range(0, len(text), 1 << 20):
            yield escape(text[start : start + (1 << 20)]).encode()
        yield b"</t></si>"
    yield b"</sst>"


def huge_shared_string_xlsx(path: Path, header: list[str], row: list[object], size: int) -> Path:
    """A workbook whose second row's last cell is one shared string of `size`
    characters, streamed into the file (compressed, a few hundred kilobytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        big = Raw('<c r="{ref}" t="s"><v>0</v></c>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml([header, [*row, big]]))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}"><si><t>'.encode()
            )
            piece = b"x" * (1 << 20)
            written = 0
            while written < size:
                chunk = piece[: min(len(piece), size - written)]
                part.write(chunk)
                written += len(chunk)
            part.write(b"</t></si></sst>")
    return path
