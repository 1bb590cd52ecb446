"""Agency mapping profiles: how a CSV, TSV or XLSX layout maps onto the canonical record.

A profile is a small, plain YAML file (format in README.md, "Mapping profiles";
`ingest.plainyaml`): the file format, its encoding, the sheet and header row, the
list separator, date formats, the decimal separator, fixed values, and per canonical
field the source column(s); every value is type-checked. `read_tabular` reads a file
through a profile (`ingest.text` for CSV/TSV, `ingest.xlsx` for workbooks) and yields
one canonical record dict per row, or the row's error, with the row's line (CSV/TSV:
physical line; XLSX: sheet row).
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from charset_normalizer import from_bytes
from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ingest.normalise import NormaliseError, parse_date
from ingest.normalise.numbers import AmbiguousNumber, parse_number
from ingest.plainyaml import NotPlainYaml, load_plain_yaml
from ingest.read import RawRow
from ingest.record import describe_validation_error
from ingest.text import MAX_COLUMNS, TabularRow, text_rows
from ingest.xlsx import WorkbookError, xlsx_rows

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


# Fields whose value is a list: a fixed value may be a list of strings for these.
LIST_FIELDS: frozenset[str] = frozenset(
    (
        *_LISTS,
        "goods.trademarks",
        *_MARKS,
        *(f"manufacturers.{key}" for key in _PARTY_KEYS),
    )
)
# Profile values are short: a column name, a date format, a constant.
_Short = Annotated[StrictStr, Field(max_length=1000)]
_FixedValue = Annotated[
    StrictStr | StrictInt | Annotated[StrictFloat, AllowInfNan(False)] | list[_Short],
    Field(union_mode="left_to_right"),
]


class Profile(BaseModel):
    """A mapping profile; every value is type-checked (`strict`): a list where one
    value belongs, or a number where a column name belongs, is an error naming it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    description: StrictStr = ""
    format: Literal["csv", "tsv", "xlsx"]
    encoding: _Short | None = None
    delimiter: StrictStr | None = Field(default=None, min_length=1, max_length=1)
    sheet: _Short | None = None
    header_row: StrictInt = Field(default=1, ge=1, le=1_048_576)
    list_separator: StrictStr = Field(default=";", min_length=1, max_length=10)
    date_format: list[_Short] | None = Field(default=None, max_length=50)
    # The decimal separator of numbers typed as text; the other one (or a space)
    # may group thousands. See ingest.normalise.numbers.
    decimal: Literal[".", ","] = "."
    fixed: dict[StrictStr, _FixedValue] = {}
    columns: dict[StrictStr, _Short | list[_Short]] = {}

    @field_validator("date_format", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("encoding")
    @classmethod
    def _text_codec(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                info = codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"{value!r} is not an encoding Python knows") from exc
            # rot13, base64_codec, hex, zlib...: codecs from bytes to bytes or str
            # to str, not from the bytes of a file to its text.
            if not getattr(info, "_is_text_encoding", True):
                raise ValueError(f"{value!r} is not a text encoding (it is a {info.name} codec)")
        return value

    @field_validator("delimiter")
    @classmethod
    def _usable_delimiter(cls, value: str | None) -> str | None:
        if value is not None and (value in '\r\n"' or (not value.isprintable() and value != "\t")):
            raise ValueError(
                f"{value!r} cannot separate cells (a quote, newline or control character)"
            )
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

    @model_validator(mode="after")
    def _lists_where_lists_belong(self) -> Profile:
        one = sorted(
            f for f, v in self.fixed.items() if isinstance(v, list) and f not in LIST_FIELDS
        )
        if one:
            raise ValueError(f"fixed {', '.join(repr(f) for f in one)} takes one value, not a list")
        if self.delimiter is not None and self.delimiter == self.list_separator:
            raise ValueError("the delimiter and the list separator are the same character")
        return self

    @classmethod
    def load(cls, name_or_path: str | Path) -> Profile:
        """A shipped profile by name (`hk-ced-csv`), or a YAML file by path."""
        return cls._read(_profile_path(name_or_path))

    @classmethod
    def shipped(cls, name: str) -> Profile:
        """A shipped profile by name only (a manifest names no other path than its
        own folder's)."""
        return cls._read(_shipped_path(name))

    @classmethod
    def _read(cls, path: Path) -> Profile:
        try:
            data = load_plain_yaml(path)
        except NotPlainYaml as exc:
            raise ProfileError(f"profile {exc}") from exc
        if not isinstance(data, dict):
            raise ProfileError(f"profile {path} is not a YAML mapping of settings")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = describe_validation_error(exc, whole="profile")
            raise ProfileError(f"profile {path} is not valid: {problems}") from exc


_SHIPPED_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def _profile_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    try:
        if path.is_file():
            return path
    except (OSError, ValueError):  # a name with a NUL byte, or one too long for a path
        pass
    return _shipped_path(str(name_or_path), f"no profile file {str(name_or_path)!r} and ")


def _shipped_path(name: str, before: str = "") -> Path:
    shipped = SHIPPED_PROFILES / f"{name}.yaml"
    if not _SHIPPED_NAME.fullmatch(name) or not shipped.is_file():
        known = ", ".join(sorted(p.stem for p in SHIPPED_PROFILES.glob("*.yaml")))
        raise ProfileError(f"{before}no shipped profile {name!r} (shipped: {known})")
    return shipped


def read_tabular(path: Path, profile: Profile) -> Iterator[RawRow]:
    """Canonical record dicts out of a CSV, TSV or XLSX file, row by row.

    A row that cannot be used is yielded with its error; what makes the whole file
    unreadable (no header, a column the profile maps missing, not a workbook) is a
    `ProfileError` naming the file."""
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
            record, flags = _map_row(dict(zip(header, cells, strict=True)), profile)
        except _CellError as exc:
            yield RawRow(line, raw, error=str(exc))
            continue
        yield RawRow(line, raw, data=record, flags=tuple(flags))
    if header is None:
        raise ProfileError(f"{path}: no header row {profile.header_row} (the file is too short)")


def _check_columns(path: Path, profile: Profile, header: list[str]) -> None:
    if len(header) > MAX_COLUMNS:
        raise ProfileError(
            f"{path}: the header (row {profile.header_row}) has {len(header):,} columns, "
            f"more than {MAX_COLUMNS:,}"
        )
    wanted = {
        column
        for source in profile.columns.values()
        for column in ([source] if isinstance(source, str) else source)
    }
    missing = sorted(wanted - set(header))
    if missing:
        raise ProfileError(
            f"{path}: the header (row {profile.header_row}) has no column "
            f"{', '.join(repr(m[:100]) for m in missing)} that profile {profile.name!r} maps"
        )
    twice = sorted(column for column in wanted if header.count(column) > 1)
    if twice:
        raise ProfileError(
            f"{path}: the header (row {profile.header_row}) names column "
            f"{', '.join(repr(t[:100]) for t in twice)} more than once, so which one "
            f"profile {profile.name!r} means is not known"
        )


# --- reading cells ---------------------------------------------------------------------


def _encoding(path: Path, profile: Profile) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # A byte-order mark says what the file is, whatever the profile says (Excel's
    # "Unicode text" is UTF-16 with one). UTF-32's marks begin like UTF-16's.
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if profile.encoding:
        return profile.encoding
    best = from_bytes(head).best()
    return best.encoding if best is not None else "utf-8"


def _text_rows(path: Path, profile: Profile) -> Iterator[TabularRow]:
    delimiter = "\t" if profile.format == "tsv" else (profile.delimiter or ",")
    return text_rows(path, _encoding(path, profile), delimiter, profile.header_row)


def _xlsx_rows(path: Path, profile: Profile) -> Iterator[TabularRow]:
    try:
        yield from xlsx_rows(path, profile.sheet, profile.header_row)
    except WorkbookError as exc:
        raise ProfileError(f"{path} cannot be read as a workbook: {exc}") from exc


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


def _map_row(row: dict[str, Any], profile: Profile) -> tuple[dict[str, Any], list[str]]:
    """The canonical record of a row, and the flags of values it could not read
    without guessing (a number ambiguous under the profile's decimal separator)."""
    flags: list[str] = []

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
            quantity = _number(get(field), field, profile.decimal, flags)
            if quantity is not None:
                goods[key] = quantity
        else:
            text = _text(get(field))
            if text is not None:
                goods[key] = text
    if goods:
        record["goods"] = [goods]

    amount = _number(get("value.amount"), "value.amount", profile.decimal, flags)
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
    return record, flags


def _date(value: Any, profile: Profile, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(
            value, profile.date_format if isinstance(value, str) else None
        ).isoformat()
    except NormaliseError as exc:
        raise _CellError(f"field '{field}': {exc.reason}") from None


def _number(value: Any, field: str, decimal: str, flags: list[str]) -> Decimal | float | int | None:
    """A number cell as a number, a text cell read with the profile's decimal
    separator. A text that reads only with the other separator is flagged and left
    out (`flags`); one that is no finite number is the row's error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _CellError(f"field '{field}': {str(value)!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _CellError(f"field '{field}': {value!r} is not a finite number")
    if isinstance(value, int | float):
        return value
    try:
        number = parse_number(value, decimal)
    except AmbiguousNumber as exc:
        flags.append(f"{field}: {exc.reason}")
        return None
    except NormaliseError as exc:
        raise _CellError(f"field '{field}': {exc.reason}") from None
    if number is None:
        return None
    # Kept as the loader always kept numbers of text cells (an int when whole, else a
    # float), so a record read before has the same content hash; a number too large
    # for a float stays a Decimal, and the normaliser flags it as implausible.
    if abs(number.adjusted()) > 300:
        return number
    return int(number) if number == number.to_integral_value() else float(number)
