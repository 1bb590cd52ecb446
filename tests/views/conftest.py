"""Pictures, exports and the web workspace on one small world, served by the whole
API and loaded once for the package through the real loader, resolver and networks
build: the world of tests/viz/conftest.py, whose records differ in handling so that
agencies see different things of it.

    US-CBP sees every record (its own RED one, Hong Kong's released to it, the
    GREEN one): the two fronts sharing a phone form a network. Hong Kong does not
    see CBP's RED seizure: the second front, its phone link and that network are
    not there for it. Macao sees only the GREEN record.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.access import Role, Viewer
from graph.analysis.networks import build_networks, list_networks
from graph.answers import Answers
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from tests.conftest import open_test_store
from tests.factories import load_records
from tests.graph.test_networks import FRONT_A, FRONT_B, pid
from tests.helpers import auth, new_key, serve_in_thread, workspace_client
from tests.viz.conftest import FORMULA, HOSTILE, world_records

__all__ = ["Site"]


@dataclass
class Site:
    store: GraphStore
    base_url: str
    settings: Settings
    network: str  # US-CBP's network of the two fronts
    front_a: str
    front_b: str
    hostile: str
    formula: str
    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def key(self, agency: str = "US-CBP", role: str = "investigator") -> str:
        """A principal's key, one per agency and role (made once)."""
        if (agency, role) not in self.keys:
            self.keys[(agency, role)] = new_key(self.store, agency=agency, role=role)
        return self.keys[(agency, role)]

    def api(self, agency: str = "US-CBP", role: str = "investigator") -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=60, headers=auth(self.key(agency, role))
        )

    def workspace(
        self, agency: str = "US-CBP", role: str = "investigator"
    ) -> contextlib.AbstractContextManager[httpx.Client]:
        """A client signed in to the workspace through its form, as a browser is."""
        return workspace_client(self.base_url, self.key(agency, role))

    def answers(self, agency: str) -> Answers:
        """What the services answer an investigator of `agency`, to compare with."""
        viewer = Viewer(agency=agency, role=Role.INVESTIGATOR)
        return Answers(self.store, viewer, self.settings.analysis_time_limit_s)


@pytest.fixture(scope="package")
def site(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    tmp: Path = tmp_path_factory.mktemp("workspace")
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            load_records(store, tmp / "feeds", world_records())
            resolve(store)
            build_networks(store)
            [network] = list_networks(store, Viewer(agency="US-CBP")).items
            settings = Settings(data_dir=tmp / "data")
            with serve_in_thread(create_app(settings, store=store)) as base_url:
                yield Site(
                    store=store,
                    base_url=base_url,
                    settings=settings,
                    network=network.id,
                    front_a=pid(FRONT_A["name"]),
                    front_b=pid(FRONT_B["name"]),
                    hostile=pid(HOSTILE, "US"),
                    formula=pid(FORMULA, "US"),
                )
    finally:
        embedded_server.drop_database(name)
