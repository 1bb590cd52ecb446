"""Continue a generated world: `continue_world(feeds_dir, records, out, seed)`.

A world is rebuilt, not read back: `truth.json` names the seed and size of every
part written so far (`lineage`), and the generator, being deterministic, writes those
parts again into a scratch folder; the rebuilt truth must equal the folder's, byte
for byte, or the folder was written by another version of the generator and is
refused. The world then holds everything the first parts made: every entity with
its artefacts, each agency's house spelling of every recurring party, the pools of
regular traders, the networks with their containers, documents and case
references, and the record-id counters of every agency and year.

The new part writes seizures dated after the newest one written so far, at the
world's pace (records per day), numbered after the last record id of each agency
and year. In it:

- the planted networks active most recently go on seizing; some rotate to a new
  front company (a new name sharing an identity artefact with the network's core),
  some are seized by an agency that never seized them (a new jurisdiction, with a
  new consignee there when it is a market), some ship goods of another category
  (made in other cities, so loaded at other ports: new routes);
- a few new networks start;
- background trade goes on: regular traders again, and new companies and people.

Its `truth.json` extends the world's: every earlier entity, mention, network
member, distractor and container stays, the new ones are added (`evaluate` and
`evaluate-networks` then score a graph holding every part).
"""

from __future__ import annotations

import dataclasses
import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.generate import feeds, tables
from ingest.generate.generator import (
    RECORDS_PER_NETWORK,
    GenerateResult,
    Part,
    WorldRun,
    _result,
)
from ingest.generate.records import FIRST_DAY, NETWORK_SHARE, plan_slots
from ingest.generate.world import DESTINATION_AGENCIES, ORIGIN_AGENCIES, Network

# Network records per continuing network, about: a continuation of a few hundred
# records carries a handful of networks, each seized several times.
RECORDS_PER_CONTINUING_NETWORK = 8
# The shortest window a part spans, in days (a small part at a busy world's pace
# would otherwise fall on a day or two).
MIN_WINDOW_DAYS = 14
# Shares of continuing networks that rotate to a new front, are seized in a new
# jurisdiction, ship a new category of goods (new routes).
ROTATION_SHARE = 0.35
NEW_AGENCY_SHARE = 0.3
NEW_CATEGORY_SHARE = 0.3


class ContinuationError(ValueError):
    """The folder cannot be continued (no truth, or one this generator did not write)."""


def _lineage(feeds_dir: Path) -> tuple[list[dict[str, Any]], bool]:
    """Every part of the world the folder's truth describes, and whether the truth
    lists them (truths written before continuations existed do not: one part)."""
    path = feeds_dir / "truth.json"
    try:
        with path.open(encoding="utf-8") as handle:
            truth = json.load(handle)
    except OSError as exc:
        raise ContinuationError(
            f"{path}: cannot read it ({exc.strerror or exc}); give the folder "
            "`iprgraph generate` wrote"
        ) from exc
    except ValueError as exc:
        raise ContinuationError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(truth, dict) or not {"seed", "records"} <= truth.keys():
        raise ContinuationError(f"{path}: not a truth.json of `iprgraph generate` (no seed)")
    listed = "lineage" in truth
    lineage = truth.get("lineage") or [{"seed": truth["seed"], "records": truth["records"]}]
    for entry in lineage:
        if not isinstance(entry.get("seed"), int) or not isinstance(entry.get("records"), int):
            raise ContinuationError(f"{path}: its lineage names no seed and size: {entry}")
    return list(lineage), listed


def _without_lineage(text: bytes) -> bytes:
    head, found, rest = text.partition(b'"lineage": [\n')
    if not found:
        return text
    return head + b'"entities"' + rest.split(b'],\n"entities"', 1)[1]


def _continue_seed(base: int, index: int, seed: int) -> str:
    """The generator's seed for part `index` of the world of `base`: another `seed`
    gives another continuation of the same world."""
    return f"continue:{base}:{index}:{seed}"


def _pace(run: WorldRun) -> float:
    """Records per day written so far."""
    records = sum(part.records for part in run.parts)
    days = max(1, max(part.newest for part in run.parts) - FIRST_DAY + 1)
    return max(records / days, 1e-6)


def _continuing(run: WorldRun, records: int) -> list[Network]:
    """The networks that go on: drawn among those active most recently."""
    if not run.networks or records < 20:
        return []
    wanted = max(1, round(records * NETWORK_SHARE / RECORDS_PER_CONTINUING_NETWORK))
    recent = sorted(run.networks, key=lambda net: (-net.end, net.id))[: 2 * wanted]
    return sorted(run.rng.sample(recent, min(wanted, len(recent))), key=lambda net: net.id)


