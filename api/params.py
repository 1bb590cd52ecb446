"""Request parameters: bounds that name themselves, and 422 answers in FastAPI's shape.

A bound is declared twice on purpose: `ge`/`le` put it in the OpenAPI schema, and
`within` checks it first so that the 422 says the whole allowed range ("limit must
be between 1 and 200"), not only the side that was crossed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator


def within(name: str, low: int, high: int) -> BeforeValidator:
    """A validator for an integer parameter `name` that must lie in [low, high]."""

    def check(value: Any) -> Any:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return value  # not a number: the int validation after this one says so
        if not low <= number <= high:
            raise ValueError(f"{name} must be between {low} and {high} (got {number})")
        return value

    return BeforeValidator(check)


def blank_is_none(value: Any) -> Any:
    """`?party=` (a form field left empty) means the filter is not set."""
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(name: str) -> BeforeValidator:
    """A validator for a date parameter `name`: an ISO 8601 calendar date
    (`2024-01-31`) and nothing else. pydantic alone reads a number as seconds since
    1970 (`to=0` became 1970-01-01, `from=20240101` a day of August 1970)."""

    def check(value: Any) -> Any:
        if value is None or isinstance(value, dt.date):
            return value
        text = value.strip() if isinstance(value, str) else value
        if text == "":
            return None
        if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
            raise ValueError(f"{name} must be a date written YYYY-MM-DD, such as 2024-01-31")
        return text

    return BeforeValidator(check)


def invalid_parameter(name: str, message: str, value: Any) -> RequestValidationError:
    """A 422 about query parameter `name`, in the shape FastAPI gives every other one."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}]
    )


class Period(BaseModel):
    """`from` and `to`: ISO dates, both inclusive, `to` not before `from`. Query
    models of routes that take a period extend it; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    date_from: Annotated[dt.date | None, iso_date("from")] = Field(
        default=None, alias="from", description="First seizure date, inclusive (YYYY-MM-DD)."
    )
    date_to: Annotated[dt.date | None, iso_date("to")] = Field(
        default=None, alias="to", description="Last seizure date, inclusive (YYYY-MM-DD)."
    )

    @field_validator("date_to")
    @classmethod
    def _period_in_order(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value < start:
            raise ValueError(f"to ({value}) is before from ({start})")
        return value


def known_parameters(*names: str) -> Any:
    """A dependency that refuses query parameters a route does not take (a misspelt
    `max_hop=` would otherwise be ignored without a word), in FastAPI's 422 shape."""
    allowed = frozenset(names)

    async def check(request: Request) -> None:  # async: no thread-pool hop
        for name in request.query_params:
            if name not in allowed:
                raise invalid_parameter(
                    name,
                    f"unknown parameter; this route takes {', '.join(sorted(allowed))}",
                    request.query_params[name],
                )

    return Depends(check)


# A page is one statement of at most this many rows: enough for a screen or an
# export loop, small enough that a page never runs near the query timeout.
MAX_PAGE = 200
DEFAULT_PAGE = 50


class Page(BaseModel):
    """`limit` and `cursor` of a listing paged by keyset cursors. Query models of
    listings extend it; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    limit: Annotated[
        int,
        Field(ge=1, le=MAX_PAGE, description=f"Page size, 1 to {MAX_PAGE}."),
        within("limit", 1, MAX_PAGE),
    ] = DEFAULT_PAGE
    cursor: str | None = Field(
        default=None,
        max_length=1000,
        description="`next_cursor` of the previous page (same filters and order); omit "
        "for the first page.",
    )


def country_parameter(name: str, value: str | None) -> str | None:
    """A `jurisdiction`-like parameter read as ingest reads a country, in any spelling
    ("HK", "Hong Kong", "U.S.A."): its ISO 3166 alpha-2 code (HK and MO are their
    own); a 422 naming the parameter when it names no country."""
    if value is None or not value.strip():
        return None
    # Imported here: only the routes that take a country need the tables.
    from ingest.normalise.countries import resolve_country

    code = resolve_country(value)
    if code is None:
        raise invalid_parameter(
            name,
            f"{name} {value!r} is not a country or jurisdiction iprgraph knows: give an "
            "ISO 3166 code (HK, US) or a name in any common spelling (Hong Kong, U.S.A.)",
            value,
        )
    return code


# In a JSON body: the escape of a NUL, or of a surrogate (a lone one is not text; a
# pair is, and is checked once decoded).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_NOT_TEXT = "holds a NUL character or a lone surrogate, which is not text"


def _unencodable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_strings(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        if _unencodable(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _bad_strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_strings(item, (*loc, index))


async def refuse_unencodable_text(request: Request) -> None:
    """A dependency of every `/v1` route: a NUL or a lone surrogate in a path or
    query parameter, or in a string of a JSON body, is a 422 naming where it is,
    never a 500 from the database driver (which cannot encode it) or the database."""
    errors: list[dict[str, Any]] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and _unencodable(value):
            errors.append({"type": "value_error", "loc": ("path", name), "msg": _NOT_TEXT})
    for name, value in request.query_params.multi_items():
        if _unencodable(value) or _unencodable(name):
            errors.append({"type": "value_error", "loc": ("query", name), "msg": _NOT_TEXT})
    if request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()  # kept by the request: the route reads it again
        if _SUSPECT_ESCAPE.search(body):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None  # not JSON: the route's own validation says so
            for loc in _bad_strings(parsed, ("body",)):
                errors.append({"type": "value_error", "loc": loc, "msg": _NOT_TEXT})
    if errors:
        raise RequestValidationError(errors[:20])


TextDep = Depends(refuse_unencodable_text)
