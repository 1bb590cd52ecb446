"""Per-principal limits on heavy calls: two principals, one flooding."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.limits import HeavyCallLimits, heavy_kind
from graph.config import Settings
from graph.principals import create_principal
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread

CONCURRENT = 2
PER_MINUTE = 4


@pytest.fixture
def served(store: GraphStore, tmp_path: Path) -> Iterator[tuple[str, Settings, dict[str, Any]]]:
    records = [seizure_record(), seizure_record()]
    load_records(store, tmp_path / "feeds", records)
    settings = Settings(
        data_dir=tmp_path, api_heavy_concurrent=CONCURRENT, api_heavy_per_minute=PER_MINUTE
    )
    ids = [f"{r['agency']}:{r['record_id']}" for r in records]
    with serve_in_thread(create_app(settings, store=store)) as base_url:
        yield base_url, settings, {"seizures": ids}


def _client(base_url: str, store: GraphStore) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=60, headers=auth(new_key(store)))


def _paths(ids: list[str]) -> dict[str, Any]:
    return {"source": ids[0], "target": ids[1], "max_hops": 6}


def test_a_flooding_principal_is_refused_and_the_other_keeps_being_served(
    served: tuple[str, Settings, dict[str, Any]], store: GraphStore
) -> None:
    base_url, _, data = served
    ids = data["seizures"]
    with _client(base_url, store) as flooder, _client(base_url, store) as other:
        with ThreadPoolExecutor(max_workers=12) as pool:
            flood = [pool.submit(flooder.get, "/v1/paths", params=_paths(ids)) for _ in range(8)]
            lookups = [pool.submit(other.get, f"/v1/seizures/{ids[0]}") for _ in range(8)]
            flooded = [future.result() for future in flood]
            looked = [future.result() for future in lookups]

        assert {answer.status_code for answer in looked} == {200}
        codes = [answer.status_code for answer in flooded]
        assert set(codes) <= {200, 429}, codes
        # At most its minute's burst got through; every other one was refused.
        assert codes.count(200) <= PER_MINUTE and codes.count(429) >= 8 - PER_MINUTE, codes
        refused = next(answer for answer in flooded if answer.status_code == 429)
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["Retry-After"]) >= 1
        problem = refused.json()
        assert problem["type"] == "urn:iprgraph:problem:too-many-requests"
        assert problem["detail"].count(".") == 1 and "path search" in problem["detail"]

        # Spent, the flooder is refused heavy calls, not light ones; the other
        # principal has a budget of its own.
        for _ in range(PER_MINUTE):  # what the slots refused did not spend the budget
            spent = flooder.get("/v1/paths", params=_paths(ids))
            if spent.status_code == 429:
                break
        assert spent.status_code == 429, spent.text
        assert "heavy calls in the last minute" in spent.json()["detail"]
        assert flooder.get(f"/v1/seizures/{ids[0]}").status_code == 200
        assert flooder.get(f"/v1/entities/{ids[0]}/neighborhood").status_code == 200
        assert (
            flooder.get(f"/v1/entities/{ids[0]}/neighborhood", params={"depth": 2}).status_code
            == 429
        )
        assert other.get("/v1/paths", params=_paths(ids)).status_code == 200
        assert other.get("/v1/stats/seizures").status_code == 200


def test_a_principal_holding_all_its_slots_waits_for_one(
    served: tuple[str, Settings, dict[str, Any]], store: GraphStore
) -> None:
    """The slots are the host's, not one process's: held here (as another API
    process of the host would hold them), they are full for the API too."""
    base_url, settings, data = served
    ids = data["seizures"]
    limits = HeavyCallLimits(settings.data_dir / "limits", concurrent=CONCURRENT, per_minute=60)
    principal = create_principal(store, name="busy", agency="US-CBP", role="investigator")
    with (
        httpx.Client(base_url=base_url, timeout=60, headers=auth(principal.key)) as busy,
        _client(base_url, store) as other,
    ):
        held = [limits._take_slot(principal.principal.id) for _ in range(CONCURRENT)]
        assert all(fd is not None for fd in held)
        try:
            refused = busy.get("/v1/stats/seizures")
            assert refused.status_code == 429, refused.text
            assert f"already runs {CONCURRENT} heavy calls" in refused.json()["detail"]
            assert refused.headers["Retry-After"] == "1"
            assert other.get("/v1/stats/seizures").status_code == 200
            assert busy.get(f"/v1/seizures/{ids[0]}").status_code == 200
        finally:
            for fd in held:
                os.close(fd)  # type: ignore[arg-type]
        assert busy.get("/v1/stats/seizures").status_code == 200


def test_heavy_routes_are_told_by_their_template_and_depth() -> None:
    assert heavy_kind("/v1/paths", None) == "path search"
    assert heavy_kind("/v1/entities/{node_id}/neighborhood", None) is None
    assert heavy_kind("/v1/entities/{node_id}/neighborhood", "1") is None
    assert heavy_kind("/v1/entities/{node_id}/neighborhood", "2") == "deep neighbourhood"
    assert heavy_kind("/v1/stats/seizures", None) == "statistics"
    assert heavy_kind("/v1/exchange/statistics", None) == "statistics"
    assert heavy_kind("/v1/networks/{network_id}", None) == "network detail"
    assert heavy_kind("/v1/pictures/network/{network_id}", None) == "picture"
    assert heavy_kind("/v1/export", None) == "export"
    assert heavy_kind("/v1/seizures/{seizure_id}", None) is None
    assert heavy_kind("/v1/networks", None) is None
