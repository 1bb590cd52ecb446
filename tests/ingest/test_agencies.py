"""The agency registry: records and their releasable_to name agencies it holds;
configuration adds agencies (IPRGRAPH_AGENCIES_FILE, or agencies.yaml in the data
directory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.embedded import EmbeddedServer
from graph.store import GraphStore
from ingest.agencies import AgencyRegistry, RegistryFileError, UnknownAgency
from tests.factories import seizure_record, write_ndjson
from tests.helpers import cli_env_on, run_cli

SINGAPORE = "agencies:\n  - code: SG-CUSTOMS\n    name: Singapore Customs\n    jurisdiction: SG\n"


@pytest.mark.parametrize("code", ["*", "ALL", "'; DROP TABLE seizures; --", "EU-XX", "HK", ""])
def test_what_is_no_agency_is_refused_with_a_sentence(code: str) -> None:
    with pytest.raises(UnknownAgency, match="is not an agency of the registry"):
        AgencyRegistry().check(code)


def test_known_agencies_in_any_case() -> None:
    registry = AgencyRegistry()
    assert registry.check(" us-cbp ").code == "US-CBP"
    assert registry.check("EU-NL").jurisdiction == "NL"
    assert len([code for code in registry.codes if code.startswith("EU-")]) == 27


def test_a_registry_file_adds_agencies(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(SINGAPORE, encoding="utf-8")
    singapore = AgencyRegistry.load(path).check("sg-customs")
    assert (singapore.name, singapore.jurisdiction) == ("Singapore Customs", "SG")
    for text, problem in (
        ("agencies:\n  - code: '*'\n    name: x\n", "String should match pattern"),
        ("agencies: &a [*a]\n", "anchor or alias"),
        ("agencies:\n  - code: SG-X\n", "required field 'agencies.0.name' is missing"),
    ):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RegistryFileError, match=problem):
            AgencyRegistry.load(path)


def test_configured_agencies_load_and_others_are_quarantined(
    store: GraphStore, embedded_server: EmbeddedServer, tmp_path: Path
) -> None:
    records = [
        seizure_record(record_id="SG-1", agency="SG-CUSTOMS"),
        seizure_record(
            record_id="HK-1", handling={"tlp": "AMBER", "releasable_to": ["SG-CUSTOMS"]}
        ),
    ]
    feed = write_ndjson(tmp_path / "sg.ndjson", records)
    env = cli_env_on(embedded_server, store.database)
    data_dir = tmp_path / "data"

    def ingest(**extra: str) -> dict[str, object]:
        result = run_cli(
            "ingest", str(feed), "--json", "--no-resolve", data_dir=data_dir, **env, **extra
        )
        assert result.returncode == 0, result.stderr
        [report] = json.loads(result.stdout)["files"]
        return report  # type: ignore[no-any-return]

    refused = ingest()
    assert (refused["loaded"], refused["quarantined"]) == (0, 2)
    registry = tmp_path / "registry.yaml"
    registry.write_text(SINGAPORE, encoding="utf-8")
    assert ingest(IPRGRAPH_AGENCIES_FILE=str(registry))["loaded"] == 2
    [row] = store.read("MATCH (s:Seizure {id: 'HK-CED:HK-1'}) RETURN s.releasable_to AS to")
    assert row["to"] == ["SG-CUSTOMS"]

    # The data directory's agencies.yaml is read when no file is configured.
    data_dir.mkdir(exist_ok=True)
    (data_dir / "agencies.yaml").write_text("agencies: &x [*x]\n", encoding="utf-8")
    broken = run_cli("ingest", str(feed), data_dir=data_dir, **env)
    assert broken.returncode == 1
    assert "agency registry" in broken.stderr and "anchor or alias" in broken.stderr
    assert "Traceback" not in broken.stderr
