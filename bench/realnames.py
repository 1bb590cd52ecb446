"""Resolution on real names, iprgraph beside OpenSanctions' logic-v2 (issue 26).

    python -m bench realnames                      # the corpus beside the repo, or the sample
    python -m bench.realnames --corpus PATH [--split dev|heldout|all] [--no-logic-v2]
    python -m bench.realnames --setup              # make the bench-only environment

Every form of every entity of a real-name corpus (`graph.resolve.realnames`) is
written as a party of a record of its own and resolved as `resolve` resolves it,
without a database. Two settings: names only (and the entity's country), and
with a registration number shared by all forms of half the entities (drawn by a
hash of the id). Figures, per part (source) and per script pair:

- iprgraph: pairwise precision / recall of automatic links (clusters, as
  entities are made) and of suggestions (automatic links and suggestions one by
  one, what an analyst is shown), B-cubed of automatic links;
- `/v1/match` top-1 and top-5 for forms as queries, written and held back, over
  the forms loaded into the graph server (`bench.realnames_match`), beside
  logic-v2's ranking of the same forms' compared pairs;
- logic-v2 (`nomenklatura`'s `LogicV2`, yente's default matcher, match at 0.70)
  on the same pairs: every pair of forms of one entity and every pair of forms
  whose Party nodes iprgraph's blocking made candidates (the near names, where a
  matcher can go wrong), scored in the bench-only environment (`.venv-bench`,
  `--setup`; nomenklatura is no dependency of iprgraph or its tests), in two
  processes; iprgraph's link decisions on exactly those pairs beside it.

Writes bench/results/realnames.json. The corpus is data for development: its
parts' sources and licences are in tests/data/realnames/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from graph.resolve.realnames import (
    LEVELS,
    Form,
    RealEntity,
    evaluate_pairs,
    figures,
    forms_of,
    heldout,
    part_of,
    predicted_pairs,
    read_corpus,
    resolve_forms,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The corpus beside a checkout (the project's shared folder), else the fixed sample.
CORPUS_BESIDE = ROOT.parent / "shared" / "realnames" / "realnames.ndjson"
SAMPLE = ROOT / "tests" / "data" / "realnames" / "sample.ndjson"
BENCH_ENV = ROOT / ".venv-bench"
# The matcher compared against, pinned so that runs compare.
NOMENKLATURA = "nomenklatura==4.17.4"
LOGIC_V2_MATCH = 0.70
ARTEFACT_SHARE = 0.5
console = Console()


def read_corpus_line(row: dict[str, Any]) -> RealEntity:
    return RealEntity(
        id=str(row["id"]),
        kind=str(row["kind"]),
        country=row.get("country") or None,
        names=tuple(row["names"]),
        source=str(row["source"]),
    )


def setup_bench_env() -> Path:
    """The bench-only environment with nomenklatura, made if missing."""
    python = BENCH_ENV / "bin" / "python"
    if not python.exists():
        console.print(f"making {BENCH_ENV} with {NOMENKLATURA} (once)")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_ENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", NOMENKLATURA], check=True)
    return python


def _schema(form: Form) -> str:
    return (
        "Person"
        if form.part.endswith("person") or form.part.startswith("wikidata")
        else ("Company")
    )


def _identifier(form: Form) -> str | None:
    for node_id in form.profile.identifiers:
        return node_id.split(":", 2)[-1]
    return None


def logic_v2_scores(
    python: Path, forms: Sequence[Form], pairs: Sequence[tuple[str, str]], processes: int = 2
) -> dict[tuple[str, str], float]:
    """logic-v2's score of each pair of form ids, in `processes` worker processes."""
    by_id = {form.id: form for form in forms}
    entities = {
        form.id: {
            "schema": _schema(form),
            "name": form.name,
            "country": form.profile.country,
            "identifier": _identifier(form),
        }
        for form in forms
    }
    chunks = [list(pairs[i::processes]) for i in range(processes)]

    def run(chunk: list[tuple[str, str]]) -> list[float]:
        needed = {key for pair in chunk for key in pair}
        job = {"entities": {k: entities[k] for k in needed if k in by_id}, "pairs": chunk}
        done = subprocess.run(
            [str(python), str(ROOT / "bench" / "logic_v2_worker.py")],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"logic-v2 worker failed: {done.stderr[-2000:]}")
        scores: list[float] = json.loads(done.stdout)
        return scores

    with ThreadPoolExecutor(processes) as pool:
        results = list(pool.map(run, chunks))
    return {
        pair: score
        for chunk, scores in zip(chunks, results, strict=True)
        for pair, score in zip(chunk, scores, strict=True)
    }


