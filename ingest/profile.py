"""Agency mapping profiles: how a CSV, TSV or XLSX layout maps onto the canonical record.

A profile is a small YAML file (format in README.md, "Mapping profiles"): the file
format, its encoding, the sheet and header row, the list separator, date formats,
fixed values, and per canonical field the source column(s). `read_tabular` reads a
file through a profile and yields one canonical record dict per row, or the row's
error, with the row's line (CSV/TSV: physical line; XLSX: sheet row).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from charset_normalizer import from_bytes
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.normalise import NormaliseError, parse_date
from ingest.read import RawRow
from ingest.record import describe_validation_error

SHIPPED_PROFILES = Path(__file__).resolve().parent / "profiles"

_PARTY_KEYS = ("name", "address", "country", "phone", "email", "registration_id")
_PARTIES = ("shipper", "consignee", "forwarder")
_SCALARS = (
    "record_id",
    "agency",
    "seizure_date",
    "case_ref",
    "port_of_seizure",
    "port_of_loading",
    "port_of_discharge",
    "origin_country",
    "destination_country",
    "transport_mode",
    "transport_document",
    "vessel_or_flight",
)
_LISTS = ("transit_ports", "containers", "handling.releasable_to")
_GOODS = ("goods.description", "goods.hs_code", "goods.quantity", "goods.unit", "goods.trademarks")
_MARKS = ("trademarks.mark", "trademarks.rights_holder", "trademarks.registration")
FIELDS: frozenset[str] = frozenset(
    (
        *_SCALARS,
        *_LISTS,
        *_GOODS,
        *_MARKS,
        "value.amount",
        "value.currency",
        "handling.tlp",
        *(f"{party}.{key}" for party in _PARTIES for key in _PARTY_KEYS),
        *(f"manufacturers.{key}" for key in _PARTY_KEYS),
    )
)
# Bytes read to guess an encoding the profile does not name.
_SNIFF_BYTES = 256 * 1024


class ProfileError(Exception):
    """A profile that cannot be used, or a file that does not fit its profile."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    format: Literal["csv", "tsv", "xlsx"]
    encoding: str | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    list_separator: str = Field(default=";", min_length=1)
    date_format: list[str] | None = None
    fixed: dict[str, Any] = {}
    columns: dict[str, str | list[str]] = {}

    @field_validator("date_format", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"{value!r} is not an encoding Python knows") from exc
        return value

    @field_validator("fixed", "columns")
    @classmethod
    def _canonical_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - FIELDS)
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} "
                "canonical field path(s); see README.md, 'Mapping profiles'"
            )
        return value

    @classmethod
    def load(cls, name_or_path: str | Path) -> Profile:
        """A shipped profile by name (`hk-ced-csv`), or a YAML file by path."""
        path = Path(name_or_path)
        if not path.is_file():
            shipped = SHIPPED_PROFILES / f"{name_or_path}.yaml"
            if not shipped.is_file():
                known = ", ".join(sorted(p.stem for p in SHIPPED_PROFILES.glob("*.yaml")))
                raise ProfileError(
                    f"no profile file {name_or_path} and no shipped profile of that name "
                    f"(shipped: {known})"
                )
            path = shipped
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            return cls.model_validate(data)
        except yaml.YAMLError as exc:
            raise ProfileError(f"profile {path} is not valid YAML: {exc}") from exc
        except ValidationError as exc:
            problems = describe_validation_error(exc, whole="profile")
            raise ProfileError(f"profile {path} is not valid: {problems}") from exc


def read_tabular(path: Path, profile: Profile) -> Iterator[RawRow]:
    """Canonical record dicts out of a CSV, TSV or XLSX file, row by row."""
    rows = _xlsx_rows(path, profile) if profile.format == "xlsx" else _text_rows(path, profile)
    header: list[str] | None = None
    for line, cells, raw, error in rows:
        if header is None:
            header = [str(cell).strip() if cell is not None else "" for cell in cells]
            _check_columns(path, profile, header)
            continue
        if error is not None:
            yield RawRow(line, raw, error=error)
            continue
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(cells) != len(header):
            yield RawRow(
                line,
                raw,
                error=f"the row has {len(cells)} cells but the header has {len(header)} "
                "(a truncated or misaligned row)",
            )
            continue
        try:
            record = _map_row(dict(zip(header, cells, strict=True)), profile)
        except _CellError as exc:
            yield RawRow(line, raw, error=str(exc))
            continue
        yield RawRow(line, raw, data=record)
    if header is None:
        raise ProfileError(f"{path}: no header row {profile.header_row} (the file is too short)")


def _check_columns(path: Path, profile: Profile, header: list[str]) -> None:
    wanted = {
        column
        for source in profile.columns.values()
        for column in ([source] if isinstance(source, str) else source)
    }
    missing = sorted(wanted - set(header))
    if missing:
        raise ProfileError(
            f"{path}: the header (row {profile.header_row}) has no column "
            f"{', '.join(repr(m) for m in missing)} that profile {profile.name!r} maps"
        )


# --- reading cells ---------------------------------------------------------------------

_Row = tuple[int, list[Any], str, str | None]


def _encoding(path: Path, profile: Profile) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if profile.encoding:
        return profile.encoding
    best = from_bytes(head).best()
    return best.encoding if best is not None else "utf-8"


