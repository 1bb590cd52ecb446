"""Feed writers: one per agency layout, streaming one record at a time.

Tabular writers are driven by the agency's mapping profile (`ingest/profiles/*.yaml`):
the profile's `columns` decide which header receives which canonical field, so a
feed and its profile cannot drift apart. Each layout adds what only it has: date and
number formats, title rows, columns the profile does not map. The NDJSON writer writes
the canonical record as it is.

Malformed rows are planted by the writer (it knows the physical layout) and reported
back with their line (CSV/TSV/NDJSON physical line, XLSX sheet row).
"""

from __future__ import annotations

import csv
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import yaml
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"
# Fixed workbook and zip-entry timestamps so that the same seed gives the same bytes.
FIXED_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)
PARTIES = ("shipper", "consignee", "forwarder")

MODE_WORDS: dict[str, dict[str, str]] = {
    # Synonyms the canonical contract maps onto its six modes ("courier", "ocean", ...).
    "HK-CED": {
        "sea": "Sea",
        "air": "Air Cargo",
        "express": "Courier",
        "postal": "Postal",
        "road": "Road",
        "rail": "Rail",
    },
    "MO-CS": {
        "sea": "SEA",
        "air": "AIR",
        "express": "COURIER",
        "postal": "POSTAL",
        "road": "ROAD",
        "rail": "RAIL",
    },
    "CN-GACC": {
        "sea": "SEA",
        "air": "AIR",
        "express": "EXPRESS",
        "postal": "POSTAL",
        "road": "ROAD",
        "rail": "RAIL",
    },
    "US-CBP": {
        "sea": "OCEAN",
        "air": "AIR CARGO",
        "express": "COURIER",
        "postal": "POSTAL",
        "road": "ROAD",
        "rail": "RAIL",
    },
}


