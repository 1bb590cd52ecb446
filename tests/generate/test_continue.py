"""`iprgraph generate --continue`: new seizures of the same world, as processes.

A world of 300 records is continued with 100: the new records have record ids the
first world never used and dates after its newest; they name the same parties
(same true entities, written the way each agency writes them) and the same planted
networks, with new parties too; the truth extends the first one, and `evaluate` and
`evaluate-networks` score the graph holding both worlds."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.access import OPERATOR
from graph.config import Settings
from graph.resolve.evaluate import read_writes
from graph.store import GraphStore
from graph.summary import summarise
from tests.helpers import run_cli

SEED = 7


def _generate(data_dir: Path, *args: str) -> None:
    result = run_cli("generate", *args, data_dir=data_dir, timeout=300)
    assert result.returncode == 0, result.stderr


def _truth(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    root = tmp_path_factory.mktemp("continued")
    data_dir, first, second = root / "data", root / "first", root / "second"
    _generate(data_dir, "--records", "300", "--seed", str(SEED), "--out", str(first))
    _generate(data_dir, "--continue", str(first), "--records", "100", "--out", str(second))
    yield data_dir, first, second
    run_cli("db", "stop", data_dir=data_dir)


def test_new_record_ids_and_later_dates(worlds: tuple[Path, Path, Path]) -> None:
    _, first, second = worlds
    old, new = list(read_writes(first)), list(read_writes(second))
    truth = _truth(second)
    assert truth["records"] == 100 and len(new) == 100 - len(truth["malformed"])
    assert not {w.id for w in old} & {w.id for w in new}
    newest = max(w.props["seizure_date"] for w in old)
    assert min(w.props["seizure_date"] for w in new) > newest
    # The feeds hold no row of a record id the first world used, malformed ones included.
    old_ids = {w.props["record_id"] for w in old}
    for path in second.iterdir():
        if path.suffix in (".csv", ".tsv", ".ndjson"):
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            assert not [rid for rid in old_ids if rid in text], path.name


def test_the_truth_extends_the_first_and_continues_its_parties_and_networks(
    worlds: tuple[Path, Path, Path],
) -> None:
    _, first, second = worlds
    old, new = _truth(first), _truth(second)
    assert [part["seed"] for part in new["lineage"]] == [SEED, 1]
    assert new["lineage"][0]["malformed"] == old["malformed"]
    for eid, entity in old["entities"].items():
        kept = new["entities"][eid]
        assert {k: v for k, v in kept.items() if k != "roles"} == {
            k: v for k, v in entity.items() if k != "roles"
        }
        assert set(entity["roles"]) <= set(kept["roles"])
    assert new["mentions"][: len(old["mentions"])] == old["mentions"]
    for net_id, network in old["networks"].items():
        assert set(network["members"]) <= set(new["networks"][net_id]["members"])
        assert set(network["jurisdictions"]) <= set(new["networks"][net_id]["jurisdictions"])
    assert all(pair in new["distractors"] for pair in old["distractors"])

    fresh = new["mentions"][len(old["mentions"]) :]
    assert fresh
    old_ids = {(m["agency"], m["record_id"]) for m in old["mentions"]}
    assert not {(m["agency"], m["record_id"]) for m in fresh} & old_ids
    known = [m for m in fresh if m["entity"] in old["entities"]]
    unknown = {m["entity"] for m in fresh} - set(old["entities"])
    # The same world: many new mentions name parties seized before, and new ones appear.
    assert len(known) >= len(fresh) // 4, (len(known), len(fresh))
    assert unknown
    # Recurring parties are written the way their agency wrote them before.
    spelled = {(m["agency"], m["entity"], m["name"]) for m in old["mentions"]}
    same = [m for m in known if (m["agency"], m["entity"], m["name"]) in spelled]
    assert len(same) >= len(known) // 3, (len(same), len(known))
    # Planted networks go on: their members are seized again.
    member_of = {
        member: net_id for net_id, net in new["networks"].items() for member in net["members"]
    }
    continuing = Counter(member_of[m["entity"]] for m in fresh if m["entity"] in member_of)
    assert set(continuing) & set(old["networks"]), continuing


def test_both_worlds_load_into_one_graph_and_are_scored_over_the_union(
    worlds: tuple[Path, Path, Path],
) -> None:
    data_dir, first, second = worlds
    for folder in (first, second):
        ingested = run_cli("ingest", str(folder), "--json", data_dir=data_dir, timeout=600)
        assert ingested.returncode == 0, ingested.stderr
        files = json.loads(ingested.stdout)["files"]
        assert sum(f["updated"] + f["unchanged"] for f in files) == 0
    old, new = _truth(first), _truth(second)
    with GraphStore.open(Settings(data_dir=data_dir), start_embedded=False) as store:
        seizures = summarise(store, OPERATOR).labels.get("Seizure", 0)
    assert seizures == 400 - len(old["malformed"]) - len(new["malformed"])

    scored = {}
    for folder in (first, second):
        result = run_cli(
            "evaluate-resolution", "--truth", str(folder / "truth.json"), "--json",
            data_dir=data_dir,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        scored[folder] = json.loads(result.stdout)
    union = scored[second]
    # The union's truth names every party of both worlds; the first names fewer.
    assert union["parties"] > scored[first]["parties"]
    assert union["mentions_not_in_graph"] == 0
    assert union["pairwise"]["precision"] >= 0.95, union
    networks = run_cli(
        "evaluate-networks", "--truth", str(second / "truth.json"), "--json", data_dir=data_dir
    )
    assert networks.returncode == 0, networks.stderr
    figures = json.loads(networks.stdout)
    assert figures["planted_networks"] == len(new["networks"]) >= 1
    assert figures["recovered"] >= 1, figures


def test_a_continued_world_continues_again_and_refuses_an_edited_truth(
    worlds: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data_dir, first, second = worlds
    third = tmp_path / "third"
    _generate(data_dir, "--continue", str(second), "--records", "60", "--seed", "3",
              "--out", str(third))  # fmt: skip
    writes = {folder: list(read_writes(folder)) for folder in (first, second, third)}
    ids = [w.id for ws in writes.values() for w in ws]
    assert len(ids) == len(set(ids))
    assert min(w.props["seizure_date"] for w in writes[third]) > max(
        w.props["seizure_date"] for w in writes[second]
    )
    assert [part["seed"] for part in _truth(third)["lineage"]] == [SEED, 1, 3]

    edited = tmp_path / "edited"
    edited.mkdir()
    text = (first / "truth.json").read_text(encoding="utf-8")
    (edited / "truth.json").write_text(text.replace('"records": 300', '"records": 299', 1))
    refused = run_cli(
        "generate", "--continue", str(edited), "--records", "10", "--out",
        str(tmp_path / "never"), data_dir=data_dir,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "cannot be continued" in refused.stderr and "Traceback" not in refused.stderr
    missing = run_cli(
        "generate", "--continue", str(tmp_path / "nothing"), "--records", "10", "--out",
        str(tmp_path / "never"), data_dir=data_dir,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "truth.json: cannot read it" in missing.stderr
