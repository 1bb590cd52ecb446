"""`/v1/match` on real names: each form as a query, top-1 and top-5 (issue 26).

    python -m bench.realnames_match [--corpus PATH] [--queries 2000] [--no-logic-v2]

(`python -m bench realnames` runs it after the pairwise figures.) Every form of every
entity of the real-name corpus is written as the shipper of a seizure record of its
own (its name and the entity's country), loaded through the real loader into the
embedded graph server, and resolved in full. Then forms are queried through
`match_parties` (what `POST /v1/match` runs), name and country only, as a partner
agency asks, for the operator (who sees every record):

- written: the form as a record wrote it; a hit is an entity returned that holds
  another form of the query's entity (the match finds the whole entity, not only
  the node it wrote);
- held back: the form with its own Party node left out of the candidates
  (`exclude`), so only the entity's other forms, in any script, can find it.

Top-1 and top-5 per part and per script of the query. Beside them, where
comparable, OpenSanctions' logic-v2 (`bench.realnames.logic_v2_scores`) ranking the
forms of the pairs the pairwise run compared (every pair of one entity's forms, and
every pair iprgraph's blocking made candidates): the entity of the best-scored other
form, at any score. That set holds every true pair, so logic-v2 is never short of a
candidate there; iprgraph's `/match` finds its own in the whole graph.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from graph.access import OPERATOR
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.load import Loader
from graph.resolve.match import QueryParty, match_parties
from graph.resolve.realnames import Form, forms_of, read_corpus
from graph.resolve.service import party_clusters, resolve
from graph.schema import ensure_schema
from graph.store import GraphStore

RESULTS = Path(__file__).resolve().parent / "results"
TOP = 5
# The lowest threshold the API allows: every candidate is returned and ranked.
THRESHOLD = 0.5
console = Console()


def _record(form: Form, number: int) -> dict[str, Any]:
    """A canonical seizure record whose shipper is the form."""
    return {
        "record_id": f"REALNAMES-{number:07d}",
        "agency": "HK-CED",
        "seizure_date": "2024-08-23",
        "port_of_seizure": "HKHKG",
        "origin_country": "CN",
        "destination_country": "US",
        "transport_mode": "sea",
        "goods": [{"description": "goods", "quantity": 1, "unit": "pieces"}],
        "shipper": {"name": form.name, "country": form.profile.country},
        "handling": {"tlp": "AMBER"},
    }


def load_forms(store: GraphStore, forms: Sequence[Form], folder: Path) -> int:
    """Write the forms as records and load them through the loader; the records loaded."""
    path = folder / "realnames.ndjson"
    with path.open("w", encoding="utf-8") as fh:
        for number, form in enumerate(forms):
            fh.write(json.dumps(_record(form, number), ensure_ascii=False) + "\n")
    report = Loader(store, folder / "quarantine").load_file(path)
    return int(report.loaded)


def _cell(counts: dict[str, int]) -> str:
    n = counts["n"]
    if not n:
        return "-"
    return f"{counts['top1'] / n:.3f} / {counts['top5'] / n:.3f}"


def measure_match(
    forms: Sequence[Form],
    queries: int,
    seed: int,
    logic_v2: dict[tuple[str, str], float] | None = None,
) -> dict[str, Any]:
    """Load, resolve, and query a sample of forms (those whose entity has another)."""
    by_entity: dict[str, list[Form]] = defaultdict(list)
    for form in forms:
        by_entity[form.entity].append(form)
    askable = [f for f in forms if len(by_entity[f.entity]) > 1]
    sample = random.Random(seed).sample(askable, min(queries, len(askable)))
    folder = Path(tempfile.mkdtemp(prefix="iprgraph-realnames-match-"))
    settings = Settings(data_dir=folder / "data")
    out: dict[str, Any] = {"queries": len(sample), "forms": len(forms)}
    try:
        store = GraphStore.open(settings)
        try:
            ensure_schema(store)
            started = time.perf_counter()
            out["records_loaded"] = load_forms(store, forms, folder)
            out["load_s"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            resolve(store, full=True)
            out["resolve_s"] = round(time.perf_counter() - started, 1)
            cluster_of = party_clusters(store)
            figures: dict[str, dict[str, dict[str, int]]] = {
                mode: defaultdict(lambda: {"n": 0, "top1": 0, "top5": 0})
                for mode in ("written", "held_back", "logic_v2_held_back")
            }
            nodes_of_cluster: dict[str, set[str]] = defaultdict(set)
            for node, cluster in cluster_of.items():
                nodes_of_cluster[cluster].add(node)
            scored_with: dict[str, list[tuple[float, str]]] = defaultdict(list)
            for (x, y), score in (logic_v2 or {}).items():
                scored_with[x].append((score, y))
                scored_with[y].append((score, x))
            entity_of_form = {f.id: f.entity for f in forms}
            timings: list[float] = []
            for form in sample:
                query = QueryParty(name=form.name, country=form.profile.country)
                keys = ("all", form.part, "script:" + form.script)
                # Nodes of the entity's other forms (a form written alike shares the
                # query's own node, which says nothing).
                wanted = {
                    f.profile.id for f in by_entity[form.entity] if f.profile.id != form.profile.id
                }
                results: dict[str, tuple[bool, bool]] = {}
                for mode, exclude in (("written", set()), ("held_back", {form.profile.id})):
                    started = time.perf_counter()
                    [candidates] = match_parties(
                        store, OPERATOR, [query], threshold=THRESHOLD, limit=TOP, exclude=exclude
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                    found = [
                        bool(nodes_of_cluster.get(c.entity_id, {c.party_id}) & wanted)
                        for c in candidates
                    ]
                    results[mode] = (bool(found and found[0]), any(found))
                if logic_v2 is not None:
                    ranked: list[str] = []
                    for _, other in sorted(scored_with[form.id], key=lambda p: (-p[0], p[1])):
                        entity = entity_of_form[other]
                        if entity not in ranked:
                            ranked.append(entity)
                    top = ranked[:TOP]
                    results["logic_v2_held_back"] = (
                        bool(top and top[0] == form.entity),
                        form.entity in top,
                    )
                for mode, (top1, top5) in results.items():
                    for key in keys:
                        cell = figures[mode][key]
                        cell["n"] += 1
                        cell["top1"] += top1
                        cell["top5"] += top5
            out["match_ms_p50"] = round(sorted(timings)[len(timings) // 2], 1) if timings else None
            out["figures"] = {mode: dict(cells) for mode, cells in figures.items()}
        finally:
            store.close()
    finally:
        EmbeddedServer.from_settings(settings).stop()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def print_match(report: dict[str, Any]) -> None:
    figures = report["figures"]
    table = Table(title=f"/v1/match top-1 / top-5, {report['queries']} forms as queries")
    for column in ("part or script", "queries", "written", "held back", "logic-v2 held back"):
        table.add_column(column)
    for key in sorted(figures["written"]):
        table.add_row(
            key,
            str(figures["written"][key]["n"]),
            _cell(figures["written"][key]),
            _cell(figures["held_back"][key]),
            _cell(figures["logic_v2_held_back"].get(key, {"n": 0})),
        )
    console.print(table)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from bench.realnames import CORPUS_BESIDE, SAMPLE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = CORPUS_BESIDE if CORPUS_BESIDE.exists() else SAMPLE
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    forms = forms_of(read_corpus(args.corpus))
    report = measure_match(forms, args.queries, args.seed)
    print_match(report)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "realnames-match.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"written to {out}")
    return report


if __name__ == "__main__":
    main()
