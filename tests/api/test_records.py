"""`POST /v1/records`: an agency pushes its seizures; they are loaded, resolved and in
their networks when the answer comes, with the ingest's accounting; another
agency's records are refused, each with its reason; a batch sent twice loads
nothing the second time; two pushes at once give the graph of one after the other."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph import pipeline, work
from graph.analysis.networks.projection import pull
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.work import Work
from ingest.normalised import party_identity
from tests.factories import seizure_record
from tests.helpers import (
    api_store,
    assert_same_graph,
    auth,
    database_of_its_own,
    graph_fingerprint,
    networks_state,
    new_key,
    serve_in_thread,
    served,
)


def _record(number: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": f"HK-PUSH-{number}",
        "agency": "HK-CED",
        "shipper": {"name": "Huaxin Trading Co", "country": "CN", "phone": "+86 755 8888 1234"},
        "consignee": {"name": f"Importer {number % 3} LLC", "country": "US"},
        "containers": [],
    }
    return seizure_record(**{**fields, **overrides})


@pytest.fixture
def api(store: GraphStore, tmp_path: Path) -> Any:
    settings = Settings(data_dir=tmp_path / "data", api_max_push_records=50)
    with serve_in_thread(create_app(settings, store=store)) as base_url:
        yield base_url, settings


def _client(base_url: str, store: GraphStore, agency: str, role: str) -> httpx.Client:
    key = new_key(store, agency=agency, role=role)
    return httpx.Client(base_url=base_url, timeout=120, headers=auth(key))


def test_a_push_is_loaded_resolved_and_networked_and_again_loads_nothing(
    api: Any, store: GraphStore
) -> None:
    base_url, settings = api
    batch = [
        _record(1),
        _record(2, consignee={"name": "Importer 1 LLC", "country": "US"}),
        _record(3, agency="US-CBP"),  # another agency's record
        {"record_id": "HK-BROKEN"},  # no date, no parties...
    ]
    with _client(base_url, store, "HK-CED", "feed") as feed:
        answer = feed.post("/v1/records", json=batch)
        assert answer.status_code == 200, answer.text
        first = answer.json()
        assert (first["read"], first["loaded"], first["quarantined"], first["unchanged"]) == (
            4,
            2,
            2,
            0,
        )
        refused = {item["record_id"]: item for item in first["rejected"]}
        assert set(refused) == {"HK-PUSH-3", "HK-BROKEN"}
        assert "US-CBP" in refused["HK-PUSH-3"]["reason"]
        assert refused["HK-PUSH-3"]["line"] == 3
        # Resolved when the answer came; the answer says how long it took, not what
        # the run counted (its counts are over every agency's queued records).
        assert not work.queued(store, Work.PARTIES).nodes
        assert not work.queued(store, Work.SEIZURES).nodes
        assert set(first["resolution"]) == set(first["networks"]) == {"seconds", "phases_s"}
        assert set(first["resolution"]["phases_s"]) <= {"keys", "scores", "links", "entities"}
        assert set(first["networks"]["phases_s"]) <= {"region", "read", "compute", "write"}
        # Two seizures of one shipper and one consignee: a network, there when the
        # answer came.
        networks = {row["network"] for row in pull(store).parties.values() if row["network"]}
        assert len(networks) == 1
        shipper = party_identity("Huaxin Trading Co", "CN").id
        assert pull(store).parties[shipper]["network"] in networks
        # The quarantine keeps the refused records with their reasons.
        kept = list((settings.data_dir / "quarantine" / "pushed" / "HK-CED").glob("*.ndjson"))
        assert kept and "HK-BROKEN" in kept[0].read_text(encoding="utf-8")

        again = feed.post("/v1/records", json=batch).json()
        assert (again["read"], again["loaded"], again["unchanged"], again["quarantined"]) == (
            4,
            0,
            2,
            2,
        )
        # NDJSON, the same records: nothing new either.
        lines = "".join(json.dumps(r) + "\n" for r in batch[:2])
        ndjson = feed.post(
            "/v1/records",
            content=lines.encode(),
            headers={"Content-Type": "application/x-ndjson"},
        ).json()
        assert (ndjson["read"], ndjson["loaded"], ndjson["unchanged"]) == (2, 0, 2)


def test_who_may_push_and_how_much(api: Any, store: GraphStore) -> None:
    base_url, _ = api
    for role in ("investigator", "partner", "admin"):
        with _client(base_url, store, "HK-CED", role) as client:
            refused = client.post("/v1/records", json=[_record(10)])
            assert refused.status_code == 403, (role, refused.text)
    with _client(base_url, store, "HK-CED", "analyst") as analyst:
        assert analyst.post("/v1/records", json=[_record(11)]).status_code == 200
        too_many = analyst.post("/v1/records", json=[_record(20 + i) for i in range(51)])
        assert too_many.status_code == 413
        assert "at most 50" in too_many.json()["detail"]
        big = analyst.post(
            "/v1/records",
            content=b"[" + b" " * (9 << 20) + b"]",
            headers={"Content-Type": "application/json"},
        )
        assert big.status_code == 413
        assert "IPRGRAPH_API_MAX_PUSH_BYTES" in big.json()["detail"]
        not_a_list = analyst.post("/v1/records", json={"record_id": "x"})
        assert not_a_list.status_code == 422
        assert "JSON array" in not_a_list.json()["detail"]
        assert analyst.post("/v1/records", json=[]).status_code == 422
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.post("/v1/records", json=[_record(12)]).status_code == 401


PUSHING = ("HK-CED", "US-CBP", "MO-CS", "CN-GACC", "EU-NL", "EU-DE", "EU-BE")


def _pushed_batches() -> list[tuple[str, list[dict[str, Any]]]]:
    """A batch per agency; the batches name the same few shippers (with their
    phones and addresses) and consignees, and the first two overlap (HK-CED sends
    some records twice), so that loads meet on the same nodes."""
    batches = []
    for number, agency in enumerate(PUSHING):
        records = [
            _record(
                1000 * number + i,
                record_id=f"{agency}-PUSH-{i}",
                agency=agency,
                shipper={
                    "name": f"Shenzhen Trader {i % 5} Co",
                    "country": "CN",
                    "phone": f"+86 755 8000 10{i % 5}0",
                    "address": f"{i % 5 + 1} Shennan Road, Futian, Shenzhen",
                },
                consignee={"name": f"Importer {(i + number) % 4} LLC", "country": "US"},
                containers=[["MSKU1234565", "TGHU0000014"][i % 2]],
                handling={"tlp": "GREEN", "releasable_to": []},
            )
            for i in range(12)
        ]
        batches.append((agency, records))
    batches.insert(1, ("HK-CED", batches[0][1][6:]))  # sent again, in part
    return batches


def test_seven_pushes_at_once_all_answer_and_give_the_graph_of_one_after_the_other(
    embedded_server: EmbeddedServer, database: str, tmp_path: Path
) -> None:
    """Pushes queue behind the pipeline's lock: at the API's short retry budget, eight
    pushes at once (seven agencies) all answer 200, and the graph is that of the same
    pushes one after the other."""
    batches = _pushed_batches()

    # One after the other, in a database of its own.
    with database_of_its_own(embedded_server) as one_by_one:
        with served(one_by_one, tmp_path / "seq") as url:
            keys = {agency: new_key(one_by_one, agency=agency, role="feed") for agency in PUSHING}
            for agency, batch in batches:
                headers = auth(keys[agency])
                with httpx.Client(base_url=url, timeout=300, headers=headers) as client:
                    answer = client.post("/v1/records", json=batch)
                assert answer.status_code == 200, answer.text
        expected = (graph_fingerprint(one_by_one), networks_state(one_by_one))

    with api_store(embedded_server, database) as store:
        ensure_schema(store)
        keys = {agency: new_key(store, agency=agency, role="feed") for agency in PUSHING}
        answers: list[tuple[int, str]] = []
        start = threading.Barrier(len(batches))
        with served(store, tmp_path / "data") as url:

            def push(agency: str, batch: list[dict[str, Any]]) -> None:
                headers = auth(keys[agency])
                with httpx.Client(base_url=url, timeout=600, headers=headers) as client:
                    start.wait()
                    answer = client.post("/v1/records", json=batch)
                answers.append((answer.status_code, answer.text[:300]))

            threads = [threading.Thread(target=push, args=batch) for batch in batches]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert [code for code, _ in answers] == [200] * len(batches), answers
        got = (graph_fingerprint(store), networks_state(store))
    assert_same_graph(got, expected)


def test_a_push_waits_its_turn_for_a_bounded_time(store: GraphStore, tmp_path: Path) -> None:
    """A push that cannot have the pipeline's lock within IPRGRAPH_API_PUSH_WAIT_S is
    answered 503 with Retry-After, loads nothing, and loads when sent again."""
    settings = Settings(data_dir=tmp_path / "data", api_push_wait_s=0.5)
    with (
        serve_in_thread(create_app(settings, store=store)) as url,
        _client(url, store, "HK-CED", "feed") as feed,
    ):
        with pipeline.pipeline_lock(settings.data_dir / "pipeline.lock"):
            refused = feed.post("/v1/records", json=[_record(70)])
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "30"
        assert "waited 0.5 s for its turn" in refused.json()["detail"]
        assert graph_fingerprint(store)["summary"].labels.get("Seizure", 0) == 0
        again = feed.post("/v1/records", json=[_record(70)])
    assert again.status_code == 200, again.text
    assert again.json()["loaded"] == 1
