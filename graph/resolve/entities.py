"""One entity as an agency sees it, and analysts' judgements on links.

An entity is what the viewer's agency may see of a resolved cluster
(`graph.resolve.views`): the parties a visible record names, bound by the links
that bind in its view. Its names are the spellings visible records wrote; its
links are those the agency may see: an automatic link or a suggestion when it sees
everything the link was scored on, a judgement when it sees both parties. A
judgement's score and explanation are worked out again from what the agency sees
when the stored ones rest on more; who decided, and why, is shown to the deciding
agency only (the others see which agency decided).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph import queries
from graph.access import OPERATOR, Viewer
from graph.errors import InvalidInput, NotFound
from graph.model import MACHINE_STATUSES, LinkStatus
from graph.resolve.score import compare
from graph.resolve.service import party_profiles, recluster, refresh_link_visibility
from graph.store import GraphStore, Row

__all__ = ["EntityView", "Judgement", "entity", "judge"]

_MACHINE = [status.value for status in MACHINE_STATUSES]
_PENDING = {LinkStatus.SUGGESTED.value, LinkStatus.UNSURE.value}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- Judgements ------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    a: str
    b: str
    status: LinkStatus
    decided_by: str
    reason: str = ""
    agency: str | None = None  # the deciding principal's agency (None: the operator)
    decided_at: str = field(default_factory=_now)


def judge(store: GraphStore, judgement: Judgement, viewer: Viewer = OPERATOR) -> dict[str, Any]:
    """Record an analyst's decision on a pair the viewer may see both parties of;
    the entities, as a whole and per view, are recomputed."""
    if judgement.status in MACHINE_STATUSES:
        raise InvalidInput(
            f"status {judgement.status.value!r} is not an analyst's decision", "decision"
        )
    if judgement.a == judgement.b:
        raise InvalidInput("a party cannot be judged against itself", "b")
    a, b = sorted((judgement.a, judgement.b))
    seen = party_profiles(store, (a, b), viewer)
    missing = [pid for pid in (judgement.a, judgement.b) if pid not in seen]
    if missing:
        raise NotFound(f"No party has the id {missing[0]!r}.")
    # The stored score is resolution's, over every record (viewers who may not see
    # all of it get one worked out from what they see: `entity`).
    profiles = party_profiles(store, (a, b))
    result = compare(profiles[a], profiles[b])
    entry = json.dumps(
        {
            "status": judgement.status.value,
            "decided_by": judgement.decided_by,
            "agency": judgement.agency,
            "decided_at": judgement.decided_at,
            "reason": judgement.reason,
        },
        sort_keys=True,
    )
    rows = store.write(
        queries.JUDGE_QUERY,
        a=a,
        b=b,
        score=result.score,
        features=json.dumps(result.features, sort_keys=True),
        explanation=result.explanation,
        status=judgement.status.value,
        decided_by=judgement.decided_by,
        decided_agency=judgement.agency,
        decided_at=judgement.decided_at,
        reason=judgement.reason,
        entry=[entry],
    )
    refresh_link_visibility(store, (a, b))
    recluster(store, (a, b))
    row = rows[0]
    view_score = compare(seen[a], seen[b])
    full = viewer.agency is None or profiles == seen
    return {
        "a": a,
        "b": b,
        "status": row["status"],
        "score": row["score"] if full else view_score.score,
        "explanation": row["explanation"] if full else view_score.explanation,
        "decided_by": judgement.decided_by,
        "decided_agency": judgement.agency,
        "decided_at": judgement.decided_at,
        "reason": judgement.reason,
    }


# --- Entity view -----------------------------------------------------------------------


@dataclass
class EntityView:
    id: str  # the entity's id in the viewer's view: its smallest visible Party id
    members: list[Row]
    names: list[Row]
    links: list[Row]
    suggestions: list[Row]


def _link(row: Row, viewer: Viewer, members: set[str], store: GraphStore) -> Row:
    out = {key: row[key] for key in ("a", "b", "status", "score", "explanation")}
    out["features"] = json.loads(row["features"]) if row["features"] else None
    if not row["evidence_seen"]:
        # A judgement on parties the viewer sees, resting on more than it sees.
        seen = party_profiles(store, (row["a"], row["b"]), viewer)
        if len(seen) == 2:
            again = compare(seen[row["a"]], seen[row["b"]])
            out.update(score=again.score, features=again.features, explanation=again.explanation)
    own = viewer.agency is None or row["decided_agency"] == viewer.agency
    decided = row["decided_by"] is not None
    out["decided_by"] = (
        row["decided_by"]
        if own
        else (f"an analyst of {row['decided_agency']}" if decided else None)
    )
    out["decided_agency"] = row["decided_agency"]
    out["decided_at"] = row["decided_at"]
    out["reason"] = row["reason"] if own else None
    out["inside"] = row["a"] in members and row["b"] in members
    return out


def entity(store: GraphStore, viewer: Viewer, party_id: str, examples: int = 5) -> EntityView:
    """The entity a Party belongs to in the viewer's view: members, the names visible
    records wrote with who wrote them, the links the viewer may see."""
    found = store.read(queries.ENTITY_MEMBERS_QUERY, id=party_id, **viewer.params)
    if not found or found[0]["entity"] is None:
        raise NotFound(f"No party has the id {party_id!r}.")
    entity_id = found[0]["entity"]
    members = [
        dict(zip(("id", "name", "country", "labels"), item, strict=True))
        for item in sorted(found[0]["members"])
    ]
    ids = [row["id"] for row in members]
    names = store.read(
        queries.ENTITY_NAME_VARIANTS_QUERY, ids=ids, examples=examples, see=viewer.see
    )
    links = [
        _link(row, viewer, set(ids), store)
        for row in store.read(queries.ENTITY_LINKS_QUERY, ids=ids, machine=_MACHINE, see=viewer.see)
    ]
    return EntityView(
        id=entity_id,
        members=members,
        names=[dict(row) for row in names],
        links=[row for row in links if row["status"] not in _PENDING],
        suggestions=[row for row in links if row["status"] in _PENDING],
    )
