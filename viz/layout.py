"""Where each node starts, so that the browser's layout has little left to do.

vis-network lays a picture out by simulating springs and repulsion. From random
positions, 2,000 nodes need hundreds of steps to untangle (14 s in headless
Chromium here, BENCHMARKS.md); from a start that already puts each group of nodes
together, a hundred steps settle it. This computes that start in one pass, in
plain Python (no numpy): groups (a network's communities, else the connected
components) are laid out each as rings around a root (a node the answer is about,
else the best-connected), breadth first, children near their parent's angle; the
groups are then packed in rows, biggest first.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["initial_positions"]

# Pixels between two nodes on a ring, and between two rings.
_SPACING = 28.0
_RING = 90.0
_GAP = 60.0


def _components(nodes: Sequence[str], adjacency: Mapping[str, set[str]]) -> list[list[str]]:
    seen: set[str] = set()
    found = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        part, queue = [], deque([start])
        while queue:
            here = queue.popleft()
            part.append(here)
            for there in adjacency[here]:
                if there not in seen:
                    seen.add(there)
                    queue.append(there)
        found.append(part)
    return found


def _rings(
    members: list[str], adjacency: Mapping[str, set[str]], root: str
) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions of a group around (0, 0), breadth first from `root`, and its radius."""
    inside = set(members)
    angle: dict[str, float] = {root: 0.0}
    levels: list[list[str]] = [[root]]
    seen = {root}
    while True:
        level = []
        for parent in levels[-1]:
            children = sorted(n for n in adjacency[parent] if n in inside and n not in seen)
            for child in children:
                seen.add(child)
                angle[child] = angle[parent]
                level.append(child)
        if not level:
            break
        levels.append(level)
    rest = [n for n in members if n not in seen]  # not reachable inside the group
    if rest:
        levels.append(rest)
        for n in rest:
            angle[n] = 0.0
    positions = {root: (0.0, 0.0)}
    radius = 0.0
    for depth, level in enumerate(levels[1:], start=1):
        # Keep children near their parent's angle; spread the ring evenly.
        level.sort(key=lambda n: angle[n])
        radius = max(radius + _RING, depth * _RING, len(level) * _SPACING / (2 * math.pi))
        for i, node in enumerate(level):
            theta = 2 * math.pi * i / len(level)
            angle[node] = theta
            positions[node] = (radius * math.cos(theta), radius * math.sin(theta))
    return positions, radius + _SPACING


def initial_positions(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    groups: Mapping[str, int] | None = None,
    roots: Sequence[str] = (),
) -> dict[str, tuple[float, float]]:
    """A starting position for every node (pixels, origin near the middle)."""
    adjacency: dict[str, set[str]] = {node: set() for node in nodes}
    for a, b in edges:
        if a in adjacency and b in adjacency and a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    parts: list[list[str]]
    if groups:
        by_group: dict[int, list[str]] = defaultdict(list)
        ungrouped = []
        for node in nodes:
            if node in groups:
                by_group[groups[node]].append(node)
            else:
                ungrouped.append(node)
        parts = list(by_group.values())
        sub = {n: {m for m in adjacency[n] if m not in groups} for n in ungrouped}
        parts += _components(ungrouped, sub)
    else:
        parts = _components(nodes, adjacency)
    first = {root: i for i, root in enumerate(roots)}
    laid = []
    for members in parts:
        root = min(
            members,
            key=lambda n: (first.get(n, len(first)), -len(adjacency[n]), n),
        )
        laid.append(_rings(members, adjacency, root))
    laid.sort(key=lambda item: -item[1])
    # Rows about as wide as the whole is high: the area of the groups' squares.
    width = math.sqrt(sum((2 * r) ** 2 for _, r in laid)) * 1.1
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for group, radius in laid:
        size = 2 * radius
        if x > 0 and x + size > width:
            x, y, row_height = 0.0, y + row_height + _GAP, 0.0
        cx, cy = x + radius, y + radius
        for node, (px, py) in group.items():
            positions[node] = (round(cx + px - width / 2, 1), round(cy + py - width / 2, 1))
        x += size + _GAP
        row_height = max(row_height, size)
    return positions
