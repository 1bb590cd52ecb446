"""Decisions over many scored pairs: automatic links and suggestions (`decide_links`).

Clusters (entities) are connected components of automatic links, so a link is
taken only if it does not join two clusters that a pair of their parties keeps
apart (`holds_apart`: countries, legal forms or lines of business that differ, or
identifying words that differ with nothing shared), nor two clusters of several
parties through a party that may stand for several companies.

A pair of parties from two clusters may never have been compared: blocking meets
only parties that share a selective key, and "Quanzhou Huayuan Industrial" and
"Shenzhen Huayuan Industry" share none (their trade name is a hub, held by its
namesakes in every city). "Huayuan Industrial Co., Ltd.", written without its
city, meets both and is as like one as the other. Given the parties' profiles,
a link that would join two clusters compares their parties across it first, and
is held back if a pair of them keeps the clusters apart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from graph.resolve.comparison import AUTO_THRESHOLD, CONFLICTS, REVIEW_THRESHOLD, Comparison
from graph.resolve.profile import PartyProfile
from graph.resolve.score import compare

__all__ = [
    "AUTO",
    "HELD_ACROSS",
    "HELD_APART",
    "HELD_SEVERAL",
    "REVIEW",
    "decide_links",
    "holds_apart",
]


AUTO = "auto"
REVIEW = "review"
# A pair whose names differ in an identifying word (and share nothing) keeps their
# clusters apart only if the names are this unlike: two cities ("Shenzhen" /
# "Shantou" Jiaming Watch) are; a keying error that split a trade name ("Kang
# Run" / "Kng Run") is not.
_BARRING_NAME_SIMILARITY = 0.75


def holds_apart(comparison: Comparison) -> bool:
    """Whether a pair keeps the clusters of its two parties apart: countries, legal
    forms or lines of business that differ; or identifying words that differ with
    nothing shared to say a keying error made them ("Shenzhen" / "Shantou" Jiaming
    Watch: yes; "Snurise" / "Sunirse" Enterprises with one phone: no), in one script
    (rigour reads some place names another way: 厦门 as "sha men", not Xiamen)."""
    features = comparison.features
    if any(key in features for key in CONFLICTS if key != "name_conflict"):
        return True
    return (
        "name_conflict" in features
        and not _has_artefact(comparison)
        and "script_crossing" not in features
        and features["name_similarity"] < _BARRING_NAME_SIMILARITY
    )


def _has_artefact(comparison: Comparison) -> bool:
    return any(key.startswith("shared_") for key in comparison.features)


# Why a pair scored at or above AUTO_THRESHOLD was held back for review.
# Followed by ": " and the comparison of the pair of parties, one in each entity,
# that keeps them apart (`decide_links` with profiles).
HELD_ACROSS = "held back: it would join two entities that a pair of their parties keeps apart"
HELD_APART = f"{HELD_ACROSS} (names, countries, legal forms or trades that differ, or a rejection)"
HELD_SEVERAL = (
    "held back: a party of it has several addresses, phones or registration numbers, "
    "may be several companies written alike, and would join two entities"
)


def decide_links(
    scored: Mapping[tuple[str, str], Comparison],
    *,
    linked: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    several: Collection[str] = frozenset(),
    held: dict[tuple[str, str], str] | None = None,
    profiles: Mapping[str, PartyProfile] | None = None,
) -> dict[tuple[str, str], str]:
    """AUTO or REVIEW for every scored pair at or above REVIEW_THRESHOLD.

    Clusters are connected components of auto (and confirmed) links, so one link
    between two namesakes ("Jiaming Watch Co Ltd" of Shenzhen and of Shantou, both
    written without their city) would merge two companies. Links at or above
    AUTO_THRESHOLD are therefore taken strongest first (a shared artefact before a
    name alone, then by score), and one that would join two clusters holding a pair
    that disagrees (see `holds_apart`) or a rejected pair is held back for review.

    `several`: parties that may stand for several companies
    (`PartyProfile.may_be_several`: one name written short, with the addresses or
    phones of each). Such a party shares an artefact with each of them and would
    join their clusters. Its links are taken after all others, once the parties
    that are surely one company have gathered (taken by strength alone, its links
    of 1.0 came first and brought the parties of both companies into its cluster
    one by one); a link of it may then add a party alone to its cluster or bring
    it into another, but one that would join two clusters of several parties each
    is held back for review. Links of such a party to a party that is surely one
    company come before links between two such parties: otherwise two of them,
    written alike, would pair off first and then be held out of the company's
    cluster they both belong to.

    `held`, when given, is filled with why each pair at or above AUTO_THRESHOLD
    was held back for review (`HELD_APART`, `HELD_SEVERAL`): its score alone does
    not say, and an analyst asked to decide a pair that scores 1.0 needs to know.

    `linked`: pairs already in one cluster (confirmed by an analyst, or auto links
    kept from an earlier run), joined first whatever else; an incremental run passes
    the links of the clusters it touches with the scores of their pairs. `rejected`:
    pairs an analyst rejected; they get no decision and their clusters never join.

    `profiles`, when given, are the parties' profiles: a link that would join two
    clusters is then also held back (`HELD_ACROSS`, with the pair) if two of their
    parties that were never compared keep them apart once compared. Parties without
    a profile are not compared, and each cluster compares one party per name and
    country as written.
    """
    parent: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    barred: dict[str, set[str]] = {}  # root -> nodes its cluster may not join
    # root -> one party per (name, country) of its cluster, among those with a profile
    written: dict[str, dict[tuple[str, str | None], str]] = {}
    across: dict[tuple[str, str], Comparison | None] = {}
    known: Mapping[str, PartyProfile] = profiles or {}

    def root(x: str) -> str:
        if x not in parent:
            parent[x], members[x], barred[x] = x, {x}, set()
            profile = known.get(x)
            written[x] = {(profile.name, profile.country): x} if profile is not None else {}
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def kept_apart(ra: str, rb: str) -> Comparison | None:
        """A pair of parties, one in each cluster, that were not scored and that
        keep the clusters apart once compared; None if there is none."""
        for x in written[ra].values():
            for y in written[rb].values():
                pair = (x, y) if x < y else (y, x)
                if pair in scored or (y, x) in scored:
                    continue  # compared already: in `barred` if it keeps them apart
                if pair not in across:
                    comparison = compare(known[x], known[y])
                    across[pair] = comparison if holds_apart(comparison) else None
                if across[pair] is not None:
                    return across[pair]
        return None

    def join(a: str, b: str, force: bool = False) -> str:
        """Joins the clusters of a and b; why not, if it does not."""
        ra, rb = root(a), root(b)
        if ra == rb:
            return ""
        if not force and barred[ra] & members[rb]:
            return HELD_APART
        if (
            not force
            and (a in several or b in several)
            and len(members[ra]) > 1
            and len(members[rb]) > 1
        ):
            return HELD_SEVERAL
        if not force and profiles is not None and len(members[ra]) + len(members[rb]) > 2:
            apart = kept_apart(ra, rb)
            if apart is not None:
                return f"{HELD_ACROSS}: {apart.explanation}"
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        barred[ra] |= barred.pop(rb)
        for key, party in written.pop(rb).items():
            written[ra].setdefault(key, party)
        return ""

    refused = {tuple(sorted(pair)) for pair in rejected}
    for a, b in refused:
        barred[root(a)].add(b)
        barred[root(b)].add(a)
    for pair, comparison in scored.items():
        if holds_apart(comparison):
            a, b = pair
            barred[root(a)].add(b)
            barred[root(b)].add(a)
    for a, b in linked:
        join(a, b, force=True)

    decisions: dict[tuple[str, str], str] = {}
    ranked = sorted(
        (
            pair
            for pair, c in scored.items()
            if c.score >= REVIEW_THRESHOLD and tuple(sorted(pair)) not in refused
        ),
        key=lambda pair: (
            (pair[0] in several) + (pair[1] in several),
            -_has_artefact(scored[pair]),
            -scored[pair].score,
            pair,
        ),
    )
    for pair in ranked:
        if scored[pair].score < AUTO_THRESHOLD:
            decisions[pair] = REVIEW
            continue
        why = join(*pair)
        decisions[pair] = REVIEW if why else AUTO
        if why and held is not None:
            held[pair] = why
    return decisions
