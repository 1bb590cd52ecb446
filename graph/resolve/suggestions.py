"""The review queue: every link waiting for an analyst, the ones that matter first.

A pending link is a SAME_AS an automatic run left for review (`suggested`) or an
analyst marked `unsure`, that the viewer's agency may see (`ENTITY_LINKS_QUERY`'s
rule: a suggestion when it sees all it was scored on, an unsure judgement when it
sees both parties). Each is listed once, with both parties as written by the
records the agency sees, the sources, score, features and explanation, and what a
decision would change in the agency's view: the two entities a confirmation
joins (and how many parties the joined one holds), the networks it touches.

Orders (every one ends on the pair's ids, so a listing is total and a cursor
stable):

- `risk` (the default): the decisions that matter most first: the highest risk of
  the networks either party is in, then links that would change a network
  (join two, or bring an entity into one), then links whose parties are still
  two entities, then the score;
- `score`: the strongest first;
- `recent`: the parties seized most recently first (the newest seizure the agency
  sees naming either), then the score.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph import queries
from graph.access import PUBLIC, Viewer
from graph.analysis.networks.build import node_id
from graph.analysis.networks.risk import risk_of_row
from graph.cursor import InvalidCursor, decode_cursor_parts, encode_cursor_parts
from graph.errors import NotFound
from graph.model import MACHINE_STATUSES, LinkStatus
from graph.resolve.entities import link_as_viewed
from graph.store import GraphStore, Row

__all__ = ["PENDING", "QueueItem", "QueuePage", "QueueSort", "SuggestionSide", "review_queue"]

PENDING = (LinkStatus.SUGGESTED, LinkStatus.UNSURE)
_MACHINE = [status.value for status in MACHINE_STATUSES]
# Spellings and example seizures shown per party.
_EXAMPLES = 3


class QueueSort(StrEnum):
    RISK = "risk"
    SCORE = "score"
    RECENT = "recent"


@dataclass
class SuggestionSide:
    party: str
    name: str
    country: str | None
    names_as_written: list[Row]  # {name, agencies, seizures, first_seen, last_seen, examples}
    agencies: list[str]
    seizures: int
    entity: str
    entity_members: int
    network: str | None
    network_label: str | None
    network_risk: float | None


@dataclass
class QueueItem:
    a: SuggestionSide
    b: SuggestionSide
    status: str
    score: float | None
    features: dict[str, float] | None
    explanation: str | None
    decided_by: str | None
    decided_agency: str | None
    decided_at: str | None
    reason: str | None
    one_entity: bool  # the two are one entity already (through other links)
    joins_entities: bool  # a confirmation joins two entities
    joined_members: int  # parties of the entity a confirmation leaves
    networks: list[str]  # the networks either party is in
    changes_network: bool
    impact: str  # one sentence: what a decision would change
    last_seen: str | None = None


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int  # pending links matching the filters
    next_cursor: str | None
    sort: QueueSort
    limit: int
    counts: dict[str, int] = field(default_factory=dict)  # per status


def _network_view(store: GraphStore, viewer: Viewer) -> str | None:
    """The view whose networks the viewer reads (None: the whole graph's)."""
    if viewer.agency is None:
        return None
    [row] = store.read(queries.NETWORK_VIEW_QUERY, agency=viewer.agency)
    return viewer.agency if row["built"] else PUBLIC


def _day(date: str | None) -> int:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal() if date else 0
    except ValueError:
        return 0


def _key(sort: QueueSort, row: Row) -> list[Any]:
    """The listing's sort key of a pending link (ascending)."""
    tail = [-float(row["score"] or 0.0), row["a"], row["b"]]
    if sort == QueueSort.SCORE:
        return tail
    if sort == QueueSort.RECENT:
        return [-_day(row.get("last_seen")), *tail]
    return [
        -float(row["risk"]),
        -int(row["changes_network"]),
        -int(row["entity_a"] != row["entity_b"]),
        *tail,
    ]


# The types of a sort key's parts, per order (what a cursor must hold after the order).
_KEY_TYPES: dict[QueueSort, tuple[type, ...]] = {
    QueueSort.SCORE: (float, str, str),
    QueueSort.RECENT: (int, float, str, str),
    QueueSort.RISK: (float, int, int, float, str, str),
}


def _decode(cursor: str, sort: QueueSort) -> list[Any]:
    message = "this is not a cursor that a page of the review queue in this order handed out"
    types = _KEY_TYPES[sort]
    parts = decode_cursor_parts(cursor, 1 + len(types), message)
    if parts[0] != sort.value:
        raise InvalidCursor(message)
    key = parts[1:]
    for value, kind in zip(key, types, strict=True):
        allowed = (int, float) if kind is float else kind
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise InvalidCursor(message)
    return [float(v) if kind is float else v for v, kind in zip(key, types, strict=True)]


def _entity_of(store: GraphStore, viewer: Viewer, party_or_entity: str) -> str:
    found = store.read(queries.ENTITY_MEMBERS_QUERY, id=party_or_entity, **viewer.params)
    if not found or found[0]["entity"] is None:
        raise NotFound(f"No entity or party has the id {party_or_entity!r}.")
    return str(found[0]["entity"])


def review_queue(
    store: GraphStore,
    viewer: Viewer,
    *,
    sort: QueueSort = QueueSort.RISK,
    jurisdictions: Sequence[str] = (),
    entity: str | None = None,
    statuses: Sequence[LinkStatus] = PENDING,
    limit: int = 50,
    cursor: str | None = None,
) -> QueuePage:
    """A page of the pending links the viewer may see, in `sort` order; filtered to
    links with a party of one of `jurisdictions` (ISO codes), or touching the entity
    (in the viewer's view) of `entity` (an entity or party id)."""
    sort = QueueSort(sort)
    after = _decode(cursor, sort) if cursor else None
    network_view = _network_view(store, viewer)
    rows = [
        dict(row)
        for row in store.read(
            queries.PENDING_LINKS_QUERY,
            pending=[status.value for status in statuses],
            machine=_MACHINE,
            network_view=network_view,
            **viewer.params,
        )
    ]
    if jurisdictions:
        wanted = set(jurisdictions)
        rows = [r for r in rows if r["country_a"] in wanted or r["country_b"] in wanted]
    if entity is not None:
        target = _entity_of(store, viewer, entity)
        rows = [r for r in rows if target in (r["entity_a"], r["entity_b"])]
    networks = sorted({n for r in rows for n in (r["network_a"], r["network_b"]) if n})
    view = "" if network_view is None else network_view
    risks = {
        row["network"]: {**row, "risk": risk_of_row(row)}
        for row in store.read(
            queries.NETWORK_RISKS_QUERY, ids=[node_id(network, view) for network in networks]
        )
    }
    for row in rows:
        row["network_a"] = row["network_a"] or None
        row["network_b"] = row["network_b"] or None
        touched = [n for n in (row["network_a"], row["network_b"]) if n]
        held = [risks[n]["risk"].risk for n in touched if n in risks]
        row["risk"] = max(held, default=0.0)
        row["changes_network"] = row["network_a"] != row["network_b"]
    if sort == QueueSort.RECENT:
        parties = sorted({pid for r in rows for pid in (r["a"], r["b"])})
        seen = {
            r["id"]: r["last_seen"]
            for r in store.read(queries.PARTY_LAST_SEEN_QUERY, ids=parties, see=viewer.see)
        }
        for row in rows:
            dates = [d for d in (seen.get(row["a"]), seen.get(row["b"])) if d]
            row["last_seen"] = max(dates) if dates else None
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    ranked = sorted(rows, key=lambda r: _key(sort, r))
    if after is not None:
        ranked = [r for r in ranked if _key(sort, r) > after]
    page = ranked[:limit]
    next_cursor = None
    if len(ranked) > limit:
        next_cursor = encode_cursor_parts(sort.value, *_key(sort, page[-1]))
    return QueuePage(
        items=_details(store, viewer, page, risks),
        total=len(rows),
        next_cursor=next_cursor,
        sort=sort,
        limit=limit,
        counts=counts,
    )


def _details(
    store: GraphStore, viewer: Viewer, page: list[Row], risks: dict[str, Row]
) -> list[QueueItem]:
    if not page:
        return []
    pairs = [[row["a"], row["b"]] for row in page]
    details = {
        (row["a"], row["b"]): row
        for row in store.read(queries.PENDING_LINK_DETAILS_QUERY, pairs=pairs, see=viewer.see)
    }
    parties = sorted({pid for pair in pairs for pid in pair})
    names: dict[str, list[Row]] = {pid: [] for pid in parties}
    for row in store.read(
        queries.ENTITY_NAME_VARIANTS_QUERY, ids=parties, examples=_EXAMPLES, see=viewer.see
    ):
        names[row["party"]].append(dict(row))
    sizes = {
        row["id"]: int(row["members"])
        for row in store.read(queries.ENTITY_SIZES_QUERY, ids=parties, **viewer.params)
    }
    items = []
    for row in page:
        link = link_as_viewed(details[(row["a"], row["b"])], viewer, set(), store)

        def side(pid: str, which: str, row: Row = row) -> SuggestionSide:
            written = names[pid]
            network = row[f"network_{which}"]
            held = risks.get(network) if network else None
            variants = sorted(written, key=lambda n: (-n["seizures"], n["name"] or ""))
            return SuggestionSide(
                party=pid,
                name=variants[0]["name"] if variants else pid,
                country=row[f"country_{which}"],
                names_as_written=[{k: v for k, v in n.items() if k != "party"} for n in variants],
                agencies=sorted({a for n in written for a in n["agencies"] or []}),
                seizures=sum(int(n["seizures"]) for n in written),
                entity=row[f"entity_{which}"],
                entity_members=sizes.get(pid, 1),
                network=network,
                network_label=held["label"] if held else None,
                network_risk=held["risk"].risk if held else None,
            )

        a, b = side(row["a"], "a"), side(row["b"], "b")
        one = a.entity == b.entity
        joined = a.entity_members if one else a.entity_members + b.entity_members
        items.append(
            QueueItem(
                a=a,
                b=b,
                status=link["status"],
                score=link["score"],
                features=link["features"],
                explanation=link["explanation"],
                decided_by=link["decided_by"],
                decided_agency=link["decided_agency"],
                decided_at=link["decided_at"],
                reason=link["reason"],
                one_entity=one,
                joins_entities=not one,
                joined_members=joined,
                networks=sorted({n for n in (a.network, b.network) if n}),
                changes_network=row["changes_network"],
                impact=_impact(a, b, one),
                last_seen=row.get("last_seen"),
            )
        )
    return items


def _network_words(side: SuggestionSide) -> str:
    risk = f", risk {side.network_risk:.0f}" if side.network_risk is not None else ""
    return f"network {side.network_label or side.network} ({side.network}{risk})"


def _impact(a: SuggestionSide, b: SuggestionSide, one: bool) -> str:
    """What confirming or rejecting the link would change, in one sentence."""
    if one:
        return (
            f"Already one entity of {a.entity_members} parties through other links: "
            "a confirmation changes nothing, a rejection splits it."
        )
    words = (
        f"A confirmation joins an entity of {a.entity_members} parties with one of "
        f"{b.entity_members} ({a.entity_members + b.entity_members} parties)"
    )
    if a.network and b.network and a.network != b.network:
        words += f" and brings together {_network_words(a)} and {_network_words(b)}"
    elif a.network and not b.network:
        words += f" and brings the other into {_network_words(a)}"
    elif b.network and not a.network:
        words += f" and brings the other into {_network_words(b)}"
    elif a.network:
        words += f", both in {_network_words(a)}"
    return words + "; a rejection keeps them apart for good."


def as_dict(item: QueueItem) -> dict[str, Any]:
    """A queue item as plain data (the CLI's JSON)."""
    return json.loads(json.dumps(item, default=lambda o: o.__dict__))