def _text_rows(path: Path, profile: Profile) -> Iterator[_Row]:
    encoding = _encoding(path, profile)
    delimiter = "\t" if profile.format == "tsv" else (profile.delimiter or ",")
    bad_lines: dict[int, str] = {}
    texts: dict[int, str] = {}

    def lines() -> Iterator[str]:
        # Decoded line by line, so one undecodable line is that row's error, not the file's.
        decoder_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    text = raw.decode(decoder_encoding)
                except UnicodeDecodeError as exc:
                    text = raw.decode(decoder_encoding, errors="replace")
                    bad_lines[number] = (
                        f"line {number} is not {encoding} text (byte {exc.start} cannot be read)"
                    )
                if "\x00" in text:
                    text = text.replace("\x00", "")
                    bad_lines.setdefault(number, f"line {number} contains NUL bytes")
                texts[number] = text.rstrip("\r\n")
                yield text

    reader = csv.reader(lines(), delimiter=delimiter)
    end = 0
    for cells in reader:
        start, end = end + 1, reader.line_num
        raw = "\n".join(texts.pop(n, "") for n in range(start, end + 1))
        if start < profile.header_row:
            continue
        error = next((bad_lines.pop(n) for n in range(start, end + 1) if n in bad_lines), None)
        yield start, [cell.strip() for cell in cells], raw, error


def _xlsx_rows(path: Path, profile: Profile) -> Iterator[_Row]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        if profile.sheet is not None and profile.sheet not in workbook.sheetnames:
            raise ProfileError(
                f"{path}: no sheet {profile.sheet!r} (sheets: {', '.join(workbook.sheetnames)})"
            )
        sheet = workbook[profile.sheet] if profile.sheet else workbook.worksheets[0]
        header_width: int | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < profile.header_row:
                continue
            # A sheet row is as long as the sheet's widest row: empty cells past the
            # header's width are not data, and a short row is one whose last cells are empty.
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            if header_width is not None and len(cells) < header_width:
                cells += [None] * (header_width - len(cells))
            elif header_width is None and number == profile.header_row:
                header_width = len(cells)
            raw = json.dumps([_json_cell(c) for c in cells], ensure_ascii=False)
            formula = next((c for c in cells if isinstance(c, str) and c.startswith("=")), None)
            error = (
                f"row {number} holds a formula ({formula[:60]!r}), not a value"
                if formula is not None and number > profile.header_row
                else None
            )
            yield number, cells, raw, error
    finally:
        workbook.close()


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


# --- mapping a row onto the canonical record -------------------------------------------


class _CellError(Exception):
    pass


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _map_row(row: dict[str, Any], profile: Profile) -> dict[str, Any]:
    def get(field: str) -> Any:
        source = profile.columns.get(field)
        if source is None:
            return profile.fixed.get(field)
        if isinstance(source, list):
            parts = [_text(row.get(column)) for column in source]
            return ", ".join(part for part in parts if part) or None
        value = row.get(source)
        if isinstance(value, str | int | float) and _text(value) is None:
            return profile.fixed.get(field)
        return value if value is not None else profile.fixed.get(field)

    def get_list(field: str) -> list[str]:
        value = get(field)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [part.strip() for part in str(value).split(profile.list_separator) if part.strip()]

    record: dict[str, Any] = {}
    for field in _SCALARS:
        value = get(field)
        if field == "seizure_date":
            value = _date(value, profile, field)
        text = value if field == "seizure_date" else _text(value)
        if text is not None:
            record[field] = text
    for field in ("transit_ports", "containers"):
        items = get_list(field)
        if items:
            record[field] = items

    goods: dict[str, Any] = {}
    for field in _GOODS:
        key = field.split(".", 1)[1]
        if key == "trademarks":
            marks = get_list(field)
            if marks:
                goods[key] = marks
        elif key == "quantity":
            quantity = _number(get(field), field)
            if quantity is not None:
                goods[key] = quantity
        else:
            text = _text(get(field))
            if text is not None:
                goods[key] = text
    if goods:
        record["goods"] = [goods]

    amount = _number(get("value.amount"), "value.amount")
    currency = _text(get("value.currency"))
    if amount is not None:
        record["value"] = {"amount": amount, "currency": currency or ""}

    marks = get_list("trademarks.mark")
    holders = get_list("trademarks.rights_holder")
    registrations = get_list("trademarks.registration")
    if marks:
        record["trademarks"] = [
            {
                "mark": mark,
                **({"rights_holder": holders[i]} if i < len(holders) else {}),
                **({"registration": registrations[i]} if i < len(registrations) else {}),
            }
            for i, mark in enumerate(marks)
        ]

    for party in _PARTIES:
        fields = {key: _text(get(f"{party}.{key}")) for key in _PARTY_KEYS}
        present = {key: value for key, value in fields.items() if value is not None}
        if present:
            record[party] = present
    names = get_list("manufacturers.name")
    if names:
        aligned = {key: get_list(f"manufacturers.{key}") for key in _PARTY_KEYS[1:]}
        record["manufacturers"] = [
            {"name": name, **{k: v[i] for k, v in aligned.items() if i < len(v)}}
            for i, name in enumerate(names)
        ]

    handling: dict[str, Any] = {}
    tlp = _text(get("handling.tlp"))
    if tlp is not None:
        handling["tlp"] = tlp.upper()
    releasable = get_list("handling.releasable_to")
    if releasable:
        handling["releasable_to"] = releasable
    if handling:
        record["handling"] = handling
    return record


def _date(value: Any, profile: Profile, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(
            value, profile.date_format if isinstance(value, str) else None
        ).isoformat()
    except NormaliseError as exc:
        raise _CellError(f"field '{field}': {exc.reason}") from None


def _number(value: Any, field: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _CellError(f"field '{field}': {value!r} is not a number")
    if isinstance(value, int | float):
        return value
    text = str(value).strip().replace(",", "").replace(" ", "")
    for symbol in ("$", "€", "¥", "HK$", "MOP$", "US$"):
        text = text.replace(symbol, "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _CellError(f"field '{field}': {str(value)!r} is not a number") from None
    return int(number) if number == number.to_integral_value() else float(number)
