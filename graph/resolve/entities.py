"""One entity as an agency sees it (judgements on links: `graph.resolve.judgements`).

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
from dataclasses import dataclass

from graph import queries
from graph.access import Viewer
from graph.errors import NotFound
from graph.model import MACHINE_STATUSES, LinkStatus
from graph.resolve.judgements import Judgement, judge
from graph.resolve.score import compare
from graph.resolve.service import party_profiles
from graph.store import GraphStore, Row

__all__ = ["EntityView", "Judgement", "entity", "judge", "link_as_viewed"]

_MACHINE = [status.value for status in MACHINE_STATUSES]
_PENDING = {LinkStatus.SUGGESTED.value, LinkStatus.UNSURE.value}


# --- Entity view -----------------------------------------------------------------------


@dataclass
class EntityView:
    id: str  # the entity's id in the viewer's view: its smallest visible Party id
    members: list[Row]
    names: list[Row]
    links: list[Row]
    suggestions: list[Row]


def link_as_viewed(row: Row, viewer: Viewer, members: set[str], store: GraphStore) -> Row:
    """A stored link as the viewer may see it: the score worked out again from what it
    sees when the stored one rests on more; who decided, and why, for its own agency."""
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
        link_as_viewed(row, viewer, set(ids), store)
        for row in store.read(queries.ENTITY_LINKS_QUERY, ids=ids, machine=_MACHINE, see=viewer.see)
    ]
    return EntityView(
        id=entity_id,
        members=members,
        names=[dict(row) for row in names],
        links=[row for row in links if row["status"] not in _PENDING],
        suggestions=[row for row in links if row["status"] in _PENDING],
    )
