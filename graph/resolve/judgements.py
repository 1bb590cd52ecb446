"""Analysts' judgements on links, in effect at once.

A judgement is stored on the pair's SAME_AS (who, when, why; every earlier one kept
in `judgements`) and never overwritten by an automatic run. It takes effect in the
same call, without a full resolve:

- *confirmed* binds the two parties: their entities are one from the next answer;
- *rejected* keeps them apart. Where the two are still one entity through other
  links (A-C and C-B automatic, A-B rejected), the links of that entity are decided
  again around the rejection (`redecide`): `decide_links` takes them strongest
  first, as a resolve would, and holds back for review the one that would join the
  two sides, so the entity splits in the very next answer;
- *unsure* keeps the pair as it was: a link that bound the two keeps binding
  (`SAME_AS.binds`), one that did not keeps them apart; the link stays in the
  review queue.

Then who may see the links is worked out again, the entities of every party
reached are recomputed (`recluster`); the networks around them are updated by
`graph.pipeline.judge_and_update`, which the API and the CLI call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph import queries
from graph.access import OPERATOR, Viewer
from graph.errors import InvalidInput, NotFound
from graph.model import BINDING_STATUSES, MACHINE_STATUSES, LinkStatus
from graph.resolve.comparison import Comparison
from graph.resolve.decide import AUTO, decide_links
from graph.resolve.profile import may_be_several
from graph.resolve.score import compare
from graph.resolve.service import (
    bound_parties,
    party_profiles,
    recluster,
    refresh_link_visibility,
)
from graph.store import GraphStore

__all__ = ["Judgement", "judge", "redecide"]

_MACHINE = [status.value for status in MACHINE_STATUSES]
_BINDING = [status.value for status in BINDING_STATUSES]
# What `decide_links` says after an explanation when it holds a link back
# (`graph.resolve.service._link_row`).
_HELD_MARK = "; held back:"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Judgement:
    a: str
    b: str
    status: LinkStatus
    decided_by: str
    reason: str = ""
    agency: str | None = None  # the deciding principal's agency (None: the operator)
    decided_at: str = field(default_factory=_now)


def redecide(store: GraphStore, around: Iterable[str]) -> int:
    """Decide again the machine links of the entities of `around`, with every
    judgement among their parties (`decide_links`, on the stored scores); write the
    links whose status or explanation changes. Returns how many changed."""
    parties = sorted(bound_parties(store, around))
    if len(parties) < 2:
        return 0
    rows = store.read(queries.LINKS_AMONG_QUERY, ids=parties)
    scored: dict[tuple[str, str], Comparison] = {}
    stored: dict[tuple[str, str], tuple[str, str]] = {}
    rejected, linked = [], []
    for row in rows:
        pair = (row["a"], row["b"])
        if row["status"] in _MACHINE:
            base = (row["explanation"] or "").split(_HELD_MARK, 1)[0]
            features = json.loads(row["features"]) if row["features"] else {}
            scored[pair] = Comparison(float(row["score"] or 0.0), features, base)
            stored[pair] = (row["status"], row["explanation"] or "")
        elif row["status"] == LinkStatus.REJECTED:
            rejected.append(pair)
        elif row["status"] == LinkStatus.CONFIRMED or row["binds"]:
            linked.append(pair)
    profiles = party_profiles(store, parties)
    held: dict[tuple[str, str], str] = {}
    decisions = decide_links(
        scored,
        linked=linked,
        rejected=rejected,
        several=may_be_several(profiles.values()),
        held=held,
        profiles=profiles,
    )
    at = _now()
    changes: list[dict[str, Any]] = []
    for pair, comparison in sorted(scored.items()):
        decision = decisions.get(pair)
        status = LinkStatus.AUTO if decision == AUTO else LinkStatus.SUGGESTED
        why = held.get(pair, "")
        explanation = f"{comparison.explanation}; {why}" if why else comparison.explanation
        if (status.value, explanation) != stored[pair]:
            changes.append(
                {"a": pair[0], "b": pair[1], "status": status.value, "explanation": explanation}
                | {"at": at}
            )
    if changes:
        store.write(queries.REDECIDE_MACHINE_LINKS_QUERY, rows=changes, machine=_MACHINE)
    return len(changes)


def judge(store: GraphStore, judgement: Judgement, viewer: Viewer = OPERATOR) -> dict[str, Any]:
    """Record an analyst's decision on a pair the viewer may see both parties of, and
    put it in effect at once (see the module): the links around it decided again, the
    entities recomputed. The networks around it are updated by the caller
    (`graph.pipeline.judge_and_update`): networks build on resolution."""
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
    # all of it get one worked out from what they see: `entities.entity`).
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
    # The parties bound to either before: a rejection may leave them in pieces.
    before = bound_parties(store, (a, b))
    rows = store.write(
        queries.JUDGE_QUERY,
        a=a,
        b=b,
        score=result.score,
        features=json.dumps(result.features, sort_keys=True),
        explanation=result.explanation,
        status=judgement.status.value,
        binding=_BINDING,
        decided_by=judgement.decided_by,
        decided_agency=judgement.agency,
        decided_at=judgement.decided_at,
        reason=judgement.reason,
        entry=[entry],
    )
    redecided = redecide(store, (a, b))
    refresh_link_visibility(store, before)
    changed = recluster(store, before)
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
        "links_decided_again": redecided,
        "parties_whose_entity_changed": changed,
    }
