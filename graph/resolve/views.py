"""Entities as each agency may see them.

Resolution links parties over every record (`graph.resolve.service`), and an
entity is a connected component of binding links (`Party.cluster`). An agency sees
only some of the records, so it sees a sub-graph of those components, and its
entities are the components of what it sees:

- a party is in its view when a visible record names it (`Party.vis`);
- a confirmed link binds in its view when it sees both parties (`SAME_AS.vis`);
- an automatic link binds in its view only when it sees everything the link was
  scored on: both parties, the names they were compared by, every artefact they
  share (`SAME_AS.evidence_vis`). A link made on a phone that only a RED record of
  another agency gives binds nothing for the others: they learn neither the link
  nor that the two share something. (Seen conservatively: such a link does not
  bind even when what the agency sees would have been enough.)

Where every agency's components agree with the global one, a party keeps none of
this (`view_clusters` null) and its `cluster` serves every view. Where they do not,
each party of the component lists its entity per view: `"<agency>=<entity id>"`
for every agency named in the component's tokens, and `"*=<entity id>"` for the
view of every other agency (only what is CLEAR or GREEN). `queries.view_cluster`
reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.access import PUBLIC, PUBLIC_VIEWER, visible_to
from graph.model import LinkStatus


@dataclass(frozen=True)
class LinkSight:
    """A binding link and who may see it."""

    a: str
    b: str
    status: str
    vis: Sequence[str]
    evidence_vis: Sequence[str]


def binds_for(link: LinkSight, agency: str) -> bool:
    if link.status == LinkStatus.CONFIRMED:
        return visible_to(link.vis, agency)
    return visible_to(link.evidence_vis, agency)


def _named(tokens: Iterable[Sequence[str] | None]) -> set[str]:
    return {t for group in tokens for t in group or () if t != PUBLIC}


def view_entries(
    component: set[str], vis: dict[str, Sequence[str] | None], links: list[LinkSight]
) -> dict[str, list[str] | None]:
    """Per party of one global component, its entity per view (`"<view>=<entity>"`),
    or None for every party when every view agrees with the component itself."""
    cluster = min(component)
    views = sorted(
        _named(
            [
                *(vis.get(p) for p in component),
                *(link.vis for link in links),
                *(link.evidence_vis for link in links),
            ]
        )
    )
    entries: dict[str, list[str]] = {pid: [] for pid in component}
    uniform = True
    for view in [*views, PUBLIC]:
        agency = PUBLIC_VIEWER if view == PUBLIC else view
        seen = {pid for pid in component if visible_to(vis.get(pid), agency)}
        graph = nx.Graph()
        graph.add_nodes_from(seen)
        graph.add_edges_from(
            (link.a, link.b)
            for link in links
            if link.a in seen and link.b in seen and binds_for(link, agency)
        )
        for part in nx.connected_components(graph):
            entity = min(part)
            if entity != cluster:
                uniform = False
            for pid in part:
                entries[pid].append(f"{view}={entity}")
    if uniform:
        return dict.fromkeys(component)
    return {pid: (found or None) for pid, found in entries.items()}
