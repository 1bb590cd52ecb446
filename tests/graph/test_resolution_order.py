"""Resolution's candidates depend on the graph, not on which runs took its parties
in: the agencies' feeds resolved one after the other link the pairs that one run over
them all links, also when a key passes the busy-key cap between two runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import queries
from graph.embedded import EmbeddedServer
from graph.pipeline import load_feeds
from graph.resolve.service import party_clusters, resolve
from graph.store import GraphStore
from ingest.generate import generate
from ingest.manifest import manifest_feeds
from tests.helpers import database_of_its_own

# Small, so that many of a generated world's keys pass it as the feeds come in (a
# city's name, a forwarder's phone): the default, 30, is passed by a few keys only
# at this world's size.
CAP = 6


def _links(store: GraphStore) -> dict[tuple[str, str], str]:
    """Every SAME_AS link, as (smaller id, larger id) -> status."""
    rows = store.read(queries.TOUCHING_LINKS_QUERY, ids=sorted(party_clusters(store)))
    return {(row["a"], row["b"]): row["status"] for row in rows}


@pytest.mark.parametrize("seed", [11, 12])
def test_feeds_resolved_one_after_the_other_link_the_pairs_of_one_run(
    embedded_server: EmbeddedServer, tmp_path: Path, seed: int
) -> None:
    generate(300, seed, tmp_path / "world")
    feeds = manifest_feeds(tmp_path / "world")
    assert len(feeds) >= 5
    with database_of_its_own(embedded_server) as together:
        assert load_feeds(together, feeds, tmp_path / "q1")[1] is None
        resolve(together, max_block=CAP, max_listed=CAP)
        expected = _links(together)
    with database_of_its_own(embedded_server) as in_turn:
        requeued = 0
        for feed in feeds:
            assert load_feeds(in_turn, [feed], tmp_path / "q2")[1] is None
            requeued += resolve(in_turn, max_block=CAP, max_listed=CAP).requeued
        got = _links(in_turn)
    # The case this test is about: keys passed the cap between runs, and their
    # holders were compared again.
    assert requeued > 0
    assert got.keys() == expected.keys(), (
        sorted(got.keys() - expected.keys()),
        sorted(expected.keys() - got.keys()),
    )
    # Which of those links are automatic can differ: `decide_links` takes an
    # earlier run's entities as they are and adds to them strongest link first, where
    # one run weighs every link of them at once (seed 11: 4 of its links).
    differ = sum(got[pair] != expected[pair] for pair in got)
    assert differ <= len(got) // 50, differ