def _compared_pairs(
    forms: Sequence[Form], candidates: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Every pair of forms of one entity, and of forms whose nodes are candidates."""
    by_node: dict[str, list[str]] = {}
    by_entity: dict[str, list[str]] = {}
    for form in forms:
        by_node.setdefault(form.profile.id, []).append(form.id)
        by_entity.setdefault(form.entity, []).append(form.id)
    pairs = set()
    for ids in by_entity.values():
        pairs.update((min(x, y), max(x, y)) for i, x in enumerate(ids) for y in ids[i + 1 :])
    for a, b in candidates:
        pairs.update((min(x, y), max(x, y)) for x in by_node[a] for y in by_node[b])
    return pairs


def measure(
    corpus: Path,
    split: str,
    with_logic_v2: bool,
    artefact_share: float = ARTEFACT_SHARE,
    match_queries: int = 0,
) -> dict[str, Any]:
    entities = read_corpus(corpus)
    if split != "all":
        entities = [e for e in entities if heldout(e.id) == (split == "heldout")]
    python = setup_bench_env() if with_logic_v2 else None
    report: dict[str, Any] = {"corpus": str(corpus), "split": split, "entities": len(entities)}
    names_scores: dict[tuple[str, str], float] | None = None
    for setting, share in (("names", 0.0), ("shared_registration", artefact_share)):
        started = time.perf_counter()
        forms = forms_of(entities, share)
        resolved = resolve_forms(forms)
        seconds = time.perf_counter() - started
        out: dict[str, Any] = {"resolve_s": round(seconds, 1), "iprgraph": figures(forms, resolved)}
        out["iprgraph"]["candidate_node_pairs"] = len(resolved.candidates)
        if python is not None:
            pairs = sorted(_compared_pairs(forms, resolved.candidates))
            started = time.perf_counter()
            scores = logic_v2_scores(python, forms, pairs)
            if setting == "names":
                names_scores = scores
            out["logic_v2_s"] = round(time.perf_counter() - started, 1)
            out["pairs_compared"] = len(pairs)
            linked = {pair for pair, score in scores.items() if score >= LOGIC_V2_MATCH}
            out["logic_v2"] = evaluate_pairs(forms, pairs, linked)
            out["iprgraph_same_pairs"] = {
                level: evaluate_pairs(forms, pairs, predicted_pairs(forms, resolved, level))
                for level in LEVELS
            }
        report[setting] = out
    if match_queries:
        # /v1/match over the forms loaded into the graph server (bench.realnames_match).
        from bench.realnames_match import measure_match

        report["match"] = measure_match(forms_of(entities), match_queries, 1, names_scores)
    return report


def _cell(figures: dict[str, Any], key: str) -> str:
    value = figures.get(key)
    if not value:
        return "-"
    return f"{value['precision']:.3f} / {value['recall']:.3f}"


def print_report(report: dict[str, Any]) -> None:
    for setting in ("names", "shared_registration"):
        out = report[setting]
        ipr = out["iprgraph"]
        keys = sorted(k for k in ipr["auto"] if k != "bcubed")
        table = Table(title=f"{setting}: pairwise precision / recall ({report['split']})")
        table.add_column("part or script pair")
        table.add_column("true pairs")
        table.add_column("iprgraph auto")
        table.add_column("iprgraph suggested")
        table.add_column("B-cubed auto")
        table.add_column(f"logic-v2 >= {LOGIC_V2_MATCH}")
        for key in keys:
            cell = ipr["auto"][key]
            bc = ipr["auto"]["bcubed"].get(key)
            table.add_row(
                key,
                str(cell["tp"] + cell["fn"]),
                _cell(ipr["auto"], key),
                _cell(ipr["suggested"], key),
                f"{bc['bcubed_precision']:.3f} / {bc['bcubed_recall']:.3f}" if bc else "",
                _cell(out.get("logic_v2", {}), key),
            )
        console.print(table)


def write_sample(corpus: Path, per_part: int) -> None:
    """The fixed test sample: the first `per_part` held-out entities of each part, as
    the corpus writes them (tests/data/realnames/sample.ndjson)."""
    taken: dict[str, int] = {}
    lines = []
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            entity = read_corpus_line(row)
            part = part_of(entity)
            if heldout(entity.id) and taken.get(part, 0) < per_part:
                taken[part] = taken.get(part, 0) + 1
                lines.append(json.dumps(row, ensure_ascii=False))
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    console.print(f"{len(lines)} entities written to {SAMPLE}: {taken}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = CORPUS_BESIDE if CORPUS_BESIDE.exists() else SAMPLE
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    parser.add_argument("--no-logic-v2", action="store_true", help="iprgraph alone")
    parser.add_argument(
        "--match-queries",
        type=int,
        default=2000,
        metavar="N",
        help="forms asked of /v1/match over the loaded graph (0: none)",
    )
    parser.add_argument("--setup", action="store_true", help="make .venv-bench and stop")
    parser.add_argument(
        "--write-sample",
        type=int,
        metavar="N",
        help="write the test sample (N held-out entities per part, in corpus order) and stop",
    )
    args = parser.parse_args(argv)
    if args.setup:
        setup_bench_env()
        return {}
    if args.write_sample:
        write_sample(args.corpus, args.write_sample)
        return {}
    report = measure(
        args.corpus, args.split, not args.no_logic_v2, match_queries=args.match_queries
    )
    print_report(report)
    if "match" in report:
        from bench.realnames_match import print_match

        print_match(report["match"])
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "realnames.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"written to {out}")
    return report


if __name__ == "__main__":
    main()