def load_profile(name: str) -> dict[str, Any]:
    data = yaml.safe_load((PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"profile {name} is not a mapping")
    return data


def profile_headers(profile: dict[str, Any]) -> list[str]:
    """Every header the profile maps, in profile order."""
    out: list[str] = []
    for value in profile["columns"].values():
        out.extend(value if isinstance(value, list) else [value])
    return out


@dataclass
class Planted:
    """A malformed row as written: its file, line and defect."""

    file: str
    line: int
    defect: str


def _field(record: dict[str, Any], path: str, sep: str) -> str | None:
    """The value of a canonical field path in a record, as one cell's text (lists joined)."""
    head, _, tail = path.partition(".")
    if head == "goods":
        item = record["goods"][0]
        value = item.get(tail)
    elif head == "value":
        value = record["value"].get(tail)
    elif head == "trademarks":
        value = [t.get(tail, "") for t in record.get("trademarks", [])]
    elif head == "manufacturers":
        value = [m.get(tail, "") for m in record.get("manufacturers", [])]
        if not any(value):
            value = None
    elif head in PARTIES:
        value = record.get(head, {}).get(tail)
    elif head == "handling":
        value = record["handling"].get(tail)
    else:
        value = record.get(head)
    if value is None:
        return None
    if isinstance(value, list):
        return sep.join(str(v) for v in value)
    return str(value)


def _split(value: str, parts: int) -> list[str]:
    """Split an address over `parts` columns so that joining them with ", " restores it."""
    pieces = value.split(", ")
    if len(pieces) < parts:
        return [value] + [""] * (parts - 1)
    cut = max(1, len(pieces) // parts)
    out = [", ".join(pieces[:cut])]
    rest = pieces[cut:]
    for i in range(1, parts):
        take = rest if i == parts - 1 else rest[:cut]
        out.append(", ".join(take))
        rest = rest[len(take) :]
    return out


class FeedWriter:
    """Streams records into one file; subclasses define the physical layout."""

    file: str
    agency: str
    profile: str | None = None

    def __init__(self, out: Path, file: str, agency: str, rng: random.Random) -> None:
        self.path = out / file
        self.file, self.agency, self.rng = file, agency, rng
        self.rows = 0
        self.planted: list[Planted] = []

    def write(self, record: dict[str, Any], defect: str | None) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


@dataclass
class Layout:
    """What a tabular agency file looks like besides its profile."""

    file: str
    profile: str
    agency: str
    date: Callable[[date, random.Random], Any]
    amount: Callable[[float], Any]
    title_rows: list[str] = field(default_factory=list)
    extra_columns: dict[str, Callable[[random.Random], str]] = field(default_factory=dict)
    bad_dates: tuple[str, ...] = ("31/02/2024", "N/A", "00/00/0000")


DEFECTS_TABULAR = (
    "missing record_id",
    "invalid date",
    "non-numeric value",
    "truncated row",
    "NUL byte",
)
DEFECTS_XLSX = (
    "missing record_id",
    "invalid date",
    "non-numeric value",
    "truncated row",
    "formula cell",
)
DEFECTS_NDJSON = (
    "missing record_id",
    "invalid date",
    "non-numeric value",
    "unknown key",
    "broken JSON",
)


def pick_defect(file: str, rng: random.Random) -> str:
    if file.endswith(".ndjson"):
        return rng.choice(DEFECTS_NDJSON)
    if file.endswith(".xlsx"):
        return rng.choice(DEFECTS_XLSX)
    return rng.choice(DEFECTS_TABULAR)


class TabularWriter(FeedWriter):
    """Shared row building for CSV, TSV and XLSX layouts."""

    def __init__(self, out: Path, layout: Layout, rng: random.Random) -> None:
        super().__init__(out, layout.file, layout.agency, rng)
        self.layout = layout
        self.profile = layout.profile
        self.spec = load_profile(layout.profile)
        self.sep: str = self.spec.get("list_separator", ";")
        self.headers = profile_headers(self.spec) + list(layout.extra_columns)
        self.header_row: int = self.spec.get("header_row", 1)
        if self.header_row != len(layout.title_rows) + 1:
            raise ValueError(f"{layout.profile}: header_row does not match the layout's title rows")

    def _cells(self, record: dict[str, Any]) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for canon, header in self.spec["columns"].items():
            if canon == "seizure_date":
                cells[header] = self.layout.date(record["seizure_date"], self.rng)
                continue
            if canon == "value.amount":
                cells[header] = self.layout.amount(record["value"]["amount"])
                continue
            if canon == "goods.quantity":
                cells[header] = record["goods"][0]["quantity"]
                continue
            text = _field(record, canon, self.sep)
            if canon == "transport_mode" and text is not None:
                text = MODE_WORDS[self.agency][text]
            if isinstance(header, list):
                for h, part in zip(header, _split(text or "", len(header)), strict=True):
                    cells[h] = part
            else:
                cells[header] = text if text is not None else ""
        for header, make in self.layout.extra_columns.items():
            cells[header] = make(self.rng)
        return cells

    def _row(self, record: dict[str, Any], defect: str | None) -> list[Any]:
        cells = self._cells(record)
        cols = self.spec["columns"]
        if defect == "missing record_id":
            cells[cols["record_id"]] = ""
        elif defect == "invalid date":
            cells[cols["seizure_date"]] = self.rng.choice(self.layout.bad_dates)
        elif defect == "non-numeric value":
            cells[cols["value.amount"]] = self.rng.choice(
                ("about 5k", "approx. 12,000", "TBC", "see invoice")
            )
        elif defect == "NUL byte":
            rid = str(cells[cols["record_id"]])
            cells[cols["record_id"]] = rid[:4] + "\x00" + rid[4:]
        elif defect == "formula cell":
            rid = cells[cols["record_id"]]
            cells[cols["record_id"]] = f'=HYPERLINK("http://intranet.local/case?id={rid}","{rid}")'
        row = [cells.get(h, "") for h in self.headers]
        if defect == "truncated row":
            # Cut after the transport mode: the row ends mid-record, as when an export dies.
            row = row[: self.headers.index(cols["transport_mode"])]
        return row

    def _line(self) -> int:
        return self.header_row + self.rows


class CsvWriter(TabularWriter):
    def __init__(self, out: Path, layout: Layout, rng: random.Random) -> None:
        super().__init__(out, layout, rng)
        delimiter = "\t" if self.spec["format"] == "tsv" else self.spec.get("delimiter", ",")
        self._fh: IO[str] = self.path.open("w", encoding=self.spec["encoding"], newline="")
        for title in layout.title_rows:
            self._fh.write(title + "\r\n")
        self._csv = csv.writer(self._fh, delimiter=delimiter)
        self._csv.writerow(self.headers)

    def write(self, record: dict[str, Any], defect: str | None) -> None:
        self.rows += 1
        row = self._row(record, defect)
        self._csv.writerow(["" if v is None else v for v in row])
        if defect:
            self.planted.append(Planted(self.file, self._line(), defect))

    def close(self) -> None:
        self._fh.close()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed timestamp (byte-identical output)."""

    def writestr(
        self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: Any = None,
        compresslevel: Any = None,
    ) -> None:
        self.writestr(arcname or str(filename), Path(filename).read_bytes())


class XlsxWriter(TabularWriter):
    def __init__(self, out: Path, layout: Layout, rng: random.Random) -> None:
        super().__init__(out, layout, rng)
        # Write-only mode streams rows to a temporary file instead of building the sheet.
        self._wb = Workbook(write_only=True)
        self._wb.properties.created = FIXED_TIMESTAMP
        self._wb.properties.modified = FIXED_TIMESTAMP
        self._wb.properties.creator = "iprgraph generator"
        self._ws = self._wb.create_sheet(self.spec.get("sheet", "Sheet1"))
        for title in layout.title_rows:
            self._ws.append([title])
        self._ws.append(self.headers)
        self._date_header = self.spec["columns"]["seizure_date"]

    def write(self, record: dict[str, Any], defect: str | None) -> None:
        self.rows += 1
        row = self._row(record, defect)
        if len(row) > self.headers.index(self._date_header):
            i = self.headers.index(self._date_header)
            if isinstance(row[i], date):
                cell = WriteOnlyCell(self._ws, value=row[i])
                cell.number_format = "DD/MM/YYYY"
                row[i] = cell
        self._ws.append(row)
        if defect:
            self.planted.append(Planted(self.file, self._line(), defect))

    def close(self) -> None:
        archive = _FixedTimeZip(self.path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with the clock.
        ExcelWriter(self._wb, archive).save()


class NdjsonWriter(FeedWriter):
    """Canonical NDJSON (the contract's shape), one record per line."""

    def __init__(self, out: Path, file: str, agency: str, rng: random.Random) -> None:
        super().__init__(out, file, agency, rng)
        self._fh: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any], defect: str | None) -> None:
        self.rows += 1
        rec = dict(record, seizure_date=record["seizure_date"].isoformat())
        if defect == "missing record_id":
            del rec["record_id"]
        elif defect == "invalid date":
            rec["seizure_date"] = self.rng.choice(("2024-02-31", "N/A", "31/02/2024"))
        elif defect == "non-numeric value":
            rec["value"] = dict(rec["value"], amount="about 5k")
        elif defect == "unknown key":
            rec["remarks"] = "seized goods destroyed"
        line = json.dumps(rec, ensure_ascii=False)
        if defect == "broken JSON":
            line = line[: len(line) * 2 // 3]
        self._fh.write(line + "\n")
        if defect:
            self.planted.append(Planted(self.file, self.rows, defect))

    def close(self) -> None:
        self._fh.close()


def _dmy(d: date, rng: random.Random) -> str:
    return d.strftime("%d/%m/%Y")


def _mo_date(d: date, rng: random.Random) -> Any:
    # Most dates are real Excel date cells; some were typed in as text.
    r = rng.random()
    if r < 0.8:
        return d
    return d.strftime("%d/%m/%Y") if r < 0.9 else d.strftime("%d-%m-%Y")


def _cn_date(d: date, rng: random.Random) -> str:
    return d.strftime("%Y年%m月%d日") if rng.random() < 0.6 else d.strftime("%Y%m%d")


def _mdy(d: date, rng: random.Random) -> str:
    return d.strftime("%m/%d/%Y")


def _int_amount(amount: float) -> Any:
    return int(amount)


def _xlsx_amount(amount: float) -> Any:
    return amount


def _usd_amount(amount: float) -> Any:
    return f"{amount:.2f}"


HK_OFFICERS = ("SCO LAU", "IO CHAN", "SIO WONG", "CIO LEE", "IO NG")

LAYOUTS: dict[str, Layout] = {
    "HK-CED": Layout(
        "hk-ced.csv",
        "hk-ced-csv",
        "HK-CED",
        _dmy,
        _int_amount,
        extra_columns={
            "Officer in Charge": lambda r: r.choice(HK_OFFICERS),
            "Remarks": lambda r: r.choice(
                ("", "", "", "goods detained", "referred to IPIB", "follow-up")
            ),
        },
    ),
    "MO-CS": Layout(
        "mo-cs.xlsx",
        "mo-cs-xlsx",
        "MO-CS",
        _mo_date,
        _xlsx_amount,
        title_rows=[
            "Serviços de Alfândega da RAEM — Registo de apreensões de mercadorias contrafeitas"
            " / 澳門海關 侵權貨物扣押記錄",
            "Período / 期間: 2022-01 — 2026-10",
        ],
        extra_columns={
            "Agente / 關員": lambda r: f"{r.randrange(100, 999)}/{r.choice(('DIC', 'DOP', 'DPF'))}",
            "Observações / 備註": lambda r: r.choice(
                ("", "", "bens apreendidos", "processo penal")
            ),
        },
    ),
    "CN-GACC": Layout(
        "cn-gacc.csv",
        "cn-gacc-csv",
        "CN-GACC",
        _cn_date,
        _int_amount,
        title_rows=["海关总署广东分署 知识产权侵权嫌疑货物查扣记录导出"],
        extra_columns={
            "经办关员": lambda r: f"关员{r.randrange(1000, 9999)}",
            "备注": lambda r: r.choice(("", "", "已移交缉私部门", "权利人已确认侵权")),
        },
        bad_dates=("2024年02月31日", "N/A", "20241345"),
    ),
    "US-CBP": Layout(
        "us-cbp.tsv",
        "us-cbp-tsv",
        "US-CBP",
        _mdy,
        _usd_amount,
        extra_columns={
            # CBP entry types: 01 formal consumption, 11 informal, 86 de minimis (Section 321).
            "ENTRY TYPE": lambda r: r.choice(("01", "11", "86", "86")),
            "FP&F OFFICE": lambda r: r.choice(
                ("LOS ANGELES", "NEW YORK", "MIAMI", "CHICAGO", "LOUISVILLE")
            ),
        },
        bad_dates=("02/31/2024", "N/A", "13/13/2024"),
    ),
}

NDJSON_FILES = {"EU-NL": "eu-nl.ndjson", "EU-DE": "eu-de.ndjson", "EU-BE": "eu-be.ndjson"}


def open_writers(out: Path, rng: random.Random) -> dict[str, FeedWriter]:
    writers: dict[str, FeedWriter] = {}
    for agency, layout in LAYOUTS.items():
        writers[agency] = (
            XlsxWriter(out, layout, rng)
            if layout.file.endswith(".xlsx")
            else CsvWriter(out, layout, rng)
        )
    for agency, file in NDJSON_FILES.items():
        writers[agency] = NdjsonWriter(out, file, agency, rng)
    return writers
