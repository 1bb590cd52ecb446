"""Entity resolution from the command line: ingest resolves, analysts judge, and the
entities are scored against the generator's ground truth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import generate_and_ingest, run_cli

# The floors of the issue, on a fixed seed. BENCHMARKS.md has the figures at larger
# sizes; this size keeps the test to about a minute.
SEED = 11
RECORDS = 600
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.90


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    feeds, summary = generate_and_ingest(data_dir, RECORDS, SEED)
    resolution = summary["resolution"]
    assert resolution["compared_parties"] > 0
    assert resolution["auto_links"] > 0
    yield data_dir, feeds
    run_cli("db", "stop", data_dir=data_dir)


def test_resolution_meets_the_floors_on_the_ground_truth(loaded: tuple[Path, Path]) -> None:
    data_dir, feeds = loaded
    result = run_cli(
        "evaluate-resolution", "--truth", str(feeds / "truth.json"), "--json", data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    pairwise = figures["pairwise"]
    assert pairwise["true_pairs"] > 50, "the corpus must hold name variants to resolve"
    assert pairwise["precision"] >= PRECISION_FLOOR, figures
    assert pairwise["recall"] >= RECALL_FLOOR, figures


def test_resolve_again_has_nothing_to_do_and_a_full_run_changes_nothing(
    loaded: tuple[Path, Path],
) -> None:
    data_dir, _ = loaded
    again = run_cli("resolve", "--json", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["compared_parties"] == 0
    full = run_cli("resolve", "--full", "--json", data_dir=data_dir, timeout=600)
    assert full.returncode == 0, full.stderr
    report = json.loads(full.stdout)
    assert report["compared_parties"] > 0
    assert report["parties_whose_entity_changed"] == 0


def test_judge_records_a_decision_and_refuses_nonsense(loaded: tuple[Path, Path]) -> None:
    data_dir, feeds = loaded
    truth = json.loads((feeds / "truth.json").read_text(encoding="utf-8"))
    assert truth["mentions"]
    unknown = run_cli(
        "judge", "party:a", "party:b", "--decision", "rejected", "--by", "me", data_dir=data_dir
    )
    assert unknown.returncode == 1
    assert "No party has the id 'party:a'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    machine = run_cli(
        "judge", "party:a", "party:b", "--decision", "auto", "--by", "me", data_dir=data_dir
    )
    assert machine.returncode == 2  # not one of the choices: a usage error
    assert "auto" in machine.stderr
    assert "Traceback" not in machine.stderr


def test_evaluate_resolution_refuses_a_file_that_is_no_truth(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    data_dir, _ = loaded
    bogus = tmp_path / "truth.json"
    bogus.write_text('{"seed": 1}', encoding="utf-8")
    result = run_cli("evaluate-resolution", "--truth", str(bogus), data_dir=data_dir)
    assert result.returncode == 1
    assert "not a truth.json" in result.stderr
