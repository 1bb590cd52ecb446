"""Agreements between agencies, as data: what each may ask of the other.

An agreement names two agencies, the period it is valid in, each agency's contact
point, and per direction (what the asking agency may ask of the holding one):

- exchange statistics: whether, which fields, by what period (the CBP-GACC
  memorandum: every six months);
- detailed requests about specific seizures: a quota per period (10 a quarter) and
  the fields of a released record the asking agency then sees;
- hit/no-hit lookups: whether a partner of the asking agency may learn that the
  holding agency holds an AMBER record about what it looked up (`graph.exchange.
  lookups`).

Stored as `Agreement` nodes (the terms as JSON); every change keeps the one before it
in `history`. `iprgraph agreements set|list|show|end` manages them; the audit log
records each change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from graph import queries
from graph.errors import Conflict, InvalidInput, IprgraphError, NotFound
from graph.principals import checked_agency
from graph.store import GraphStore, Row

__all__ = [
    "PERIODS",
    "REQUEST_FIELDS",
    "STATISTICS_FIELDS",
    "Agreement",
    "NotAllowed",
    "Terms",
    "agreement_between",
    "cached_agreements",
    "end_agreement",
    "get_agreement",
    "list_agreements",
    "parse_period",
    "parse_terms",
    "period_of",
    "set_agreement",
]

# Period granularities, and what each is called when written out ("2025-H2").
PERIODS = ("month", "quarter", "half-year", "year")
# What exchange statistics may hold (the CBP-GACC memorandum's list).
STATISTICS_FIELDS = ("seizures", "quantity", "value", "transport_mode", "ports")
# What a released record may show the asking agency (the US-China agreement's list:
# commodity, quantities, values, dates of import/export, infringed trademarks,
# manufacturers, shippers, container numbers), by the sections of a seizure's answer.
REQUEST_FIELDS = (
    "goods",
    "value",
    "dates",
    "trademarks",
    "manufacturers",
    "shipper",
    "consignee",
    "forwarder",
    "containers",
    "ports",
    "transport",
)


@dataclass(frozen=True)
class Terms:
    """What the asking agency may ask of the holding agency."""

    statistics: bool = False
    statistics_fields: tuple[str, ...] = STATISTICS_FIELDS
    statistics_period: str = "half-year"
    # Figures resting on fewer seizures than this are suppressed.
    statistics_k: int = 3
    requests_quota: int = 0
    requests_period: str = "quarter"
    request_fields: tuple[str, ...] = REQUEST_FIELDS
    lookups: bool = False

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("statistics_fields", self.statistics_fields, STATISTICS_FIELDS),
            ("request_fields", self.request_fields, REQUEST_FIELDS),
        ):
            unknown = [item for item in value if item not in allowed]
            if unknown:
                raise InvalidInput(
                    f"{name}: {', '.join(unknown)} is not one of {', '.join(allowed)}", name
                )
        for name, period in (
            ("statistics_period", self.statistics_period),
            ("requests_period", self.requests_period),
        ):
            if period not in PERIODS:
                raise InvalidInput(f"{name} must be one of {', '.join(PERIODS)}", name)
        if not 1 <= self.statistics_k <= 100:
            raise InvalidInput("statistics_k must be between 1 and 100", "statistics_k")
        if not 0 <= self.requests_quota <= 10_000:
            raise InvalidInput("requests_quota must be between 0 and 10000", "requests_quota")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Terms:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(f"unknown term {unknown[0]!r}; terms are {', '.join(sorted(known))}")
        values = dict(data)
        for name in ("statistics_fields", "request_fields"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    agencies: tuple[str, str]
    # "ASKER>HOLDER" -> what ASKER may ask of HOLDER.
    terms: dict[str, Terms]
    contacts: dict[str, str]
    valid_from: dt.date
    valid_to: dt.date | None = None
    ended_at: str | None = None
    updated_at: str | None = None
    history: list[str] = field(default_factory=list)

    def active(self, on: dt.date) -> bool:
        return (
            self.ended_at is None
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )

    def terms_for(self, asker: str, holder: str) -> Terms | None:
        return self.terms.get(f"{asker}>{holder}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "agencies": list(self.agencies),
            "terms": {key: asdict(terms) for key, terms in sorted(self.terms.items())},
            "contacts": dict(sorted(self.contacts.items())),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "ended_at": self.ended_at,
            "updated_at": self.updated_at,
        }


class NotAllowed(IprgraphError):
    """No agreement in force lets the caller's agency do this."""

    status_code = 403
    kind = "forbidden"
    title = "Not allowed under any agreement"


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    if not slug:
        raise InvalidInput("an agreement needs a name with letters or digits", "name")
    return f"agr:{slug}"


