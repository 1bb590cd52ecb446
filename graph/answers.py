"""Graph answers as pictures and exports take them: a model (a network, a
neighbourhood, paths, an entity) and what a picture needs besides it (every seizure
naming each party, whose handling the picture carries; names of parties outside an
entity), built by the services of `graph/` as one viewer may see it. `viz/` turns
an `Answer` into a page or a file; the CLI (`iprgraph view`, `export`) and the API
build them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.access import Viewer
from graph.analysis.neighbourhood import neighbourhood
from graph.analysis.networks import get_network, network_of
from graph.analysis.paths import PathMode, find_paths
from graph.resolve.entities import entity
from graph.resolve.service import profile_rows
from graph.seizures import SeizureFilters, SeizureSummary, list_seizures
from graph.store import GraphStore

__all__ = ["ENTITY_SEIZURES_PAGE", "Answer", "Answers"]

# Seizures read per page for each party of an entity or a network (all pages are
# read: the handling of a picture is that of every record behind its parties).
ENTITY_SEIZURES_PAGE = 200


@dataclass
class Answer:
    """A model for `viz`, with what `picture_of` needs besides it."""

    model: Any
    picture_args: dict[str, Any]


class Answers:
    """Every graph answer that is drawn or exported, built by the services of graph/
    as `viewer` may see it."""

    def __init__(self, store: GraphStore, viewer: Viewer, time_limit_s: float) -> None:
        self.store = store
        self.viewer = viewer
        self.time_limit_s = time_limit_s

    def network(self, network_or_entity: str) -> Answer:
        network = network_or_entity
        if not network.startswith("net:"):
            network = network_of(self.store, self.viewer, network_or_entity).summary.id
        detail = get_network(self.store, self.viewer, network)
        parties = sorted(
            party["id"]
            for node in detail.graph.nodes
            for party in node.properties.get("parties") or []
        )
        seizures = {party: self._seizures_of(party) for party in parties}
        return Answer(detail, {"seizures": seizures})

    def neighbourhood(
        self, node: str, depth: int, types: list[str] | None, limit: int, through_hubs: bool
    ) -> Answer:
        graph = neighbourhood(
            self.store,
            self.viewer,
            node,
            depth=depth,
            types=types,
            limit=limit,
            through_hubs=through_hubs,
            time_limit_s=self.time_limit_s,
        )
        return Answer(graph, {"anchor": node})

    def paths(
        self, source: str, target: str, max_hops: int, mode: PathMode, k: int, through_hubs: bool
    ) -> Answer:
        answer = find_paths(
            self.store,
            self.viewer,
            source,
            target,
            max_hops=max_hops,
            mode=mode,
            k=k,
            through_hubs=through_hubs,
            time_limit_s=self.time_limit_s,
        )
        return Answer(answer, {})

    def entity(self, party: str) -> Answer:
        view = entity(self.store, self.viewer, party)
        members = {row["id"] for row in view.members}
        outside = {end for link in view.suggestions for end in (link["a"], link["b"])} - members
        names = {row["id"]: row["name"] for row in profile_rows(self.store, outside, self.viewer)}
        seizures = {member: self._seizures_of(member) for member in sorted(members)}
        return Answer(view, {"party_names": names, "seizures": seizures})

    def _seizures_of(self, party: str) -> list[SeizureSummary]:
        found: list[SeizureSummary] = []
        cursor = None
        while True:
            page = list_seizures(
                self.store,
                self.viewer,
                SeizureFilters(party=party),
                limit=ENTITY_SEIZURES_PAGE,
                cursor=cursor,
            )
            found += page.items
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor
