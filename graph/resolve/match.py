"""Matching query entities against the resolved parties (`POST /v1/match`, search).

A query is turned into the same ids a record with the same details would have
made (`ingest.normalised.party_identity`), its blocking keys are looked up in the
graph, the parties found are scored with `graph.resolve.score.compare`, and the
best member of each entity (cluster) is returned. One round trip for a whole
batch of queries, whatever its size (the keys with their holders and the holders'
profiles, `KEY_HOLDER_PROFILES_QUERY`), and two more when some query found no sure
match and looks wider (`WIDE_BLOCK`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.fuzz import token_set_ratio

from graph import queries
from graph.access import Viewer
from graph.resolve.blocking import DEFAULT_MAX_BLOCK, artefact_keys, blocking_keys
from graph.resolve.profile import PartyProfile
from graph.resolve.score import (
    _ARTEFACT_WEIGHT,
    AUTO_THRESHOLD,
    BOUND_MARGIN,
    Comparison,
    _shared_identifiers,
    compare,
    score_bound,
)
from graph.resolve.service import (
    as_profile_rows,
    candidates_for_keys,
    profile_of_row,
    profile_rows,
)
from graph.store import GraphStore, Row
from ingest.normalised import party_identity

__all__ = ["Candidate", "QueryParty", "match_parties", "match_with_holders", "query_profile"]

# A query whose keys are all shared by many parties (at 100k records a trade name
# is used by a hundred namesakes in other cities and trades) finds little or
# nothing among the rare keys. When no candidate reaches AUTO_THRESHOLD that way,
# `/match` looks wider: keys held by up to WIDE_BLOCK parties, the least shared
# first and WIDE_BUDGET holders in all, and scores the WIDE_SCORED holders that
# share the most of those keys with the query (a variant of the same name shares
# its word, its sound and its deletions; a namesake in another trade shares one).
# At most `graph.resolve.blocking.MAX_LISTED`: a key held by more lists nobody.
WIDE_BLOCK = 500
WIDE_BUDGET = 2000
WIDE_SCORED = 40

# Rare keys can still give hundreds of candidates (a Chinese name has up to seventy
# keys); at most this many (or twice the answer's limit) are compared in full, the
# most alike names first, plus any that share an artefact with the query.
SHORTLIST = 48


@dataclass(frozen=True)
class QueryParty:
    name: str
    country: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    registration_id: str | None = None


@dataclass(frozen=True)
class Candidate:
    entity_id: str  # the cluster: smallest Party id of the entity
    party_id: str  # the member that matched best
    name: str
    country: str | None
    score: float
    match: bool
    features: dict[str, float]
    explanation: str
    members: int  # parties of the entity among the candidates


def query_profile(query: QueryParty, index: int = 0) -> tuple[PartyProfile, list[str]]:
    """The profile a query stands for, and what in it could not be read."""
    ident = party_identity(
        query.name,
        query.country,
        address=query.address,
        phone=query.phone,
        email=query.email,
        registration_id=query.registration_id,
    )

    def one(value: str | None) -> frozenset[str]:
        return frozenset((value,)) if value else frozenset()

    profile = PartyProfile(
        id=f"query:{index}",
        name=query.name,
        name_key=ident.name_key,
        country=ident.country,
        addresses=one(ident.address_id),
        phones=one(ident.phone_id),
        emails=one(ident.email_id),
        identifiers=one(ident.identifier_id),
    )
    return profile, list(ident.problems)


def match_parties(
    store: GraphStore,
    viewer: Viewer,
    batch: Sequence[QueryParty],
    *,
    threshold: float,
    limit: int,
    max_block: int = DEFAULT_MAX_BLOCK,
    wide_block: int = WIDE_BLOCK,
    shortlist: int = SHORTLIST,
    exclude: Collection[str] = (),
) -> list[list[Candidate]]:
    """Per query, up to `limit` entities ranked by score (best member each); see
    `match_with_holders`."""
    return match_with_holders(
        store,
        viewer,
        batch,
        threshold=threshold,
        limit=limit,
        max_block=max_block,
        wide_block=wide_block,
        shortlist=shortlist,
        exclude=exclude,
    )[0]


def match_with_holders(
    store: GraphStore,
    viewer: Viewer,
    batch: Sequence[QueryParty],
    *,
    threshold: float,
    limit: int,
    max_block: int = DEFAULT_MAX_BLOCK,
    wide_block: int = WIDE_BLOCK,
    shortlist: int = SHORTLIST,
    exclude: Collection[str] = (),
) -> tuple[list[list[Candidate]], list[set[str]]]:
    """Per query, up to `limit` entities ranked by score (best member each).

    The parties holding the query's rare keys (at most `max_block` holders) are
    scored first; a query with no sure match among them then looks wider (see
    `WIDE_BLOCK`). `exclude` names Party nodes never to consider:
    bench/match_recall.py holds a written form back this way, to ask whether the
    other members find its entity.

    Only the parties the viewer may see are candidates, each as it sees it: the
    name a visible record wrote, the artefacts visible records gave it, its entity
    in the viewer's view (`graph.resolve.views`). Also returned, per query: the ids
    of every party holding one of its rare keys, seen or not (a partner's lookup
    asks which unseen records name them: `graph.exchange.lookups`); never shown.
    """
    profiles = [query_profile(query, i)[0] for i, query in enumerate(batch)]
    keys = [blocking_keys(profile) for profile in profiles]
    [row] = store.read(
        queries.KEY_HOLDER_PROFILES_QUERY,
        keys=sorted(set().union(*keys)),
        max_block=max_block,
        **viewer.params,
    )
    sizes = {key: int(size or 0) for key, size, _ in row["found"]}
    holders = {key: parties for key, _, parties in row["found"]}
    left_out = set(exclude)
    found = [{pid for key in ks for pid in holders.get(key, ())} - left_out for ks in keys]
    known = _by_party(as_profile_rows(row["parties"]))
    keep = max(shortlist, 2 * limit)
    best = [
        _best(profile, _shortlist(profile, ids, known, keep), known, _Found(), limit)
        for profile, ids in zip(profiles, found, strict=True)
    ]
    wide = {
        i: _wide_keys(keys[i], sizes, max_block, wide_block)
        for i, held in enumerate(best)
        if not any(result.score >= AUTO_THRESHOLD for result, _ in held.best.values())
    }
    wide = {i: chosen for i, chosen in wide.items() if chosen}
    if wide:
        more = candidates_for_keys(store, set().union(*wide.values()), wide_block)
        extra: dict[int, set[str]] = {}
        for i, chosen in wide.items():
            # Shared keys weigh by how rare they are: a holder of the trade name's
            # word, sound and deletions beats a holder of the city and the trade.
            shared: dict[str, float] = defaultdict(float)
            for key in chosen:
                for pid in more.get(key, ()):
                    shared[pid] += 1 / sizes[key]
            fresh = [pid for pid in shared if pid not in found[i] and pid not in left_out]
            fresh.sort(key=lambda pid: (-shared[pid], pid))
            extra[i] = set(fresh[:WIDE_SCORED])
        known |= _profiles(store, viewer, set().union(*extra.values()) - known.keys())
        for i, ids in extra.items():
            best[i] = _best(profiles[i], ids, known, best[i], limit)
    return [_candidates(held, threshold, limit) for held in best], found


def _wide_keys(keys: set[str], sizes: dict[str, int], max_block: int, wide_block: int) -> list[str]:
    """The query's keys held by more than `max_block` parties and at most
    `wide_block`, least shared first, while their holders add up to `WIDE_BUDGET`."""
    chosen, budget = [], WIDE_BUDGET
    for key in sorted(
        (k for k in keys if max_block < sizes.get(k, 0) <= wide_block), key=lambda k: (sizes[k], k)
    ):
        if sizes[key] > budget:
            break
        chosen.append(key)
        budget -= sizes[key]
    return chosen


def _shortlist(
    profile: PartyProfile,
    ids: set[str],
    known: dict[str, tuple[PartyProfile, str]],
    keep: int,
) -> set[str]:
    """The candidates worth a full comparison: the `keep` whose name keys are most
    alike by a quick measure (rapidfuzz's token set ratio, a few microseconds where
    `compare` takes a few hundred), and every one sharing an artefact with the query,
    whose name may differ entirely."""
    present = [pid for pid in ids if pid in known]
    if len(present) <= keep:
        return set(present)
    quick = {pid: token_set_ratio(profile.name_key, known[pid][0].name_key) for pid in present}
    present.sort(key=lambda pid: (-quick[pid], pid))
    shortlist = set(present[:keep])
    # Sharing an artefact is sharing an artefact key (a registration number under
    # any country, as `compare` counts it).
    own = artefact_keys(profile)
    shortlist.update(pid for pid in present[keep:] if own & artefact_keys(known[pid][0]))
    return shortlist


def _profiles(
    store: GraphStore, viewer: Viewer, ids: set[str]
) -> dict[str, tuple[PartyProfile, str]]:
    """Party id -> (profile, entity id) for the parties `ids` the viewer may see."""
    if not ids:
        return {}
    return _by_party(profile_rows(store, ids, viewer))


def _by_party(rows: Iterable[Row]) -> dict[str, tuple[PartyProfile, str]]:
    return {row["id"]: (profile_of_row(row), row["cluster"] or row["id"]) for row in rows}


@dataclass
class _Found:
    """Per entity: the best comparison and the member it was with, and how many of
    its members were candidates."""

    best: dict[str, tuple[Comparison, PartyProfile]] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)

    def floor(self, limit: int) -> float:
        """The score an entity must beat to enter the first `limit`: the limit-th
        best score so far (-1 while fewer entities are held)."""
        if len(self.best) < limit:
            return -1.0
        return sorted((result.score for result, _ in self.best.values()), reverse=True)[limit - 1]


def _best(
    profile: PartyProfile,
    ids: Iterable[str],
    known: dict[str, tuple[PartyProfile, str]],
    found: _Found,
    limit: int,
) -> _Found:
    """`found` with the parties `ids` added. Parties are taken by `score_bound`,
    highest first, and compared in full only while they may change the answer:
    one whose bound is under the best score of its own entity, or under the
    `limit`-th best score, cannot (`compare` takes about ten times as long)."""
    found = _Found(dict(found.best), dict(found.members))
    bounded = []
    for pid in ids:
        if pid in known:
            party, cluster = known[pid]
            found.members[cluster] = found.members.get(cluster, 0) + 1
            # A query of identifiers alone is not scored by names: no bound prunes it.
            bound = score_bound(profile, party) if profile.name.strip() else 1.0
            bounded.append((-bound, pid))
    bounded.sort()
    for neg_bound, pid in bounded:
        party, cluster = known[pid]
        held = found.best.get(cluster)
        reach = -neg_bound + BOUND_MARGIN
        if (held is not None and reach < held[0].score) or reach < found.floor(limit):
            continue
        result = _compare(profile, party)
        if held is None or (result.score, party.id) > (held[0].score, held[1].id):
            found.best[cluster] = (result, party)
    return found


def identifier_comparison(query: PartyProfile, party: PartyProfile) -> Comparison:
    """A query that names no one, only identifiers, against a party: scored by what
    they share as resolution weighs it (a registration number 0.85, a phone or an
    email 0.75, an address 0.6, several together as independent evidence), since no
    name can say more or less."""
    shared = {
        "shared_identifier": _shared_identifiers(query.identifiers, party.identifiers),
        "shared_email": sorted(query.emails & party.emails),
        "shared_phone": sorted(query.phones & party.phones),
        "shared_address": sorted(query.addresses & party.addresses),
    }
    missing = 1.0
    features: dict[str, float] = {}
    evidence = []
    for feature, ids in shared.items():
        if ids:
            missing *= 1.0 - _ARTEFACT_WEIGHT[feature]
            features[feature] = 1.0
            evidence.append(f"same {feature.removeprefix('shared_')} {ids[0].split(':', 1)[-1]}")
    score = round(1.0 - missing, 4)
    explanation = (
        "no name asked; " + "; ".join(evidence) + f" ({party.name})"
        if evidence
        else f"no name asked and nothing shared ({party.name})"
    )
    return Comparison(score, features, explanation)


def _compare(query: PartyProfile, party: PartyProfile) -> Comparison:
    return compare(query, party) if query.name.strip() else identifier_comparison(query, party)


def _candidates(found: _Found, threshold: float, limit: int) -> list[Candidate]:
    ranked = sorted(found.best.items(), key=lambda item: (-item[1][0].score, item[0]))
    return [
        Candidate(
            entity_id=cluster,
            party_id=party.id,
            name=party.name,
            country=party.country,
            score=result.score,
            match=result.score >= threshold,
            features=result.features,
            explanation=result.explanation,
            members=found.members[cluster],
        )
        for cluster, (result, party) in ranked[:limit]
    ]
