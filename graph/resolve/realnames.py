"""Resolution measured on real names: entities whose sources publish several forms.

A corpus line is one real entity with the forms its source published for it
(`{"id", "kind", "country", "names", "source"}`; the real-name corpus of the
project and the fixed sample of it in `tests/data/realnames/`). Each form is
written as a party of a seizure record of its own, as a partner agency would
send it: the name and the entity's country, and, in the `artefact` setting, a
registration number that every form of some entities shares (what a shared
identifier adds to a name). Forms whose comparison form and country agree are
one Party node, as the loader makes them.

Resolution then runs as `resolve` runs it, without a database: blocking keys,
candidate pairs, `compare`, `decide_links`, clusters of automatic links (and, at
the suggestion level, of automatic and suggested links). Figures are over forms:
a form is predicted in its Party node's cluster, and two forms of one entity are
a true pair.

Parts: the source, with OFAC's companies and persons apart. Script pairs: the
scripts of the two forms of a pair (`script_of`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from rigour.text.scripts import is_latin

from graph.resolve.blocking import candidate_pairs
from graph.resolve.comparison import Comparison
from graph.resolve.decide import AUTO, REVIEW, decide_links
from graph.resolve.evaluate import cluster_scores, connected_components
from graph.resolve.profile import PartyProfile, may_be_several
from graph.resolve.score import compare
from ingest.normalised import party_identity

__all__ = [
    "LEVELS",
    "Form",
    "RealEntity",
    "Resolved",
    "evaluate_pairs",
    "figures",
    "forms_of",
    "heldout",
    "pair_figures",
    "part_of",
    "predicted_pairs",
    "read_corpus",
    "resolve_forms",
    "script_of",
    "script_pair",
]

# Decision levels: automatic links only, and automatic with suggested links (what an
# analyst is shown; OpenSanctions' logic-v2 "match" at 0.70 is the same kind of
# answer, a name to look at).
LEVELS = ("auto", "suggested")

# One entity in five (by a hash of its id) is held out: the fixed test sample is
# drawn from them, and nothing is tuned on them (`heldout`).
_HELDOUT_BUCKETS = 5


@dataclass(frozen=True)
class RealEntity:
    id: str
    kind: str  # "company" or "person"
    country: str | None
    names: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Form:
    """One published form of an entity, as a party of a record."""

    id: str  # "<entity id>#<index>"
    entity: str
    part: str
    name: str
    script: str
    profile: PartyProfile


def read_corpus(path: Path) -> list[RealEntity]:
    """The entities of a corpus file (NDJSON), in file order."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(
                    RealEntity(
                        id=str(row["id"]),
                        kind=str(row["kind"]),
                        country=row.get("country") or None,
                        names=tuple(str(n) for n in row["names"]),
                        source=str(row["source"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}, line {number}: not a corpus entity ({exc})") from exc
    return out


def heldout(entity_id: str) -> bool:
    """Whether an entity is in the held-out fifth (never tuned on)."""
    digest = hashlib.sha256(entity_id.encode()).digest()
    return digest[0] % _HELDOUT_BUCKETS == 0


def part_of(entity: RealEntity) -> str:
    """The part an entity is reported in: its source, OFAC split by kind."""
    if entity.source == "us-ofac-sdn":
        return f"{entity.source}/{entity.kind}"
    return entity.source


def script_of(name: str) -> str:
    """The script a form is written in, as the reports group them: "latin", "kana"
    (any kana: a Japanese reading or a name mixing kana and kanji), "han",
    "hangul", "cyrillic", "hebrew", "arabic", or "other"."""
    if is_latin(name):
        return "latin"
    kinds = set()
    for ch in name:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F:
            kinds.add("kana")
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            kinds.add("han")
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            kinds.add("hangul")
        elif 0x0400 <= code <= 0x04FF:
            kinds.add("cyrillic")
        elif 0x0590 <= code <= 0x05FF:
            kinds.add("hebrew")
        elif 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F:
            kinds.add("arabic")
    for script in ("kana", "han", "hangul", "cyrillic", "hebrew", "arabic"):
        if script in kinds:
            return script
    return "other"


def script_pair(a: str, b: str) -> str:
    return "-".join(sorted((a, b)))


def _registration(entity: RealEntity) -> str:
    return "RN" + hashlib.sha256(entity.id.encode()).hexdigest()[:10].upper()


def _with_artefact(entity: RealEntity, share: float) -> bool:
    if share <= 0:
        return False
    digest = hashlib.sha256(b"artefact\x1f" + entity.id.encode()).digest()
    return digest[1] / 256 < share


def forms_of(entities: Iterable[RealEntity], artefact_share: float = 0.0) -> list[Form]:
    """Every form of every entity as a party of a record of its own. With
    `artefact_share`, that share of the entities (drawn by a hash of the id) gives
    each of its forms one registration number."""
    out = []
    for entity in entities:
        registration = _registration(entity) if _with_artefact(entity, artefact_share) else None
        for index, name in enumerate(entity.names):
            ident = party_identity(name, entity.country, registration_id=registration)
            profile = PartyProfile(
                id=ident.id,
                name=name,
                name_key=ident.name_key,
                country=ident.country,
                identifiers=(
                    frozenset({ident.identifier_id}) if ident.identifier_id else frozenset()
                ),
            )
            out.append(
                Form(
                    id=f"{entity.id}#{index}",
                    entity=entity.id,
                    part=part_of(entity),
                    name=name,
                    script=script_of(name),
                    profile=profile,
                )
            )
    return out


def _profiles(forms: Sequence[Form]) -> dict[str, PartyProfile]:
    """One profile per Party node: forms that make the same node share its artefacts."""
    merged: dict[str, PartyProfile] = {}
    for form in forms:
        profile = form.profile
        held = merged.get(profile.id)
        if held is None:
            merged[profile.id] = profile
        elif not profile.identifiers <= held.identifiers:
            merged[profile.id] = PartyProfile(
                id=held.id,
                name=held.name,
                name_key=held.name_key,
                country=held.country,
                identifiers=held.identifiers | profile.identifiers,
            )
    return merged


@dataclass
class Resolved:
    """What resolving the forms gave: every scored candidate pair of Party nodes,
    the decision on each pair at or above the review threshold, and per level the
    cluster of each Party node."""

    profiles: dict[str, PartyProfile]
    candidates: set[tuple[str, str]]
    scored: dict[tuple[str, str], Comparison]
    decisions: dict[tuple[str, str], str]
    cluster: dict[str, dict[str, int]] = field(default_factory=dict)


def resolve_forms(forms: Sequence[Form]) -> Resolved:
    """Block, score and decide as `resolve` does, without a database."""
    profiles = _profiles(forms)
    candidates = candidate_pairs(profiles.values())
    scored = {pair: compare(profiles[pair[0]], profiles[pair[1]]) for pair in sorted(candidates)}
    decisions = decide_links(scored, several=may_be_several(profiles.values()), profiles=profiles)
    resolved = Resolved(profiles, candidates, scored, decisions)
    kept = {"auto": {AUTO}, "suggested": {AUTO, REVIEW}}
    for level, statuses in kept.items():
        edges = [pair for pair, status in decisions.items() if status in statuses]
        components = connected_components(profiles, edges)
        resolved.cluster[level] = {pid: n for n, c in enumerate(components) for pid in c}
    return resolved


def _round(values: Mapping[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in values.items()}


def _form_clusters(forms: Sequence[Form], cluster: Mapping[str, int]) -> list[set[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for form in forms:
        groups[cluster[form.profile.id]].add(form.id)
    return list(groups.values())


def predicted_pairs(forms: Sequence[Form], resolved: Resolved, level: str) -> set[tuple[str, str]]:
    """The form pairs a level links: two forms in one cluster of automatic links,
    and at the suggestion level also two forms whose Party nodes a suggestion links
    directly (suggestions are shown one by one, not chained)."""
    by_node: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        by_node[form.profile.id].append(form.id)
    out: set[tuple[str, str]] = set()
    for members in _form_clusters(forms, resolved.cluster["auto"]):
        out.update(combinations(sorted(members), 2))
    if level == "suggested":
        for (a, b), status in resolved.decisions.items():
            if status == REVIEW:
                for x in by_node[a]:
                    for y in by_node[b]:
                        out.add((min(x, y), max(x, y)))
    return out


def _true_pairs(forms: Sequence[Form]) -> set[tuple[str, str]]:
    by_entity: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        by_entity[form.entity].append(form.id)
    return {pair for ids in by_entity.values() for pair in combinations(sorted(ids), 2)}


def figures(forms: Sequence[Form], resolved: Resolved) -> dict[str, Any]:
    """Per level, pairwise precision / recall per part and per script pair over form
    pairs (`predicted_pairs`); for automatic links, B-cubed per part too."""
    truth = {form.id: form.entity for form in forms}
    true = _true_pairs(forms)
    out: dict[str, Any] = {"forms": len(forms), "party_nodes": len(resolved.profiles)}
    for level in LEVELS:
        predicted = predicted_pairs(forms, resolved, level)
        level_out = pair_figures(forms, predicted, true)
        if level == "auto":
            clusters = _form_clusters(forms, resolved.cluster[level])
            level_out["bcubed"] = {"all": _round(cluster_scores(clusters, truth))}
            for part in sorted({form.part for form in forms}):
                items = {f.id: f.entity for f in forms if f.part == part}
                level_out["bcubed"][part] = _round(_bcubed(clusters, truth, items))
        out[level] = level_out
    return out


def pair_figures(
    forms: Sequence[Form], predicted: Iterable[tuple[str, str]], true: set[tuple[str, str]]
) -> dict[str, Any]:
    """Pairwise precision and recall of `predicted` form pairs (smaller id first)
    against the `true` ones: over all, per part (a pair counts in the part of each
    of its forms) and per script pair."""
    by_id = {form.id: form for form in forms}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})

    def keys(x: str, y: str) -> set[str]:
        a, b = by_id[x], by_id[y]
        return {"all", a.part, b.part, "script:" + script_pair(a.script, b.script)}

    found = set()
    for pair in predicted:
        right = pair in true
        for key in keys(*pair):
            counts[key]["tp" if right else "fp"] += 1
        if right:
            found.add(pair)
    for pair in true - found:
        for key in keys(*pair):
            counts[key]["fn"] += 1
    out: dict[str, Any] = {}
    for key, c in sorted(counts.items()):
        linked, real = c["tp"] + c["fp"], c["tp"] + c["fn"]
        out[key] = {
            "precision": round(c["tp"] / linked, 4) if linked else 1.0,
            "recall": round(c["tp"] / real, 4) if real else 1.0,
            **c,
        }
    return out


def _bcubed(
    clusters: Sequence[set[str]], truth: Mapping[str, str], items: Mapping[str, str]
) -> dict[str, float]:
    """B-cubed precision and recall averaged over `items` only."""
    size: dict[str, int] = defaultdict(int)
    for entity in truth.values():
        size[entity] += 1
    precision = recall = 0.0
    count = 0
    for cluster in clusters:
        per_entity: dict[str, int] = defaultdict(int)
        for item in cluster:
            per_entity[truth[item]] += 1
        for item in cluster:
            if item not in items:
                continue
            right = per_entity[truth[item]]
            precision += right / len(cluster)
            recall += right / size[truth[item]]
            count += 1
    return {
        "bcubed_precision": precision / count if count else 1.0,
        "bcubed_recall": recall / count if count else 1.0,
    }


def evaluate_pairs(
    forms: Sequence[Form], pairs: Iterable[tuple[str, str]], linked: set[tuple[str, str]]
) -> dict[str, Any]:
    """Link-level figures of a matcher on a set of form pairs (smaller id first):
    `linked` are those it links. Precision and recall per part and script pair,
    the true pairs being those of `pairs`."""
    by_id = {form.id: form for form in forms}
    pairs = set(pairs)
    true = {(x, y) for x, y in pairs if by_id[x].entity == by_id[y].entity}
    return pair_figures(forms, linked & pairs, true)
