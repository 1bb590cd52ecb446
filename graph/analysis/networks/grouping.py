"""From a projection to networks: the evidence of each link, links weighed, cores
and the entities that join them (see `graph.analysis.networks`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from graph.analysis.networks.projection import Projection, Seizure
from graph.analysis.networks.rules import (
    ARTEFACT_CAP,
    CONTAINER_CAP,
    CONTAINER_WINDOW_DAYS,
    PENDANT_MIN,
    PENDANT_ROUNDS,
    STRONG,
    WEAK_KINDS,
    pair_weight,
)

# Evidence of one link: (entity a, entity b) with a < b, kind, seizures, the shared node.
_Item = tuple[str, str, str, tuple[str, ...], str | None]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def day(date: str | None) -> int | None:
    try:
        return dt.date.fromisoformat(date).toordinal() if date else None
    except ValueError:
        return None


def evidence_items(proj: Projection, only: set[str] | None = None) -> Iterator[_Item]:
    """Every piece of identity-link evidence, hubs left out (and counted in `hubs`).

    With `only`, seizures and artefacts that touch none of those entities are
    skipped (hubs are still decided on everything): the second pass, which cites
    the evidence of links inside networks, does not walk the whole background again.
    """
    hub_forwarders = proj.hub_forwarders
    proj.hubs["forwarder"] = len(hub_forwarders)

    containers: dict[str, list[Seizure]] = defaultdict(list)
    documents: dict[str, list[Seizure]] = defaultdict(list)
    # One shipment recorded twice (seized at two places, a record per rights holder)
    # is seized together once: co-seizures on one transport document count once per
    # pair, cited by their first seizure id (the same whatever order they are read in).
    shipments: dict[tuple[str, str, str], str] = {}
    for seizure in proj.seizures.values():
        for number in seizure.containers:
            containers[number].append(seizure)
        for document in seizure.documents:
            documents[document].append(seizure)
        if only is not None and only.isdisjoint(seizure.principals):
            continue
        ids = (seizure.id,)
        for a, b in combinations(sorted(seizure.principals), 2):
            if not seizure.documents:
                yield a, b, "co_seizure", ids, None
                continue
            key = (a, b, min(seizure.documents))
            if key not in shipments or seizure.id < shipments[key]:
                shipments[key] = seizure.id
        for forwarder in seizure.forwarders - hub_forwarders:
            for other in seizure.principals - {forwarder}:
                a, b = _pair(forwarder, other)
                yield a, b, "forwarder", ids, None

    for (a, b, _), first_id in shipments.items():
        yield a, b, "co_seizure", (first_id,), None

    for document, group in documents.items():
        if len(group) < 2:
            continue
        if len(set().union(*(s.principals for s in group))) > ARTEFACT_CAP:
            proj.hubs["document"] += 1
            continue
        # A document links the parties of different seizures that no seizure of it
        # names together: the parties of one shipment recorded twice share nothing
        # more than that shipment.
        seen: set[tuple[str, str]] = {
            pair for s in group for pair in combinations(sorted(s.principals), 2)
        }
        # In seizure order, so that the pair cited is the same whatever order the
        # projection was read in (an incremental update reads another).
        for first, second in combinations(sorted(group, key=lambda s: s.id), 2):
            for x in first.principals:
                for y in second.principals:
                    pair = _pair(x, y)
                    if x != y and pair not in seen:
                        seen.add(pair)
                        yield pair[0], pair[1], "document", (first.id, second.id), document

    for number, group in containers.items():
        if len(group) < 2:
            continue
        if len(set().union(*(s.principals for s in group))) > CONTAINER_CAP:
            proj.hubs["container"] += 1
            continue
        dated = sorted(
            ((when, s) for s in group if (when := day(s.date)) is not None),
            key=lambda x: (x[0], x[1].id),
        )
        for i, (when, first) in enumerate(dated):
            for later, second in dated[i + 1 :]:
                if later - when > CONTAINER_WINDOW_DAYS:
                    break
                for x in first.principals:
                    for y in second.principals:
                        if x != y:
                            a, b = _pair(x, y)
                            yield a, b, "container", (first.id, second.id), number

    for artefact, (kind, written_for) in proj.artefacts.items():
        # A hub forwarder's phone or address binds nothing either.
        holders = {e: s for e, s in written_for.items() if e not in hub_forwarders}
        if len(holders) < 2:
            continue
        if len(holders) > ARTEFACT_CAP:
            proj.hubs[kind] += 1
            continue
        if only is not None and only.isdisjoint(holders):
            continue
        for x, y in combinations(sorted(holders), 2):
            written: tuple[str, ...] = tuple(s for s in (holders[x], holders[y]) if s)
            yield x, y, kind, written, artefact


@dataclass
class Grouping:
    networks: list[set[str]]  # entity sets, largest first
    counts: dict[tuple[str, str], Counter[str]]
    weights: dict[tuple[str, str], float]
    # Entity -> the entities its links other than weak ones lead to, with weights.
    attach: dict[str, dict[str, float]] = field(default_factory=dict)
    # The cores: entities bound by strong links, two of them principals at least.
    cores: list[set[str]] = field(default_factory=list)
    # Entity in a network -> the round it joined in (0: its core).
    round_of: dict[str, int] = field(default_factory=dict)
    # The networks of held-out entities (`Projection.fixed_state`) that an entity
    # joins: computed here, they would change (`incremental` frees them).
    joins_fixed: set[str] = field(default_factory=set)


def group_networks(proj: Projection) -> Grouping:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for a, b, kind, _, _ in evidence_items(proj):
        counts[(a, b)][kind] += 1
    weights = {pair: pair_weight(kinds) for pair, kinds in counts.items()}
    strong = nx.Graph()
    attach: dict[str, dict[str, float]] = defaultdict(dict)
    # Entities held out (`Projection.fixed_out`) bind nothing and join nothing.
    unbound = proj.several | proj.fixed_out
    for (a, b), kinds in counts.items():
        if weights[(a, b)] >= STRONG and a not in unbound and b not in unbound:
            strong.add_edge(a, b)
        # Weak links only corroborate: a container, a forwarder, or both, never bring
        # an entity into a network on their own (a forwarder named with two fronts
        # weighed 0.51 and joined, bringing its other customers' seizures along).
        if not set(kinds) <= WEAK_KINDS:
            attach[a][b] = attach[b][a] = weights[(a, b)]
    # A core needs two entities that shipped, received or made goods: forwarders
    # alone (the offices of one logistics group, sharing a phone) are no network.
    cores = [set(c) for c in nx.connected_components(strong) if len(set(c) & proj.principals) >= 2]
    # A network is an index into `members`, or the id of a held-out entity's one.
    core_of: dict[str, int | str] = {
        entity: index for index, core in enumerate(cores) for entity in core
    }
    members = [set(core) for core in cores]
    round_of = dict.fromkeys(core_of, 0)
    joins_fixed: set[str] = set()
    fixed = proj.fixed_state
    last_fixed = max((joined for _, joined in fixed.values()), default=-1)
    # Rounds, each on the membership at its start, so the order of entities does not
    # matter: a manufacturer joins in the first, the buyer named with it the next.
    for number in range(1, PENDANT_ROUNDS + 1):
        # Held-out members count from the round after theirs, as they did when built.
        for entity, (network, joined) in fixed.items():
            if joined == number - 1:
                core_of[entity] = network
        joining: list[tuple[str, int | str]] = []
        for entity in sorted(attach):
            if entity in core_of or entity in proj.fixed_out:
                continue
            into: dict[int | str, float] = {}
            for other, weight in attach[entity].items():
                index = core_of.get(other)
                if index is not None:
                    into[index] = 1.0 - (1.0 - into.get(index, 0.0)) * (1.0 - weight)
            if len(into) == 1 and (weight := next(iter(into.values()))) >= PENDANT_MIN:
                joining.append((entity, next(iter(into))))
        if not joining and number > last_fixed:
            break
        for entity, index in joining:
            core_of[entity] = index
            if isinstance(index, str):
                joins_fixed.add(index)
                continue
            members[index].add(entity)
            round_of[entity] = number
    members.sort(key=lambda group: (-len(group), min(group)))
    return Grouping(members, counts, weights, dict(attach), cores, round_of, joins_fixed)