def _agreement(row: Row) -> Agreement:
    props = row["props"]
    terms = {key: Terms.from_dict(value) for key, value in json.loads(props["terms"]).items()}
    return Agreement(
        id=props["id"],
        name=props["name"],
        agencies=(props["agencies"][0], props["agencies"][1]),
        terms=terms,
        contacts=json.loads(props.get("contacts") or "{}"),
        valid_from=dt.date.fromisoformat(props["valid_from"]),
        valid_to=dt.date.fromisoformat(props["valid_to"]) if props.get("valid_to") else None,
        ended_at=props.get("ended_at"),
        updated_at=props.get("updated_at"),
        history=list(props.get("history") or []),
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def set_agreement(
    store: GraphStore,
    *,
    name: str,
    agencies: tuple[str, str],
    terms: dict[str, Terms],
    contacts: dict[str, str],
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> Agreement:
    """Create the agreement `name`, or replace its terms (the earlier ones kept in
    its history). `terms` by direction, "ASKER>HOLDER"; `contacts` by agency."""
    first, second = sorted(checked_agency(agency) for agency in agencies)
    if first == second:
        raise InvalidInput("an agreement is between two different agencies", "agencies")
    for key in terms:
        asker, _, holder = key.partition(">")
        if {asker, holder} != {first, second}:
            raise InvalidInput(
                f"terms {key!r} must be between {first} and {second} ('{first}>{second}' "
                f"or '{second}>{first}')",
                "terms",
            )
    for agency in contacts:
        if agency not in (first, second):
            raise InvalidInput(f"a contact point of {agency}, not a party to it", "contacts")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("the agreement ends before it starts", "valid_to")
    agreement_id = _slug(name)
    before = store.read(queries.AGREEMENT_QUERY, id=agreement_id)
    history = list(before[0]["props"].get("history") or []) if before else []
    if before:
        props = before[0]["props"]
        if sorted(props["agencies"]) != [first, second]:
            raise Conflict(
                f"The agreement {name!r} is between {' and '.join(props['agencies'])}; "
                "an agreement keeps its two agencies."
            )
        history.append(
            json.dumps(
                {
                    k: props.get(k)
                    for k in (
                        "terms",
                        "contacts",
                        "valid_from",
                        "valid_to",
                        "ended_at",
                        "updated_at",
                    )
                },
                sort_keys=True,
            )
        )
    rows = store.write(
        queries.SET_AGREEMENT_QUERY,
        id=agreement_id,
        props={
            "name": " ".join(name.split()),
            "agencies": [first, second],
            "terms": json.dumps({key: asdict(t) for key, t in sorted(terms.items())}),
            "contacts": json.dumps(dict(sorted(contacts.items()))),
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "ended_at": None,
            "updated_at": _now(),
            "history": history,
        },
    )
    _forget_cached()
    return _agreement(rows[0])


def get_agreement(store: GraphStore, name_or_id: str) -> Agreement:
    agreement_id = name_or_id if name_or_id.startswith("agr:") else _slug(name_or_id)
    rows = store.read(queries.AGREEMENT_QUERY, id=agreement_id)
    if not rows:
        raise NotFound(f"No agreement is called {name_or_id!r}.")
    return _agreement(rows[0])


def list_agreements(store: GraphStore, agency: str | None = None) -> list[Agreement]:
    """Every agreement (those `agency` is a party to, when given)."""
    return [
        _agreement(row)
        for row in store.read(queries.LIST_AGREEMENTS_QUERY, agency=agency and agency.upper())
    ]


# Agreements as a lookup reads them, kept a few seconds per process: a partner's
# `/v1/match` reads them on every call (1.7 ms of its 14 at 100k). A change made in
# this process clears them at once; other processes see it within `CACHE_TTL_S`.
CACHE_TTL_S = 5.0
_CACHED: dict[tuple[str, str, str], tuple[float, list[Agreement]]] = {}
_CACHE_LOCK = threading.Lock()


def cached_agreements(store: GraphStore, agency: str) -> list[Agreement]:
    """`list_agreements(store, agency)`, read at most every `CACHE_TTL_S` seconds."""
    key = (store.uri, store.database, agency)
    found = _CACHED.get(key)
    if found is not None and time.monotonic() - found[0] <= CACHE_TTL_S:
        return found[1]
    agreements = list_agreements(store, agency)
    with _CACHE_LOCK:
        _CACHED[key] = (time.monotonic(), agreements)
    return agreements


def _forget_cached() -> None:
    with _CACHE_LOCK:
        _CACHED.clear()


def end_agreement(store: GraphStore, name_or_id: str, on: dt.date | None = None) -> Agreement:
    """End an agreement (from `on`, today by default): nothing more is asked under it."""
    agreement = get_agreement(store, name_or_id)
    if agreement.ended_at is not None:
        raise Conflict(f"The agreement {agreement.name!r} ended on {agreement.ended_at}.")
    ended = (on or dt.datetime.now(dt.UTC).date()).isoformat()
    rows = store.write(queries.END_AGREEMENT_QUERY, id=agreement.id, ended=ended, at=_now())
    _forget_cached()
    return _agreement(rows[0])


def agreement_between(
    store: GraphStore, asker: str, holder: str, on: dt.date
) -> tuple[Agreement, Terms] | None:
    """The agreement in force on `on` under which `asker` may ask `holder` anything,
    with those terms (the first by name when several are)."""
    for agreement in list_agreements(store, asker):
        terms = agreement.terms_for(asker, holder)
        if terms is not None and agreement.active(on):
            return agreement, terms
    return None


def period_of(on: dt.date, period: str) -> tuple[str, dt.date, dt.date]:
    """The period of `period` granularity holding `on`: its name ("2025-Q3",
    "2025-H2", "2025-07", "2025"), first and last day."""
    year = on.year
    if period == "year":
        return str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period == "month":
        start = dt.date(year, on.month, 1)
        end = dt.date(year + (on.month == 12), on.month % 12 + 1, 1) - dt.timedelta(days=1)
        return f"{year}-{on.month:02d}", start, end
    size = 3 if period == "quarter" else 6
    index = (on.month - 1) // size
    start = dt.date(year, index * size + 1, 1)
    following = index * size + size + 1
    end = (
        dt.date(year + 1, 1, 1) if following > 12 else dt.date(year, following, 1)
    ) - dt.timedelta(days=1)
    label = f"{year}-Q{index + 1}" if period == "quarter" else f"{year}-H{index + 1}"
    return label, start, end


def parse_period(text: str) -> tuple[str, str, dt.date, dt.date]:
    """A period written out ("2025-H2", "2025-Q3", "2025-07", "2025"): its name, its
    granularity (`PERIODS`), first and last day; InvalidInput naming what it should
    be."""
    found = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?", text.strip().upper())
    if not found:
        raise InvalidInput(
            f"{text!r} is not a period: write 2025, 2025-H2, 2025-Q3 or 2025-07", "period"
        )
    year, part = int(found.group(1)), found.group(2)
    if part is None:
        granularity, on = "year", dt.date(year, 1, 1)
    elif part.startswith("H"):
        granularity, on = "half-year", dt.date(year, 6 * (int(part[1]) - 1) + 1, 1)
    elif part.startswith("Q"):
        granularity, on = "quarter", dt.date(year, 3 * (int(part[1]) - 1) + 1, 1)
    else:
        month = int(part)
        if not 1 <= month <= 12:
            raise InvalidInput(f"{text!r}: there is no month {month}", "period")
        granularity, on = "month", dt.date(year, month, 1)
    label, first, last = period_of(on, granularity)
    return label, granularity, first, last


def parse_terms(text: str) -> dict[str, Terms]:
    """Terms written on one line, as `iprgraph agreements set --terms` takes them:
    `ASKER>HOLDER: item, item` (or `A<>B:` for both directions), where an item is
    `statistics` or `statistics=half-year`, `k=3`, `statistics_fields=seizures+value`,
    `requests=10/quarter`, `request_fields=goods+value+dates`, `lookups`."""
    head, colon, body = text.partition(":")
    both = "<>" in head
    asker, _, holder = head.replace("<>", ">").partition(">")
    asker, holder = asker.strip().upper(), holder.strip().upper()
    if not colon or not asker or not holder:
        raise InvalidInput(
            f"{text!r}: write the terms as 'ASKER>HOLDER: statistics=half-year, "
            "requests=10/quarter, lookups' ('A<>B:' for both directions)",
            "terms",
        )
    values: dict[str, Any] = {}
    for item in (part.strip() for part in body.split(",")):
        if not item:
            continue
        name, equals, value = (x.strip() for x in item.partition("="))
        name = name.casefold()
        try:
            if name in ("statistics", "lookups") and not equals:
                values[name] = True
            elif name == "statistics":
                values.update(statistics=True, statistics_period=value)
            elif name == "k":
                values["statistics_k"] = int(value)
            elif name == "requests":
                quota, _, period = value.partition("/")
                values.update(requests_quota=int(quota), requests_period=period or "quarter")
            elif name in ("statistics_fields", "request_fields"):
                values[name] = tuple(v.strip() for v in value.split("+") if v.strip())
            else:
                raise InvalidInput(
                    f"{text!r}: {item!r} is not a term (statistics, k, statistics_fields, "
                    "requests, request_fields, lookups)",
                    "terms",
                )
        except ValueError as exc:
            raise InvalidInput(f"{text!r}: {item!r} needs a whole number", "terms") from exc
    terms = Terms.from_dict(values)
    found = {f"{asker}>{holder}": terms}
    if both:
        found[f"{holder}>{asker}"] = terms
    return found
