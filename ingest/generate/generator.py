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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml
from stdnum import iso6346

from ingest.generate import feeds
from ingest.generate.records import (
    FIRST_DAY,
    LAST_DAY,
    RECORDS_PER_NETWORK,
    RecordBuilder,
    plan_slots,
)
from ingest.generate.routes import AGENCY_JURISDICTION
from ingest.generate.world import Network, World

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


def generate(
    records: int, seed: int, out: Path, progress: Callable[[int], None] | None = None
) -> GenerateResult:
    """Write `records` seizure records over all agency feeds into `out`, deterministically."""
    if records < 0:
        raise ValueError("records must be >= 0")
    out.mkdir(parents=True, exist_ok=True)
    # Reproducible simulation, not cryptography: one seeded generator drives everything.
    rng = random.Random(seed)  # noqa: S311
    world = World(rng)
    networks = [
        world.network(f"N{i + 1:04d}", FIRST_DAY, LAST_DAY) for i in range(_network_count(records))
    ]
    slots = plan_slots(records, networks, rng)
    builder = RecordBuilder(world, networks, records, rng)
    writers = feeds.open_writers(out, rng)

    mention_count: dict[str, int] = {}
    roles: dict[str, set[str]] = {}
    seen_in: dict[str, set[str]] = {}
    containers: dict[str, set[str]] = {"network": set(), "pool": set(), "fresh": set()}
    net_containers: dict[str, set[str]] = {}
    n_mentions = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for done, slot in enumerate(slots, 1):
            built = builder.build(slot)
            defect = feeds.pick_defect(writers[slot.agency].file, rng) if slot.malformed else None
            writers[slot.agency].write(built.record, defect)
            if defect is None:
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
                    spool.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n_mentions += 1
                    mention_count[eid] = mention_count.get(eid, 0) + 1
                    roles.setdefault(eid, set()).add(role)
                    seen_in.setdefault(eid, set()).add(AGENCY_JURISDICTION[slot.agency])
                for number, kind in built.containers:
                    containers[kind].add(number)
                    if kind == "network":
                        net_containers.setdefault(networks[slot.network].id, set()).add(number)
            if progress and (done % PROGRESS_EVERY == 0 or done == len(slots)):
                progress(done)
        for w in writers.values():
            w.close()
        spool.seek(0)
        n_entities, n_networks = _write_truth(
            out / "truth.json",
            seed,
            records,
            world,
            networks,
            spool,
            mention_count,
            roles,
            seen_in,
            containers,
            net_containers,
            [p for w in writers.values() for p in w.planted],
        )

    _write_manifest(out, writers)
    return GenerateResult(
        out=out,
        files=[w.file for w in writers.values()],
        records_per_file={w.file: w.rows for w in writers.values()},
        malformed=sum(len(w.planted) for w in writers.values()),
        entities=n_entities,
        networks=n_networks,
        mentions=n_mentions,
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


def _write_truth(
    path: Path,
    seed: int,
    records: int,
    world: World,
    networks: list[Network],
    spool: IO[str],
    mention_count: dict[str, int],
    roles: dict[str, set[str]],
    seen_in: dict[str, set[str]],
    containers: dict[str, set[str]],
    net_containers: dict[str, set[str]],
    planted: list[feeds.Planted],
) -> tuple[int, int]:
    """Write truth.json, one entity / mention / network per line so it diffs and greps well."""
    keep = set(mention_count)
    # A front's principal stays in the truth even if it was never seized itself.
    keep |= {e.front_of for eid in list(keep) if (e := world.entities[eid]).front_of}
    entity_ids = sorted(keep)

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f'{{\n"seed": {seed},\n"records": {records},\n"entities": {{\n')
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
