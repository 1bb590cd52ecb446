"""`generate`: write agency feeds, their profiles, a manifest and the ground truth.

Order of work: build the world (entities and planted networks), plan every record's
agency, date and network, then build and write records one at a time in date order,
spooling truth mentions to a temporary file. Only the world and the plan (small tuples)
are held in memory; rows are never accumulated.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import yaml
from stdnum import iso6346

from ingest.generate import feeds
from ingest.generate.records import (
    FIRST_DAY,
    LAST_DAY,
    RECORDS_PER_NETWORK,
    Built,
    RecordBuilder,
    Slot,
    plan_slots,
)
from ingest.generate.routes import AGENCY_JURISDICTION
from ingest.generate.world import World

PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class GenerateResult:
    out: Path
    files: list[str]  # feed files, in manifest order
    records_per_file: dict[str, int]  # rows written, malformed included
    malformed: int
    entities: int  # entities in truth.json
    networks: int
    mentions: int


def _network_count(records: int) -> int:
    if records < 20:
        return 0
    if records < 600:
        return max(1, records // 150)
    return max(3, records // RECORDS_PER_NETWORK)


@dataclass
class Part:
    """One generated folder of a world: the first, or one continuing it."""

    seed: int
    records: int
    first_day: int = FIRST_DAY  # date ordinals of the part's window
    last_day: int = LAST_DAY
    newest: int = 0  # the latest seizure date written (ordinal)
    malformed: list[feeds.Planted] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "records": self.records,
            "first_day": date.fromordinal(self.first_day).isoformat(),
            "last_day": date.fromordinal(self.last_day).isoformat(),
            "newest": date.fromordinal(self.newest).isoformat() if self.newest else None,
            "malformed": [
                {"file": p.file, "line": p.line, "defect": p.defect} for p in self.malformed
            ],
        }


class WorldRun:
    """A world being written, part after part: its entities and networks, the
    builder (house spellings, pools, record-id counters) and what the truth
    accumulates over every part. One seeded generator drives everything, so the same
    parts give the same bytes."""

    def __init__(self, records: int, seed: int) -> None:
        # Reproducible simulation, not cryptography: one seeded generator drives everything.
        self.rng = random.Random(seed)  # noqa: S311
        self.seed = seed
        self.world = World(self.rng)
        self.networks = [
            self.world.network(f"N{i + 1:04d}", FIRST_DAY, LAST_DAY)
            for i in range(_network_count(records))
        ]
        self.first_slots = plan_slots(records, self.networks, self.rng)
        self.builder = RecordBuilder(self.world, self.networks, records, self.rng, seed)
        self.parts: list[Part] = []
        self.mention_count: dict[str, int] = {}
        self.roles: dict[str, set[str]] = {}
        self.seen_in: dict[str, set[str]] = {}
        self.containers: dict[str, set[str]] = {"network": set(), "pool": set(), "fresh": set()}
        self.net_containers: dict[str, set[str]] = {}
        self.mentions = 0
        # Truth mentions of every part, one JSON line each, in the order written.
        self.spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def close(self) -> None:
        self.spool.close()

    def write_part(
        self,
        part: Part,
        slots: list[Slot],
        out: Path,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, feeds.FeedWriter]:
        """Build and write the records of `slots` into feeds under `out`, with the
        manifest and the profiles; the truth they add is kept for `write_truth`."""
        out.mkdir(parents=True, exist_ok=True)
        rng = self.rng
        writers = feeds.open_writers(out, rng)
        self.spool.seek(0, 2)
        for done, slot in enumerate(slots, 1):
            built = self.builder.build(slot)
            defect = feeds.pick_defect(writers[slot.agency].file, rng) if slot.malformed else None
            writers[slot.agency].write(built.record, defect)
            part.newest = max(part.newest, slot.day)
            if defect is None:
                self._note(slot, built)
            if progress and (done % PROGRESS_EVERY == 0 or done == len(slots)):
                progress(done)
        for w in writers.values():
            w.close()
        part.malformed = [p for w in writers.values() for p in w.planted]
        self.parts.append(part)
        _write_manifest(out, writers)
        return writers

    def _note(self, slot: Slot, built: Built) -> None:
        rid = built.record["record_id"]
        for role, index, name, eid in built.mentions:
            row = {
                "agency": slot.agency,
                "record_id": rid,
                "role": role,
                "index": index,
                "name": name,
                "entity": eid,
            }
            self.spool.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.mentions += 1
            self.mention_count[eid] = self.mention_count.get(eid, 0) + 1
            self.roles.setdefault(eid, set()).add(role)
            self.seen_in.setdefault(eid, set()).add(AGENCY_JURISDICTION[slot.agency])
        for number, kind in built.containers:
            self.containers[kind].add(number)
            if kind == "network":
                network = self.builder.networks[slot.network].id
                self.net_containers.setdefault(network, set()).add(number)

    def write_truth(self, path: Path) -> tuple[int, int]:
        """truth.json of the world so far (every part), for the last part's folder."""
        self.spool.seek(0)
        try:
            return _write_truth(path, self)
        finally:
            self.spool.seek(0, 2)


