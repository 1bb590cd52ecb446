"""Watch lists: what an agency's analysts want to hear about.

A watch names one item, normalised the way the loader normalises what records
write, so that it is the id of the node a record naming the item makes or will
make (`ingest.normalised`):

| kind           | value                         | item                              |
|----------------|-------------------------------|-----------------------------------|
| `entity`       | an entity or party id          | the party (its entity is watched) |
| `network`      | a network id (`net:...`)       | the party the id is made of (*)   |
| `container`    | an ISO 6346 number, any spacing | `Container` id                    |
| `mark`         | a trademark as written          | `tm:...`                          |
| `phone`        | a number (with `country` unless international) | `tel:+...`         |
| `email`        | an address                     | `mail:...`                        |
| `registration` | a registration number (with `country`) | `id:<country>:...`        |
| `address`      | an address (with `country`)    | `addr:...`                        |

(*) A network's id is made of its smallest party's: the watch follows the network
that party is in, whatever the network is called after a merge.

An entity or a network must exist and be visible to the agency; the other items
may not have been seen yet (that is the point of watching them). Watches belong to
one agency: its analysts create and delete them, its investigators read them, and
alerts are raised for it only (`graph.live.alerts`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.access import Viewer
from graph.errors import InvalidInput, NotFound
from graph.live import queries as live
from graph.store import GraphStore
from ingest.normalise.containers import normalise_container
from ingest.normalised import party_identity, trademark_id

MAX_WATCHES_PER_AGENCY = 10_000


class WatchKind(StrEnum):
    ENTITY = "entity"
    NETWORK = "network"
    CONTAINER = "container"
    MARK = "mark"
    PHONE = "phone"
    EMAIL = "email"
    REGISTRATION = "registration"
    ADDRESS = "address"


# Kinds that name an identity artefact, by the prefix of its id.
ARTEFACT_KINDS: dict[WatchKind, str] = {
    WatchKind.PHONE: "tel",
    WatchKind.EMAIL: "mail",
    WatchKind.REGISTRATION: "id",
    WatchKind.ADDRESS: "addr",
}


@dataclass(frozen=True)
class Watch:
    id: str
    agency: str
    kind: WatchKind
    item: str
    value: str
    country: str | None = None
    note: str | None = None
    risk_threshold: float | None = None
    created_by: str | None = None
    created_at: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Watch:
        return cls(**{**row, "kind": WatchKind(row["kind"])})

    def describe(self) -> str:
        """How an explanation names the watch: "the phone +85223456789 you watch"."""
        noun = {
            WatchKind.REGISTRATION: "registration number",
        }.get(self.kind, self.kind.value)
        if self.kind in (WatchKind.NETWORK, WatchKind.ENTITY, WatchKind.MARK):
            shown = self.value
        elif self.kind == WatchKind.ADDRESS:
            shown = f"'{self.value}'"
        else:
            shown = self.item.split(":", 1)[-1] if self.kind in ARTEFACT_KINDS else self.item
            if self.kind == WatchKind.REGISTRATION:
                shown = shown.split(":", 1)[-1]
        return f"the {noun} {shown} you watch ({self.id})"


def normalise_item(kind: WatchKind, value: str, country: str | None) -> str:
    """The node id a record naming `value` makes; InvalidInput naming the field
    when the value is not one of its kind."""
    value = value.strip()
    if not value:
        raise InvalidInput("the value of a watch is empty", "value")
    if kind == WatchKind.ENTITY:
        if not value.startswith("party:"):
            raise InvalidInput(
                f"an entity is watched by its id ('party:...'), not {value!r}; "
                "GET /v1/entities?q= finds it",
                "value",
            )
        return value
    if kind == WatchKind.NETWORK:
        if not value.startswith("net:") or "@" in value:
            raise InvalidInput(
                f"a network is watched by its id ('net:...'), not {value!r}", "value"
            )
        return "party:" + value.removeprefix("net:")
    if kind == WatchKind.CONTAINER:
        container = normalise_container(value)
        if not container.valid:
            raise InvalidInput(f"{value!r} is not a container number: {container.reason}", "value")
        return container.number
    if kind == WatchKind.MARK:
        return trademark_id(value)
    field = {
        WatchKind.PHONE: "phone",
        WatchKind.EMAIL: "email",
        WatchKind.REGISTRATION: "registration_id",
        WatchKind.ADDRESS: "address",
    }[kind]
    ident = party_identity("watch", country, **{field: value})
    item = {
        WatchKind.PHONE: ident.phone_id,
        WatchKind.EMAIL: ident.email_id,
        WatchKind.REGISTRATION: ident.identifier_id,
        WatchKind.ADDRESS: ident.address_id,
    }[kind]
    if item is None:
        problem = "; ".join(ident.problems) or f"{value!r} is not a {kind.value}"
        if kind in (WatchKind.PHONE, WatchKind.REGISTRATION, WatchKind.ADDRESS) and not country:
            problem += " (give its country, as the records do)"
        raise InvalidInput(problem, "value")
    if ident.problems and any(p.startswith("country") for p in ident.problems):
        raise InvalidInput(ident.problems[0], "country")
    return item


def create_watch(
    store: GraphStore,
    viewer: Viewer,
    kind: WatchKind,
    value: str,
    *,
    country: str | None = None,
    note: str | None = None,
    risk_threshold: float | None = None,
) -> Watch:
    """Watch an item for the viewer's agency. An entity or network must exist and be
    visible to it; the same item watched twice is one watch (the first)."""
    assert viewer.agency is not None, "a watch belongs to an agency"
    item = normalise_item(kind, value, country)
    if kind in (WatchKind.ENTITY, WatchKind.NETWORK):
        found = store.read(live.VISIBLE_PARTIES_QUERY, ids=[item], see=viewer.see)
        if not found:
            what = "entity" if kind == WatchKind.ENTITY else "network"
            raise NotFound(f"No {what} has the id {value!r}.")
    existing = list_watches(store, viewer.agency)
    for watch in existing:
        if watch.kind == kind and watch.item == item:
            return watch
    if len(existing) >= MAX_WATCHES_PER_AGENCY:
        raise InvalidInput(
            f"the agency watches {len(existing):,} items already, the most one agency may",
            "value",
        )
    props = {
        "id": f"watch:{secrets.token_hex(8)}",
        "agency": viewer.agency,
        "kind": kind.value,
        "item": item,
        "value": value.strip(),
        "country": country,
        "note": note,
        "risk_threshold": risk_threshold,
        "created_by": viewer.principal,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
    }
    [row] = store.write(live.CREATE_WATCH_QUERY, id=props["id"], props=props)
    return Watch.of(row["watch"])


def list_watches(store: GraphStore, agency: str | None) -> list[Watch]:
    """The watches of `agency` (None: of every agency, for the operator)."""
    return [Watch.of(row["watch"]) for row in store.read(live.LIST_WATCHES_QUERY, agency=agency)]


def delete_watch(store: GraphStore, viewer: Viewer, watch_id: str) -> Watch:
    """Stop watching; NotFound for a watch that is not the viewer's agency's."""
    found = store.write(live.DELETE_WATCH_QUERY, id=watch_id, agency=viewer.agency)
    if not found:
        raise NotFound(f"Your agency has no watch with the id {watch_id!r}.")
    return Watch.of(found[0]["watch"])
