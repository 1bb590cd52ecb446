"""Does `/match` find the true entity of a written form it has never seen? (issue 4)

    python -m bench.match_recall --data /tmp/iprgraph-bench-lookups-10000-5/data \\
        --truth /tmp/iprgraph-bench-lookups-10000-5/feeds/truth.json --samples 1000

On a graph loaded with entity resolution (bench/lookups.py leaves one at the paths
above), each Party node whose true entity has other Party nodes too is a written
form of that entity. Held back: the form is queried (name and country only, what a
partner agency sends) with its own node left out of the candidates
(`match_parties(exclude=...)`), so only the entity's other spellings, in any script,
can find it. A hit is the true entity among the top 5 entities returned (threshold
0.5, the lowest the API allows). Writes bench/results/match-recall.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console

from graph.access import OPERATOR
from graph.config import Settings
from graph.resolve.match import QueryParty, match_parties
from graph.resolve.service import party_clusters, party_profiles, party_truth
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
TOP = 5
console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    store = GraphStore.open(Settings(data_dir=args.data))

    entity_of, _, _ = party_truth(store, truth)
    forms: dict[str, list[str]] = defaultdict(list)
    for pid, entity in entity_of.items():
        forms[entity].append(pid)
    held_back = sorted(pid for pids in forms.values() if len(pids) > 1 for pid in pids)
    sample = random.Random(args.seed).sample(held_back, min(args.samples, len(held_back)))
    profiles = party_profiles(store, sample)
    cluster_of = party_clusters(store)
    members: dict[str, set[str]] = defaultdict(set)
    for pid, cluster in cluster_of.items():
        members[cluster].add(pid)

    hits = top1 = 0
    misses: list[dict[str, object]] = []
    timings: list[float] = []
    for pid in sample:
        profile = profiles[pid]
        query = QueryParty(name=profile.name, country=profile.country)
        started = time.perf_counter()
        [candidates] = match_parties(
            store, OPERATOR, [query], threshold=0.5, limit=TOP, exclude={pid}
        )
        timings.append((time.perf_counter() - started) * 1000)
        want = entity_of[pid]
        found = [
            any(entity_of.get(member) == want for member in members[c.entity_id] - {pid})
            for c in candidates
        ]
        if any(found):
            hits += 1
            top1 += found[0]
        elif len(misses) < 15:
            others = sorted(forms[want])
            misses.append(
                {
                    "query": profile.name,
                    "country": profile.country,
                    "other_forms": [other.name for other in party_profiles(store, others).values()],
                    "returned": [c.name for c in candidates],
                }
            )
    store.close()
    results = {
        "graph": str(args.data),
        "held_back_forms": len(sample),
        "of_forms_with_another_spelling": len(held_back),
        "top5_rate": round(hits / len(sample), 4),
        "top1_rate": round(top1 / len(sample), 4),
        "match_p50_ms": round(statistics.median(timings), 2),
        "examples_of_misses": misses,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "match-recall.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    console.print({k: v for k, v in results.items() if k != "examples_of_misses"})
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
