"""Measuring resolution against the generator's ground truth.

Figures are over items (Party nodes) and a truth mapping item -> true entity id:

- pairwise: every unordered pair of items in one predicted cluster is a predicted
  link; precision, recall and F1 of those against the pairs of items that share
  a true entity (counts tp / fp / fn too). Large clusters weigh quadratically.
- cluster level: B-cubed precision, recall and F1 (per item: the share of its
  predicted cluster that is truly its entity, and the share of its entity that
  its predicted cluster holds, averaged over items), and the share of true
  entities whose items form exactly one predicted cluster.

Items missing from `truth` are ignored; items missing from every predicted
cluster are singletons. `load_corpus` reads a generated folder the way the loader
does, without a database, and gives the Party profiles with their true entities;
`Corpus.resolvable_truth` leaves out the Party nodes whose truth no resolver can
recover (one node written for several entities, and entities that share their
name and country with another one).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.resolve.profile import (
    PartyProfile,
    name_parts,
    party_mentions,
    profiles_from_writes,
)
from ingest.manifest import read_manifest
from ingest.normalise import NormaliseError, comparison_form
from ingest.normalised import Normaliser, Source
from ingest.profile import read_tabular
from ingest.read import RawRow, file_sha256, read_json, read_ndjson
from ingest.record import SeizureRecord
from ingest.rows import SeizureWrite

__all__ = [
    "Corpus",
    "cluster_scores",
    "connected_components",
    "load_corpus",
    "majority_truth",
    "namesake_entities",
    "pairwise_scores",
    "read_writes",
]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def connected_components(ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected components of the graph (ids, edges), every id in exactly one
    component (ids only named by an edge included); largest first, then by
    smallest member, so the order is deterministic."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for i in ids:
        find(i)
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in parent:
        groups[find(x)].add(x)
    return sorted(groups.values(), key=lambda g: (-len(g), min(g)))


def _clusters(predicted: Iterable[Iterable[str]], truth: Mapping[str, str]) -> list[set[str]]:
    """Predicted clusters restricted to items with a truth, plus singletons for
    truth items no cluster holds. An item in two clusters is an error."""
    seen: set[str] = set()
    out: list[set[str]] = []
    for cluster in predicted:
        members = {item for item in cluster if item in truth}
        overlap = members & seen
        if overlap:
            raise ValueError(f"items in more than one cluster: {sorted(overlap)[:5]}")
        seen |= members
        if members:
            out.append(members)
    out.extend({item} for item in truth if item not in seen)
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def pairwise_scores(
    predicted: Iterable[Iterable[str]], truth: Mapping[str, str]
) -> dict[str, float]:
    """Pairwise precision / recall / F1 of `predicted` clusters against `truth`
    (item -> true entity); precision (recall) is 1.0 when nothing is predicted
    (nothing is to be found)."""
    clusters = _clusters(predicted, truth)
    predicted_pairs = sum(_pairs(len(c)) for c in clusters)
    tp = sum(_pairs(n) for c in clusters for n in Counter(truth[i] for i in c).values())
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    precision = _ratio(tp, predicted_pairs)
    recall = _ratio(tp, true_pairs)
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "tp": tp,
        "fp": predicted_pairs - tp,
        "fn": true_pairs - tp,
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
    }


def cluster_scores(
    predicted: Iterable[Iterable[str]], truth: Mapping[str, str]
) -> dict[str, float]:
    """B-cubed precision / recall / F1 and the exact-cluster share (true entities
    whose items are exactly one predicted cluster), with cluster counts."""
    clusters = _clusters(predicted, truth)
    entity_size = Counter(truth.values())
    precision_sum = recall_sum = 0.0
    exact = 0
    for cluster in clusters:
        counts = Counter(truth[i] for i in cluster)
        for entity, n in counts.items():
            precision_sum += n * n / len(cluster)
            recall_sum += n * n / entity_size[entity]
        if len(counts) == 1:
            (entity, n), *_ = counts.items()
            exact += n == entity_size[entity]
    items = len(truth)
    precision = _ratio(precision_sum, items)
    recall = _ratio(recall_sum, items)
    return {
        "bcubed_precision": precision,
        "bcubed_recall": recall,
        "bcubed_f1": _f1(precision, recall),
        "exact_cluster_share": _ratio(exact, len(entity_size)),
        "predicted_clusters": len(clusters),
        "true_clusters": len(entity_size),
    }


def majority_truth(
    votes: Mapping[str, Counter[str]],
) -> tuple[dict[str, str], dict[str, Counter[str]]]:
    """Item -> its most frequent true entity (ties: the smallest id), and the items
    whose mentions disagree (one Party node written for several entities)."""
    truth: dict[str, str] = {}
    mixed: dict[str, Counter[str]] = {}
    for item, counter in votes.items():
        best = max(counter.values())
        truth[item] = min(e for e, n in counter.items() if n == best)
        if len(counter) > 1:
            mixed[item] = counter
    return truth, mixed


def namesake_entities(entities: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """True entities that share their name (comparison form without legal form,
    words in any order) and country with another entity ("Summit Outlet Corp." twice
    in the US). The loader keys a Party by name and country, so their mentions can
    meet in one Party node, and nothing in a name tells them apart."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity_id, entity in entities.items():
        parts = name_parts(comparison_form(str(entity.get("canonical_name", ""))))
        bare = " ".join(sorted(parts.texts))
        groups[(bare, str(entity.get("country", "")))].add(entity_id)
    return {e for group in groups.values() if len(group) > 1 for e in group}