def generate(
    records: int, seed: int, out: Path, progress: Callable[[int], None] | None = None
) -> GenerateResult:
    """Write `records` seizure records over all agency feeds into `out`, deterministically."""
    if records < 0:
        raise ValueError("records must be >= 0")
    run = WorldRun(records, seed)
    try:
        writers = run.write_part(Part(seed, records), run.first_slots, out, progress)
        n_entities, n_networks = run.write_truth(out / "truth.json")
    finally:
        run.close()
    return _result(out, writers, n_entities, n_networks, run.mentions)


def _result(
    out: Path,
    writers: dict[str, feeds.FeedWriter],
    entities: int,
    networks: int,
    mentions: int,
) -> GenerateResult:
    return GenerateResult(
        out=out,
        files=[w.file for w in writers.values()],
        records_per_file={w.file: w.rows for w in writers.values()},
        malformed=sum(len(w.planted) for w in writers.values()),
        entities=entities,
        networks=networks,
        mentions=mentions,
    )


def _write_manifest(out: Path, writers: dict[str, feeds.FeedWriter]) -> None:
    (out / "profiles").mkdir(exist_ok=True)
    entries: list[dict[str, str]] = []
    for w in writers.values():
        entry = {"file": w.file}
        if w.profile:
            shutil.copyfile(
                feeds.PROFILE_DIR / f"{w.profile}.yaml", out / "profiles" / f"{w.profile}.yaml"
            )
            entry["profile"] = f"profiles/{w.profile}.yaml"
        entry["agency"] = w.agency
        entries.append(entry)
    text = yaml.safe_dump({"feeds": entries}, sort_keys=False, allow_unicode=True)
    (out / "manifest.yaml").write_text(text, encoding="utf-8")


def _write_truth(path: Path, run: WorldRun) -> tuple[int, int]:
    """Write truth.json, one entity / mention / network per line so it diffs and greps well.

    Entities, mentions, networks, distractors and containers are those of the whole
    world (every part written so far); `seed`, `records` and `malformed` are those of
    the last part, the folder the truth lies in; `lineage` lists every part, the
    earlier ones with their malformed rows."""
    world, networks, spool = run.world, run.networks, run.spool
    mention_count, roles, seen_in = run.mention_count, run.roles, run.seen_in
    containers, net_containers = run.containers, run.net_containers
    part = run.parts[-1]
    seed, records, planted = part.seed, part.records, part.malformed
    keep = set(mention_count)
    # A front's principal stays in the truth even if it was never seized itself.
    keep |= {e.front_of for eid in list(keep) if (e := world.entities[eid]).front_of}
    entity_ids = sorted(keep)

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f'{{\n"seed": {seed},\n"records": {records},\n"lineage": [\n')
        for i, earlier in enumerate(run.parts):
            entry = earlier.as_dict()
            if earlier is part:
                del entry["malformed"]  # the top-level 'malformed', this folder's rows
            fh.write(("," if i else "") + dump(entry) + "\n")
        fh.write('],\n"entities": {\n')
        for i, eid in enumerate(entity_ids):
            e = world.entities[eid]
            body: dict[str, Any] = {
                "kind": e.kind,
                "canonical_name": e.canonical_name,
                "country": e.country,
                "roles": sorted(roles.get(eid, ())),
                "network": e.network,
                "front_of": e.front_of,
            }
            fh.write(("," if i else "") + f"{dump(eid)}: {dump(body)}\n")
        fh.write('},\n"mentions": [\n')
        for i, line in enumerate(spool):
            fh.write(("," if i else "") + line)
        fh.write('],\n"networks": {\n')
        n_networks = 0
        for net in networks:
            members = sorted(m.id for m in net.members if m.id in mention_count)
            if not members:
                continue
            juris = sorted({j for m in members for j in seen_in.get(m, ())})
            body = {
                "members": members,
                "jurisdictions": juris,
                "cross_jurisdiction": len(juris) >= 2,
                "planted": True,
                "containers": sorted(net_containers.get(net.id, ())),
            }
            fh.write(("," if n_networks else "") + f"{dump(net.id)}: {dump(body)}\n")
            n_networks += 1
        fh.write('},\n"distractors": [\n')
        pairs = [
            list(d) for d in world.distractors if d[0] in mention_count and d[1] in mention_count
        ]
        for i, pair in enumerate(pairs):
            fh.write(("," if i else "") + dump(pair) + "\n")
        fh.write('],\n"malformed": [\n')
        for i, p in enumerate(planted):
            fh.write(
                ("," if i else "")
                + dump({"file": p.file, "line": p.line, "defect": p.defect})
                + "\n"
            )
        used = containers["network"] | containers["pool"] | containers["fresh"]
        extra = {
            # Carrier-owned boxes drawn by unrelated shippers: sharing one is a weak link.
            "carrier_pooled": sorted(containers["pool"]),
            "invalid_check_digit": sorted(c for c in used if not iso6346.is_valid(c)),
        }
        fh.write(f'],\n"containers": {dump(extra)}\n}}\n')
    return len(entity_ids), n_networks
