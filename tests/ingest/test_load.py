"""Loading canonical records into the embedded server: accounting, idempotence,
corrections, quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import queries
from graph import write as graph_write
from graph.access import OPERATOR
from graph.load import Loader
from graph.model import Label, PartyRole
from graph.store import GraphStore, Tx
from graph.summary import summarise
from tests.factories import load_records, seizure_record, write_ndjson


def _loader(store: GraphStore, tmp_path: Path, **kwargs: object) -> Loader:
    return Loader(store, tmp_path / "quarantine", **kwargs)  # type: ignore[arg-type]


def test_load_builds_the_graph_of_the_record(store: GraphStore, tmp_path: Path) -> None:
    feed = write_ndjson(tmp_path / "hk.ndjson", [seizure_record(record_id="HK-1")])
    report = _loader(store, tmp_path).load_file(feed)
    assert (report.read, report.loaded, report.quarantined, report.unchanged) == (1, 1, 0, 0)

    labels = summarise(store, OPERATOR).labels
    assert labels["Seizure"] == 1
    # HKHKG, CNYTN (Yantian) and SGSIN
    assert labels["Port"] == 3
    # HK (agency and seizure port), CN (origin, Yantian), US (destination), SG (Singapore)
    assert labels["Jurisdiction"] == 4
    assert labels["Party"] == 2
    parties = store.read(
        "MATCH (s:Seizure {id: $id})-[e]->(p:Party) "
        "RETURN type(e) AS rel, labels(p) AS labels, e.source_line AS line, e.tlp AS tlp",
        id="HK-CED:HK-1",
    )
    assert sorted((row["rel"], sorted(row["labels"])) for row in parties) == [
        ("CONSIGNED_TO", ["Consignee", "Party"]),
        ("SHIPPED_BY", ["Party", "Shipper"]),
    ]
    assert {(row["line"], row["tlp"]) for row in parties} == {(1, "AMBER")}


def test_reloading_changes_nothing_and_says_so(store: GraphStore, tmp_path: Path) -> None:
    records = [seizure_record() for _ in range(7)]
    feed = write_ndjson(tmp_path / "feed.ndjson", records)
    loader = _loader(store, tmp_path, batch_size=3)
    first = loader.load_file(feed)
    before = summarise(store, OPERATOR)
    again = loader.load_file(feed)
    assert (first.loaded, first.unchanged) == (7, 0)
    assert (again.read, again.loaded, again.unchanged) == (7, 0, 7)
    assert summarise(store, OPERATOR) == before


def test_a_corrected_record_updates_and_keeps_the_earlier_version(
    store: GraphStore, tmp_path: Path
) -> None:
    original = seizure_record(record_id="HK-9", port_of_seizure="HKHKG")
    corrected = {**original, "port_of_seizure": "MOMFM"}
    loader = _loader(store, tmp_path)
    loader.load_file(write_ndjson(tmp_path / "v1.ndjson", [original]))
    report = loader.load_file(write_ndjson(tmp_path / "v2.ndjson", [corrected]))
    assert (report.loaded, report.updated, report.unchanged) == (1, 1, 0)
    seized_at = store.read(
        "MATCH (:Seizure {id: $id})-[:SEIZED_AT]->(p:Port) RETURN p.id AS port", id="HK-CED:HK-9"
    )
    assert seized_at == [{"port": "MOMFM"}]
    history = store.read(
        "MATCH (s:Seizure {id: $id}) RETURN s.history AS history, s.source_file AS file",
        id="HK-CED:HK-9",
    )[0]
    assert history["file"] == "v2.ndjson"
    [earlier] = [json.loads(entry) for entry in history["history"]]
    assert json.loads(earlier["record"])["port_of_seizure"] == "HKHKG"
    assert earlier["source"].endswith(":000000001")


def test_bad_rows_are_quarantined_with_line_and_reason(store: GraphStore, tmp_path: Path) -> None:
    good = seizure_record()
    lines = [
        json.dumps(good),
        '{"record_id": "X", "agency": ',  # truncated
        json.dumps({**seizure_record(), "bogus_field": 1}),
        json.dumps({**seizure_record(), "seizure_date": "31/02/2024"}),
        json.dumps({k: v for k, v in seizure_record().items() if k != "record_id"}),
        json.dumps({**seizure_record(), "transport_mode": "teleport"}),
        "[1, 2]",
    ]
    feed = write_ndjson(tmp_path / "bad.ndjson", lines)
    report = _loader(store, tmp_path).load_file(feed)
    assert (report.read, report.loaded, report.quarantined) == (7, 1, 6)
    assert report.balanced
    assert report.quarantine_file is not None
    entries = [json.loads(line) for line in Path(report.quarantine_file).read_text().splitlines()]
    by_line = {entry["line"]: entry["reason"] for entry in entries}
    assert "not valid JSON" in by_line[2]
    assert "unknown key 'bogus_field'" in by_line[3]
    assert "seizure_date" in by_line[4] and "31/02/2024" in by_line[4]
    assert "required field 'record_id' is missing" in by_line[5]
    assert "transport_mode" in by_line[6]
    assert "not a JSON object" in by_line[7]
    assert all(entry["raw"] == lines[entry["line"] - 1] for entry in entries)
    assert store.read(queries.count_label_query(Label.SEIZURE)) == [{"count": 1}]


def test_agency_option_fills_a_missing_agency_and_refuses_a_conflict(
    store: GraphStore, tmp_path: Path
) -> None:
    unnamed = {k: v for k, v in seizure_record(record_id="A-1").items() if k != "agency"}
    other = seizure_record(record_id="A-2", agency="MO-CS")
    feed = write_ndjson(tmp_path / "feed.ndjson", [unnamed, other])
    report = _loader(store, tmp_path, agency="us-cbp").load_file(feed)
    assert (report.loaded, report.quarantined) == (1, 1)
    assert store.read("MATCH (s:Seizure) RETURN s.id AS id") == [{"id": "US-CBP:A-1"}]


def test_unresolved_port_and_invalid_container_are_kept_and_flagged(
    store: GraphStore, tmp_path: Path
) -> None:
    record = seizure_record(
        record_id="F-1", port_of_loading="Nowhere Harbour", containers=["TGHU1234560"]
    )
    _loader(store, tmp_path).load_file(write_ndjson(tmp_path / "f.ndjson", [record]))
    row = store.read(
        "MATCH (s:Seizure {id: $id})-[:LOADED_AT]->(p:Port) "
        "MATCH (s)-[:IN_CONTAINER]->(c:Container) "
        "RETURN p.id AS port, p.resolved AS resolved, c.id AS container, c.valid AS valid, "
        "s.flags AS flags",
        id="HK-CED:F-1",
    )[0]
    assert row["port"] == "unresolved:nowhere harbour"
    assert row["resolved"] is False
    assert (row["container"], row["valid"]) == ("TGHU1234560", False)
    assert any("Nowhere Harbour" in flag for flag in row["flags"])
    assert any("TGHU1234560" in flag for flag in row["flags"])


_ROLE_FIELDS = {
    PartyRole.SHIPPER: "shipper",
    PartyRole.CONSIGNEE: "consignee",
    PartyRole.FORWARDER: "forwarder",
    PartyRole.MANUFACTURER: "manufacturers",
}


_PLAIN_ROLES = ("SHIPPER", "CONSIGNEE", "FORWARDER")


def _party_labels(store: GraphStore) -> dict[str, set[str]]:
    rows = store.read("MATCH (p:Party) RETURN p.name AS name, labels(p) AS labels")
    return {row["name"]: set(row["labels"]) for row in rows}


def test_parties_carry_every_role_they_are_named_in(store: GraphStore, tmp_path: Path) -> None:
    # One party per set of roles, each named in all of its roles by one record;
    # new parties are created with their labels (one statement per set of roles).
    records, expected = [], {}
    for roles in queries.role_combinations():
        name = "Roles " + " ".join(role.name for role in roles) + " Co Ltd"
        party = {"name": name, "country": "CN"}
        record = seizure_record()
        for field in _ROLE_FIELDS.values():
            record.pop(field, None)
        for role in roles:
            record[_ROLE_FIELDS[role]] = [party] if role == PartyRole.MANUFACTURER else party
        records.append(record)
        expected[name] = {"Party", *roles}
    load_records(store, tmp_path, records)
    assert _party_labels(store) == expected

    # Parties already in the graph named in a new role gain its label (one
    # statement per role, each run here), and keep their others.
    shipper, consignee, forwarder = (f"Roles {role} Co Ltd" for role in _PLAIN_ROLES)
    again = seizure_record(
        shipper={"name": forwarder, "country": "CN"},
        consignee={"name": shipper, "country": "CN"},
        forwarder={"name": consignee, "country": "CN"},
        manufacturers=[{"name": shipper, "country": "CN"}],
    )
    load_records(store, tmp_path, [again])
    expected[shipper] = {"Party", "Shipper", "Consignee", "Manufacturer"}
    expected[consignee] = {"Party", "Consignee", "Forwarder"}
    expected[forwarder] = {"Party", "Forwarder", "Shipper"}
    assert _party_labels(store) == expected


def test_a_party_relabelled_by_a_loader_alongside_mid_batch_is_still_linked(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ArcadeDB relabels a node by rewriting it under a new element id. A loader
    # alongside that does so between this batch's party write and its links (made
    # here to happen then) must not cost the batch its links: it runs again.
    load_records(store, tmp_path, [seizure_record(record_id="RL-1")])
    shipper = store.read(
        "MATCH (:Seizure {id: $id})-[:SHIPPED_BY]->(p:Party) RETURN p.id AS id", id="HK-CED:RL-1"
    )[0]["id"]
    run, relabelled = Tx.run, []

    def run_then_relabel(tx: Tx, query: str, **params: object) -> list[dict[str, object]]:
        rows = run(tx, query, **params)
        if not relabelled and query == queries.upsert_nodes_query(Label.PARTY):
            relabelled.append(shipper)
            store.write(queries.role_label_query(PartyRole.FORWARDER), ids=[shipper])
        return rows

    monkeypatch.setattr(Tx, "run", run_then_relabel)
    feed = write_ndjson(tmp_path / "second.ndjson", [seizure_record(record_id="RL-2")])
    report = _loader(store, tmp_path).load_file(feed)
    monkeypatch.undo()
    assert relabelled == [shipper]
    assert report.loaded == 1
    linked = store.read(
        "MATCH (:Seizure {id: $id})-[e]->(p:Party) RETURN type(e) AS rel, p.id AS id",
        id="HK-CED:RL-2",
    )
    assert {row["rel"] for row in linked} == {"SHIPPED_BY", "CONSIGNED_TO"}
    assert shipper in {row["id"] for row in linked}


def test_a_batch_whose_links_miss_a_node_runs_again(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the engine had not noticed a node rewritten under another element id
    # (above): the first attempt is handed an element id that no node has.
    written, calls = graph_write._written, []

    def stale_once(tx: Tx, query: str, rows: list[dict[str, object]]) -> dict[str, str]:
        found = written(tx, query, rows)
        calls.append(query)
        if len(calls) == 1:
            found = dict.fromkeys(found, "#999:999")
        return found

    monkeypatch.setattr(graph_write, "_written", stale_once)
    feed = write_ndjson(tmp_path / "feed.ndjson", [seizure_record(record_id="RW-1")])
    report = _loader(store, tmp_path).load_file(feed)
    monkeypatch.undo()
    assert (report.loaded, report.constraint_retries) == (1, 1)
    # Every link of the record is there: as many, of each kind, as a clean load of
    # the same record gives.
    load_records(store, tmp_path, [seizure_record(record_id="RW-2")])
    links = {
        record: sorted(
            row["rel"]
            for row in store.read(
                "MATCH (:Seizure {id: $id})-[e]->() RETURN type(e) AS rel", id=f"HK-CED:{record}"
            )
        )
        for record in ("RW-1", "RW-2")
    }
    assert links["RW-1"] and links["RW-1"] == links["RW-2"]


def _seizure_state(store: GraphStore, seizure_id: str) -> dict[str, object]:
    row = store.read(
        "MATCH (s:Seizure {id: $id}) "
        "RETURN s.tlp AS tlp, s.history AS history, s.source_line AS line, s.record AS record",
        id=seizure_id,
    )[0]
    links = store.read(
        "MATCH (:Seizure {id: $id})-[e]->(n) RETURN type(e) AS rel, n.id AS node", id=seizure_id
    )
    return {**row, "links": sorted((link["rel"], link["node"]) for link in links)}


@pytest.mark.parametrize("batch_size", [500, 2])
def test_rows_of_one_record_in_a_run_are_versions_applied_in_order(
    store: GraphStore, tmp_path: Path, batch_size: int
) -> None:
    red = seizure_record(record_id="V-1", handling={"tlp": "RED"}, port_of_seizure="HKHKG")
    green = {**red, "handling": {"tlp": "GREEN"}, "port_of_seizure": "MOMFM"}
    amber = {**red, "handling": {"tlp": "AMBER", "releasable_to": ["US-CBP"]}}
    other = seizure_record(record_id="V-2")
    feed = write_ndjson(tmp_path / "versions.ndjson", [red, other, green, amber, amber])
    loader = _loader(store, tmp_path, batch_size=batch_size)
    report = loader.load_file(feed)
    # Three versions of V-1 (the last copy of AMBER is identical to the one before).
    assert (report.read, report.loaded, report.updated, report.unchanged) == (5, 4, 2, 1)
    assert report.balanced
    state = _seizure_state(store, "HK-CED:V-1")
    assert state["tlp"] == "AMBER" and state["line"] == 4
    earlier = [json.loads(entry) for entry in state["history"]]  # type: ignore[attr-defined]
    assert [json.loads(entry["record"])["handling"]["tlp"] for entry in earlier] == ["RED", "GREEN"]
    assert [entry["source"][-2:] for entry in earlier] == ["01", "03"]
    # The links are those of the last version only (the seizure port of RED again).
    assert ("SEIZED_AT", "HKHKG") in state["links"]  # type: ignore[operator]
    assert ("SEIZED_AT", "MOMFM") not in state["links"]  # type: ignore[operator]

    before = (summarise(store, OPERATOR), state)
    again = loader.load_file(feed)
    assert (again.read, again.loaded, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert (summarise(store, OPERATOR), _seizure_state(store, "HK-CED:V-1")) == before


def test_versions_across_files_of_one_run_read_again_change_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    first = seizure_record(record_id="V-9", port_of_seizure="HKHKG")
    second = {**first, "port_of_seizure": "MOMFM"}
    loader = _loader(store, tmp_path)
    files = [
        write_ndjson(tmp_path / "monday.ndjson", [first]),
        write_ndjson(tmp_path / "tuesday.ndjson", [second]),
    ]
    reports = [loader.load_file(path) for path in files]
    assert [(r.loaded, r.updated) for r in reports] == [(1, 0), (1, 1)]
    before = _seizure_state(store, "HK-CED:V-9")
    # Monday's file again: its version was superseded by Tuesday's, not a correction.
    again = [loader.load_file(path) for path in files]
    assert [(r.loaded, r.unchanged) for r in again] == [(0, 1), (0, 1)]
    assert _seizure_state(store, "HK-CED:V-9") == before
    assert len(before["history"]) == 1  # type: ignore[arg-type]


def _refusing(poisoned: set[str], error: Exception):  # type: ignore[no-untyped-def]
    """`write_seizures` as if the database refused any batch holding a record of
    `poisoned` (no record the embedded server refuses is known: record ids, names,
    marks and ports of 4,000 characters, 5,000 goods and astral scripts all load)."""
    real = graph_write.write_seizures

    def write(store: GraphStore, batch: list[object]) -> object:
        if any(seizure.id in poisoned for seizure in batch):  # type: ignore[attr-defined]
            raise error
        return real(store, batch)  # type: ignore[arg-type]

    return write


def test_a_record_the_database_refuses_is_quarantined_and_the_rest_load(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph import load
    from graph.errors import InvalidQuery

    records = [seizure_record(record_id=f"DB-{i}") for i in range(7)]
    refused = InvalidQuery("The graph database rejected a statement: key too long")
    monkeypatch.setattr(load, "write_seizures", _refusing({"HK-CED:DB-4"}, refused))
    feed = write_ndjson(tmp_path / "refused.ndjson", records)
    report = _loader(store, tmp_path).load_file(feed)
    assert (report.read, report.loaded, report.quarantined, report.failed) == (7, 6, 1, None)
    assert report.quarantine_file is not None
    [entry] = [json.loads(line) for line in Path(report.quarantine_file).read_text().splitlines()]
    assert entry["line"] == 5
    assert entry["reason"].startswith("the graph database refused the record (InvalidQuery")
    assert json.loads(entry["raw"])["record_id"] == "DB-4"


def test_a_batch_nothing_of_which_can_be_written_stops_the_load(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph import load
    from graph.errors import GraphUnavailable, InvalidQuery

    records = [seizure_record(record_id=f"ALL-{i}") for i in range(3)]
    feed = write_ndjson(tmp_path / "broken.ndjson", records)
    ids = {f"HK-CED:ALL-{i}" for i in range(3)}
    # A statement that fails for every record is not a record's fault: the load stops.
    monkeypatch.setattr(load, "write_seizures", _refusing(ids, InvalidQuery("broken statement")))
    with pytest.raises(load.LoadInterrupted) as stopped:
        _loader(store, tmp_path).load_file(feed)
    assert stopped.value.report.failed is not None
    assert "the load stopped in this file: broken statement" in stopped.value.report.failed
    assert isinstance(stopped.value.__cause__, InvalidQuery)
    # The database away: no record is blamed, the load stops at once.
    away = GraphUnavailable("The graph database at bolt://x cannot be reached.")
    monkeypatch.setattr(load, "write_seizures", _refusing({"HK-CED:ALL-1"}, away))
    with pytest.raises(load.LoadInterrupted) as interrupted:
        _loader(store, tmp_path).load_file(feed)
    assert interrupted.value.report.quarantined == 0
    assert "cannot be reached" in (interrupted.value.report.failed or "")
