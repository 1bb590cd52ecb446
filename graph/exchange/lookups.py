"""Hit/no-hit lookups for partners (`POST /v1/match` by a `partner` principal).

Per query, a partner of agency P learns:

- no hit;
- or a hit, with the matching parties as P sees them and the records P may see that
  name them (what an investigator of P would see of them);
- and, for each agency X holding an AMBER record about a matching party that P may
  not see, when an agreement in force lets P's agency look X's records up: "hit:
  held by X, reference R, contact point C", and nothing else: no name, score,
  feature, link or count. R names the record for a detailed request
  (`graph.exchange.requests`).

AMBER+STRICT and RED records give no hit at all, nor records of agencies P has no
lookup agreement with. A held record's match rests only on what that record said of
the party (the name it wrote, the artefacts it gave, the party's country), never on
other records P may not see.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from graph import queries
from graph.access import Viewer
from graph.exchange.agreements import cached_agreements
from graph.resolve.match import Candidate, QueryParty, match_with_holders, query_profile
from graph.resolve.profile import PartyProfile
from graph.resolve.score import compare
from graph.store import GraphStore

__all__ = ["Held", "PartnerResult", "SeizureRef", "give_references", "lookup"]

# Records P may see cited per matching party; the total is given too.
RECORDS_SHOWN = 10


@dataclass(frozen=True)
class SeizureRef:
    id: str
    agency: str
    record_id: str
    date: str | None
    tlp: str | None


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    records: list[SeizureRef]
    records_total: int


@dataclass(frozen=True)
class Held:
    agency: str
    reference: str
    contact: str | None


@dataclass
class PartnerResult:
    matches: list[Match] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)

    @property
    def hit(self) -> bool:
        return bool(self.matches or self.held)


def _lookup_agencies(store: GraphStore, agency: str, on: dt.date) -> dict[str, str | None]:
    """Holding agency -> its contact point, for the agencies whose AMBER records an
    agreement in force lets `agency` look up."""
    found: dict[str, str | None] = {}
    for agreement in cached_agreements(store, agency):
        if not agreement.active(on):
            continue
        for holder in agreement.agencies:
            terms = agreement.terms_for(agency, holder)
            if holder != agency and terms is not None and terms.lookups:
                found.setdefault(holder, agreement.contacts.get(holder))
    return found


def lookup(
    store: GraphStore,
    viewer: Viewer,
    batch: Sequence[QueryParty],
    *,
    threshold: float,
    limit: int,
    today: dt.date | None = None,
) -> list[PartnerResult]:
    """Hit/no-hit per query for a partner of `viewer.agency` (see the module)."""
    assert viewer.agency is not None, "a partner belongs to an agency"
    on = today or dt.datetime.now(dt.UTC).date()
    candidates, holders = match_with_holders(store, viewer, batch, threshold=threshold, limit=limit)
    results = [PartnerResult() for _ in batch]
    matched = {c.party_id for found in candidates for c in found if c.score >= threshold}
    records = _records(store, viewer, matched)
    for result, found in zip(results, candidates, strict=True):
        for candidate in found:
            if candidate.score >= threshold:
                seen = records.get(candidate.party_id, [])
                result.matches.append(Match(candidate, seen[:RECORDS_SHOWN], len(seen)))
    agencies = _lookup_agencies(store, viewer.agency, on)
    ids = sorted(set().union(*holders)) if agencies else []
    if not ids:
        return results
    [row] = store.read(
        queries.HELD_RECORDS_QUERY,
        ids=ids,
        agencies=sorted(agencies),
        see=viewer.see,
    )
    held_about = {pid: (name_key, country, held) for pid, name_key, country, held in row["held"]}
    for index, (query, result) in enumerate(zip(batch, results, strict=True)):
        profile = query_profile(query, index)[0]
        best: dict[str, tuple[float, str, str]] = {}  # agency -> (score, date, reference)
        for pid in sorted(holders[index] & held_about.keys()):
            name_key, country, records_held = held_about[pid]
            for agency in sorted({item[0] for item in records_held}):
                own = [item for item in records_held if item[0] == agency]
                latest = max(own, key=lambda item: (item[1] or "", item[2]))
                said = PartyProfile(
                    id=pid,
                    name=latest[3] or name_key,
                    name_key=name_key,
                    country=country,
                    **_artefacts(a for item in own for a in item[4] or ()),
                )
                score = compare(profile, said).score
                if (
                    score >= threshold
                    and (score, latest[1] or "") > best.get(agency, (-1.0, "", ""))[:2]
                ):
                    best[agency] = (score, latest[1] or "", latest[2])
        result.held = [
            Held(agency, reference, agencies.get(agency))
            for agency, (_, _, reference) in sorted(best.items())
        ]
    return results


def _artefacts(ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Artefact ids as the fields of a `PartyProfile`."""
    kinds: dict[str, set[str]] = {
        "addresses": set(),
        "phones": set(),
        "emails": set(),
        "identifiers": set(),
    }
    field_of = {"addr": "addresses", "tel": "phones", "mail": "emails", "id": "identifiers"}
    for node_id in ids:
        kind = field_of.get(str(node_id).split(":", 1)[0])
        if kind is not None:
            kinds[kind].add(str(node_id))
    return {kind: frozenset(found) for kind, found in kinds.items()}


def _records(store: GraphStore, viewer: Viewer, parties: set[str]) -> dict[str, list[SeizureRef]]:
    """Per party, the records the viewer may see that name it, newest first."""
    if not parties:
        return {}
    [row] = store.read(queries.PARTY_RECORDS_QUERY, ids=sorted(parties), see=viewer.see)
    return {
        pid: [
            SeizureRef(*item)
            for item in sorted(items, key=lambda i: (i[3] or "", i[0]), reverse=True)
        ]
        for pid, items in row["records"]
    }


def give_references(store: GraphStore, batch: int = 5000) -> int:
    """Give a reference to every seizure that has none (loaded by a version of
    iprgraph before references existed; the loader gives one to each new record):
    without one, a record is never answered "held by". Returns how many were given."""
    given = 0
    while True:
        rows = store.read(queries.SEIZURES_WITHOUT_REFERENCE_QUERY, limit=batch)
        if not rows:
            return given
        [done] = store.write(
            queries.GIVE_REFERENCES_QUERY,
            rows=[{"id": row["id"], "reference": f"ref-{secrets.token_hex(10)}"} for row in rows],
        )
        if not done["given"]:  # none could be given: stop rather than loop
            return given
        given += int(done["given"])
