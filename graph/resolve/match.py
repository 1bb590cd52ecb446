"""Matching query entities against the resolved parties (`POST /v1/match`, search).

A query is turned into the same ids a record with the same details would have
made (`ingest.normalised.party_identity`), its blocking keys are looked up in the
graph, the parties found are scored with `graph.resolve.score.compare`, and the
best member of each entity (cluster) is returned. Four round trips for a whole
batch of queries, whatever its size: keys, profiles, clusters, nothing else.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from graph import queries
from graph.resolve.blocking import DEFAULT_MAX_BLOCK, blocking_keys
from graph.resolve.profile import PartyProfile
from graph.resolve.score import Comparison, compare
from graph.resolve.service import candidates_for_keys, profile_of_row
from graph.store import GraphStore
from ingest.normalised import party_identity

__all__ = ["Candidate", "QueryParty", "match_parties", "query_profile"]


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
    members: int  # parties of the entity among the candidates found


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
    batch: Sequence[QueryParty],
    *,
    threshold: float,
    limit: int,
    max_block: int = DEFAULT_MAX_BLOCK,
    exclude: Collection[str] = (),
) -> list[list[Candidate]]:
    """Per query, up to `limit` entities ranked by score (best member each).

    `exclude` names Party nodes never to consider: bench/match_recall.py holds a
    written form back this way, to ask whether the other members find its entity.
    """
    profiles = [query_profile(query, i)[0] for i, query in enumerate(batch)]
    keys = [blocking_keys(profile) for profile in profiles]
    holders = candidates_for_keys(store, {key for ks in keys for key in ks}, max_block)
    left_out = set(exclude)
    found = [{pid for key in ks for pid in holders.get(key, ())} - left_out for ks in keys]
    wanted = sorted(set().union(*found)) if found else []
    rows = store.read(queries.PARTY_PROFILES_QUERY, ids=wanted) if wanted else []
    known = {row["id"]: (profile_of_row(row), row["cluster"] or row["id"]) for row in rows}
    results: list[list[Candidate]] = []
    for profile, ids in zip(profiles, found, strict=True):
        best: dict[str, tuple[Comparison, PartyProfile, int]] = {}
        for pid in ids:
            if pid not in known:
                continue
            party, cluster = known[pid]
            result = compare(profile, party)
            held = best.get(cluster)
            seen = (held[2] if held else 0) + 1
            if held is None or (result.score, party.id) > (held[0].score, held[1].id):
                best[cluster] = (result, party, seen)
            else:
                best[cluster] = (held[0], held[1], seen)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0].score, item[0]))
        results.append(
            [
                Candidate(
                    entity_id=cluster,
                    party_id=party.id,
                    name=party.name,
                    country=party.country,
                    score=result.score,
                    match=result.score >= threshold,
                    features=result.features,
                    explanation=result.explanation,
                    members=members,
                )
                for cluster, (result, party, members) in ranked[:limit]
            ]
        )
    return results
