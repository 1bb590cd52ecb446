"""Request parameters: bounds that name themselves, and 422 answers in FastAPI's shape.

A bound is declared twice on purpose: `ge`/`le` put it in the OpenAPI schema, and
`within` checks it first so that the 422 says the whole allowed range ("limit must
be between 1 and 200"), not only the side that was crossed.
"""

from __future__ import annotations

import datetime as dt
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


def invalid_parameter(name: str, message: str, value: Any) -> RequestValidationError:
    """A 422 about query parameter `name`, in the shape FastAPI gives every other one."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}]
    )


class Period(BaseModel):
    """`from` and `to`: ISO dates, both inclusive, `to` not before `from`. Query
    models of routes that take a period extend it; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    date_from: dt.date | None = Field(
        default=None, alias="from", description="First seizure date, inclusive (ISO 8601)."
    )
    date_to: dt.date | None = Field(
        default=None, alias="to", description="Last seizure date, inclusive (ISO 8601)."
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
