"""Offline resolution figures on a generated corpus, without a database.

    python -m bench.resolution_offline --records 5000 --seed 7
    python -m bench.resolution_offline --folder /tmp/er7 --show 25

Reads the feeds like the loader (`graph.resolve.evaluate.load_corpus`), blocks
(`candidate_pairs`), scores every candidate pair (`compare`), decides auto and
review links (`decide_links`), takes connected components of the auto links (and,
separately, of auto and review links) as clusters and prints pairwise precision /
recall / F1 over distinct Party nodes, B-cubed figures, counts and timings, then the
top false positives and false negatives with their explanations, for tuning.

Figures are given twice: over all Party nodes, and over the resolvable ones
(`Corpus.resolvable_truth`: without nodes whose mentions name several entities and
without entities that share name and country with another entity), because the
generator gives many distinct western companies and persons the same name.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.resolve.blocking import candidate_pairs, name_keys
from graph.resolve.comparison import Comparison
from graph.resolve.decide import AUTO, REVIEW, decide_links
from graph.resolve.evaluate import (
    Corpus,
    cluster_scores,
    connected_components,
    load_corpus,
    pairwise_scores,
)
from graph.resolve.profile import PartyProfile, is_pinyin, may_be_several
from graph.resolve.score import AUTO_THRESHOLD, compare
from ingest.generate import generate


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _micro(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "mean_us": round(statistics.fmean(ordered) * 1e6, 1),
        "p50_us": round(ordered[len(ordered) // 2] * 1e6, 1),
        "p99_us": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6, 1),
    }


def _timed_name_keys(profiles: list[PartyProfile]) -> dict[str, float]:
    """name_keys per profile, cold (first call for each name) as the resolver sees it,
    after the one-off build of the pinyin syllable table (about 0.2 s)."""
    is_pinyin("huaxin")
    samples = []
    for profile in profiles:
        start = time.perf_counter()
        name_keys(profile)
        samples.append(time.perf_counter() - start)
    return _micro(samples)


def _figures(
    ids: list[str], edges: Iterable[tuple[str, str]], truth: dict[str, str]
) -> tuple[dict[str, Any], list[set[str]]]:
    clusters = connected_components(ids, edges)
    return {
        "pairwise": pairwise_scores(clusters, truth),
        "clusters": cluster_scores(clusters, truth),
    }, clusters


def _pair_precision(pairs: list[tuple[str, str]], truth: dict[str, str]) -> dict[str, Any]:
    """Precision of links taken one by one (not through clusters)."""
    judged = [(a, b) for a, b in pairs if a in truth and b in truth]
    right = sum(1 for a, b in judged if truth[a] == truth[b])
    return {"links": len(judged), "precision": right / len(judged) if judged else 1.0}


def evaluate(corpus: Corpus, show: int = 15) -> dict[str, Any]:
    """Block, score, decide; figures over all Party nodes and over the resolvable ones."""
    by_id = {p.id: p for p in corpus.profiles}
    ids = list(by_id)
    timings: dict[str, Any] = {"name_keys": _timed_name_keys(corpus.profiles)}

    start = time.perf_counter()
    candidates = candidate_pairs(corpus.profiles)
    timings["blocking_ms"] = _ms(time.perf_counter() - start)

    scored: dict[tuple[str, str], Comparison] = {}
    samples = []
    start = time.perf_counter()
    for a, b in sorted(candidates):
        t0 = time.perf_counter()
        scored[(a, b)] = compare(by_id[a], by_id[b])
        samples.append(time.perf_counter() - t0)
    timings["scoring_ms"] = _ms(time.perf_counter() - start)
    timings["compare"] = _micro(samples) if samples else {}
    start = time.perf_counter()
    decisions = decide_links(scored, several=may_be_several(corpus.profiles), profiles=by_id)
    timings["decide_ms"] = _ms(time.perf_counter() - start)

    auto = [pair for pair, d in decisions.items() if d == AUTO]
    review = [pair for pair, d in decisions.items() if d == REVIEW]
    held = [pair for pair in review if scored[pair].score >= AUTO_THRESHOLD]
    scopes = {"all": corpus.truth, "resolvable": corpus.resolvable_truth()}
    result: dict[str, Any] = {
        "records": corpus.records,
        "parties": len(ids),
        "parties_with_mixed_mentions": len(corpus.mixed),
        "parties_resolvable": len(scopes["resolvable"]),
        "candidate_pairs": len(candidates),
        "auto_links": len(auto),
        "review_links": len(review),
        "auto_scores_held_back": len(held),
    }
    for scope, truth in scopes.items():
        true_pairs = pairwise_scores([], truth)["true_pairs"]
        found = sum(1 for a, b in candidates if a in truth and truth[a] == truth.get(b))
        auto_figures, auto_clusters = _figures(ids, auto, truth)
        review_figures, _ = _figures(ids, auto + review, truth)
        result[scope] = {
            "true_pairs": true_pairs,
            "candidate_recall": found / true_pairs if true_pairs else 1.0,
            "auto": auto_figures,
            "auto_or_review": review_figures,
            "review_links_one_by_one": _pair_precision(review, truth),
        }
    truth = scopes["resolvable"]
    result["distractor_pairs"] = len(corpus.distractors)
    result["distractor_pairs_merged_by_auto"] = _merged(corpus.distractors, auto_clusters, truth)
    result["timings"] = timings
    result.update(_mistakes(scored, decisions, auto_clusters, truth, show))
    return result


def _merged(distractors: list[list[str]], clusters: list[set[str]], truth: dict[str, str]) -> int:
    merged = 0
    for x, y, *_ in distractors:
        if any({truth.get(i) for i in cluster} >= {x, y} for cluster in clusters):
            merged += 1
    return merged


def _mistakes(
    scored: dict[tuple[str, str], Comparison],
    decisions: dict[tuple[str, str], str],
    clusters: list[set[str]],
    truth: dict[str, str],
    show: int,
) -> dict[str, Any]:
    """Wrong auto links, and true pairs left in different clusters, best score first
    (over the resolvable Party nodes)."""
    cluster_of = {i: n for n, c in enumerate(clusters) for i in c}
    judged = [(pair, c) for pair, c in scored.items() if pair[0] in truth and pair[1] in truth]
    fps = [
        (c.score, pair, c)
        for pair, c in judged
        if decisions.get(pair) == AUTO and truth[pair[0]] != truth[pair[1]]
    ]
    fns = [
        (c.score, pair, c)
        for pair, c in judged
        if truth[pair[0]] == truth[pair[1]] and cluster_of[pair[0]] != cluster_of[pair[1]]
    ]
    fps.sort(key=lambda t: (-t[0], t[1]))
    fns.sort(key=lambda t: (-t[0], t[1]))
    features: Counter[str] = Counter()
    for _, _, c in fns:
        features.update(k for k in c.features if k != "name_similarity")

    def line(score: float, pair: tuple[str, str], c: Comparison) -> str:
        held = " (held back)" if score >= AUTO_THRESHOLD and decisions.get(pair) != AUTO else ""
        return f"{score:.3f}{held} [{truth[pair[0]]} / {truth[pair[1]]}] {c.explanation}"

    return {
        "false_negative_features": dict(features.most_common()),
        "top_false_positives": [line(*t) for t in fps[:show]],
        "top_false_negatives": [line(*t) for t in fns[:show]],
    }


def _print(result: dict[str, Any]) -> None:
    for key in (
        "records",
        "parties",
        "parties_with_mixed_mentions",
        "parties_resolvable",
        "candidate_pairs",
        "auto_links",
        "review_links",
        "auto_scores_held_back",
    ):
        print(f"{key:30} {result[key]}")
    for scope in ("all", "resolvable"):
        figures = result[scope]
        print(
            f"-- {scope} Party nodes: {figures['true_pairs']} true pairs, "
            f"{figures['candidate_recall']:.4f} of them candidates"
        )
        for name in ("auto", "auto_or_review"):
            pw, cl = figures[name]["pairwise"], figures[name]["clusters"]
            print(
                f"   {name:15} pairwise P={pw['precision']:.4f} R={pw['recall']:.4f} "
                f"F1={pw['f1']:.4f} (tp {pw['tp']}, fp {pw['fp']}, fn {pw['fn']}); "
                f"B-cubed P={cl['bcubed_precision']:.4f} R={cl['bcubed_recall']:.4f} "
                f"F1={cl['bcubed_f1']:.4f}; exact clusters {cl['exact_cluster_share']:.4f}"
            )
        one = figures["review_links_one_by_one"]
        print(f"   review links one by one: {one['links']}, precision {one['precision']:.4f}")
    print(
        f"distractor pairs merged by auto links: {result['distractor_pairs_merged_by_auto']}"
        f" of {result['distractor_pairs']}"
    )
    print("timings", json.dumps(result["timings"]))
    print("features of false negatives", json.dumps(result["false_negative_features"]))
    print("-- top false positives (resolvable nodes)")
    for line in result["top_false_positives"]:
        print("  ", line)
    print("-- top false negatives (resolvable nodes: compared, not in one cluster)")
    for line in result["top_false_negatives"]:
        print("  ", line)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="a generated folder (truth.json inside)")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=15, help="false positives/negatives shown")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if folder is None:
            folder = Path(tmp) / "corpus"
            generate(args.records, args.seed, folder)
        start = time.perf_counter()
        corpus = load_corpus(folder)
        load_ms = _ms(time.perf_counter() - start)
    result = evaluate(corpus, args.show)
    result["timings"]["load_corpus_ms"] = load_ms
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
