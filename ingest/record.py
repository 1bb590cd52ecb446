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


def describe_validation_error(exc: ValidationError, whole: str = "record") -> str:
    """Pydantic's errors as a sentence that names each field: "unknown key
    'shipper.nam'; required field 'record_id' is missing". Used for records,
    profiles and manifests alike."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or whole
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown key '{where}'")
        elif error["type"] == "missing":
            parts.append(f"required field '{where}' is missing")
        else:
            parts.append(f"field '{where}': {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)