# -- generated corpora -------------------------------------------------------------


@dataclass
class Corpus:
    """Party profiles of a generated folder and their true entities."""

    profiles: list[PartyProfile]
    truth: dict[str, str]  # Party id -> majority true entity
    mixed: dict[str, Counter[str]]  # Party ids whose mentions name several entities
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)  # truth.json "entities"
    distractors: list[list[str]] = field(default_factory=list)
    records: int = 0
    unmatched_mentions: int = 0

    def resolvable_truth(self) -> dict[str, str]:
        """`truth` without the Party nodes no resolver can place: nodes whose
        mentions name several entities, and nodes of namesake entities
        (`namesake_entities`)."""
        namesakes = namesake_entities(self.entities)
        return {
            party: entity
            for party, entity in self.truth.items()
            if party not in self.mixed and entity not in namesakes
        }


def _rows(feed_path: Path, profile: Any) -> Iterator[RawRow]:
    if profile is not None:
        return read_tabular(feed_path, profile)
    if feed_path.suffix.lower() == ".json":
        return read_json(feed_path)
    return read_ndjson(feed_path)


def read_writes(folder: Path, normaliser: Normaliser | None = None) -> Iterator[SeizureWrite]:
    """The `SeizureWrite` of every record the loader would load from the folder's
    manifest; rows it would quarantine are skipped."""
    normaliser = normaliser or Normaliser()
    for feed in read_manifest(folder):
        sha256 = file_sha256(feed.path)
        for row in _rows(feed.path, feed.profile):
            if row.data is None:
                continue
            data = {**row.data, "agency": feed.agency} if feed.agency else row.data
            try:
                record = SeizureRecord.model_validate(data)
                yield normaliser.to_write(record, Source(feed.path.name, sha256, row.line))
            except (ValidationError, NormaliseError):
                continue


def load_corpus(folder: Path, normaliser: Normaliser | None = None) -> Corpus:
    """Profiles of every Party in a generated folder, each with the majority
    entity of its mentions in truth.json."""
    writes = list(read_writes(folder, normaliser))
    mention_party: dict[tuple[str, str, int], str] = {}
    for write in writes:
        mention_party.update(party_mentions(write))
    with (folder / "truth.json").open(encoding="utf-8") as handle:
        truth_doc = json.load(handle)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    unmatched = 0
    for mention in truth_doc["mentions"]:
        key = (f"{mention['agency']}:{mention['record_id']}", mention["role"], mention["index"])
        party = mention_party.get(key)
        if party is None:
            unmatched += 1
            continue
        votes[party][mention["entity"]] += 1
    truth, mixed = majority_truth(votes)
    return Corpus(
        profiles=profiles_from_writes(writes),
        truth=truth,
        mixed=mixed,
        entities=truth_doc.get("entities", {}),
        distractors=truth_doc.get("distractors", []),
        records=len(writes),
        unmatched_mentions=unmatched,
    )