def _going_on(run: WorldRun, net: Network, first_day: int, last_day: int) -> Network:
    """`net` in the new window: maybe a new front, a new agency, a new category. The
    changes stay on `net` (its truth); the copy returned plans the new records."""
    r, world = run.rng, run.world
    current = net.shippers[-1]
    shippers = [current]
    if r.random() < ROTATION_SHARE:
        core = net.shippers[0]
        city = core.parts.city.english if core.parts.city else r.choice(list(tables.CITIES))
        front = world.front_for(core, city, core.parts.industry or "trading")
        front.network = net.id
        net.shippers.append(front)
        shippers.append(front)  # takes over half way through the window
    agencies = list(net.agencies)
    if r.random() < NEW_AGENCY_SHARE:
        unseen = [a for a in (*ORIGIN_AGENCIES, *DESTINATION_AGENCIES) if a not in agencies]
        if unseen:
            agency = r.choice(unseen)
            net.agencies.append(agency)
            agencies += [agency, agency]  # weighs double in the new window: it is the news
            market = DESTINATION_AGENCIES.get(agency)
            if market and market not in net.consignees:
                consignee = world.consignee(market, recurring=True, person_share=0.35)
                consignee.network = net.id
                net.consignees[market] = [consignee]
    if r.random() < NEW_CATEGORY_SHARE:
        unseen_categories = [c for c in tables.CATEGORIES if c not in net.categories]
        if unseen_categories:
            net.categories.append(r.choice(unseen_categories))
    return dataclasses.replace(
        net, shippers=shippers, agencies=agencies, start=first_day, end=last_day
    )


def continue_part(
    run: WorldRun,
    records: int,
    seed: int,
    out: Path,
    progress: Callable[[int], None] | None = None,
) -> dict[str, feeds.FeedWriter]:
    """Write one more part of the world of `run` into `out` (feeds and manifest)."""
    run.rng.seed(_continue_seed(run.seed, len(run.parts), seed))
    newest = max(part.newest for part in run.parts)
    first_day = newest + 1
    last_day = first_day + max(MIN_WINDOW_DAYS, math.ceil(records / _pace(run))) - 1
    going = [_going_on(run, net, first_day, last_day) for net in _continuing(run, records)]
    fresh = [
        run.world.network(f"N{len(run.networks) + i + 1:04d}", first_day, last_day)
        for i in range(records // (2 * RECORDS_PER_NETWORK))
    ]
    run.networks.extend(fresh)
    planned = going + fresh
    slots = plan_slots(records, planned, run.rng, first_day, last_day)
    run.builder.networks = planned
    return run.write_part(Part(seed, records, first_day, last_day), slots, out, progress)


def replay(feeds_dir: Path, scratch: Path) -> WorldRun:
    """The world of `feeds_dir` rebuilt, every part written again under `scratch`;
    refused when its truth differs from the folder's."""
    lineage, listed = _lineage(feeds_dir)
    base = lineage[0]
    run = WorldRun(base["records"], base["seed"])
    try:
        run.write_part(Part(base["seed"], base["records"]), run.first_slots, scratch / "0")
        for index, entry in enumerate(lineage[1:], 1):
            continue_part(run, entry["records"], entry["seed"], scratch / str(index))
        run.write_truth(scratch / "truth.json")
        again = (scratch / "truth.json").read_bytes()
        if not listed:
            again = _without_lineage(again)
        if again != (feeds_dir / "truth.json").read_bytes():
            raise ContinuationError(
                f"{feeds_dir / 'truth.json'} is not what this generator writes for its "
                f"seeds and sizes ({', '.join(str(e['seed']) for e in lineage)}): it was "
                "written by another version of `iprgraph generate`, or edited, and cannot "
                "be continued"
            )
    except BaseException:
        run.close()
        raise
    return run


def continue_world(
    feeds_dir: Path,
    records: int,
    out: Path,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    rebuilt: Callable[[], None] | None = None,
) -> GenerateResult:
    """Write `records` new seizures of the world `feeds_dir` holds into `out`, with a
    truth.json extending its truth (see the module). `rebuilt` is called when the
    world has been rebuilt, before the new records are written."""
    if records < 0:
        raise ValueError("records must be >= 0")
    if out.resolve() == feeds_dir.resolve():
        raise ContinuationError(f"{out}: write the continuation into another folder")
    with tempfile.TemporaryDirectory(prefix="iprgraph-continue-") as scratch:
        run = replay(feeds_dir, Path(scratch))
    try:
        if rebuilt:
            rebuilt()
        before = run.mentions
        writers = continue_part(run, records, seed, out, progress)
        n_entities, n_networks = run.write_truth(out / "truth.json")
    finally:
        run.close()
    return _result(out, writers, n_entities, n_networks, run.mentions - before)
