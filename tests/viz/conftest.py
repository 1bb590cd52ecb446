"""A small world for pictures and exports, loaded once per module through the real
loader into a database of its own, and the answers the real services give on it.

    Two fronts share a phone and a maker (one network, tests/graph/test_networks.py);
    one of their buyers is named with markup and a spreadsheet formula, as an
    agency's record could name it; one seizure is RED, one GREEN; and a second
    spelling of a front makes an entity of two parties.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.access import OPERATOR
from graph.analysis.networks import build_networks, party_networks
from graph.analysis.paths import PathMode
from graph.answers import Answer, Answers
from graph.embedded import EmbeddedServer
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from tests.conftest import open_test_store
from tests.factories import load_records
from tests.graph.test_networks import FRONT_A, FRONT_B, MAKER, pid, record

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Imports & Co'
FORMULA = '=HYPERLINK("http://example.invalid/x","open")'
FRONT_A_AGAIN = {**FRONT_A, "name": "Huaxin Trading (Shenzhen) Co., Ltd."}


def world_records() -> list[dict[str, Any]]:
    return [
        record(FRONT_A, "Pacific Coast Distributors LLC", "2024-01-10", manufacturers=MAKER),
        record(
            FRONT_B,
            "Lone Star Wholesale Inc",
            "2024-03-02",
            agency="US-CBP",
            manufacturers=MAKER,
            handling={"tlp": "RED", "releasable_to": []},
        ),
        record(FRONT_A, {"name": HOSTILE, "country": "US"}, "2024-02-01"),
        record(
            FRONT_A_AGAIN,
            {"name": FORMULA, "country": "US"},
            "2024-05-20",
            handling={"tlp": "GREEN", "releasable_to": []},
        ),
    ]


@dataclass
class World:
    store: GraphStore
    answers: Answers
    network: str
    front_a: str
    front_b: str
    hostile: str
    formula: str

    def all_answers(self) -> dict[str, Answer]:
        return {
            "network": self.answers.network(self.network),
            "neighbourhood": self.answers.neighbourhood(self.front_a, 2, None, 200, False),
            "paths": self.answers.paths(self.hostile, self.front_b, 6, PathMode.K, 3, False),
            "entity": self.answers.entity(self.front_a),
        }


@pytest.fixture(scope="module")
def world(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            tmp: Path = tmp_path_factory.mktemp("viz-world")
            load_records(store, tmp, world_records())
            resolve(store)
            build_networks(store)
            networks = {n for n in party_networks(store).values() if n}
            assert len(networks) == 1, networks
            yield World(
                store=store,
                answers=Answers(store, OPERATOR, time_limit_s=30.0),
                network=networks.pop(),
                front_a=pid(FRONT_A["name"]),
                front_b=pid(FRONT_B["name"]),
                hostile=pid(HOSTILE, "US"),
                formula=pid(FORMULA, "US"),
            )
    finally:
        embedded_server.drop_database(name)


@pytest.fixture(scope="module")
def answers(world: World) -> dict[str, Answer]:
    return world.all_answers()
