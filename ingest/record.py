"""The canonical seizure record (docs/record.md) as pydantic models.

Every feed is mapped onto `SeizureRecord` before anything touches the graph. Unknown
keys are an error at every level (`extra="forbid"`), so a misspelt field is reported
with its name instead of being dropped. Values are kept as the agency wrote them
here; `ingest.normalised` derives the canonical forms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
# An empty or blank cell means "not given", not an empty name.
OptionalText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None,
    BeforeValidator(lambda value: None if isinstance(value, str) and not value.strip() else value),
]
# HS codes arrive as numbers from spreadsheets (6404.11 as a float): read them as text.
CodeText = Annotated[
    str | None,
    BeforeValidator(lambda value: str(value) if isinstance(value, int | float) else value),
]

Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyRecord(_Strict):
    name: Text
    address: OptionalText = None
    country: OptionalText = None
    phone: OptionalText = None
    email: OptionalText = None
    registration_id: OptionalText = None


class GoodsRecord(_Strict):
    description: OptionalText = None
    hs_code: CodeText = None
    quantity: Decimal | None = Field(default=None, ge=0)
    unit: OptionalText = None
    trademarks: list[Text] = []


class ValueRecord(_Strict):
    amount: Decimal = Field(ge=0)
    currency: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True)]


class TrademarkRecord(_Strict):
    mark: Text
    rights_holder: OptionalText = None
    registration: OptionalText = None


class Handling(_Strict):
    # TLP 2.0; AMBER when the agency says nothing (the contract's default).
    tlp: Tlp = "AMBER"
    releasable_to: list[Text] = []


class SeizureRecord(_Strict):
    record_id: Text
    agency: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, to_upper=True)]
    seizure_date: dt.date | dt.datetime | Text | int | float
    case_ref: OptionalText = None
    port_of_seizure: Text
    port_of_loading: OptionalText = None
    transit_ports: list[Text] = []
    port_of_discharge: OptionalText = None
    origin_country: OptionalText = None
    destination_country: OptionalText = None
    transport_mode: Text
    transport_document: OptionalText = None
    vessel_or_flight: OptionalText = None
    containers: list[Text] = []
    goods: list[GoodsRecord] = []
    value: ValueRecord | None = None
    trademarks: list[TrademarkRecord] = []
    shipper: PartyRecord | None = None
    consignee: PartyRecord | None = None
    manufacturers: list[PartyRecord] = []
    forwarder: PartyRecord | None = None
    handling: Handling = Handling()


# Where pydantic names the member of a union it tried, not a field: left out of the
# field's path, and the members' messages said as one ("a valid string or a valid list").
_UNION_MEMBERS = frozenset(
    (
        *("str", "int", "float", "bool", "list", "dict", "decimal", "date", "datetime", "none"),
        *("constrained-str", "constrained-int", "constrained-float", "constrained-decimal"),
    )
)
_SHOULD_BE = "Input should be "


def describe_validation_error(exc: ValidationError, whole: str = "record") -> str:
    """Pydantic's errors as a sentence that names each field: "unknown key
    'shipper.nam'; required field 'record_id' is missing". Used for records,
    profiles and manifests alike."""
    parts: list[str] = []
    by_field: dict[str, list[str]] = {}
    for error in exc.errors():
        path = [
            str(part)
            for part in error["loc"]
            if not (isinstance(part, str) and (part in _UNION_MEMBERS or "[" in part))
        ]
        where = ".".join(path) or whole
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown key '{where}'")
        elif error["type"] == "missing":
            parts.append(f"required field '{where}' is missing")
        else:
            if where not in by_field:
                by_field[where] = []
                parts.append(where)  # its place, filled in below
            message = error["msg"].removeprefix("Value error, ")
            if message not in by_field[where]:
                by_field[where].append(message)
    return "; ".join(
        f"field '{part}': {_one_message(by_field[part])}" if part in by_field else part
        for part in parts
    )


def _one_message(messages: list[str]) -> str:
    if len(messages) > 1 and all(m.startswith(_SHOULD_BE) for m in messages):
        return _SHOULD_BE + " or ".join(m.removeprefix(_SHOULD_BE) for m in messages)
    return "; ".join(messages)
